/// A parsed Calico label selector, as used in policies, network sets and namespace selectors.
///
/// Build one with `Selector.parse(_:)`; evaluate it against a label map with `matches(_:)`;
/// print it in canonical form with `description`. Parsing the description gives back an equal
/// value for everything `parse` produces (see `description` for the exact guarantee).
///
/// Values are compared as raw UTF-8 bytes when matching, as Calico does.
public indirect enum Selector: Hashable, Sendable, CustomStringConvertible {
  /// `all()`: matches every label set; also the meaning of an empty selector.
  case all
  /// `global()`: matches every label set; only meaningful as a whole namespace selector.
  case global
  /// `has(key)`: the key is present, whatever its value.
  case has(String)
  /// `key == 'value'`: the key is present with exactly this value.
  case equal(String, String)
  /// `key != 'value'`: the key is absent or has another value.
  case notEqual(String, String)
  /// `key in {'a', 'b'}`: the key is present with one of the values (sorted, no duplicates).
  case inSet(String, [String])
  /// `key not in {'a', 'b'}`: the key is absent or has none of the values.
  case notInSet(String, [String])
  /// `key contains 's'`: the key is present and its value contains the substring.
  case contains(String, String)
  /// `key starts with 's'`: the key is present and its value starts with the string.
  case startsWith(String, String)
  /// `key ends with 's'`: the key is present and its value ends with the string.
  case endsWith(String, String)
  /// `!expr`: the operand does not match.
  case not(Selector)
  /// `a && b && ...`: every operand matches (an empty list matches everything).
  case and([Selector])
  /// `a || b || ...`: at least one operand matches (an empty list matches nothing).
  case or([Selector])

  /// Parses Calico selector syntax; empty or blank text (spaces and tabs) gives `.all`.
  ///
  /// Throws a `SelectorParseError` with a message and the character offset of the problem.
  public static func parse(_ text: String) throws(SelectorParseError) -> Selector {
    try SelectorParser.parse(text)
  }

  /// Whether `.all`, the selector that matches every label set.
  public var isAll: Bool {
    if case .all = self { return true }
    return false
  }

  /// Whether the selector matches a set of labels.
  ///
  /// Runs without building strings or arrays, so it is cheap to call in tight loops.
  public func matches(_ labels: [String: String]) -> Bool {
    switch self {
    case .all, .global:
      return true
    case .has(let key):
      return labels.index(forKey: key) != nil
    case .equal(let key, let value):
      guard let actual = labels[key] else { return false }
      return UTF8Compare.equal(actual, value)
    case .notEqual(let key, let value):
      guard let actual = labels[key] else { return true }
      return !UTF8Compare.equal(actual, value)
    case .inSet(let key, let values):
      guard let actual = labels[key] else { return false }
      return Self.setContains(values, actual)
    case .notInSet(let key, let values):
      guard let actual = labels[key] else { return true }
      return !Self.setContains(values, actual)
    case .contains(let key, let part):
      guard let actual = labels[key] else { return false }
      return UTF8Compare.contains(actual, part)
    case .startsWith(let key, let prefix):
      guard let actual = labels[key] else { return false }
      return UTF8Compare.hasPrefix(actual, prefix)
    case .endsWith(let key, let suffix):
      guard let actual = labels[key] else { return false }
      return UTF8Compare.hasSuffix(actual, suffix)
    case .not(let operand):
      return !operand.matches(labels)
    case .and(let operands):
      // Index loops rather than `for in`: no iterator or coroutine frames, even unoptimised.
      var i = 0
      while i < operands.count {
        if !operands[i].matches(labels) { return false }
        i += 1
      }
      return true
    case .or(let operands):
      var i = 0
      while i < operands.count {
        if operands[i].matches(labels) { return true }
        i += 1
      }
      return false
    }
  }

  private static func setContains(_ values: [String], _ value: String) -> Bool {
    var i = 0
    while i < values.count {
      if UTF8Compare.equal(values[i], value) { return true }
      i += 1
    }
    return false
  }

  /// Sorts set values by their UTF-8 bytes and drops duplicates, as the parser stores them.
  static func normalizedSet(_ values: [String]) -> [String] {
    let sorted = values.sorted(by: UTF8Compare.less)
    var unique: [String] = []
    unique.reserveCapacity(sorted.count)
    for value in sorted where unique.last.map({ !UTF8Compare.equal($0, value) }) ?? true {
      unique.append(value)
    }
    return unique
  }

  // MARK: - Canonical text

  /// The canonical selector text, e.g. `app == 'web' && tier in {'a', 'b'}`.
  ///
  /// Values are quoted with `'`, or with `"` when they contain `'`; operators are spaced as
  /// `key == 'v'` and joined with ` && ` / ` || `; an `||` inside an `&&`, any `&&`/`||`
  /// inside `!`, and a nested `&&` in `&&` (or `||` in `||`) are parenthesised.
  /// `Selector.parse(s.description) == s` holds for every value `parse` returns and for any
  /// value built by hand whose keys are valid, whose set values are sorted and unique, whose
  /// `and`/`or` lists have at least two operands, and whose strings do not hold both quotes.
  public var description: String {
    var out = ""
    write(into: &out, position: .top)
    return out
  }

  /// Where a sub-expression sits, which decides whether it needs parentheses.
  private enum Position {
    case top, orOperand, andOperand, notOperand
  }

  private func write(into out: inout String, position: Position) {
    switch self {
    case .all:
      out += "all()"
    case .global:
      out += "global()"
    case .has(let key):
      out += "has(\(key))"
    case .equal(let key, let value):
      Self.writeComparison(key, "==", value, into: &out)
    case .notEqual(let key, let value):
      Self.writeComparison(key, "!=", value, into: &out)
    case .contains(let key, let value):
      Self.writeComparison(key, "contains", value, into: &out)
    case .startsWith(let key, let value):
      Self.writeComparison(key, "starts with", value, into: &out)
    case .endsWith(let key, let value):
      Self.writeComparison(key, "ends with", value, into: &out)
    case .inSet(let key, let values):
      Self.writeSet(key, "in", values, into: &out)
    case .notInSet(let key, let values):
      Self.writeSet(key, "not in", values, into: &out)
    case .not(let operand):
      out += "!"
      operand.write(into: &out, position: .notOperand)
    case .and(let operands):
      if operands.isEmpty {
        out += "all()"
      } else if operands.count == 1 {
        operands[0].write(into: &out, position: position)
      } else {
        let paren = position == .andOperand || position == .notOperand
        Self.writeJoined(operands, " && ", .andOperand, paren: paren, into: &out)
      }
    case .or(let operands):
      if operands.isEmpty {
        out += "!all()"
      } else if operands.count == 1 {
        operands[0].write(into: &out, position: position)
      } else {
        let paren = position != .top
        Self.writeJoined(operands, " || ", .orOperand, paren: paren, into: &out)
      }
    }
  }

  private static func writeJoined(
    _ operands: [Selector], _ separator: String, _ position: Position, paren: Bool,
    into out: inout String
  ) {
    if paren { out += "(" }
    for (i, operand) in operands.enumerated() {
      if i > 0 { out += separator }
      operand.write(into: &out, position: position)
    }
    if paren { out += ")" }
  }

  private static func writeComparison(
    _ key: String, _ op: String, _ value: String, into out: inout String
  ) {
    out += key
    out += " "
    out += op
    out += " "
    writeQuoted(value, into: &out)
  }

  private static func writeSet(
    _ key: String, _ op: String, _ values: [String], into out: inout String
  ) {
    out += key
    out += " "
    out += op
    out += " {"
    for (i, value) in values.enumerated() {
      if i > 0 { out += ", " }
      writeQuoted(value, into: &out)
    }
    out += "}"
  }

  private static func writeQuoted(_ value: String, into out: inout String) {
    let quote = value.utf8.contains(UInt8(ascii: "'")) ? "\"" : "'"
    out += quote
    out += value
    out += quote
  }
}

/// Byte-wise UTF-8 string comparisons, matching Go's string semantics used by Calico.
///
/// Swift's `String` comparisons use Unicode canonical equivalence; Calico compares bytes. These
/// helpers read the strings' UTF-8 storage in place and never allocate for native strings.
enum UTF8Compare {
  @inline(__always)
  static func withBytes<R>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let result = s.utf8.withContiguousStorageIfAvailable(body) {
      return result
    }
    var copy = s
    return copy.withUTF8(body)
  }

  /// Whether the two strings have identical UTF-8 bytes.
  static func equal(_ a: String, _ b: String) -> Bool {
    guard a.utf8.count == b.utf8.count else { return false }
    return withBytes(a) { x in
      withBytes(b) { y in
        var i = 0
        while i < x.count {
          if x[i] != y[i] { return false }
          i += 1
        }
        return true
      }
    }
  }

  /// Whether `a` sorts before `b`, comparing UTF-8 bytes.
  static func less(_ a: String, _ b: String) -> Bool {
    withBytes(a) { x in
      withBytes(b) { y in
        let n = min(x.count, y.count)
        var i = 0
        while i < n {
          if x[i] != y[i] { return x[i] < y[i] }
          i += 1
        }
        return x.count < y.count
      }
    }
  }

  /// Whether `s` begins with the bytes of `prefix`.
  static func hasPrefix(_ s: String, _ prefix: String) -> Bool {
    withBytes(s) { x in
      withBytes(prefix) { p in
        guard p.count <= x.count else { return false }
        var i = 0
        while i < p.count {
          if x[i] != p[i] { return false }
          i += 1
        }
        return true
      }
    }
  }

  /// Whether `s` ends with the bytes of `suffix`.
  static func hasSuffix(_ s: String, _ suffix: String) -> Bool {
    withBytes(s) { x in
      withBytes(suffix) { p in
        guard p.count <= x.count else { return false }
        let base = x.count - p.count
        var i = 0
        while i < p.count {
          if x[base + i] != p[i] { return false }
          i += 1
        }
        return true
      }
    }
  }

  /// Whether the bytes of `part` occur somewhere in `s` (an empty `part` always does).
  static func contains(_ s: String, _ part: String) -> Bool {
    withBytes(s) { x in
      withBytes(part) { p in
        if p.isEmpty { return true }
        guard p.count <= x.count else { return false }
        let first = p[0]
        var start = 0
        while start <= x.count - p.count {
          if x[start] == first {
            var j = 1
            while j < p.count, x[start + j] == p[j] {
              j += 1
            }
            if j == p.count { return true }
          }
          start += 1
        }
        return false
      }
    }
  }
}
