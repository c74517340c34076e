/// How text from a manifest is shown, on the screen and in every output: one scheme, so a name
/// reads the same in the grid, the trace, a table and a message.
///
/// Manifests are user input and may hold escape sequences; nothing shown is ever a raw control
/// character or an invisible one:
/// - ESC is `\e`, TAB `\t`, LF `\n`, CR `\r`; other C0 controls, DEL and the C1 controls
///   (U+0080-U+009F) are `\xNN` (BEL `\x07`, CSI `\x9b`).
/// - Invisible format characters (bidi overrides, zero-width spaces, the BOM) and the line and
///   paragraph separators are shown by code point: `\u202e`. A zero-width joiner inside a
///   character (an emoji sequence) is part of that character and kept.
///
/// Every other character is kept, and takes one column on a canvas.
enum VisibleText {
  /// `text` with every control and invisible character escaped.
  static func escaped(_ text: String) -> String {
    // Printable ASCII, the usual case, is shown as it is.
    if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for char in text { append(char, to: &result) }
    return result
  }

  /// The characters of `text` as one-column cells, escaped.
  static func cells(_ text: String) -> [Character] {
    Array(escaped(text))
  }

  /// The number of columns `text` takes on a canvas.
  static func width(_ text: String) -> Int {
    escaped(text).count
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

  private static func append(_ char: Character, to result: inout String) {
    let scalars = char.unicodeScalars
    guard let first = scalars.first else { return }
    if !scalars.contains(where: isControl) && !isInvisible(first) {
      result.append(char)
      return
    }
    for (index, scalar) in scalars.enumerated() {
      if isControl(scalar) {
        result += controlEscape(scalar.value)
      } else if index == 0 && isInvisible(scalar) {
        result += "\\u" + hex(scalar.value, digits: 4)
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
  }

  private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
  }

  private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .format, .lineSeparator, .paragraphSeparator: true
    default: false
    }
  }

  private static func controlEscape(_ value: UInt32) -> String {
    switch value {
    case 0x1B: "\\e"
    case 0x09: "\\t"
    case 0x0A: "\\n"
    case 0x0D: "\\r"
    default: "\\x" + hex(value, digits: 2)
    }
  }

  private static func hex(_ value: UInt32, digits: Int) -> String {
    let text = String(value, radix: 16, uppercase: false)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
  }
}

extension String {
  /// The string as `VisibleText` shows it: controls and invisible characters escaped, so that
  /// text from a manifest can never drive the terminal or break a table.
  var visible: String { VisibleText.escaped(self) }
}
