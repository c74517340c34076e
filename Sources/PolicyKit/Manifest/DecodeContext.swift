/// Reads typed values out of one document's nodes, turning every mistake into a diagnostic at
/// the offending node. A decoder never throws for bad input: it reports and returns nil.
struct DecodeContext {
  /// The file being read.
  let file: String
  /// The index of the document in the file.
  let document: Int
  /// Diagnostics collected while decoding this document.
  var diagnostics: [Diagnostic] = []
  /// Whether an error made the current object invalid (it is then not applied).
  var failed = false

  init(file: String, document: Int) {
    self.file = file
    self.document = document
  }

  /// The location of `node`.
  func location(_ node: YAMLNode) -> SourceLocation {
    SourceLocation(file: file, line: node.line, column: node.column, document: document)
  }

  /// Records an error at `node` and marks the object invalid.
  mutating func error(_ message: String, at node: YAMLNode, offset: Int = 0) {
    diagnostics.append(.error(message, at: location(node).advanced(by: offset)))
    failed = true
  }

  /// Records a warning at `node`.
  mutating func warning(_ message: String, at node: YAMLNode) {
    diagnostics.append(.warning(message, at: location(node)))
  }

  /// Records a warning at a location.
  mutating func warning(_ message: String, at location: SourceLocation) {
    diagnostics.append(.warning(message, at: location))
  }

  // MARK: - Typed reads

  /// A mapping, or an error naming `field`.
  mutating func mapping(_ node: YAMLNode, _ field: String) -> YAMLNode? {
    if node.isNull { return nil }
    guard node.mapping != nil else {
      error("`\(field)` must be a mapping, not \(node.typeDescription)", at: node)
      return nil
    }
    return node
  }

  /// A list (null reads as empty), or an error naming `field`.
  mutating func list(_ node: YAMLNode?, _ field: String) -> [YAMLNode]? {
    guard let node else { return nil }
    if node.isNull { return [] }
    guard let items = node.sequence else {
      error("`\(field)` must be a list, not \(node.typeDescription)", at: node)
      return nil
    }
    return items
  }

  /// A string scalar, or an error naming `field`.
  mutating func string(_ node: YAMLNode?, _ field: String) -> String? {
    guard let node, !node.isNull else { return nil }
    guard let text = node.scalar else {
      error("`\(field)` must be a string, not \(node.typeDescription)", at: node)
      return nil
    }
    return text
  }

  /// An integer in `range`, or an error naming `field`.
  mutating func integer(_ node: YAMLNode?, _ field: String, in range: ClosedRange<Int>) -> Int? {
    guard let node, !node.isNull else { return nil }
    guard case .scalar(let text, let isPlain) = node.content, isPlain, let value = Int(text)
    else {
      error("`\(field)` must be a whole number, not `\(node.scalar ?? node.typeDescription)`", at: node)
      return nil
    }
    guard range.contains(value) else {
      error("`\(field)` must be between \(range.lowerBound) and \(range.upperBound), not \(value)", at: node)
      return nil
    }
    return value
  }

  /// A number (Calico orders may be fractional), or an error naming `field`.
  mutating func number(_ node: YAMLNode?, _ field: String) -> Double? {
    guard let node, !node.isNull else { return nil }
    guard case .scalar(let text, let isPlain) = node.content, isPlain, let value = Double(text),
      value.isFinite
    else {
      error("`\(field)` must be a number, not `\(node.scalar ?? node.typeDescription)`", at: node)
      return nil
    }
    return value
  }

  /// A boolean, or an error naming `field`.
  mutating func bool(_ node: YAMLNode?, _ field: String) -> Bool? {
    guard let node, !node.isNull else { return nil }
    switch node.scalar {
    case "true", "True", "TRUE": return true
    case "false", "False", "FALSE": return false
    default:
      error("`\(field)` must be true or false, not `\(node.scalar ?? node.typeDescription)`", at: node)
      return nil
    }
  }

  /// A map of strings (labels, matchLabels), or an error naming `field`.
  mutating func stringMap(_ node: YAMLNode?, _ field: String) -> [String: String] {
    guard let node, !node.isNull else { return [:] }
    guard let entries = node.mapping else {
      error("`\(field)` must be a mapping of strings, not \(node.typeDescription)", at: node)
      return [:]
    }
    var result: [String: String] = [:]
    for (key, value) in entries {
      guard let name = key.scalar else {
        error("keys of `\(field)` must be strings", at: key)
        continue
      }
      guard let text = value.isNull ? "" : value.scalar else {
        error("`\(field).\(name)` must be a string, not \(value.typeDescription)", at: value)
        continue
      }
      result[name] = text
    }
    return result
  }

  /// A list of strings, or an error naming `field`.
  mutating func stringList(_ node: YAMLNode?, _ field: String) -> [String]? {
    guard let items = list(node, field) else { return nil }
    return items.compactMap { string($0, field) }
  }

  /// Warns about keys of `node` that are not in `known` (a typo there usually changes meaning).
  mutating func checkFields(_ node: YAMLNode, _ known: Set<String>, in context: String) {
    guard let entries = node.mapping else { return }
    for (key, _) in entries {
      guard let name = key.scalar, !known.contains(name) else { continue }
      warning("unknown field `\(name)` in \(context) is ignored", at: key)
    }
  }

  /// A policy's written types (`types` in Calico, `policyTypes` in Kubernetes) as (ingress,
  /// egress); nil when absent, so that each kind applies its own defaulting.
  mutating func policyTypes(_ spec: YAMLNode, field: String) -> (Bool, Bool)? {
    guard let types = stringList(spec[field], "spec.\(field)") else { return nil }
    var result = (false, false)
    for (index, type) in types.enumerated() {
      switch type {
      case "Ingress": result.0 = true
      case "Egress": result.1 = true
      default:
        error(
          "unknown policy type `\(type)` (expected Ingress or Egress)",
          at: spec[field]?.sequence?[index] ?? spec)
      }
    }
    return result
  }

  // MARK: - Selectors

  /// Parses a Calico selector written in `node`, reporting errors at the column inside it.
  mutating func calicoSelector(_ node: YAMLNode?, _ field: String) -> Selector? {
    guard let node, !node.isNull else { return nil }
    guard let text = string(node, field) else { return nil }
    do {
      return try Selector.parse(text)
    } catch {
      // Quotes and escapes take room on the line: point at the character as written.
      self.error(
        "invalid selector in `\(field)`: \(error.message)", at: node,
        offset: node.columnOffset(ofScalar: error.offset))
      return nil
    }
  }

  /// Converts a Kubernetes label selector (`matchLabels`, `matchExpressions`) to a selector.
  /// An empty or absent selector selects everything.
  mutating func labelSelector(_ node: YAMLNode?, _ field: String) -> Selector? {
    guard let node, !node.isNull else { return .all }
    guard mapping(node, field) != nil else { return nil }
    checkFields(node, ["matchLabels", "matchExpressions"], in: "`\(field)`")
    var terms: [Selector] = []
    let labels = stringMap(node["matchLabels"], "\(field).matchLabels")
    for key in labels.keys.sorted() {
      terms.append(.equal(key, labels[key] ?? ""))
    }
    for expression in list(node["matchExpressions"], "\(field).matchExpressions") ?? [] {
      guard mapping(expression, "\(field).matchExpressions") != nil else { continue }
      guard let key = string(expression["key"], "key") else {
        error("a match expression needs a `key`", at: expression)
        continue
      }
      let values = stringList(expression["values"], "values") ?? []
      let operatorNode = expression["operator"]
      switch string(operatorNode, "operator") {
      case "In":
        guard !values.isEmpty else {
          error("operator `In` needs at least one value", at: expression)
          continue
        }
        terms.append(.inSet(key, Array(Set(values)).sorted()))
      case "NotIn":
        guard !values.isEmpty else {
          error("operator `NotIn` needs at least one value", at: expression)
          continue
        }
        terms.append(.notInSet(key, Array(Set(values)).sorted()))
      case "Exists":
        terms.append(.has(key))
      case "DoesNotExist":
        terms.append(.not(.has(key)))
      case let other?:
        error(
          "unknown operator `\(other)` in match expression (expected In, NotIn, Exists or DoesNotExist)",
          at: operatorNode ?? expression)
      case nil:
        error("a match expression needs an `operator`", at: expression)
      }
    }
    switch terms.count {
    case 0: return .all
    case 1: return terms[0]
    default: return .and(terms)
    }
  }
}
