import PolicyKit

/// The characters that carry a cell's meaning without colour.
struct Glyphs: Hashable, Sendable {
  var allowed: String
  var denied: String
  var selfCell: String

  /// Unicode marks.
  static let unicode = Glyphs(allowed: "✓", denied: "✗", selfCell: "·")
  /// ASCII marks for `--ascii` and dumb terminals.
  static let ascii = Glyphs(allowed: "+", denied: "x", selfCell: ".")

  /// The mark for an outcome.
  func mark(_ outcome: Outcome) -> String {
    switch outcome {
    case .allowed: allowed
    case .denied: denied
    case .selfTraffic: selfCell
    }
  }
}
