/// Text from a manifest made safe for each picture format: HTML and SVG (XML) text and
/// attributes, Graphviz DOT strings, and JSON read by a page's script. Control characters are
/// shown as escapes first (`visible`), so none reaches a browser or Graphviz.
enum MarkupEscaping {
  /// Text for HTML or XML content and for quoted attribute values (single or double); with
  /// `keepingNewlines`, line breaks stay line breaks (a JUnit failure message, a Markdown
  /// report) instead of showing as `\n`.
  static func html(_ text: String, keepingNewlines: Bool = false) -> String {
    let visible = keepingNewlines ? text.visibleKeepingNewlines : text.visible
    guard visible.utf8.contains(where: { [38, 60, 62, 34, 39, 0xEF].contains($0) }) else { return visible }
    var out = ""
    out.reserveCapacity(visible.utf8.count + 16)
    for scalar in visible.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      // Not characters in XML (an SVG would not parse).
      case "\u{FFFE}", "\u{FFFF}": out += "\\u" + String(scalar.value, radix: 16)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// A double-quoted DOT string: quotes and backslashes escaped, so a name never ends the
  /// string (a `"]; a -> b [` in a label stays text) and `\N` or `\G` stay text; `&` as
  /// `&amp;`, since Graphviz reads entities such as `&lt;` in labels.
  static func dot(_ text: String) -> String {
    var out = "\""
    for scalar in text.visible.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "&": out += "&amp;"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  /// A JSON string literal that is also safe inside an HTML `<script>` element: `<`, `>`, `&`
  /// and the line separators are written as `\u` escapes, so `</script>` or `<!--` in a name
  /// cannot end the element or change how it is read.
  static func scriptJSON(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar.value {
      case 0x22: out += "\\\""
      case 0x5C: out += "\\\\"
      case 0x0A: out += "\\n"
      case 0x3C, 0x3E, 0x26, 0x2028, 0x2029, 0..<0x20, 0x7F:
        out += "\\u" + String(scalar.value, radix: 16).leftPadded(4)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
