/// What a typed list (`PodList`, `NetworkPolicyList`, `GlobalNetworkPolicyList`...) gives its
/// items: the API server and client libraries write such lists with items that carry no `kind`
/// or `apiVersion`, each item being of the list's kind without `List`, in the list's version.
struct ListItemType: Equatable, Sendable {
  /// The items' kind (`Pod` for a `PodList`).
  var kind: String
  /// The list's `apiVersion`, when it has one.
  var apiVersion: String?

  /// The type of the items of a list of `kind` in `apiVersion`; nil when `kind` is no typed
  /// list (`List`, whose items name their own kinds, or a kind that does not end in `List`).
  init?(listKind kind: String?, apiVersion: String?) {
    guard let kind, kind.hasSuffix("List"), kind != "List" else { return nil }
    self.kind = String(kind.dropLast("List".count))
    self.apiVersion = apiVersion
  }

  /// The type given by a list document (or the entries written before its `items`).
  init?(document: YAMLNode) {
    self.init(listKind: document["kind"]?.scalar, apiVersion: document["apiVersion"]?.scalar)
  }

  /// The kind and version of `item`: its own, or, where it names none, the list's (an item
  /// of another kind than the list's keeps to its own version, or lack of one).
  static func kindAndVersion(of item: YAMLNode, in list: ListItemType?) -> (kind: YAMLNode?, apiVersion: YAMLNode?) {
    guard let list else { return (item["kind"], item["apiVersion"]) }
    let ownKind = written(item["kind"])
    let ownVersion = written(item["apiVersion"])
    let kind = ownKind ?? YAMLNode(.scalar(list.kind, isPlain: false), line: item.line, column: item.column)
    guard ownVersion == nil, kind.scalar == list.kind, let version = list.apiVersion else {
      return (kind, ownVersion)
    }
    return (kind, YAMLNode(.scalar(version, isPlain: false), line: item.line, column: item.column))
  }

  /// `node`, unless it is absent, null or empty (what a client library writes for a field it
  /// leaves to the list).
  static func written(_ node: YAMLNode?) -> YAMLNode? {
    guard let node, !node.isNull, node.scalar != "" else { return nil }
    return node
  }

  /// Whether `item` names its own kind and version.
  static func namesItsType(_ item: YAMLNode) -> Bool {
    written(item["kind"]) != nil && written(item["apiVersion"]) != nil
  }
}

/// The items of root-level `items` lists as the reader streams them, in order, each with the
/// type its list gives it. A list whose `kind` is written before `items` (as the API server
/// writes it) types its items as they come; when `kind` comes after them (as `kubectl -o
/// yaml` sorts keys), items that name no kind and version of their own, and every item after
/// the first of those, wait for the enclosing document, which the reader delivers after them.
struct ListItemQueue {
  /// For each document whose `items` started streaming: the type its entries before `items`
  /// give (nil when none), and whether `kind` was among them.
  private var headers: [Int: (type: ListItemType?, knowsKind: Bool)] = [:]
  /// Items waiting for their document, by document.
  private var waiting: [Int: [YAMLNode]] = [:]

  /// Notes that document `index`'s `items` start streaming, after the entries in `before`.
  mutating func start(document index: Int, before: YAMLNode) {
    headers[index] = (ListItemType(document: before), before["kind"] != nil)
  }

  /// `item` of document `index`, with its list's type, when it can be decoded now; nil when
  /// it waits for its document.
  mutating func take(_ item: YAMLNode, document index: Int) -> (item: YAMLNode, type: ListItemType?)? {
    let header = headers[index]
    if header?.knowsKind == true { return (item, header?.type) }
    if waiting[index] == nil, ListItemType.namesItsType(item) { return (item, nil) }
    waiting[index, default: []].append(item)
    return nil
  }

  /// The items of document `index` that waited for it, with the type it gives them.
  mutating func release(document: YAMLNode, index: Int) -> (items: [YAMLNode], type: ListItemType?) {
    headers[index] = nil
    guard let items = waiting.removeValue(forKey: index) else { return ([], nil) }
    return (items, ListItemType(document: document))
  }

  /// Items whose document never came (it did not parse, and its error is reported): those
  /// that name their own kind and version, in order.
  mutating func orphans() -> [(document: Int, item: YAMLNode)] {
    defer { waiting.removeAll() }
    return waiting.keys.sorted().flatMap { index in
      waiting[index]!.filter(ListItemType.namesItsType).map { (index, $0) }
    }
  }
}
