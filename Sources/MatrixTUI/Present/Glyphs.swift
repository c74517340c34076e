import PolicyKit

/// The characters that carry a cell's meaning without colour.
struct Glyphs: Hashable, Sendable {
  var allowed: String
  var denied: String
  var selfCell: String
  /// Some ports allowed, others not (`--probe any`).
  var some: String
  /// A cell allowed now and not in the baseline; denied now and not in the baseline; with
  /// `any`, allowing other connections than in the baseline.
  var opened = "▲"
  var closed = "▼"
  var changed = "◆"
  /// The header's sign for the count of cells that differ from the baseline.
  var delta = "Δ"
  var minus = "−"
  /// Before the row label of a host-networked pod (whose traffic is its node's).
  var hostNetwork = "⌂"

  /// Unicode marks.
  static let unicode = Glyphs(allowed: "✓", denied: "✗", selfCell: "·", some: "◐")
  /// ASCII marks for `--ascii` and dumb terminals.
  static let ascii = Glyphs(
    allowed: "+", denied: "x", selfCell: ".", some: "~", opened: "A", closed: "D", changed: "C",
    delta: "changes", minus: "-", hostNetwork: "^")

  /// The mark of a cell that differs from the baseline.
  func mark(_ change: BaselineChange) -> String {
    switch change {
    case .opened: opened
    case .closed: closed
    case .changed: changed
    }
  }

  /// The mark for a cell of the explorer.
  func mark(_ mark: AppState.CellMark) -> String {
    switch mark {
    case .allowed: allowed
    case .some: some
    case .denied: denied
    case .selfCell: selfCell
    }
  }

  /// The mark for an outcome.
  func mark(_ outcome: Outcome) -> String {
    switch outcome {
    case .allowed: allowed
    case .denied: denied
    case .selfTraffic: selfCell
    }
  }
}
