/// Maps characters to plain ASCII for terminals or fonts without Unicode (`--ascii`).
///
/// Box drawing becomes `+ - |`, block elements `#`, common symbols get a close ASCII
/// look-alike, and any other non-ASCII character becomes `?`. ASCII is returned unchanged.
enum AsciiFallback {
  /// The ASCII stand-in for `char`.
  static func map(_ char: Character) -> Character {
    guard let scalar = char.unicodeScalars.first else { return "?" }
    if char.isASCII { return char }
    if let symbol = symbols[char] { return symbol }
    switch scalar.value {
    case 0x2500...0x257F:
      if horizontals.contains(char) { return "-" }
      if verticals.contains(char) { return "|" }
      return "+"
    case 0x2580...0x259F:
      return "#"
    default:
      return "?"
    }
  }

  /// Whether `map` changes `char`.
  static func needsMapping(_ char: Character) -> Bool { !char.isASCII }

  private static let horizontals: Set<Character> = [
    "─", "━", "═", "┄", "┅", "┈", "┉", "╌", "╍", "╴", "╶", "╸", "╺", "╼", "╾",
  ]
  private static let verticals: Set<Character> = [
    "│", "┃", "║", "┆", "┇", "┊", "┋", "╎", "╏", "╵", "╷", "╹", "╻", "╽", "╿",
  ]
  private static let symbols: [Character: Character] = [
    "…": ".", "·": ".", "•": "*", "●": "*", "○": "o", "◆": "*", "◇": "o",
    "→": ">", "←": "<", "↑": "^", "↓": "v", "▶": ">", "◀": "<", "▲": "^", "▼": "v",
    "►": ">", "◄": "<", "✓": "+", "✔": "+", "✗": "x", "✘": "x", "×": "x",
    "≠": "#", "≤": "<", "≥": ">", "–": "-", "—": "-", "‘": "'", "’": "'",
    "“": "\"", "”": "\"", "\u{00A0}": " ",
  ]
}
