/// One terminal cell: a character that takes exactly one column, and its style.
struct Glyph: Hashable, Sendable {
  var char: Character
  var style: Style

  /// A space in the default style: what an empty canvas is filled with.
  static let blank = Glyph(char: " ", style: .plain)

  init(char: Character, style: Style = .plain) {
    self.char = char
    self.style = style
  }
}
