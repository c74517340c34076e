import PolicyKit

/// The characters that carry a cell's meaning without colour.
struct Glyphs: Hashable, Sendable {
  var allowed: String
  var denied: String
  var selfCell: String
  /// Some ports allowed, others not (`--probe any`).
  var some: String

  /// Unicode marks.
  static let unicode = Glyphs(allowed: "✓", denied: "✗", selfCell: "·", some: "◐")
  /// ASCII marks for `--ascii` and dumb terminals.
  static let ascii = Glyphs(allowed: "+", denied: "x", selfCell: ".", some: "~")

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
