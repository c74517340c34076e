extension String {
  /// The string with control characters (C0, DEL, C1, and so ESC) shown as escapes, so that
  /// text from a manifest can never drive the terminal or break a table.
  var visible: String {
    // Printable ASCII, the usual case, is shown as it is.
    if utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return self }
    guard unicodeScalars.contains(where: Self.isControl) else { return self }
    var result = ""
    for scalar in unicodeScalars {
      if Self.isControl(scalar) {
        switch scalar.value {
        case 0x1B: result += "\\e"
        case 0x09: result += "\\t"
        case 0x0A: result += "\\n"
        case 0x0D: result += "\\r"
        default: result += "\\x" + String(scalar.value, radix: 16, uppercase: false).leftPadded(2)
        }
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
      || scalar.properties.generalCategory == .format && scalar.value != 0x200D
  }

  /// Left-pads with zeros to `width`.
  func leftPadded(_ width: Int, with pad: Character = "0") -> String {
    count >= width ? self : String(repeating: pad, count: width - count) + self
  }

  /// Pads with spaces on the right to `width` columns (never truncates).
  func padded(_ width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }
}
