/// Why a selector could not be parsed, and where in its text the problem is.
public struct SelectorParseError: Error, Equatable, Sendable, CustomStringConvertible {
  /// What went wrong: lowercase, no final period, user text in backticks.
  public var message: String
  /// 0-based offset, in Unicode scalars, inside the selector text where the problem is.
  public var offset: Int

  /// 1-based column of the problem, for display.
  public var column: Int { offset + 1 }

  /// Creates an error with a message and the 0-based scalar offset it refers to.
  public init(message: String, offset: Int) {
    self.message = message
    self.offset = offset
  }

  /// The message prefixed with its column, e.g. "column 5: expected `==`, found a single `=`".
  public var description: String { "column \(column): \(message)" }
}

/// Recursive-descent parser from selector tokens to a `Selector`.
///
/// Grammar, loosest binding first (mirrors Calico's parser):
/// ```
/// or    := and ("||" and)*
/// and   := unary ("&&" unary)*
/// unary := "!"* primary
/// primary := "(" or ")" | has(key) | all() | global()
///          | key ("==" | "!=" | "contains" | "starts with" | "ends with") string
///          | key ("in" | "not in") "{" [string ("," string)* [","]] "}"
/// ```
/// Chains of `&&` and `||` are flattened into one `.and`/`.or`; a parenthesised group stays a
/// separate operand, so `(a && b) && c` keeps its shape and prints back the same way.
struct SelectorParser {
  /// Deepest nesting of `(` and `!` accepted, so hostile input cannot exhaust the stack.
  static let maxDepth = 128

  private let chars: [Unicode.Scalar]
  private let tokens: [SelectorToken]
  private var index = 0
  private var depth = 0

  private init(chars: [Unicode.Scalar], tokens: [SelectorToken]) {
    self.chars = chars
    self.tokens = tokens
  }

  /// Parses a complete selector; empty or blank text is `.all`.
  static func parse(_ text: String) throws(SelectorParseError) -> Selector {
    var lexer = SelectorLexer(text)
    let tokens = try lexer.tokenize()
    if tokens.count == 1 {
      return .all
    }
    var parser = SelectorParser(chars: lexer.chars, tokens: tokens)
    let selector = try parser.parseOr(after: nil)
    let next = parser.current
    guard next.kind == .end else {
      throw parser.trailingError(next)
    }
    return selector
  }

  // MARK: - Token access

  private var current: SelectorToken { tokens[min(index, tokens.count - 1)] }

  private mutating func advance() {
    if index < tokens.count - 1 {
      index += 1
    }
  }

  // MARK: - Grammar

  private mutating func parseOr(after context: String?) throws(SelectorParseError) -> Selector {
    var operands = [try parseAnd(after: context)]
    while current.kind == .or {
      advance()
      operands.append(try parseAnd(after: "||"))
    }
    return operands.count == 1 ? operands[0] : .or(operands)
  }

  private mutating func parseAnd(after context: String?) throws(SelectorParseError) -> Selector {
    var operands = [try parseUnary(after: context)]
    while current.kind == .and {
      advance()
      operands.append(try parseUnary(after: "&&"))
    }
    return operands.count == 1 ? operands[0] : .and(operands)
  }

  private mutating func parseUnary(after context: String?) throws(SelectorParseError) -> Selector {
    let token = current
    switch token.kind {
    case .not:
      try enterNesting(at: token)
      advance()
      let operand = try parseUnary(after: "!")
      depth -= 1
      return .not(operand)
    case .lParen:
      try enterNesting(at: token)
      advance()
      let inner = try parseOr(after: "(")
      let close = current
      guard close.kind == .rParen else {
        throw unclosedParenError(found: close, open: token)
      }
      advance()
      depth -= 1
      return inner
    case .has(let key):
      advance()
      return .has(key)
    case .all:
      advance()
      return .all
    case .global:
      advance()
      return .global
    case .label(let key):
      advance()
      return try parseComparison(key: key)
    default:
      let what = context.map { "an expression after `\($0)`" } ?? "a selector expression"
      throw SelectorParseError(
        message: "expected \(what), found \(describe(token))", offset: token.offset)
    }
  }

  private mutating func enterNesting(at token: SelectorToken) throws(SelectorParseError) {
    depth += 1
    if depth > Self.maxDepth {
      throw SelectorParseError(
        message: "selector is nested more than \(Self.maxDepth) levels deep",
        offset: token.offset)
    }
  }

  /// Parses what follows the label key `key`: an operator and its value or set.
  private mutating func parseComparison(key: String) throws(SelectorParseError) -> Selector {
    let op = current
    switch op.kind {
    case .equal:
      advance()
      return .equal(key, try expectString(after: "=="))
    case .notEqual:
      advance()
      return .notEqual(key, try expectString(after: "!="))
    case .contains:
      advance()
      return .contains(key, try expectString(after: "contains"))
    case .startsWith:
      advance()
      return .startsWith(key, try expectString(after: "starts with"))
    case .endsWith:
      advance()
      return .endsWith(key, try expectString(after: "ends with"))
    case .inSet:
      advance()
      return .inSet(key, try parseSet(after: "in"))
    case .notInSet:
      advance()
      return .notInSet(key, try parseSet(after: "not in"))
    default:
      throw SelectorParseError(
        message: "expected an operator after `\(SelectorLexer.abbreviate(key))`, "
          + "found \(describe(op))",
        offset: op.offset)
    }
  }

  private mutating func expectString(after op: String) throws(SelectorParseError) -> String {
    let token = current
    guard case .string(let value) = token.kind else {
      throw SelectorParseError(
        message: "expected a quoted string after `\(op)`, found \(describe(token))",
        offset: token.offset)
    }
    advance()
    return value
  }

  /// Parses `{'a', "b"}` (a trailing comma is allowed, as in Calico) into sorted unique values.
  private mutating func parseSet(after op: String) throws(SelectorParseError) -> [String] {
    let open = current
    guard open.kind == .lBrace else {
      throw SelectorParseError(
        message: "expected `{` after `\(op)`, found \(describe(open))", offset: open.offset)
    }
    advance()
    var values: [String] = []
    while true {
      let token = current
      if case .string(let value) = token.kind {
        values.append(value)
        advance()
        let next = current
        if next.kind == .comma {
          advance()
        } else if next.kind == .rBrace {
          advance()
          break
        } else {
          throw SelectorParseError(
            message: "expected `,` or `}` in the set opened at column \(open.offset + 1), "
              + "found \(describe(next))",
            offset: next.offset)
        }
      } else if token.kind == .rBrace {
        advance()
        break
      } else {
        throw SelectorParseError(
          message: "expected a quoted string or `}` in the set opened at column "
            + "\(open.offset + 1), found \(describe(token))",
          offset: token.offset)
      }
    }
    return Selector.normalizedSet(values)
  }

  // MARK: - Errors

  private func trailingError(_ token: SelectorToken) -> SelectorParseError {
    if let hint = wordOperatorHint(token) {
      return hint
    }
    if token.kind == .rParen {
      return SelectorParseError(message: "unmatched `)`", offset: token.offset)
    }
    return SelectorParseError(
      message: "expected `&&`, `||` or end of selector, found \(describe(token))",
      offset: token.offset)
  }

  private func unclosedParenError(
    found token: SelectorToken, open: SelectorToken
  ) -> SelectorParseError {
    if let hint = wordOperatorHint(token) {
      return hint
    }
    return SelectorParseError(
      message: "expected `)` to close the `(` at column \(open.offset + 1), "
        + "found \(describe(token))",
      offset: token.offset)
  }

  /// Calico has no `and`/`or` keywords; point users at `&&`/`||` instead.
  private func wordOperatorHint(_ token: SelectorToken) -> SelectorParseError? {
    guard case .label(let word) = token.kind else { return nil }
    return SelectorLexer.wordOperatorHint(word, offset: token.offset)
  }

  /// The token as the user wrote it, in backticks, or "end of selector".
  private func describe(_ token: SelectorToken) -> String {
    if token.kind == .end {
      return "end of selector"
    }
    let end = min(token.offset + token.length, chars.count)
    let text = SelectorLexer.text(chars[token.offset..<end])
    return "`\(SelectorLexer.abbreviate(text))`"
  }
}
