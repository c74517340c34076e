import CYaml

/// Limits that keep hostile YAML (alias bombs, absurd nesting) bounded in time and memory.
public struct YAMLLimits: Sendable {
  /// The deepest nesting of mappings and sequences accepted.
  public var maxDepth: Int = 256
  /// The most nodes one document may expand to through aliases.
  public var maxExpandedNodes: Int = 2_000_000
  /// The most nodes one document (or one item of a `kind: List`) may hold as written, so a
  /// huge document costs bounded memory before it is refused.
  public var maxDocumentNodes: Int = 1_000_000

  /// The defaults.
  public init() {}
}

/// What the reader hands to its caller, one at a time, as the file streams past.
public enum YAMLUnit {
  /// A whole document's root node.
  case document(YAMLNode, index: Int)
  /// One element of a root-level `items` list (what `kubectl get -o yaml` prints); the
  /// enclosing document follows as `.document` with its `items` removed.
  case listItem(YAMLNode, index: Int)
}

/// Reads YAML (and JSON, a subset of it) with libyaml's event parser and builds one small tree
/// per document, reporting syntax errors as diagnostics and resuming at the next `---`.
public struct YAMLReader {
  /// The file name used in locations.
  public var file: String
  /// The limits to enforce.
  public var limits: YAMLLimits
  /// Whether plain block-style text is read by `BlockYAML` (libyaml reads the rest); off,
  /// libyaml reads everything (tests compare the two).
  var usesBlockReader = true

  /// Creates a reader for text from `file`.
  public init(file: String, limits: YAMLLimits = YAMLLimits()) {
    self.file = file
    self.limits = limits
  }

  /// Parses `bytes`, calling `deliver` for every document (or list item) and returning the
  /// syntax diagnostics and warnings. Documents before and after a broken one are still
  /// delivered.
  public func read(_ bytes: [UInt8], deliver: (YAMLUnit) -> Void) -> [Diagnostic] {
    read(bytes, piece: YAMLPiece(range: bytes.indices), deliver: deliver).diagnostics
  }

  /// Parses one piece of `bytes` as `read` parses a whole file, numbering lines and documents
  /// on from those before the piece. Before a root mapping's `items` are streamed,
  /// `listStart` hears the document's index and a mapping of the entries written before
  /// `items` (a typed list's `kind`, when it comes first). Returns the diagnostics and the
  /// index the next document gets.
  func read(
    _ bytes: [UInt8], piece: YAMLPiece, listStart: (_ document: Int, _ before: YAMLNode) -> Void = { _, _ in },
    deliver: (YAMLUnit) -> Void
  ) -> (diagnostics: [Diagnostic], nextDocument: Int) {
    var diagnostics: [Diagnostic] = []
    var start = 0
    var lineOffset = piece.lineOffset
    var documentIndex = piece.firstDocument
    bytes.withUnsafeBufferPointer { whole in
      let buffer = UnsafeBufferPointer(rebasing: whole[piece.range])
      if usesBlockReader,
        let read = BlockYAML.read(
          buffer, lineOffset: lineOffset, firstDocument: documentIndex, limits: limits)
      {
        for unit in read.units { deliver(unit) }
        documentIndex = read.nextDocument
        return
      }
      var unreadable = Self.firstUnreadable(in: buffer, from: 0)
      while start <= buffer.count {
        if let bad = unreadable, bad.offset < start {
          unreadable = Self.firstUnreadable(in: buffer, from: start)
        }
        // libyaml decodes ahead and refuses the whole input when any character in it is
        // unreadable (a binary file, a stray control character), so the documents before the
        // one holding it are parsed on their own.
        let end =
          unreadable.map { Self.documentStart(in: buffer, from: start, before: $0.offset) }
          ?? buffer.count
        var session = ParseSession(
          file: file, limits: limits, lineOffset: lineOffset, firstDocument: documentIndex)
        let slice = UnsafeBufferPointer(rebasing: buffer[start..<end])
        let outcome = session.run(slice, listStart: listStart, deliver: deliver)
        diagnostics.append(contentsOf: session.diagnostics)
        documentIndex = session.nextDocument
        let failedLine: Int
        var resumeOnFailedLine = false
        if let failure = outcome {
          diagnostics.append(failure.diagnostic)
          failedLine = failure.line - lineOffset
          // A document marker where a scalar or collection was still open (an unclosed quote
          // or bracket): the document it starts is fine, so resume right there.
          resumeOnFailedLine = failure.column == 1 && failedLine > 1
        } else if let bad = unreadable {
          let position = Self.position(of: bad.offset, in: buffer, from: start)
          failedLine = position.line
          diagnostics.append(
            .error(
              bad.message,
              at: SourceLocation(
                file: file, line: position.line + lineOffset, column: position.column,
                document: documentIndex)))
        } else {
          return
        }
        // Resume at the next line that starts a document, after the failing one.
        guard
          let resume = Self.nextDocumentStart(
            in: buffer, from: start, fromLine: resumeOnFailedLine ? failedLine : failedLine + 1)
        else { return }
        lineOffset += resume.lines
        start = resume.offset
        documentIndex += 1
      }
    }
    return (diagnostics, documentIndex)
  }

  /// Runs libyaml's parser over `bytes` and only counts its events (no tree, no strings):
  /// the baseline the loader's speed is measured against.
  public static func countEvents(_ bytes: [UInt8]) -> Int {
    var parser = yaml_parser_t()
    guard yaml_parser_initialize(&parser) == 1 else { return 0 }
    defer { yaml_parser_delete(&parser) }
    var count = 0
    bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      yaml_parser_set_input_string(&parser, base, buffer.count)
      var event = yaml_event_t()
      while yaml_parser_parse(&parser, &event) == 1 {
        count += 1
        let done = event.type == YAML_STREAM_END_EVENT
        yaml_event_delete(&event)
        if done { break }
      }
    }
    return count
  }

  /// Finds the first `---` line at or after `line` (1-based, relative to `from`).
  private static func nextDocumentStart(
    in buffer: UnsafeBufferPointer<UInt8>, from: Int, fromLine line: Int
  ) -> (offset: Int, lines: Int)? {
    var currentLine = 1
    var index = from
    while index < buffer.count {
      if currentLine >= line, isDocumentMarker(in: buffer, at: index) {
        return (index, currentLine - 1)
      }
      index = LineBreak.nextLine(in: buffer, after: index)
      currentLine += 1
    }
    return nil
  }

  /// Whether a `---` document marker starts at `index`.
  private static func isDocumentMarker(in buffer: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
    guard index + 2 < buffer.count, buffer[index] == 0x2D, buffer[index + 1] == 0x2D,
      buffer[index + 2] == 0x2D
    else { return false }
    let after = index + 3
    return after == buffer.count || buffer[after] == 0x20 || buffer[after] == 0x09
      || LineBreak.width(in: buffer, at: after) > 0
  }

  /// Where the document holding byte `offset` begins: the start of the nearest document
  /// marker line at or before it, or `from` when there is none after `from`.
  private static func documentStart(
    in buffer: UnsafeBufferPointer<UInt8>, from: Int, before offset: Int
  ) -> Int {
    var lineStart = offset
    while true {
      while !LineBreak.startsLine(in: buffer, at: lineStart, from: from) { lineStart -= 1 }
      if lineStart == from { return from }
      if isDocumentMarker(in: buffer, at: lineStart) { return lineStart }
      lineStart -= 1
    }
  }

  /// The 1-based line (relative to `from`) and column (in characters) of byte `offset`.
  private static func position(
    of offset: Int, in buffer: UnsafeBufferPointer<UInt8>, from: Int
  ) -> (line: Int, column: Int) {
    let position = LineBreak.position(of: offset, in: buffer, from: from)
    return (position.line + 1, position.column + 1)
  }

  /// The first character libyaml would refuse at or after `from`: a byte sequence that is not
  /// UTF-8, or a control character YAML does not allow (everything below U+0020 except tab,
  /// line feed and carriage return, DEL, the C1 controls but NEL, surrogates, U+FFFE/U+FFFF).
  /// Input starting with a UTF-16 byte order mark is left to libyaml.
  static func firstUnreadable(in buffer: UnsafeBufferPointer<UInt8>, from: Int)
    -> (offset: Int, message: String)?
  {
    let count = buffer.count
    if from == 0, count >= 2,
      (buffer[0] == 0xFF && buffer[1] == 0xFE) || (buffer[0] == 0xFE && buffer[1] == 0xFF)
    {
      return nil
    }
    let notUTF8 = "invalid YAML: the text is not valid UTF-8 here (is this a binary file?)"
    var index = from
    while index < count {
      let lead = buffer[index]
      if lead < 0x80 {
        if lead < 0x20 && lead != 0x09 && lead != 0x0A && lead != 0x0D || lead == 0x7F {
          return (index, controlMessage(UInt32(lead)))
        }
        index += 1
        continue
      }
      let width: Int
      var value: UInt32
      switch lead {
      case 0xC2...0xDF:
        width = 2
        value = UInt32(lead & 0x1F)
      case 0xE0...0xEF:
        width = 3
        value = UInt32(lead & 0x0F)
      case 0xF0...0xF4:
        width = 4
        value = UInt32(lead & 0x07)
      default: return (index, notUTF8)
      }
      guard index + width <= count else { return (index, notUTF8) }
      for next in 1..<width {
        let byte = buffer[index + next]
        guard byte & 0xC0 == 0x80 else { return (index, notUTF8) }
        value = value << 6 | UInt32(byte & 0x3F)
      }
      let shortest: UInt32 = width == 2 ? 0x80 : width == 3 ? 0x800 : 0x10000
      guard value >= shortest, value <= 0x10FFFF, !(0xD800...0xDFFF).contains(value) else {
        return (index, notUTF8)
      }
      if (0x80...0x9F).contains(value) && value != 0x85 || value == 0xFFFE || value == 0xFFFF {
        return (index, controlMessage(value))
      }
      index += width
    }
    return nil
  }

  private static func controlMessage(_ value: UInt32) -> String {
    let hex = String(value, radix: 16, uppercase: true)
    let code = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    return "invalid YAML: control character U+\(code) is not allowed (is this a binary file?)"
  }
}

/// A failure inside one parse session: the diagnostic and the absolute line it happened on.
private struct ParseFailure: Error {
  var diagnostic: Diagnostic
  var line: Int
  var column: Int
}

/// One run of libyaml over a slice of the input.
private struct ParseSession {
  let file: String
  let limits: YAMLLimits
  let lineOffset: Int
  var nextDocument: Int
  private var parser = yaml_parser_t()
  /// The bytes being parsed (to place reader errors, which come as a byte offset).
  private var input = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
  private var anchors: [String: YAMLNode] = [:]
  private var expanded = 0
  /// Nodes built for the current document (or list item), as written.
  private var built = 0
  /// Diagnostics that do not stop the parse: ignored YAML tags, repeated keys, bad merges.
  private(set) var diagnostics: [Diagnostic] = []

  init(file: String, limits: YAMLLimits, lineOffset: Int, firstDocument: Int) {
    self.file = file
    self.limits = limits
    self.lineOffset = lineOffset
    self.nextDocument = firstDocument
  }

  /// Parses every document in `slice`; returns the failure that stopped it, if any.
  /// `listStart` hears of each root-level `items` list before its items (see `read`).
  mutating func run(
    _ slice: UnsafeBufferPointer<UInt8>, listStart: (Int, YAMLNode) -> Void, deliver: (YAMLUnit) -> Void
  ) -> ParseFailure? {
    guard yaml_parser_initialize(&parser) == 1 else {
      return ParseFailure(
        diagnostic: .error("cannot start the YAML parser", at: location(line: 1, column: 1)),
        line: 1, column: 1)
    }
    defer { yaml_parser_delete(&parser) }
    input = slice
    if let base = slice.baseAddress {
      yaml_parser_set_input_string(&parser, base, slice.count)
    } else {
      return nil
    }
    do {
      while true {
        var event = try nextEvent()
        defer { yaml_event_delete(&event) }
        switch event.type {
        case YAML_STREAM_END_EVENT:
          return nil
        case YAML_DOCUMENT_START_EVENT:
          anchors.removeAll(keepingCapacity: true)
          expanded = 0
          built = 0
          let index = nextDocument
          nextDocument += 1
          var first = try nextEvent()
          if first.type == YAML_DOCUMENT_END_EVENT {
            yaml_event_delete(&first)
            continue
          }
          let root = try node(
            from: &first, depth: 0, streamItems: true, onListStart: { listStart(index, $0) }
          ) { item in
            deliver(.listItem(item, index: index))
          }
          var end = try nextEvent()
          yaml_event_delete(&end)
          deliver(.document(root, index: index))
        default:
          continue
        }
      }
    } catch let failure as ParseFailure {
      return failure
    } catch {
      return nil
    }
  }

  private mutating func nextEvent() throws -> yaml_event_t {
    var event = yaml_event_t()
    guard yaml_parser_parse(&parser, &event) == 1 else {
      throw parserFailure()
    }
    return event
  }

  private func parserFailure() -> ParseFailure {
    var mark = parser.problem_mark
    if parser.error == YAML_READER_ERROR {
      // Reader errors carry a byte offset, not a mark.
      mark = Self.mark(ofByte: Int(parser.problem_offset), in: input)
    }
    let line = Int(mark.line) + 1 + lineOffset
    let column = Int(mark.column) + 1
    let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
    var message = problem
    var notes: [Diagnostic.Note] = []
    if let context = parser.context.map({ String(cString: $0) }) {
      message = "\(message) \(context)"
      // Where the unfinished thing began (an unclosed quote, bracket or block), when that is
      // on another line than the problem.
      let start = parser.context_mark
      if start.line != mark.line, let what = Self.subject(of: context) {
        notes.append(
          .init(
            "\(what) starts here",
            at: location(line: Int(start.line) + 1 + lineOffset, column: Int(start.column) + 1)))
      }
    }
    message = friendly(message)
    return ParseFailure(
      diagnostic: Diagnostic(.error, message, at: location(line: line, column: column), notes: notes),
      line: line, column: column)
  }

  /// `the quoted scalar` for libyaml's `while scanning a quoted scalar`.
  private static func subject(of context: String) -> String? {
    for prefix in ["while scanning a ", "while parsing a ", "while scanning an ", "while parsing an "]
    where context.hasPrefix(prefix) {
      return "the " + context.dropFirst(prefix.count)
    }
    return nil
  }

  /// The line and column (both 0-based) of byte `offset` in `input`.
  private static func mark(ofByte offset: Int, in input: UnsafeBufferPointer<UInt8>) -> yaml_mark_t {
    let position = LineBreak.position(of: offset, in: input, from: 0)
    var mark = yaml_mark_t()
    mark.line = position.line
    mark.column = position.column
    return mark
  }

  /// Rewords libyaml's messages where a common mistake deserves a plainer one.
  private func friendly(_ message: String) -> String {
    if message.contains("found character that cannot start any token")
      || message.contains("found a tab character")
    {
      return "invalid YAML: \(message) (tabs cannot indent YAML; use spaces)"
    }
    if message.contains("Maximum nesting level reached") {
      // libyaml's own limit (1000 levels, counted ahead of the parser) is above ours.
      return "nesting is deeper than \(limits.maxDepth) levels"
    }
    return "invalid YAML: \(message)"
  }

  private func location(line: Int, column: Int) -> SourceLocation {
    SourceLocation(file: file, line: line, column: column, document: max(0, nextDocument - 1))
  }

  private func failure(_ message: String, _ mark: yaml_mark_t) -> ParseFailure {
    let line = Int(mark.line) + 1 + lineOffset
    let column = Int(mark.column) + 1
    return ParseFailure(
      diagnostic: .error(message, at: location(line: line, column: column)), line: line,
      column: column)
  }

  /// Builds the node that starts with `event` (consumed). With `streamItems`, the values of a
  /// root mapping's `items` sequence are handed to `onItem` instead of being kept, after
  /// `onListStart` is given a mapping of the entries before `items`.
  private mutating func node(
    from event: inout yaml_event_t, depth: Int, streamItems: Bool = false,
    onListStart: (YAMLNode) -> Void = { _ in }, onItem: (YAMLNode) -> Void = { _ in }
  ) throws -> YAMLNode {
    let mark = event.start_mark
    let line = Int(mark.line) + 1 + lineOffset
    let column = Int(mark.column) + 1
    if depth > limits.maxDepth {
      throw failure("nesting is deeper than \(limits.maxDepth) levels", mark)
    }
    built += 1
    if built > limits.maxDocumentNodes {
      throw failure(
        "this document is too large: it has more than \(limits.maxDocumentNodes) nodes", mark)
    }
    switch event.type {
    case YAML_SCALAR_EVENT:
      let scalar = event.data.scalar
      let text = Self.string(scalar.value, count: scalar.length)
      let tag = checkTag(scalar.tag, mark)
      // `!!int 80` is a number like a plain `80`; `!!str 80` and `"80"` are strings.
      let isPlain =
        scalar.style == YAML_PLAIN_SCALAR_STYLE && tag == nil || tag.map(Self.typedTags.contains) == true
      var result = YAMLNode(.scalar(text, isPlain: isPlain), line: line, column: column)
      switch scalar.style {
      case YAML_SINGLE_QUOTED_SCALAR_STYLE: result.style = .singleQuoted
      case YAML_DOUBLE_QUOTED_SCALAR_STYLE: result.style = .doubleQuoted
      case YAML_LITERAL_SCALAR_STYLE, YAML_FOLDED_SCALAR_STYLE: result.style = .block
      default: result.style = .plain
      }
      try register(scalar.anchor, result, mark)
      return result
    case YAML_ALIAS_EVENT:
      let name = Self.cString(event.data.alias.anchor)
      guard let target = anchors[name] else {
        throw failure("unknown alias `*\(name)`", mark)
      }
      expanded += target.size
      if expanded > limits.maxExpandedNodes {
        throw failure(
          "aliases expand this document past \(limits.maxExpandedNodes) nodes", mark)
      }
      var copy = target
      copy.line = line
      copy.column = column
      return copy
    case YAML_SEQUENCE_START_EVENT:
      let anchor = event.data.sequence_start.anchor
      _ = checkTag(event.data.sequence_start.tag, mark)
      var items: [YAMLNode] = []
      var size = 1
      while true {
        var child = try nextEvent()
        defer { yaml_event_delete(&child) }
        if child.type == YAML_SEQUENCE_END_EVENT { break }
        let item = try node(from: &child, depth: depth + 1)
        size += item.size
        items.append(item)
      }
      let result = YAMLNode(.sequence(items), line: line, column: column, size: size)
      try register(anchor, result, mark)
      return result
    case YAML_MAPPING_START_EVENT:
      let anchor = event.data.mapping_start.anchor
      _ = checkTag(event.data.mapping_start.tag, mark)
      var entries: [(key: YAMLNode, value: YAMLNode)] = []
      var size = 1
      while true {
        var keyEvent = try nextEvent()
        defer { yaml_event_delete(&keyEvent) }
        if keyEvent.type == YAML_MAPPING_END_EVENT { break }
        let key = try node(from: &keyEvent, depth: depth + 1)
        var valueEvent = try nextEvent()
        defer { yaml_event_delete(&valueEvent) }
        if streamItems, depth == 0, key.scalar == "items",
          valueEvent.type == YAML_SEQUENCE_START_EVENT
        {
          // Stream the list: each item is decoded and dropped before the next is built.
          let valueMark = valueEvent.start_mark
          onListStart(YAMLNode(.mapping(entries), line: line, column: column, size: size))
          while true {
            var child = try nextEvent()
            defer { yaml_event_delete(&child) }
            if child.type == YAML_SEQUENCE_END_EVENT { break }
            onItem(try node(from: &child, depth: depth + 2))
            anchors.removeAll(keepingCapacity: true)
            expanded = 0
            built = 0
          }
          let placeholder = YAMLNode(
            .sequence([]), line: Int(valueMark.line) + 1 + lineOffset,
            column: Int(valueMark.column) + 1)
          entries.append((key, placeholder))
          continue
        }
        let value = try node(from: &valueEvent, depth: depth + 1)
        size += key.size + value.size
        entries.append((key, value))
      }
      entries = mergingKeys(checkingDuplicates(entries))
      let result = YAMLNode(.mapping(entries), line: line, column: column, size: size)
      try register(anchor, result, mark)
      return result
    default:
      throw failure("unexpected YAML event", mark)
    }
  }

  /// The entries with each repeated key after its first reported and dropped: YAML does not
  /// allow a key twice, and Kubernetes refuses such a manifest, so a half-edited file with two
  /// `ingress:` keys is an error rather than a silent choice.
  private mutating func checkingDuplicates(_ entries: [(key: YAMLNode, value: YAMLNode)])
    -> [(key: YAMLNode, value: YAMLNode)]
  {
    guard entries.count > 1 else { return entries }
    // The usual case, no key twice, is found without building anything.
    if entries.count <= 16 {
      var repeated = false
      search: for later in 1..<entries.count {
        guard let name = entries[later].key.scalar else { continue }
        for earlier in 0..<later where entries[earlier].key.scalar == name {
          repeated = true
          break search
        }
      }
      if !repeated { return entries }
    }
    var first: [String: YAMLNode] = [:]
    var kept: [(key: YAMLNode, value: YAMLNode)] = []
    kept.reserveCapacity(entries.count)
    for entry in entries {
      guard let name = entry.key.scalar, !entry.key.isMergeKey else {
        kept.append(entry)
        continue
      }
      if let original = first[name] {
        diagnostics.append(
          Diagnostic(
            .error, "duplicate key `\(name)`: only the first value is read",
            at: location(line: entry.key.line, column: entry.key.column),
            notes: [.init("first defined here", at: location(line: original.line, column: original.column))]))
        continue
      }
      first[name] = entry.key
      kept.append(entry)
    }
    return kept
  }

  /// Resolves YAML merge keys (`<<: *base` or `<<: [*a, *b]`), as Kubernetes' YAML reader does:
  /// the merged mappings' entries are added unless the mapping already has the key (earlier
  /// mappings in a list win over later ones).
  private mutating func mergingKeys(_ entries: [(key: YAMLNode, value: YAMLNode)])
    -> [(key: YAMLNode, value: YAMLNode)]
  {
    guard entries.contains(where: { $0.key.isMergeKey }) else { return entries }
    var result = entries.filter { !$0.key.isMergeKey }
    var present = Set(result.compactMap { $0.key.scalar })
    for entry in entries where entry.key.isMergeKey {
      let sources: [YAMLNode]
      switch entry.value.content {
      case .mapping: sources = [entry.value]
      case .sequence(let items) where items.allSatisfy({ $0.mapping != nil }): sources = items
      default:
        diagnostics.append(
          .error(
            "a merge key `<<` needs a mapping or a list of mappings, not \(entry.value.typeDescription)",
            at: location(line: entry.value.line, column: entry.value.column)))
        continue
      }
      for source in sources {
        for merged in source.mapping ?? [] {
          guard let name = merged.key.scalar else { continue }
          if present.insert(name).inserted { result.append(merged) }
        }
      }
    }
    return result
  }

  /// Tags of the YAML core schema that name a type a plain scalar may already have.
  private static let typedTags: Set<String> = [
    "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
  ]

  /// Tags that only restate what the node is.
  private static let plainTags: Set<String> = [
    "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
  ]

  /// The node's tag, warning about any tag outside the core schema: manifests are only data,
  /// so `!include`, `!!python/object` and the like are read as the text they tag, never acted
  /// on.
  private mutating func checkTag(_ pointer: UnsafeMutablePointer<yaml_char_t>?, _ mark: yaml_mark_t)
    -> String?
  {
    guard let pointer else { return nil }
    let tag = Self.cString(pointer)
    if !Self.typedTags.contains(tag) && !Self.plainTags.contains(tag) {
      let shown =
        tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst("tag:yaml.org,2002:".count) : tag
      diagnostics.append(
        .warning(
          "YAML tag `\(shown)` is ignored: manifests are read as plain data",
          at: location(line: Int(mark.line) + 1 + lineOffset, column: Int(mark.column) + 1)))
    }
    return tag
  }

  private mutating func register(
    _ anchor: UnsafeMutablePointer<yaml_char_t>?, _ node: YAMLNode, _ mark: yaml_mark_t
  ) throws {
    guard let anchor else { return }
    anchors[Self.cString(anchor)] = node
  }

  private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, count: Int) -> String {
    guard let pointer, count > 0 else { return "" }
    return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
  }

  private static func cString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String {
    guard let pointer else { return "" }
    return String(cString: pointer)
  }
}
