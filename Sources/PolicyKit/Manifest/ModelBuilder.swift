/// A pod or workload as read, before the builder gives it an id, an address and Calico labels.
struct RawWorkload: Sendable {
  var kind: String
  var name: String
  var namespace: String
  var labels: [String: String]
  var serviceAccount: String
  var podIP: IPAddress?
  var extraIPs: [IPAddress]
  var nodeName: String?
  /// `spec.hostNetwork: true`: the pod's traffic is its node's.
  var hostNetwork = false
  var namedPorts: [NamedPort]
  var owners: [(kind: String, name: String)]
  /// Why it makes no endpoint (a finished pod or Job, a pod without an address yet, a
  /// workload scaled to zero), or nil when it does.
  var leftOut: String?
  var location: SourceLocation
}

/// An object decoded from a file, before it joins the cluster.
enum DecodedObject: Sendable {
  case namespace(Namespace)
  case node(Node)
  case serviceAccount(key: String, labels: [String: String])
  case workload(RawWorkload)
  case policy(Policy)
  case tier(Tier)
  /// A host endpoint or a network set.
  case endpoint(Endpoint)
  case profile(Profile)
  case felix(FelixSettings)
  case service(RawService)
  case endpointSlice(RawEndpointSlice)
  case ipPool(IPPool)
}

/// A decoded object with the key that makes it unique and where it was written.
struct Definition: Sendable {
  /// `family/kind/namespace/name`: two objects with the same key are duplicates.
  var key: String
  /// How diagnostics name it (``Namespace `a` ``).
  var what: String
  var location: SourceLocation
  var object: DecodedObject
}

/// Everything one file yields, decoded on its own: the same bytes always decode the same way,
/// so an unchanged file is never read again (`ManifestCache`).
public struct FileDecoding: Sendable {
  /// Tells this decoding from any other (a new one for every decode).
  var token = UInt64.random(in: 1...UInt64.max)
  var definitions: [Definition] = []
  /// The first place each namespace was referred to in this file.
  var namespaceReferences: [(namespace: String, location: SourceLocation)] = []
  /// Kinds that are not understood: first place and count.
  var skippedKinds: [(key: String, location: SourceLocation, count: Int)] = []
  /// YAML and decoding diagnostics.
  var diagnostics: [Diagnostic] = []
  /// A file decoded in pieces: each piece's decoding token and the definitions it gave. Two
  /// versions of a file with a span alike took that piece's definitions over as they were.
  var spans: [Span] = []

  struct Span: Equatable, Sendable {
    var token: UInt64
    var definitions: Range<Int>
  }
  /// Whether the file defines anything endpoints depend on (anything but policies and tiers).
  var definesInventory: Bool { definitions.contains { $0.isInventory } }

  /// What this file gives the inventory, when it defines inventory objects: the inventory is
  /// built again only when the list of these changes (or another namespace is referred to
  /// without being declared). Files of policies and tiers come and go without touching it.
  func inventoryPart(path: String) -> Inventory.Part {
    Inventory.Part(path: path, token: token)
  }
}

extension Definition {
  /// Whether the object is a pod or a workload.
  var isWorkload: Bool {
    if case .workload = object { return true }
    return false
  }

  /// Whether the object is part of the inventory (anything but policies and tiers).
  var isInventory: Bool {
    switch object {
    case .policy, .tier, .service, .endpointSlice: false
    default: true
    }
  }
}

/// What the objects other than policies and tiers make: namespaces, nodes, endpoints,
/// profiles and Felix settings, with the diagnostics found making them. Editing a policy file
/// leaves it as it is, so a reload takes it over instead of building 10,000 endpoints again.
public struct Inventory: Sendable {
  /// One file's share, to tell whether an inventory can be taken over.
  struct Part: Equatable, Sendable {
    var path: String
    /// The decoding's token.
    var token: UInt64
  }
  var parts: [Part]
  /// Namespaces referred to but not declared, with the first place each (they are made up).
  var undeclared: [String: SourceLocation]
  var namespaces: [String: Namespace]
  var nodes: [String: Node]
  var serviceAccountLabels: [String: [String: String]]
  var endpoints: [Endpoint]
  /// Pods and workloads that make no endpoint.
  var leftOut: [LeftOutObject] = []
  var profiles: [String: Profile]
  var felix: FelixSettings
  var ipPools: [IPPool] = []
  var diagnostics: [Diagnostic]
  /// Whether every workload is a pod (no templates that pods could stand in for).
  var onlyPods = false
  /// Workload endpoints' positions, once a patch needed them (`patched`).
  var workloadPositions: [String: Int]?
  /// Which list `endpoints` is (after `patched`: made from which, changed where).
  var revision = EndpointRevision()
}

extension Inventory {
  /// The objects left out after the edits that gave `decodings` of `files`: those of the
  /// other files as they were, and those of the edited files as they now are (they have no
  /// endpoint to patch).
  func leftOut(after decodings: [FileDecoding], in files: Set<String>) -> [LeftOutObject] {
    let edited = decodings.flatMap { decoding in
      decoding.definitions.compactMap { definition -> RawWorkload? in
        guard case .workload(let workload) = definition.object, workload.leftOut != nil else { return nil }
        return workload
      }
    }
    let untouched = leftOut.filter { !files.contains($0.location.file) }
    return (untouched + ModelBuilder.leftOut(edited)).sorted(by: LeftOutObject.precedes)
  }

  /// The endpoints of `pods`, added to these less those at `removed`, with the addresses a
  /// build from scratch gives them; nil when that build would give any other endpoint
  /// another address (a made-up address that was taken, or one that skipped a removed
  /// endpoint's address).
  func addressed(
    _ pods: [RawWorkload], removing removed: Set<Int>, pool: CIDR, context: Cluster
  ) -> [Endpoint]? {
    let pool = AddressPool(pool)
    guard pool.cidr.address.isIPv4, pool.size > 0 else { return nil }
    var used: Set<IPAddress> = []
    used.reserveCapacity(endpoints.count + pods.count)
    for index in endpoints.indices where !removed.contains(index) { used.formUnion(endpoints[index].addresses) }
    // A made-up address is the first free one from the hash of the id on: one that skipped
    // over a removed address would take it now.
    let freed = removed.flatMap { endpoints[$0].addresses }.compactMap(pool.offset)
    if !freed.isEmpty {
      for index in endpoints.indices where !removed.contains(index) && endpoints[index].hasSyntheticAddress {
        guard let taken = endpoints[index].address.flatMap(pool.offset) else { continue }
        let first = pool.first(endpoints[index].id)
        // How far along the offsets tried from the first choice on each lies.
        func distance(_ offset: UInt64) -> UInt64 { (offset + pool.size - first) % pool.size }
        if freed.contains(where: { distance($0) < distance(taken) }) { return nil }
      }
    }
    var result: [Endpoint] = []
    for pod in pods {
      var endpoint = ModelBuilder.workloadEndpoint(
        pod, id: "\(pod.namespace)/\(pod.name)", inherited: InheritedLabels(pod, in: context))
      if let ip = pod.podIP {
        let addresses = [ip] + pod.extraIPs
        guard !addresses.contains(where: used.contains) else { return nil }
        endpoint.addresses = addresses
      } else {
        // Only its first choice: any other would depend on the order pods are given in.
        let address = pool.address(pool.first(endpoint.id))
        guard !used.contains(address) else { return nil }
        endpoint.addresses = [address]
        endpoint.hasSyntheticAddress = true
      }
      used.formUnion(endpoint.addresses)
      result.append(endpoint)
    }
    return result
  }

  /// How `ModelBuilder.finish` sorts endpoints.
  static func order(_ endpoint: Endpoint) -> (Int, String, String, String) {
    (
      endpoint.kind.rank, endpoint.isNetworkSet ? "" : endpoint.namespace ?? "",
      endpoint.isNetworkSet ? "" : endpoint.name, endpoint.id
    )
  }

  /// Each workload endpoint's position, by kind, namespace and name.
  static func workloadPositions(_ endpoints: [Endpoint]) -> [String: Int] {
    var positions: [String: Int] = [:]
    positions.reserveCapacity(endpoints.count)
    for index in endpoints.indices {
      guard case .workload(let kind) = endpoints[index].kind, let namespace = endpoints[index].namespace else {
        continue
      }
      positions[workloadKey(kind, namespace, endpoints[index].name)] = index
    }
    return positions
  }

  static func workloadKey(_ kind: String, _ namespace: String, _ name: String) -> String {
    "\(kind) \(namespace)/\(name)"
  }
}

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

/// Puts the decoded files together, in order, into the finished `Cluster`: the first
/// definition of a key wins and later ones are reported as duplicates.
struct ModelBuilder {
  let options: LoadOptions
  /// An inventory built from the same inventory objects, taken over as it is.
  let inventory: Inventory?
  /// Diagnostics about inventory objects (duplicates), kept with the inventory.
  var inventoryDiagnostics: [Diagnostic] = []
  /// Where each inventory object was first defined (its own map: its keys never meet
  /// those of policies and tiers).
  var inventoryDefinitions: [String: SourceLocation] = [:]
  var diagnostics: [Diagnostic] = []
  var cluster = Cluster()
  var workloads: [RawWorkload] = []
  var otherEndpoints: [Endpoint] = []
  var services: [RawService] = []
  var endpointSlices: [RawEndpointSlice] = []
  /// Where each kind/namespace/name was first defined, to report duplicates.
  var definitions: [String: SourceLocation] = [:]
  /// First place each undeclared namespace was referred to.
  var namespaceReferences: [String: SourceLocation] = [:]
  /// Kinds that are not understood: first place and count, reported once per kind.
  var skippedKinds: [String: (location: SourceLocation, count: Int)] = [:]
  /// Whether every workload is a pod.
  private var onlyPods = false

  /// The order policies were sorted into at the last load.
  let knownOrder: PolicyOrder?
  /// The order `finish` sorted policies into.
  private(set) var policyOrder: PolicyOrder?

  init(options: LoadOptions, inventory: Inventory? = nil, knownOrder: PolicyOrder? = nil) {
    self.options = options
    self.inventory = inventory
    self.knownOrder = knownOrder
  }

  /// Makes room for `count` more policies and tiers.
  mutating func reserve(policies count: Int) {
    definitions.reserveCapacity(definitions.count + count)
    cluster.policies.reserveCapacity(cluster.policies.count + count)
  }

  /// Adds one file's objects after those of the files before it.
  mutating func add(_ file: FileDecoding) {
    diagnostics.append(contentsOf: file.diagnostics)
    for (namespace, location) in file.namespaceReferences where namespaceReferences[namespace] == nil {
      namespaceReferences[namespace] = location
    }
    for (key, location, count) in file.skippedKinds {
      if let seen = skippedKinds[key] {
        skippedKinds[key] = (seen.location, seen.count + count)
      } else {
        skippedKinds[key] = (location, count)
      }
    }
    // (By index: a reused inventory's thousands of objects are passed over without a copy.)
    for index in file.definitions.indices {
      let isInventory = file.definitions[index].isInventory
      // A reused inventory already holds its objects and their duplicates.
      if isInventory, inventory != nil { continue }
      let definition = file.definitions[index]
      // The first definition of a key stays; a later one is reported (and put back).
      let first =
        isInventory
        ? inventoryDefinitions.updateValue(definition.location, forKey: definition.key)
        : definitions.updateValue(definition.location, forKey: definition.key)
      if let first {
        let duplicate = Diagnostic(
          .error, "duplicate \(definition.what): it is already defined, this one is ignored",
          at: definition.location, notes: [.init("first defined here", at: first)])
        if isInventory {
          inventoryDefinitions[definition.key] = first
          inventoryDiagnostics.append(duplicate)
        } else {
          definitions[definition.key] = first
          diagnostics.append(duplicate)
        }
        continue
      }
      switch definition.object {
      case .namespace(let namespace): cluster.namespaces[namespace.name] = namespace
      case .node(let node): cluster.nodes[node.name] = node
      case .serviceAccount(let key, let labels): cluster.serviceAccountLabels[key] = labels
      case .workload(let workload): workloads.append(workload)
      case .policy(let policy): cluster.policies.append(policy)
      case .tier(let tier): cluster.tiers[tier.name] = tier
      case .endpoint(let endpoint): otherEndpoints.append(endpoint)
      case .profile(let profile): cluster.profiles[profile.name] = profile
      case .felix(let felix): cluster.felix = felix
      case .service(let service): services.append(service)
      case .endpointSlice(let slice): endpointSlices.append(slice)
      case .ipPool(let pool): cluster.ipPools.append(pool)
      }
    }
  }

  // MARK: - Finishing

  /// Whether the inventory given at the start fits what was added: the same namespaces are
  /// referred to without being declared, first at the same places.
  func canKeepInventory() -> Bool {
    guard let inventory else { return true }
    return undeclaredReferences(declared: inventory.namespaces) == inventory.undeclared
  }

  private func undeclaredReferences(declared: [String: Namespace]) -> [String: SourceLocation] {
    namespaceReferences.filter { declared[$0.key]?.isDeclared != true }
  }

  /// Builds the cluster from everything added; `parts` describe the files, for the
  /// inventory returned with it.
  mutating func finish(parts: [Inventory.Part] = []) -> (LoadResult, Inventory) {
    reportSkippedKinds()
    let built: Inventory
    if let inventory {
      built = inventory
      cluster.namespaces = inventory.namespaces
      cluster.nodes = inventory.nodes
      cluster.serviceAccountLabels = inventory.serviceAccountLabels
      cluster.endpoints = inventory.endpoints
      cluster.endpointRevision = inventory.revision
      cluster.leftOut = inventory.leftOut
      cluster.profiles = inventory.profiles
      cluster.felix = inventory.felix
      cluster.ipPools = inventory.ipPools
    } else {
      let before = diagnostics.count
      let undeclared = undeclaredReferences(declared: cluster.namespaces)
      createReferencedNamespaces()
      addressHostsByNode()
      buildWorkloadEndpoints()
      finishHostsAndSets()
      // Sort keys once and move each endpoint once (endpoints are large values).
      let keys = cluster.endpoints.map(Inventory.order)
      let order = keys.indices.sorted { keys[$0] < keys[$1] }
      cluster.endpoints = order.map { cluster.endpoints[$0] }
      built = Inventory(
        parts: parts, undeclared: undeclared, namespaces: cluster.namespaces, nodes: cluster.nodes,
        serviceAccountLabels: cluster.serviceAccountLabels, endpoints: cluster.endpoints,
        leftOut: cluster.leftOut, profiles: cluster.profiles, felix: cluster.felix,
        ipPools: cluster.ipPools.sorted { $0.name < $1.name },
        diagnostics: inventoryDiagnostics + diagnostics[before...], onlyPods: onlyPods)
      cluster.ipPools = built.ipPools
      cluster.endpointRevision = built.revision
      diagnostics.removeSubrange(before...)
    }
    diagnostics += built.diagnostics
    validatePolicyTiers()
    cluster.services = ServiceCatalog.services(services, slices: endpointSlices, endpoints: cluster.endpoints)
    diagnostics += PolicyReferences.resolve(&cluster)
    diagnostics += PolicyReferences.samePriorityWarnings(cluster.policies)
    warnPoliciesOnHostNetworkedPods()
    // Sort ids (or take the last load's order over when the same policies came in the same
    // order), then move each policy once (policies are large values).
    let ids = cluster.policies.indices.map { cluster.policies[$0].id }
    let order = knownOrder.flatMap { $0.ids == ids ? $0.order : nil } ?? ids.indices.sorted { ids[$0] < ids[$1] }
    policyOrder = PolicyOrder(ids: ids, order: order)
    cluster.policies = order.map { cluster.policies[$0] }
    diagnostics.sort()
    return (LoadResult(cluster: cluster, diagnostics: diagnostics), built)
  }

  private mutating func reportSkippedKinds() {
    for (key, seen) in skippedKinds.sorted(by: { $0.value.location < $1.value.location }) {
      let parts = key.split(separator: " ")
      let kind = parts.last.map(String.init) ?? key
      let apiVersion = parts.first.map(String.init) ?? ""
      let count = seen.count == 1 ? "" : " (\(seen.count) objects)"
      diagnostics.append(
        .warning(
          "kind `\(kind)` of `\(apiVersion)` is not used by the matrix and was skipped\(count)",
          at: seen.location))
    }
  }

  private mutating func createReferencedNamespaces() {
    for (name, location) in namespaceReferences.sorted(by: { $0.value < $1.value })
    where cluster.namespaces[name] == nil {
      diagnostics.append(
        .warning(
          "namespace `\(name)` is not declared; it was created with only its name label",
          at: location))
      let labels = ["kubernetes.io/metadata.name": name]
      cluster.namespaces[name] = Namespace(
        name: name, labels: labels,
        selectorLabels: labels.merging(["projectcalico.org/name": name]) { a, _ in a },
        isDeclared: false, location: location)
    }
  }

  /// A host endpoint without `expectedIPs` has its node's addresses.
  private mutating func addressHostsByNode() {
    for index in otherEndpoints.indices where otherEndpoints[index].isHost {
      let endpoint = otherEndpoints[index]
      if endpoint.addresses.isEmpty, let node = endpoint.node, let known = cluster.nodes[node] {
        otherEndpoints[index].addresses = known.addresses
      }
    }
  }

  /// The workloads that make endpoints, with how many share each `namespace/name` (empty
  /// when every workload is a pod): a workload whose own pods are in the input is represented
  /// by those pods, and those that run no pods now (`RawWorkload.leftOut`) are noted in
  /// `cluster.leftOut` instead. (Pods alone, the usual dump, need none of the first: nothing
  /// to drop, and their names are unique per namespace, duplicates being rejected.)
  private mutating func keptWorkloads() -> (kept: [RawWorkload], nameCount: [String: Int]) {
    onlyPods = workloads.indices.allSatisfy { workloads[$0].kind == "Pod" }
    var running = workloads
    if workloads.contains(where: { $0.leftOut != nil }) {
      running = workloads.filter { $0.leftOut == nil }
      cluster.leftOut = Self.leftOut(workloads)
    }
    if onlyPods { return (running, [:]) }
    // Pods that run no more still stand for their owners: the cluster has them as they are.
    var ownersWithPods: Set<String> = []
    for pod in workloads where pod.kind == "Pod" {
      for owner in pod.owners {
        ownersWithPods.insert("\(pod.namespace)/\(owner.kind)/\(owner.name)")
        if owner.kind == "ReplicaSet", let cut = owner.name.lastIndex(of: "-") {
          ownersWithPods.insert("\(pod.namespace)/Deployment/\(owner.name[..<cut])")
        }
        if owner.kind == "Job", let cut = owner.name.lastIndex(of: "-") {
          ownersWithPods.insert("\(pod.namespace)/CronJob/\(owner.name[..<cut])")
        }
      }
    }
    let kept = running.filter {
      $0.kind == "Pod" || !ownersWithPods.contains("\($0.namespace)/\($0.kind)/\($0.name)")
    }
    var nameCount: [String: Int] = [:]
    for workload in kept { nameCount["\(workload.namespace)/\(workload.name)", default: 0] += 1 }
    return (kept, nameCount)
  }

  /// The workloads of `workloads` that run no pods, sorted by namespace, name and kind.
  static func leftOut(_ workloads: [RawWorkload]) -> [LeftOutObject] {
    workloads.compactMap { workload in
      workload.leftOut.map {
        LeftOutObject(
          kind: workload.kind, namespace: workload.namespace, name: workload.name, reason: $0,
          location: workload.location)
      }
    }.sorted(by: LeftOutObject.precedes)
  }

  /// Drops workload templates whose pods are loaded and workloads that run no pods, names
  /// every endpoint, gives addresses and the labels Calico adds.
  private mutating func buildWorkloadEndpoints() {
    let (kept, nameCount) = keptWorkloads()

    // The labels and profiles Calico gives every pod of a namespace and service account.
    var inheritedByAccount: [String: InheritedLabels] = [:]
    // Addresses: real ones first, so made-up ones never collide with them.
    var used: Set<IPAddress> = []
    used.reserveCapacity(kept.count + otherEndpoints.count)
    for index in kept.indices {
      if let ip = kept[index].podIP { used.insert(ip) }
    }
    for endpoint in otherEndpoints { used.formUnion(endpoint.addresses) }
    let pool = AddressPool(options.podCIDR)
    cluster.endpoints.reserveCapacity(cluster.endpoints.count + kept.count + otherEndpoints.count)

    // (By index: workloads are large values.)
    for index in kept.indices {
      let base = "\(kept[index].namespace)/\(kept[index].name)"
      let id = (nameCount[base] ?? 0) > 1 ? "\(base)[\(kept[index].kind)]" : base
      let account = "\(kept[index].namespace)/\(kept[index].serviceAccount)"
      let inherited: InheritedLabels
      if let known = inheritedByAccount[account] {
        inherited = known
      } else {
        inherited = InheritedLabels(kept[index], in: cluster)
        inheritedByAccount[account] = inherited
      }
      var endpoint = Self.workloadEndpoint(kept[index], id: id, inherited: inherited)
      if let ip = kept[index].podIP {
        endpoint.addresses = [ip] + kept[index].extraIPs
      } else if kept[index].hostNetwork, let addresses = nodeAddresses(kept[index].nodeName) {
        // A host-networked pod has its node's addresses.
        endpoint.addresses = addresses
      } else if pool.size > 0 {
        // A stable address from a hash of the id: adding a pod never moves another one.
        var offset = pool.first(id)
        var address = pool.address(offset)
        var tries: UInt64 = 0
        while used.contains(address) && tries < pool.count {
          offset = pool.next(offset)
          address = pool.address(offset)
          tries += 1
        }
        used.insert(address)
        endpoint.addresses = [address]
        endpoint.hasSyntheticAddress = true
      }
      cluster.endpoints.append(endpoint)
    }
  }

  /// The addresses of node `name`: its Node object's, else those of a host endpoint on it.
  private func nodeAddresses(_ name: String?) -> [IPAddress]? {
    guard let name else { return nil }
    if let known = cluster.nodes[name], !known.addresses.isEmpty { return known.addresses }
    return otherEndpoints.first { $0.isHost && $0.node == name && !$0.addresses.isEmpty }?.addresses
  }

  /// A workload's endpoint, addresses aside: what it says about itself and the labels and
  /// profiles Calico gives it.
  static func workloadEndpoint(_ raw: RawWorkload, id: String, inherited: InheritedLabels) -> Endpoint {
    var endpoint = Endpoint(
      id: id, kind: .workload(kind: raw.kind), name: raw.name, namespace: raw.namespace,
      labels: raw.labels, location: raw.location)
    endpoint.serviceAccount = raw.serviceAccount
    endpoint.node = raw.nodeName
    if raw.hostNetwork { endpoint.hostNetwork = HostNetworking(node: raw.nodeName) }
    endpoint.namedPorts = raw.namedPorts
    // Calico's labels win; room for all of them made once.
    var labels = raw.labels
    labels.reserveCapacity(labels.count + inherited.labels.count)
    for (key, value) in inherited.labels { labels[key] = value }
    endpoint.selectorLabels = labels
    endpoint.profiles = inherited.profiles
    return endpoint
  }

  private mutating func finishHostsAndSets() {
    for endpoint in otherEndpoints {
      cluster.endpoints.append(
        Self.finished(endpoint, in: cluster) { name in
          diagnostics.append(
            .warning(
              "profile `\(name)` of host endpoint `\(endpoint.name)` is not declared; it has no rules",
              at: endpoint.location))
        })
    }
  }

  /// A host endpoint or network set as decoded, finished with what `cluster` gives it: a host
  /// without addresses has its node's, and the labels its profiles apply that it does not
  /// have (`undeclared` hears of each profile that is not declared); a namespaced network set
  /// has the label of its namespace.
  static func finished(_ decoded: Endpoint, in cluster: Cluster, undeclared: (String) -> Void) -> Endpoint {
    var endpoint = decoded
    if endpoint.isHost {
      if endpoint.addresses.isEmpty, let node = endpoint.node, let known = cluster.nodes[node] {
        endpoint.addresses = known.addresses
      }
      for name in endpoint.profiles {
        if let profile = cluster.profiles[name] {
          for (key, value) in profile.labelsToApply where endpoint.selectorLabels[key] == nil {
            endpoint.selectorLabels[key] = value
          }
        } else if cluster.profile(name) == nil {
          undeclared(name)
        }
      }
    } else if let namespace = endpoint.namespace {
      endpoint.selectorLabels["projectcalico.org/namespace"] = namespace
    }
    return endpoint
  }

  /// A policy in a tier that does not exist is rejected, as Calico's API server does.
  private mutating func validatePolicyTiers() {
    // Usually every tier exists: nothing to filter (and no policy copied).
    guard cluster.policies.indices.contains(where: { cluster.tiers[cluster.policies[$0].tier] == nil }) else {
      return
    }
    cluster.policies = cluster.policies.filter { policy in
      if cluster.tiers[policy.tier] != nil { return true }
      diagnostics.append(
        .error(
          "\(policy.id.kind.rawValue) `\(policy.id.qualifiedName)` names tier `\(policy.tier)`, which does not exist; the policy is not applied",
          at: policy.tierLocation ?? policy.location))
      return false
    }
  }
}

/// The labels and profiles Calico gives every pod of a namespace and service account (the
/// same for all of them: built once per pair).
struct InheritedLabels {
  var labels: [String: String]
  var profiles: [String]

  /// What `workload`'s namespace and service account give it in `cluster`.
  init(_ workload: RawWorkload, in cluster: Cluster) {
    let namespace = workload.namespace
    let serviceAccount = workload.serviceAccount
    var labels: [String: String] = [
      "projectcalico.org/namespace": namespace,
      "projectcalico.org/orchestrator": "k8s",
      "projectcalico.org/serviceaccount": serviceAccount,
    ]
    for (key, value) in cluster.namespaceLabels(namespace) { labels["pcns.\(key)"] = value }
    labels["pcns.projectcalico.org/name"] = namespace
    let accountLabels = cluster.serviceAccountLabels["\(namespace)/\(serviceAccount)"] ?? [:]
    for (key, value) in accountLabels { labels["pcsa.\(key)"] = value }
    labels["pcsa.projectcalico.org/name"] = serviceAccount
    self.labels = labels
    profiles = ["kns.\(namespace)", "ksa.\(namespace).\(serviceAccount)"]
  }
}

/// What every object has: its type, name, namespace, labels and place.
struct ObjectHeader {
  var apiVersion: String
  var group: String
  var kind: String
  var name: String
  var namespace: String?
  var labels: [String: String]
  var node: YAMLNode
  var location: SourceLocation

  /// `kind/namespace/name` qualified by API group, for duplicate detection.
  func key(_ family: String) -> String {
    "\(family)/\(kind)/\(namespace ?? "")/\(name)"
  }
}

/// Where pods without an address get a made-up one: the pool's offsets 1 to `size` (network
/// and broadcast aside), each pod's first choice from a hash of its id, then the next ones in
/// turn, around the pool.
struct AddressPool {
  let cidr: CIDR
  /// The number of addresses in the block.
  let count: UInt64
  /// The number of offsets pods get (0: the block is too small).
  let size: UInt64

  init(_ cidr: CIDR) {
    self.cidr = cidr
    let hostBits = cidr.address.bitWidth - cidr.prefix
    count = hostBits >= 63 ? UInt64.max : UInt64(1) << UInt64(hostBits)
    size = count > 2 ? count - 2 : 0
  }

  /// The offset a pod with `id` tries first.
  func first(_ id: String) -> UInt64 { 1 + fnv1a(id) % size }

  /// The offset tried after `offset`.
  func next(_ offset: UInt64) -> UInt64 { 1 + offset % size }

  func address(_ offset: UInt64) -> IPAddress { cidr.address.adding(offset) }

  /// The offset of `address`, when it is one pods get (IPv4 blocks).
  func offset(_ address: IPAddress) -> UInt64? {
    guard size > 0, cidr.address.isIPv4, cidr.contains(address) else { return nil }
    let offset = address.low &- cidr.address.low
    return (1...size).contains(offset) ? offset : nil
  }
}

/// The 64-bit FNV-1a hash of `text`: stable across runs and platforms (unlike `Hasher`).
func fnv1a(_ text: String) -> UInt64 {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  for byte in text.utf8 {
    hash ^= UInt64(byte)
    hash = hash &* 0x100_0000_01b3
  }
  return hash
}

extension ModelBuilder {
  /// Keys that belong under `metadata:` or `spec:`, found at the top of a document.
  private static let nestedKeys: Set<String> = [
    "name", "namespace", "labels", "selector", "order", "types", "ingress", "egress", "node",
    "podSelector", "policyTypes", "defaultAction", "expectedIPs", "interfaceName", "profiles",
  ]

  /// A hint for a document whose keys all sit at column 1 (`name:` beside `metadata:`), as
  /// when YAML is pasted from a page that lost its indentation; empty otherwise.
  static func lostIndentationHint(_ node: YAMLNode) -> String {
    guard let pairs = node.mapping else { return "" }
    let keys = pairs.compactMap(\.key.scalar)
    let misplaced = keys.filter { nestedKeys.contains($0) }
    guard !misplaced.isEmpty else { return "" }
    let shown = misplaced.prefix(3).map { "`\($0)`" }.joined(separator: ", ")
    return
      "; \(shown) \(misplaced.count == 1 ? "is" : "are") at the top level beside `metadata`: was the indentation lost (pasted from a web page)? Keys under `metadata:` and `spec:` must be indented"
  }
}

extension LeftOutObject {
  /// The order `Cluster.leftOut` is in: by namespace, name and kind.
  static func precedes(_ a: LeftOutObject, _ b: LeftOutObject) -> Bool {
    (a.namespace, a.name, a.kind) < (b.namespace, b.name, b.kind)
  }
}
