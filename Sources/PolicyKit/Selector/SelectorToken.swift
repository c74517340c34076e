/// One lexical unit of a Calico selector, with where it starts in the source text.
///
/// Offsets and lengths count Unicode scalars (code points) of the original text, as libyaml
/// counts columns, so they line up with the column of the scalar the selector came from.
struct SelectorToken: Equatable, Sendable {
  /// What the token is, with its payload where it carries one.
  enum Kind: Equatable, Sendable {
    /// A label key such as `app` or `projectcalico.org/name`.
    case label(String)
    /// A quoted string literal; the payload excludes the quotes.
    case string(String)
    /// A complete `has(key)` call.
    case has(String)
    /// A complete `all()` call.
    case all
    /// A complete `global()` call.
    case global
    case lParen
    case rParen
    case lBrace
    case rBrace
    case comma
    /// `==`
    case equal
    /// `!=`
    case notEqual
    /// `!`
    case not
    /// `&&`
    case and
    /// `||`
    case or
    /// `in`
    case inSet
    /// `not in` (Calico also accepts `notin`)
    case notInSet
    /// `contains`
    case contains
    /// `starts with` (Calico also accepts `startswith`)
    case startsWith
    /// `ends with` (Calico also accepts `endswith`)
    case endsWith
    /// The end of the input.
    case end
  }

  var kind: Kind
  /// 0-based character offset of the token's first character.
  var offset: Int
  /// Number of characters the token spans in the source text.
  var length: Int
}

/// Splits selector text into tokens, following the rules of Calico's selector tokenizer.
///
/// Rules worth knowing (all taken from Calico's tokenizer):
/// - only spaces and tabs separate tokens; any other character outside a string is an error;
/// - a label key is a run of ASCII letters, digits, `_`, `.`, `/` and `-`, at most 512 long;
/// - `has(`, `all(` and `global(` are only recognised with no space before the `(`;
/// - directly after a label key, the next word must be an operator (`in`, `not in`, `contains`,
///   `starts with`, `ends with`), and the two-word operators may also be written as one word;
/// - strings are quoted with `'` or `"` and end at the next identical quote (no escapes).
struct SelectorLexer {
  /// Longest label key Calico accepts.
  static let maxLabelLength = 512

  /// The selector text, split into Unicode scalars. Calico reads a selector rune by rune: a
  /// quote ends a string even when a combining mark follows it, which a `Character` (a whole
  /// grapheme cluster) would hide.
  let chars: [Unicode.Scalar]
  private var pos = 0
  private var tokens: [SelectorToken] = []

  init(_ text: String) {
    chars = Array(text.unicodeScalars)
  }

  /// Whether `c` may appear in a label key.
  static func isKeyCharacter(_ c: Unicode.Scalar) -> Bool {
    guard c.isASCII else { return false }
    switch UInt8(c.value) {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"):
      return true
    case UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "-"):
      return true
    default:
      return false
    }
  }

  /// Whether `c` separates tokens (Calico only skips spaces and tabs).
  static func isSpace(_ c: Unicode.Scalar) -> Bool {
    c == " " || c == "\t"
  }

  /// Whether `key` is a label key the selector syntax can spell.
  static func isValidKey(_ key: String) -> Bool {
    !key.isEmpty && key.unicodeScalars.count <= maxLabelLength
      && key.unicodeScalars.allSatisfy(isKeyCharacter)
  }

  /// Tokenizes the whole text; the last token is always `.end`.
  mutating func tokenize() throws(SelectorParseError) -> [SelectorToken] {
    pos = 0
    tokens = []
    while true {
      skipSpaces()
      guard pos < chars.count else {
        tokens.append(SelectorToken(kind: .end, offset: pos, length: 0))
        return tokens
      }
      let start = pos
      let c = chars[pos]
      switch c {
      case "(": emit(.lParen, from: start, length: 1)
      case ")": emit(.rParen, from: start, length: 1)
      case "{": emit(.lBrace, from: start, length: 1)
      case "}": emit(.rBrace, from: start, length: 1)
      case ",": emit(.comma, from: start, length: 1)
      case "'", "\"": try lexString(quote: c)
      case "=":
        guard peek(1) == "=" else {
          throw SelectorParseError(message: "expected `==`, found a single `=`", offset: start)
        }
        emit(.equal, from: start, length: 2)
      case "!":
        if peek(1) == "=" {
          emit(.notEqual, from: start, length: 2)
        } else {
          emit(.not, from: start, length: 1)
        }
      case "&":
        guard peek(1) == "&" else {
          throw SelectorParseError(message: "expected `&&`, found a single `&`", offset: start)
        }
        emit(.and, from: start, length: 2)
      case "|":
        guard peek(1) == "|" else {
          throw SelectorParseError(message: "expected `||`, found a single `|`", offset: start)
        }
        emit(.or, from: start, length: 2)
      default:
        guard Self.isKeyCharacter(c) else {
          throw SelectorParseError(
            message: "unexpected character \(Self.quoteCharacter(c))", offset: start)
        }
        try lexWord()
      }
    }
  }

  // MARK: - Pieces

  private func peek(_ ahead: Int) -> Unicode.Scalar? {
    let i = pos + ahead
    return i < chars.count ? chars[i] : nil
  }

  private mutating func skipSpaces() {
    while pos < chars.count, Self.isSpace(chars[pos]) {
      pos += 1
    }
  }

  /// Appends a token that starts at `start` and moves past it.
  private mutating func emit(_ kind: SelectorToken.Kind, from start: Int, length: Int) {
    tokens.append(SelectorToken(kind: kind, offset: start, length: length))
    pos = start + length
  }

  /// Reads the longest run of label-key characters at the current position.
  private mutating func readWord() -> String {
    let start = pos
    while pos < chars.count, Self.isKeyCharacter(chars[pos]) {
      pos += 1
    }
    return Self.text(chars[start..<pos])
  }

  private mutating func lexString(quote: Unicode.Scalar) throws(SelectorParseError) {
    let start = pos
    var end = start + 1
    while end < chars.count, chars[end] != quote {
      end += 1
    }
    guard end < chars.count else {
      throw SelectorParseError(
        message: "unterminated string, no closing `\(quote)`", offset: start)
    }
    let value = Self.text(chars[(start + 1)..<end])
    emit(.string(value), from: start, length: end + 1 - start)
  }

  /// Lexes a word: an operator right after a label key, otherwise a function call or a key.
  private mutating func lexWord() throws(SelectorParseError) {
    let start = pos
    if case .label(let key)? = tokens.last?.kind {
      try lexOperatorWord(after: key)
      return
    }
    let word = readWord()
    if pos < chars.count, chars[pos] == "(", ["has", "all", "global"].contains(word) {
      pos += 1
      try lexCall(word, start: start)
      return
    }
    try checkKeyLength(word, at: start)
    tokens.append(SelectorToken(kind: .label(word), offset: start, length: pos - start))
  }

  private func checkKeyLength(_ key: String, at offset: Int) throws(SelectorParseError) {
    if key.count > Self.maxLabelLength {
      throw SelectorParseError(
        message: "label key `\(Self.abbreviate(key))` is longer than "
          + "\(Self.maxLabelLength) characters",
        offset: offset)
    }
  }

  /// Operators spelled as one word; Calico accepts the two-word ones without the space too.
  private static let oneWordOperators: [String: SelectorToken.Kind] = [
    "in": .inSet, "contains": .contains,
    "notin": .notInSet, "startswith": .startsWith, "endswith": .endsWith,
  ]

  /// First words of two-word operators, with the word that must follow.
  private static let twoWordOperators: [String: (String, SelectorToken.Kind)] = [
    "not": ("in", .notInSet), "starts": ("with", .startsWith), "ends": ("with", .endsWith),
  ]

  /// Lexes the operator that must follow the label key `key`.
  private mutating func lexOperatorWord(after key: String) throws(SelectorParseError) {
    let start = pos
    let word = readWord()
    if let kind = Self.oneWordOperators[word] {
      tokens.append(SelectorToken(kind: kind, offset: start, length: pos - start))
      return
    }
    guard let (second, kind) = Self.twoWordOperators[word] else {
      if let hint = wordOperatorHint() {
        throw hint
      }
      throw SelectorParseError(
        message: "expected an operator after `\(Self.abbreviate(key))`, "
          + "found `\(Self.abbreviate(word))`",
        offset: start)
    }
    skipSpaces()
    let secondStart = pos
    let next = readWord()
    guard next == second else {
      let found: String
      if !next.isEmpty {
        found = "`\(Self.abbreviate(next))`"
      } else if secondStart < chars.count {
        found = Self.quoteCharacter(chars[secondStart])
      } else {
        found = "end of selector"
      }
      throw SelectorParseError(
        message: "expected `\(second)` after `\(word)`, found \(found)", offset: secondStart)
    }
    tokens.append(SelectorToken(kind: kind, offset: start, length: pos - start))
  }

  /// Calico has no `and`/`or` keywords. When the last label key is one of those words and
  /// follows a complete expression, the user almost certainly meant `&&` or `||`.
  private func wordOperatorHint() -> SelectorParseError? {
    guard tokens.count >= 2, case .label(let word) = tokens[tokens.count - 1].kind else {
      return nil
    }
    switch tokens[tokens.count - 2].kind {
    case .string, .rBrace, .rParen, .has, .all, .global: break
    default: return nil
    }
    return Self.wordOperatorHint(word, offset: tokens[tokens.count - 1].offset)
  }

  /// The error for the word `and` or `or` used as an operator, or nil for any other word.
  static func wordOperatorHint(_ word: String, offset: Int) -> SelectorParseError? {
    let symbol: String
    switch word.lowercased() {
    case "and": symbol = "&&"
    case "or": symbol = "||"
    default: return nil
    }
    return SelectorParseError(
      message: "unexpected `\(word)`, selectors combine expressions with `\(symbol)`",
      offset: offset)
  }

  /// Lexes the rest of `has(key)`, `all()` or `global()`; `pos` is just after the `(`.
  private mutating func lexCall(_ name: String, start: Int) throws(SelectorParseError) {
    skipSpaces()
    var key = ""
    if name == "has" {
      let keyStart = pos
      key = readWord()
      guard !key.isEmpty else {
        throw SelectorParseError(
          message: "expected a label key after `has(`, found \(describeCurrent())",
          offset: keyStart)
      }
      try checkKeyLength(key, at: keyStart)
      skipSpaces()
    }
    guard pos < chars.count, chars[pos] == ")" else {
      throw SelectorParseError(
        message: "expected `)` after `\(name)(\(Self.abbreviate(key))`, "
          + "found \(describeCurrent())",
        offset: pos)
    }
    pos += 1
    let kind: SelectorToken.Kind =
      switch name {
      case "has": .has(key)
      case "all": .all
      default: .global
      }
    tokens.append(SelectorToken(kind: kind, offset: start, length: pos - start))
  }

  /// Describes the character at the current position for an error message.
  private func describeCurrent() -> String {
    guard pos < chars.count else { return "end of selector" }
    if Self.isKeyCharacter(chars[pos]) {
      var end = pos
      while end < chars.count, Self.isKeyCharacter(chars[end]) {
        end += 1
      }
      return "`\(Self.abbreviate(Self.text(chars[pos..<end])))`"
    }
    return Self.quoteCharacter(chars[pos])
  }

  // MARK: - Message helpers

  /// Shortens long user text so error messages stay readable.
  static func abbreviate(_ text: String, limit: Int = 40) -> String {
    guard text.count > limit else { return text }
    return String(text.prefix(limit - 1)) + "…"
  }

  /// The text of a run of scalars.
  static func text(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars)
    return String(view)
  }

  /// Renders one scalar in backticks, spelling out invisible ones and marks that would join
  /// the backtick before them.
  static func quoteCharacter(_ c: Unicode.Scalar) -> String {
    switch c {
    case "\n": return "`\\n` (line break)"
    case "\r": return "`\\r` (carriage return)"
    case "`": return "backtick"
    default:
      switch c.properties.generalCategory {
      case .control, .format, .nonspacingMark, .spacingMark, .enclosingMark, .surrogate,
        .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator:
        let hex = String(c.value, radix: 16, uppercase: true)
        return "`U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex)`"
      default:
        return "`\(c)`"
      }
    }
  }
}
