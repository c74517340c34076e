/// One node of a YAML document: a scalar, a sequence or a mapping, with where it starts.
///
/// The loader builds a small tree per document (or per item of a `kind: List`), decodes it into
/// model objects and drops it, so memory stays proportional to one object, not to the file.
public struct YAMLNode: Sendable {
  /// What the node holds.
  public enum Content: Sendable {
    /// A scalar and whether it was written plain (unquoted), which decides whether it may be
    /// read as a number, a boolean or null.
    case scalar(String, isPlain: Bool)
    /// A sequence of nodes.
    case sequence([YAMLNode])
    /// Key/value pairs in written order.
    case mapping([(key: YAMLNode, value: YAMLNode)])
  }

  /// The node's content.
  public var content: Content
  /// 1-based line of the node's first character.
  public var line: Int
  /// 1-based column of the node's first character.
  public var column: Int
  /// The number of nodes below and including this one, counting alias expansions.
  public var size: Int
  /// How a scalar was written, which decides where its characters sit on the line.
  public var style: ScalarStyle = .plain

  /// How a scalar is written.
  public enum ScalarStyle: Sendable {
    case plain
    case singleQuoted
    case doubleQuoted
    case block
  }

  /// The column offset, from the node's first column, of Unicode scalar `offset` of its text
  /// (libyaml counts columns in scalars): the opening quote and the escapes before it (`''`,
  /// `\"`) take room on the line.
  public func columnOffset(ofScalar offset: Int) -> Int {
    guard let text = scalar else { return offset }
    let before = text.unicodeScalars.prefix(offset)
    switch style {
    case .plain, .block: return offset
    case .singleQuoted: return offset + 1 + before.filter { $0 == "'" }.count
    case .doubleQuoted: return offset + 1 + before.filter { $0 == "\"" || $0 == "\\" }.count
    }
  }

  /// Creates a node.
  public init(_ content: Content, line: Int, column: Int, size: Int = 1) {
    self.content = content
    self.line = line
    self.column = column
    self.size = size
  }

  /// The scalar text, if this is a scalar.
  public var scalar: String? {
    if case .scalar(let text, _) = content { return text }
    return nil
  }

  /// The entries, if this is a mapping.
  public var mapping: [(key: YAMLNode, value: YAMLNode)]? {
    if case .mapping(let entries) = content { return entries }
    return nil
  }

  /// The items, if this is a sequence.
  public var sequence: [YAMLNode]? {
    if case .sequence(let items) = content { return items }
    return nil
  }

  /// Whether this is the plain key `<<`, which merges mappings into the one holding it.
  public var isMergeKey: Bool {
    if case .scalar("<<", isPlain: true) = content { return true }
    return false
  }

  /// Whether this is a plain `null`, `~` or empty scalar.
  public var isNull: Bool {
    if case .scalar(let text, let isPlain) = content, isPlain {
      return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }
    return false
  }

  /// The value for `key` in a mapping (the first one written).
  public subscript(key: String) -> YAMLNode? {
    guard case .mapping(let entries) = content else { return nil }
    // By index, comparing in place: copying entries out costs more than the comparison.
    for index in entries.indices {
      if case .scalar(let text, _) = entries[index].key.content, text == key { return entries[index].value }
    }
    return nil
  }

  /// A short name of the node's type for messages: `a mapping`, `a list`, `a string`.
  public var typeDescription: String {
    switch content {
    case .mapping: "a mapping"
    case .sequence: "a list"
    case .scalar(_, let isPlain):
      isNull ? "null" : (isPlain && Int(scalar ?? "") != nil ? "a number" : "a string")
    }
  }
}
