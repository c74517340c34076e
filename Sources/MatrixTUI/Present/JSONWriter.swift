/// A JSON value with ordered object keys, for output that is stable byte for byte.
indirect enum JSON {
  case string(String)
  case number(Int)
  case bool(Bool)
  case null
  case array([JSON])
  case object([(String, JSON)])
  /// JSON text written as it is (already valid JSON, e.g. a fragment rendered once and
  /// repeated).
  case raw(String)

  /// Compact JSON text.
  var text: String {
    var out = ""
    write(into: &out)
    return out
  }

  func write(into out: inout String) {
    switch self {
    case .string(let value): JSON.quote(value, into: &out)
    case .number(let value): out += String(value)
    case .bool(let value): out += value ? "true" : "false"
    case .null: out += "null"
    case .raw(let text): out += text
    case .array(let items):
      out += "["
      for (index, item) in items.enumerated() {
        if index > 0 { out += "," }
        item.write(into: &out)
      }
      out += "]"
    case .object(let entries):
      out += "{"
      for (index, entry) in entries.enumerated() {
        if index > 0 { out += "," }
        JSON.quote(entry.0, into: &out)
        out += ":"
        entry.1.write(into: &out)
      }
      out += "}"
    }
  }

  /// Writes `value` as a JSON string; control and format characters become `\uXXXX`.
  static func quote(_ value: String, into out: inout String) {
    // Most strings need no escaping: append them whole.
    if !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 >= 0x7F }) {
      out += "\"" + value + "\""
      return
    }
    out += "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        // Format characters (bidirectional overrides) and line separators too: valid JSON
        // either way, but escaped they cannot reorder what a terminal shows around them.
        if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
          || scalar.properties.generalCategory == .format || scalar.value == 0x2028
          || scalar.value == 0x2029
        {
          // Beyond U+FFFF JSON needs the UTF-16 surrogate pair.
          for unit in String(scalar).utf16 {
            out += "\\u" + String(unit, radix: 16).leftPadded(4)
          }
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out += "\""
  }

  /// A string, or null.
  static func optional(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }
}
