/// The policies of a load by id, in the order their files gave them, and the order sorting
/// them by id put them in: a reload with the same policies in the same order (an edit of a
/// policy's contents) takes the order over instead of sorting thousands of ids again.
struct PolicyOrder: Sendable {
  var ids: [PolicyID]
  var order: [Int]
}

/// Decodes the objects of one file (the decoders extend it, one per API family).
struct FileDecoder {
  var decoding = FileDecoding()
  private var referenced: Set<String> = []
  private var skippedIndex: [String: Int] = [:]

  /// Decodes one file's bytes.
  static func decode(_ file: SourceFile, limits: YAMLLimits) -> FileDecoding {
    decode(file, piece: YAMLPiece(range: file.bytes.indices), limits: limits).finished()
  }

  /// What one piece of a file decodes to: the decoder, the syntax diagnostics, and where the
  /// document numbering went on.
  struct PieceDecoding: Sendable {
    var decoder: FileDecoder
    var syntax: [Diagnostic]
    var nextDocument: Int

    /// The file's decoding, when the piece is the whole file.
    func finished() -> FileDecoding {
      var decoding = decoder.decoding
      decoding.diagnostics.append(contentsOf: syntax)
      return decoding
    }
  }

  /// Decodes the documents of one piece of a file.
  static func decode(_ file: SourceFile, piece: YAMLPiece, limits: YAMLLimits) -> PieceDecoding {
    var decoder = FileDecoder()
    let reader = YAMLReader(file: file.path, limits: limits)
    var listDocuments: Set<Int> = []
    var queue = ListItemQueue()
    let (syntax, next) = reader.read(
      file.bytes, piece: piece, listStart: { queue.start(document: $0, before: $1) }
    ) { unit in
      switch unit {
      case .listItem(let node, let index):
        listDocuments.insert(index)
        if let (item, type) = queue.take(node, document: index) {
          decoder.add(item, file: file.path, document: index, inList: true, listType: type)
        }
      case .document(let node, let index):
        let (items, type) = queue.release(document: node, index: index)
        for item in items {
          decoder.add(item, file: file.path, document: index, inList: true, listType: type)
        }
        decoder.addDocument(
          node, file: file.path, document: index, hadItems: listDocuments.contains(index))
      }
    }
    for (index, item) in queue.orphans() {
      decoder.add(item, file: file.path, document: index, inList: true, listType: nil)
    }
    return PieceDecoding(decoder: decoder, syntax: syntax, nextDocument: next)
  }

  /// Puts the decoded pieces of a file together into what decoding it whole gives, or nil
  /// when that is not sure (a piece failed to parse, or numbered its documents otherwise
  /// than the cut foresaw): the file is then decoded whole.
  static func assemble(_ pieces: [PieceDecoding], cut: [YAMLPiece]) -> FileDecoding? {
    guard pieces.count == cut.count else { return nil }
    for (index, piece) in pieces.enumerated() {
      if piece.syntax.contains(where: { $0.severity == .error }) { return nil }
      if index + 1 < cut.count, piece.nextDocument != cut[index + 1].firstDocument { return nil }
    }
    var whole = FileDecoder()
    for piece in pieces {
      let part = piece.decoder.decoding
      let start = whole.decoding.definitions.count
      whole.decoding.definitions.append(contentsOf: part.definitions)
      whole.decoding.spans.append(.init(token: part.token, definitions: start..<whole.decoding.definitions.count))
      whole.decoding.diagnostics.append(contentsOf: part.diagnostics)
      for (namespace, location) in part.namespaceReferences {
        whole.referNamespace(namespace, at: location)
      }
      for (key, location, count) in part.skippedKinds {
        whole.skip(key: key, at: location, count: count)
      }
    }
    for piece in pieces { whole.decoding.diagnostics.append(contentsOf: piece.syntax) }
    return whole.decoding
  }

  // MARK: - Adding documents

  /// Adds a whole document; `hadItems` says its `items` were already streamed as list items.
  mutating func addDocument(_ node: YAMLNode, file: String, document: Int, hadItems: Bool) {
    var context = DecodeContext(file: file, document: document)
    defer { decoding.diagnostics.append(contentsOf: context.diagnostics) }
    if node.isNull { return }
    guard node.mapping != nil else {
      context.error(
        "a manifest must be a mapping with `apiVersion` and `kind`, not \(node.typeDescription)",
        at: node)
      return
    }
    let kind = node["kind"]?.scalar ?? ""
    if hadItems || kind == "List" || (kind.hasSuffix("List") && node["items"] != nil) {
      if !(kind == "List" || kind.hasSuffix("List")) {
        context.warning("`items` at the top of a `\(kind)` was read as a list of objects", at: node)
      }
      return
    }
    add(node, file: file, document: document, inList: false, context: &context)
  }

  /// Adds one object (a document, or an item of a list whose items are of `listType` when
  /// they name no kind of their own).
  mutating func add(
    _ node: YAMLNode, file: String, document: Int, inList: Bool, listType: ListItemType? = nil
  ) {
    var context = DecodeContext(file: file, document: document)
    add(node, file: file, document: document, inList: inList, listType: listType, context: &context)
    decoding.diagnostics.append(contentsOf: context.diagnostics)
  }

  private mutating func add(
    _ node: YAMLNode, file: String, document: Int, inList: Bool, listType: ListItemType? = nil,
    context: inout DecodeContext
  ) {
    guard node.mapping != nil else {
      context.error("a list item must be a mapping with `apiVersion` and `kind`, not \(node.typeDescription)", at: node)
      return
    }
    let written = ListItemType.kindAndVersion(of: node, in: listType)
    guard let kind = context.string(written.kind, "kind"), !kind.isEmpty else {
      context.error("missing `kind`", at: node)
      return
    }
    guard let apiVersion = context.string(written.apiVersion, "apiVersion"), !apiVersion.isEmpty
    else {
      context.error("missing `apiVersion` for kind `\(kind)`", at: node)
      return
    }
    let group = apiVersion.lastIndex(of: "/").map { String(apiVersion[..<$0]) } ?? ""
    let metadata = node["metadata"].flatMap { context.mapping($0, "metadata") }
    guard let name = context.string(metadata?["name"], "metadata.name"), !name.isEmpty else {
      context.error("`\(kind)` has no `metadata.name`\(ModelBuilder.lostIndentationHint(node))", at: metadata ?? node)
      return
    }
    let object = ObjectHeader(
      apiVersion: apiVersion, group: group, kind: kind, name: name,
      namespace: metadata.flatMap { $0["namespace"]?.scalar },
      labels: context.stringMap(metadata?["labels"], "metadata.labels"),
      node: node, location: context.location(node))
    if !inList && context.failed { return }
    decode(object, context: &context)
  }

  /// Records a decoded object under its key (duplicates are found when files are put together).
  mutating func define(_ key: String, _ what: String, at location: SourceLocation, _ object: DecodedObject) {
    decoding.definitions.append(Definition(key: key, what: what, location: location, object: object))
  }

  /// Notes that `namespace` is used, so an undeclared one can be created with a warning.
  mutating func referNamespace(_ namespace: String, at location: SourceLocation) {
    if referenced.insert(namespace).inserted {
      decoding.namespaceReferences.append((namespace, location))
    }
  }

  mutating func skip(kind: String, apiVersion: String, at location: SourceLocation) {
    skip(key: "\(apiVersion) \(kind)", at: location, count: 1)
  }

  /// Counts `count` objects of a kind that is not understood, first seen at `location`.
  mutating func skip(key: String, at location: SourceLocation, count: Int) {
    if let index = skippedIndex[key] {
      decoding.skippedKinds[index].count += count
    } else {
      skippedIndex[key] = decoding.skippedKinds.count
      decoding.skippedKinds.append((key, location, count))
    }
  }
}
