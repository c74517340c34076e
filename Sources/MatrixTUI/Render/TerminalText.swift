/// Turns arbitrary strings into terminal cells that are safe to show.
///
/// Manifests are user input and may contain escape sequences. Nothing reaching the canvas is
/// ever a raw control character:
/// - C0 controls and DEL use caret notation like `cat -v`: ESC is `^[`, BEL `^G`, TAB `^I`,
///   NUL `^@`, DEL `^?`.
/// - C1 controls (U+0080-U+009F) use `cat -v`'s meta notation: CSI (U+009B) is `M-^[`.
/// - Invisible format characters (bidi overrides, zero-width spaces, BOM) and the Unicode line
///   and paragraph separators become `<U+202E>`.
/// Every other character is kept and counted as one column.
enum TerminalText {
  /// The characters of `text` as one-column cells, with controls made visible.
  static func cells(_ text: String) -> [Character] {
    var result: [Character] = []
    result.reserveCapacity(text.utf8.count)
    for char in text {
      appendCells(for: char, to: &result)
    }
    return result
  }

  /// The number of columns `text` takes on a canvas.
  static func width(_ text: String) -> Int {
    var count = 0
    var scratch: [Character] = []
    for char in text {
      if isSafe(char) {
        count += 1
      } else {
        scratch.removeAll(keepingCapacity: true)
        appendCells(for: char, to: &scratch)
        count += scratch.count
      }
    }
    return count
  }

  /// `text` cut to at most `width` columns, ending in `ellipsis` when something was cut.
  static func truncated(_ text: String, toWidth width: Int, ellipsis: String = "…") -> String {
    let all = cells(text)
    if all.count <= width { return String(all) }
    let mark = cells(ellipsis)
    if width <= mark.count { return String(all.prefix(max(0, width))) }
    return String(all.prefix(width - mark.count)) + String(mark)
  }

  /// `text` padded with spaces (or cut) to exactly `width` columns.
  static func padded(_ text: String, toWidth width: Int) -> String {
    let all = cells(text)
    if all.count >= width { return String(all.prefix(max(0, width))) }
    return String(all) + String(repeating: " ", count: width - all.count)
  }

  private static func isSafe(_ char: Character) -> Bool {
    for scalar in char.unicodeScalars where isControl(scalar.value) { return false }
    guard let first = char.unicodeScalars.first else { return false }
    return !isInvisible(first)
  }

  private static func appendCells(for char: Character, to result: inout [Character]) {
    if isSafe(char) {
      result.append(char)
      return
    }
    let scalars = char.unicodeScalars
    if !scalars.contains(where: { isControl($0.value) }), let first = scalars.first {
      // An invisible format character, possibly with marks attached: show it by code point.
      appendString(codePoint(first), to: &result)
      for scalar in scalars.dropFirst() {
        appendCells(for: Character(scalar), to: &result)
      }
      return
    }
    for scalar in scalars {
      let value = scalar.value
      if value < 0x20 || value == 0x7F {
        appendString(caret(value), to: &result)
      } else if value >= 0x80 && value <= 0x9F {
        appendString("M-" + caret(value - 0x80), to: &result)
      } else {
        appendCells(for: Character(scalar), to: &result)
      }
    }
  }

  private static func isControl(_ value: UInt32) -> Bool {
    value < 0x20 || (value >= 0x7F && value <= 0x9F)
  }

  private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .format, .lineSeparator, .paragraphSeparator: return true
    default: return false
    }
  }

  private static func caret(_ value: UInt32) -> String {
    if value == 0x7F { return "^?" }
    return "^" + String(Character(Unicode.Scalar(UInt8(truncatingIfNeeded: value + 0x40))))
  }

  private static func codePoint(_ scalar: Unicode.Scalar) -> String {
    let hex = String(scalar.value, radix: 16, uppercase: true)
    return "<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">"
  }

  private static func appendString(_ string: String, to result: inout [Character]) {
    result.append(contentsOf: string)
  }
}
