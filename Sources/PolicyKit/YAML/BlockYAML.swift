/// A reader for the plain block-style YAML most manifests are written in (what `kubectl` and
/// generators print), several times faster than libyaml's event parser: it builds the nodes
/// straight from the lines.
///
/// It reads only what it is sure of: block mappings and sequences indented with spaces, one
/// scalar per line (plain, single-quoted, or double-quoted without escapes), `{}` and `[]`,
/// comments and `---` lines, in printable ASCII. Anything else (tabs, flow collections with
/// content, block scalars, anchors, aliases, tags, directives, multi-line scalars, duplicate
/// or merge keys, a `kind: List`'s `items`, anything libyaml would refuse) makes it give up on
/// the whole piece, and libyaml reads it: the nodes, their places and sizes are what libyaml's
/// events make of the same text (tests compare the two on every manifest and on mutations).
struct BlockYAML {
  private let buffer: UnsafeBufferPointer<UInt8>
  private let lineOffset: Int
  private let limits: YAMLLimits
  /// Each line's first byte and the byte after its last (the newline excluded).
  private var starts: [Int] = []
  private var ends: [Int] = []
  /// The line being read and the first line past the document.
  private var line = 0
  private var limit = 0
  /// Nodes built for the current document.
  private var built = 0

  /// Gives up: the piece is left to libyaml.
  private struct Unsupported: Error {}

  /// The documents of `buffer` (a piece of a file starting at line `lineOffset + 1`, whose
  /// first document has index `firstDocument`), or nil when libyaml must read it.
  static func read(
    _ buffer: UnsafeBufferPointer<UInt8>, lineOffset: Int, firstDocument: Int, limits: YAMLLimits
  ) -> (units: [YAMLUnit], nextDocument: Int)? {
    guard buffer.count <= 1 << 20 else { return nil }
    for byte in buffer where byte < 0x20 && byte != 0x0A || byte > 0x7E { return nil }
    var reader = BlockYAML(buffer: buffer, lineOffset: lineOffset, limits: limits)
    return try? reader.documents(firstDocument: firstDocument)
  }

  private init(buffer: UnsafeBufferPointer<UInt8>, lineOffset: Int, limits: YAMLLimits) {
    self.buffer = buffer
    self.lineOffset = lineOffset
    self.limits = limits
    var start = 0
    for index in 0..<buffer.count where buffer[index] == 0x0A {
      starts.append(start)
      ends.append(index)
      start = index + 1
    }
    if start < buffer.count {
      starts.append(start)
      ends.append(buffer.count)
    }
  }

  // MARK: - Documents

  private mutating func documents(firstDocument: Int) throws -> (units: [YAMLUnit], nextDocument: Int) {
    // Documents by lines: a `---` line starts one; so does content before the first `---`.
    var bounds: [(first: Int, end: Int)] = []
    var current: Int?
    for index in starts.indices {
      let start = starts[index]
      let end = ends[index]
      if end - start >= 3, buffer[start] == UInt8(ascii: "-"), buffer[start + 1] == UInt8(ascii: "-"),
        buffer[start + 2] == UInt8(ascii: "-"), end - start == 3 || buffer[start + 3] == UInt8(ascii: " ")
      {
        // A marker with nothing after it but a comment.
        guard isBlank(from: start + 3, to: end) else { throw Unsupported() }
        if let first = current { bounds.append((first, index)) }
        current = index + 1
        continue
      }
      if end > start, buffer[start] == UInt8(ascii: "%") || buffer[start] == UInt8(ascii: ".") {
        throw Unsupported()
      }
      if current == nil, !isBlank(from: start, to: end) { current = index }
    }
    if let first = current { bounds.append((first, starts.count)) }
    var units: [YAMLUnit] = []
    var document = firstDocument
    for (position, (first, end)) in bounds.enumerated() {
      line = first
      limit = end
      built = 0
      skipBlank()
      let root: YAMLNode
      if line >= limit {
        // No content: an empty scalar where the next token (a marker, or the end) is.
        root =
          position + 1 < bounds.count
          ? YAMLNode(.scalar("", isPlain: true), line: end + 1 + lineOffset, column: 1)
          : endOfInput()
      } else {
        root = try block(depth: 0)
        skipBlank()
        guard line >= limit else { throw Unsupported() }
        if root["items"] != nil { throw Unsupported() }  // a list is streamed by libyaml
      }
      units.append(.document(root, index: document))
      document += 1
    }
    return (units, document)
  }

  /// An empty scalar at the end of the input.
  private func endOfInput() -> YAMLNode {
    let lines = buffer.last == 0x0A || buffer.isEmpty ? starts.count : starts.count - 1
    let column = buffer.last == 0x0A || buffer.isEmpty ? 0 : ends[ends.count - 1] - starts[starts.count - 1]
    return YAMLNode(.scalar("", isPlain: true), line: lines + 1 + lineOffset, column: column + 1)
  }

  // MARK: - Blocks

  /// A mapping or sequence starting at the current line.
  private mutating func block(depth: Int) throws -> YAMLNode {
    let indent = self.indent(line)
    if isEntry(at: starts[line] + indent) { return try sequence(indent: indent, depth: depth) }
    return try mapping(indent: indent, keyAt: starts[line] + indent, depth: depth)
  }

  private mutating func sequence(indent: Int, depth: Int) throws -> YAMLNode {
    try count(depth)
    let first = line
    var items: [YAMLNode] = []
    var size = 1
    while line < limit {
      let dash = starts[line] + indent
      guard self.indent(line) == indent, isEntry(at: dash) else { break }
      let end = ends[line]
      var at = dash + 1
      while at < end, buffer[at] == UInt8(ascii: " ") { at += 1 }
      let item: YAMLNode
      if isBlank(from: dash + 1, to: end) {
        item = try valueOnLaterLines(after: dash + 1, indent: indent, depth: depth + 1, indentless: false)
      } else if isEntry(at: at) {
        throw Unsupported()
      } else if keyEnd(from: at, to: end) != nil {
        item = try mapping(indent: at - starts[line], keyAt: at, depth: depth + 1)
      } else {
        item = try valueOnThisLine(from: at, to: end, indent: indent, depth: depth + 1)
      }
      size += item.size
      items.append(item)
      skipBlank()
    }
    if line < limit, self.indent(line) > indent { throw Unsupported() }
    return YAMLNode(.sequence(items), line: first + 1 + lineOffset, column: indent + 1, size: size)
  }

  /// A mapping whose keys sit at `indent`; the first key starts at byte `keyAt` of the current
  /// line (after a sequence entry's `- `, or at the line's indentation).
  private mutating func mapping(indent: Int, keyAt: Int, depth: Int) throws -> YAMLNode {
    try count(depth)
    let first = line
    var entries: [(key: YAMLNode, value: YAMLNode)] = []
    var size = 1
    var keyStart = keyAt
    while true {
      let end = ends[line]
      guard let colon = keyEnd(from: keyStart, to: end) else { throw Unsupported() }
      try count(depth + 1)
      let key = try keyNode(from: keyStart, to: colon)
      var at = colon + 1
      while at < end, buffer[at] == UInt8(ascii: " ") { at += 1 }
      let value =
        try isBlank(from: colon + 1, to: end)
        ? valueOnLaterLines(after: colon + 1, indent: indent, depth: depth + 1, indentless: true)
        : valueOnThisLine(from: at, to: end, indent: indent, depth: depth + 1)
      size += key.size + value.size
      entries.append((key, value))
      skipBlank()
      guard line < limit else { break }
      let next = self.indent(line)
      if next < indent { break }
      guard next == indent, !isEntry(at: starts[line] + indent) else { throw Unsupported() }
      keyStart = starts[line] + indent
    }
    // Repeated keys and merge keys are left to libyaml's reader, which reports or merges them.
    var seen: Set<String> = []
    for entry in entries {
      guard case .scalar(let text, let isPlain) = entry.key.content, seen.insert(text).inserted,
        !(isPlain && text == "<<")
      else { throw Unsupported() }
    }
    return YAMLNode(
      .mapping(entries), line: first + 1 + lineOffset, column: keyAt - starts[first] + 1, size: size)
  }

  /// The value of a key or entry at `indent` whose line ends after byte `offset`: a block on
  /// the deeper lines that follow, a sequence at the same indentation (after a key: `key:` then
  /// `- item` lines), or else an empty scalar right after the `:` or `-`.
  private mutating func valueOnLaterLines(after offset: Int, indent: Int, depth: Int, indentless: Bool)
    throws -> YAMLNode
  {
    let ownLine = line
    line += 1
    skipBlank()
    if line < limit, self.indent(line) > indent { return try block(depth: depth) }
    if indentless, line < limit, self.indent(line) == indent, isEntry(at: starts[line] + indent) {
      return try sequence(indent: indent, depth: depth)
    }
    try count(depth)
    return node("", isPlain: true, style: .plain, line: ownLine, offset: offset)
  }

  /// The scalar (or `{}`, `[]`) that ends the line from `start`; no deeper line may follow.
  private mutating func valueOnThisLine(from start: Int, to end: Int, indent: Int, depth: Int) throws -> YAMLNode {
    try count(depth)
    let value = try scalar(from: start, to: end)
    line += 1
    try expectNoDeeperLine(than: indent)
    return value
  }

  // MARK: - Scalars

  /// A key: plain, or quoted and closed right before its colon.
  private func keyNode(from start: Int, to colon: Int) throws -> YAMLNode {
    // libyaml refuses a key whose colon is more than 1,024 characters on.
    guard colon - start < 1000 else { throw Unsupported() }
    let first = buffer[start]
    if first == UInt8(ascii: "'") || first == UInt8(ascii: "\"") {
      let (text, close) = try quoted(from: start, to: colon)
      guard close == colon else { throw Unsupported() }
      return node(
        text, isPlain: false, style: first == UInt8(ascii: "'") ? .singleQuoted : .doubleQuoted, line: line,
        offset: start)
    }
    guard !Self.isIndicator(first), buffer[colon - 1] != UInt8(ascii: " ") else { throw Unsupported() }
    for index in start..<colon where buffer[index] == UInt8(ascii: "#") && buffer[index - 1] == UInt8(ascii: " ") {
      throw Unsupported()
    }
    return node(text(start, colon), isPlain: true, style: .plain, line: line, offset: start)
  }

  /// The value that fills the rest of the line from `start`.
  private func scalar(from start: Int, to end: Int) throws -> YAMLNode {
    let first = buffer[start]
    switch first {
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      let close = first == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
      guard start + 1 < end, buffer[start + 1] == close, isBlank(from: start + 2, to: end) else {
        throw Unsupported()
      }
      let content: YAMLNode.Content = first == UInt8(ascii: "{") ? .mapping([]) : .sequence([])
      return YAMLNode(content, line: line + 1 + lineOffset, column: start - starts[line] + 1)
    case UInt8(ascii: "'"), UInt8(ascii: "\""):
      let (text, close) = try quoted(from: start, to: end)
      guard isBlank(from: close, to: end) else { throw Unsupported() }
      return node(
        text, isPlain: false, style: first == UInt8(ascii: "'") ? .singleQuoted : .doubleQuoted, line: line,
        offset: start)
    default:
      guard !Self.isIndicator(first) else { throw Unsupported() }
      // Up to a comment (` #`), trailing spaces dropped; `: ` or a final `:` would be a key.
      var last = start
      var index = start
      while index < end {
        let byte = buffer[index]
        if byte == UInt8(ascii: "#"), buffer[index - 1] == UInt8(ascii: " ") { break }
        if byte == UInt8(ascii: ":"), index + 1 == end || buffer[index + 1] == UInt8(ascii: " ") {
          throw Unsupported()
        }
        if byte != UInt8(ascii: " ") { last = index + 1 }
        index += 1
      }
      return node(text(start, last), isPlain: true, style: .plain, line: line, offset: start)
    }
  }

  /// A quoted scalar that closes on its line: its text and the byte after the closing quote.
  /// Double quotes with escapes are left to libyaml.
  private func quoted(from start: Int, to end: Int) throws -> (String, Int) {
    let quote = buffer[start]
    var index = start + 1
    var text: [UInt8] = []
    while index < end {
      let byte = buffer[index]
      if byte == quote {
        if quote == UInt8(ascii: "'"), index + 1 < end, buffer[index + 1] == quote {
          text.append(quote)
          index += 2
          continue
        }
        return (String(decoding: text, as: UTF8.self), index + 1)
      }
      if byte == UInt8(ascii: "\\"), quote == UInt8(ascii: "\"") { throw Unsupported() }
      text.append(byte)
      index += 1
    }
    throw Unsupported()
  }

  // MARK: - Lines

  /// Where the key starting at `start` ends: the first `:` followed by a space or the end of
  /// the line (for a quoted key, the first after its closing quote); nil if there is none.
  private func keyEnd(from start: Int, to end: Int) -> Int? {
    var index = start
    let first = buffer[start]
    if first == UInt8(ascii: "'") || first == UInt8(ascii: "\"") {
      guard let (_, close) = try? quoted(from: start, to: end) else { return nil }
      index = close
    }
    while index < end {
      if buffer[index] == UInt8(ascii: ":"), index + 1 == end || buffer[index + 1] == UInt8(ascii: " ") {
        return index
      }
      index += 1
    }
    return nil
  }

  /// A line deeper than `indent` right after a scalar would continue it (or be an error).
  private func expectNoDeeperLine(than indent: Int) throws {
    var next = line
    while next < limit, isBlank(from: starts[next], to: ends[next]) { next += 1 }
    if next < limit, self.indent(next) > indent { throw Unsupported() }
  }

  private func indent(_ line: Int) -> Int {
    var index = starts[line]
    while index < ends[line], buffer[index] == UInt8(ascii: " ") { index += 1 }
    return index - starts[line]
  }

  /// Whether a sequence entry (`-` then a space or the end of the line) starts at `index`.
  private func isEntry(at index: Int) -> Bool {
    index < ends[line] && buffer[index] == UInt8(ascii: "-")
      && (index + 1 == ends[line] || buffer[index + 1] == UInt8(ascii: " "))
  }

  /// Whether only spaces, then perhaps a comment, lie from `start` to `end`.
  private func isBlank(from start: Int, to end: Int) -> Bool {
    var index = start
    while index < end {
      if buffer[index] == UInt8(ascii: "#") { return index == start || buffer[index - 1] == UInt8(ascii: " ") }
      if buffer[index] != UInt8(ascii: " ") { return false }
      index += 1
    }
    return true
  }

  private mutating func skipBlank() {
    while line < limit, isBlank(from: starts[line], to: ends[line]) { line += 1 }
  }

  /// Counts a node at `depth` against the limits (libyaml's reader reports going past them).
  private mutating func count(_ depth: Int) throws {
    built += 1
    if depth > limits.maxDepth || built > limits.maxDocumentNodes { throw Unsupported() }
  }

  private func text(_ start: Int, _ end: Int) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
  }

  private func node(_ text: String, isPlain: Bool, style: YAMLNode.ScalarStyle, line: Int, offset: Int) -> YAMLNode {
    var node = YAMLNode(.scalar(text, isPlain: isPlain), line: line + 1 + lineOffset, column: offset - starts[line] + 1)
    node.style = style
    return node
  }

  /// Characters that cannot start a plain scalar here (or that this reader leaves to libyaml).
  private static func isIndicator(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ","),
      UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"),
      UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"),
      UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"):
      true
    default: false
    }
  }
}
