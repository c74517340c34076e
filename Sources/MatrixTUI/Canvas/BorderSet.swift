/// The six characters a box border is drawn with.
struct BorderSet: Hashable, Sendable {
  var topLeft: Character
  var topRight: Character
  var bottomLeft: Character
  var bottomRight: Character
  var horizontal: Character
  var vertical: Character

  /// `┌─┐ │ └─┘`
  static let light = BorderSet(
    topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
    horizontal: "─", vertical: "│")
  /// `╭─╮ │ ╰─╯`
  static let rounded = BorderSet(
    topLeft: "╭", topRight: "╮", bottomLeft: "╰", bottomRight: "╯",
    horizontal: "─", vertical: "│")
}
