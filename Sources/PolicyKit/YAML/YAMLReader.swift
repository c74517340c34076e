import CYaml

/// Limits that keep hostile YAML (alias bombs, absurd nesting) bounded in time and memory.
public struct YAMLLimits: Sendable {
  /// The deepest nesting of mappings and sequences accepted.
  public var maxDepth: Int = 256
  /// The most nodes one document may expand to through aliases.
  public var maxExpandedNodes: Int = 2_000_000

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

  /// Creates a reader for text from `file`.
  public init(file: String, limits: YAMLLimits = YAMLLimits()) {
    self.file = file
    self.limits = limits
  }

  /// Parses `bytes`, calling `deliver` for every document (or list item) and returning the
  /// syntax diagnostics. Documents before and after a broken one are still delivered.
  public func read(_ bytes: [UInt8], deliver: (YAMLUnit) -> Void) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    var start = 0
    var lineOffset = 0
    var documentIndex = 0
    bytes.withUnsafeBufferPointer { buffer in
      while start <= buffer.count {
        var session = ParseSession(
          file: file, limits: limits, lineOffset: lineOffset, firstDocument: documentIndex)
        let slice = UnsafeBufferPointer(rebasing: buffer[start...])
        let outcome = session.run(slice, deliver: deliver)
        documentIndex = session.nextDocument
        guard let failure = outcome else { return }
        diagnostics.append(failure.diagnostic)
        // Resume at the next line that starts a document, after the failing one.
        guard
          let resume = Self.nextDocumentStart(
            in: buffer, from: start, afterLine: failure.line - lineOffset)
        else { return }
        lineOffset += resume.lines
        start = resume.offset
        documentIndex += 1
      }
    }
    return diagnostics
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

  /// Finds the first `---` line strictly after `line` (1-based, relative to `from`).
  private static func nextDocumentStart(
    in buffer: UnsafeBufferPointer<UInt8>, from: Int, afterLine line: Int
  ) -> (offset: Int, lines: Int)? {
    var currentLine = 1
    var index = from
    while index < buffer.count {
      if currentLine > line, index + 2 < buffer.count, buffer[index] == 0x2D,
        buffer[index + 1] == 0x2D, buffer[index + 2] == 0x2D
      {
        let after = index + 3
        if after == buffer.count || [0x20, 0x0A, 0x0D, 0x09].contains(buffer[after]) {
          return (index, currentLine - 1)
        }
      }
      while index < buffer.count && buffer[index] != 0x0A { index += 1 }
      index += 1
      currentLine += 1
    }
    return nil
  }
}

/// A failure inside one parse session: the diagnostic and the absolute line it happened on.
private struct ParseFailure: Error {
  var diagnostic: Diagnostic
  var line: Int
}

/// One run of libyaml over a slice of the input.
private struct ParseSession {
  let file: String
  let limits: YAMLLimits
  let lineOffset: Int
  var nextDocument: Int
  private var parser = yaml_parser_t()
  private var anchors: [String: YAMLNode] = [:]
  private var expanded = 0

  init(file: String, limits: YAMLLimits, lineOffset: Int, firstDocument: Int) {
    self.file = file
    self.limits = limits
    self.lineOffset = lineOffset
    self.nextDocument = firstDocument
  }

  /// Parses every document in `slice`; returns the failure that stopped it, if any.
  mutating func run(
    _ slice: UnsafeBufferPointer<UInt8>, deliver: (YAMLUnit) -> Void
  ) -> ParseFailure? {
    guard yaml_parser_initialize(&parser) == 1 else {
      return ParseFailure(
        diagnostic: .error("cannot start the YAML parser", at: location(line: 1, column: 1)),
        line: 1)
    }
    defer { yaml_parser_delete(&parser) }
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
          let index = nextDocument
          nextDocument += 1
          var first = try nextEvent()
          if first.type == YAML_DOCUMENT_END_EVENT {
            yaml_event_delete(&first)
            continue
          }
          let root = try node(from: &first, depth: 0, streamItems: true) { item in
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
    let mark = parser.problem_mark
    let line = Int(mark.line) + 1 + lineOffset
    let column = Int(mark.column) + 1
    var message = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
    if let context = parser.context.map({ String(cString: $0) }) {
      message = "\(message) \(context)"
    }
    message = Self.friendly(message)
    return ParseFailure(
      diagnostic: .error(message, at: location(line: line, column: column)), line: line)
  }

  /// Rewords libyaml's messages where a common mistake deserves a plainer one.
  private static func friendly(_ message: String) -> String {
    if message.contains("found character that cannot start any token")
      || message.contains("found a tab character")
    {
      return "invalid YAML: \(message) (tabs cannot indent YAML; use spaces)"
    }
    return "invalid YAML: \(message)"
  }

  private func location(line: Int, column: Int) -> SourceLocation {
    SourceLocation(file: file, line: line, column: column, document: max(0, nextDocument - 1))
  }

  private func failure(_ message: String, _ mark: yaml_mark_t) -> ParseFailure {
    let line = Int(mark.line) + 1 + lineOffset
    return ParseFailure(
      diagnostic: .error(message, at: location(line: line, column: Int(mark.column) + 1)),
      line: line)
  }

  /// Builds the node that starts with `event` (consumed). With `streamItems`, the values of a
  /// root mapping's `items` sequence are handed to `onItem` instead of being kept.
  private mutating func node(
    from event: inout yaml_event_t, depth: Int, streamItems: Bool = false,
    onItem: (YAMLNode) -> Void = { _ in }
  ) throws -> YAMLNode {
    let mark = event.start_mark
    let line = Int(mark.line) + 1 + lineOffset
    let column = Int(mark.column) + 1
    if depth > limits.maxDepth {
      throw failure("nesting is deeper than \(limits.maxDepth) levels", mark)
    }
    switch event.type {
    case YAML_SCALAR_EVENT:
      let scalar = event.data.scalar
      let text = Self.string(scalar.value, count: scalar.length)
      let isPlain = scalar.style == YAML_PLAIN_SCALAR_STYLE && scalar.tag == nil
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
          while true {
            var child = try nextEvent()
            defer { yaml_event_delete(&child) }
            if child.type == YAML_SEQUENCE_END_EVENT { break }
            onItem(try node(from: &child, depth: depth + 2))
            anchors.removeAll(keepingCapacity: true)
            expanded = 0
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
      let result = YAMLNode(.mapping(entries), line: line, column: column, size: size)
      try register(anchor, result, mark)
      return result
    default:
      throw failure("unexpected YAML event", mark)
    }
  }

  private mutating func register(
    _ anchor: UnsafeMutablePointer<yaml_char_t>?, _ node: YAMLNode, _ mark: yaml_mark_t
  ) throws {
    guard let anchor else { return }
    anchors[Self.cString(anchor)] = node
  }

  private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, count: Int) -> String
  {
    guard let pointer, count > 0 else { return "" }
    return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
  }

  private static func cString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String {
    guard let pointer else { return "" }
    return String(cString: pointer)
  }
}
