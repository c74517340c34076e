/// What an edit of some files did to the inventory's endpoints, when it did only what can be
/// patched in place: workloads whose own details changed or that only moved to other lines,
/// host endpoints and network sets whose own details changed, pods added or removed.
struct InventoryPatch {
  /// The inventory's workload endpoints by workload key.
  let positions: [String: Int]
  /// The inventory's endpoints before the edit.
  let endpoints: [Endpoint]
  /// Workloads whose details changed, by endpoint position.
  var changed: [Int: RawWorkload] = [:]
  /// Workloads that only moved to other lines: their endpoints take the new place, nothing an
  /// evaluation sees changes.
  var moved: [Int: SourceLocation] = [:]
  /// Host endpoints and network sets edited, as decoded, by endpoint position.
  var others: [Int: Endpoint] = [:]
  var added: [RawWorkload] = []
  var removed: Set<Int> = []

  /// Takes in one file's edit; false when it changed something a patch cannot follow.
  mutating func take(old: FileDecoding, new: FileDecoding) -> Bool {
    // Each new definition's index among the old ones: pieces taken over (wherever they now
    // are) gave the same definitions; the others are matched by key.
    var oldIndex = [Int](repeating: -1, count: new.definitions.count)
    var takenOver = [Bool](repeating: false, count: old.definitions.count)
    var spans: [UInt64: Range<Int>] = [:]
    for span in old.spans { spans[span.token] = span.definitions }
    for span in new.spans {
      guard let range = spans[span.token], range.count == span.definitions.count else { continue }
      for (before, after) in zip(range, span.definitions) {
        oldIndex[after] = before
        takenOver[before] = true
      }
    }
    var byKey: [String: Int] = [:]
    for index in old.definitions.indices where !takenOver[index] {
      guard byKey.updateValue(index, forKey: old.definitions[index].key) == nil else { return false }
    }
    var lastWorkload = -1
    for index in new.definitions.indices {
      if oldIndex[index] < 0 {
        if let match = byKey.removeValue(forKey: new.definitions[index].key) {
          guard compare(old.definitions[match], new.definitions[index]) else { return false }
          oldIndex[index] = match
        } else {
          guard takeNew(new.definitions[index]) else { return false }
          continue
        }
      }
      // Workloads keep their order: the first in the files has the first choice of a
      // made-up address.
      if new.definitions[index].isWorkload {
        guard oldIndex[index] > lastWorkload else { return false }
        lastWorkload = oldIndex[index]
      }
    }
    for index in byKey.values {
      guard case .workload(let pod) = old.definitions[index].object,
        let position = positions[Inventory.workloadKey(pod.kind, pod.namespace, pod.name)]
      else { return false }
      removed.insert(position)
    }
    return true
  }

  /// A definition that is new: only a new pod can be patched in (not one defined elsewhere, or
  /// twice here).
  private mutating func takeNew(_ definition: Definition) -> Bool {
    guard case .workload(let pod) = definition.object, pod.kind == "Pod", pod.leftOut == nil, !pod.hostNetwork,
      positions[Inventory.workloadKey(pod.kind, pod.namespace, pod.name)] == nil
    else { return false }
    added.append(pod)
    return true
  }

  /// Whether `after` can take `before`'s place (noting a workload or endpoint whose details
  /// changed).
  private mutating func compare(_ before: Definition, _ after: Definition) -> Bool {
    switch (before.object, after.object) {
    case (.policy, .policy), (.tier, .tier), (.service, .service), (.endpointSlice, .endpointSlice): return true
    case (.workload(let a), .workload(let b)): return compareWorkloads(a, b)
    case (.namespace(let a), .namespace(let b)): return a == b
    case (.node(let a), .node(let b)): return a == b
    case (.serviceAccount(let a, let x), .serviceAccount(let b, let y)): return a == b && x == y
    case (.endpoint(let a), .endpoint(let b)):
      if a == b { return true }
      // (A host endpoint that moves to another node or interface changes which host the
      // host-networked pods stand in for: everything is made again.)
      guard a.id == b.id, a.kind == b.kind, a.node == b.node, a.interfaceName == b.interfaceName,
        let position = endpoints.firstIndex(where: { $0.id == b.id })
      else {
        return false
      }
      others[position] = b
      return true
    case (.profile(let a), .profile(let b)): return a == b
    case (.felix(let a), .felix(let b)): return a == b
    case (.ipPool(let a), .ipPool(let b)): return a == b
    default: return false
    }
  }

  private mutating func compareWorkloads(_ a: RawWorkload, _ b: RawWorkload) -> Bool {
    guard a.kind == b.kind, a.name == b.name, a.namespace == b.namespace, a.podIP == b.podIP,
      a.extraIPs == b.extraIPs, a.hostNetwork == b.hostNetwork, !(b.hostNetwork && a.nodeName != b.nodeName),
      a.owners.elementsEqual(b.owners, by: { $0 == $1 }),
      (a.leftOut == nil) == (b.leftOut == nil)
    else { return false }
    let same =
      a.labels == b.labels && a.serviceAccount == b.serviceAccount && a.nodeName == b.nodeName
      && a.namedPorts == b.namedPorts
    if same && a.location == b.location { return true }
    // A template dropped for its pods has no endpoint (and stays dropped: the owners did not
    // change).
    if let position = positions[Inventory.workloadKey(b.kind, b.namespace, b.name)] {
      if same { moved[position] = b.location } else { changed[position] = b }
    }
    return true
  }
}

extension Inventory {
  /// The inventory after `edits` (each file's decoding before and after), when they changed
  /// only what pods and workloads say about themselves that needs no other object to be made
  /// again (labels, service account, node, named ports and place), host endpoints' and network
  /// sets' own details (not their addresses), or added or removed pods (when every workload is
  /// a pod, and no other pod's made-up address would move). Those endpoints are made again,
  /// added or removed; every other endpoint, id and address stays. Nil when anything else
  /// changed (an object renamed or readdressed, any other inventory object edited, a new
  /// warning, or a diagnostic of the inventory lies in an edited file).
  func patched(
    _ edits: [(path: String, old: FileDecoding, new: FileDecoding)], parts: [Part], pool: CIDR
  ) -> Inventory? {
    let positions = workloadPositions ?? Self.workloadPositions(endpoints)
    var patch = InventoryPatch(positions: positions, endpoints: endpoints)
    for (_, old, new) in edits {
      guard patch.take(old: old, new: new) else { return nil }
    }
    // Pods added or removed: templates could stand in for them, or give up their place.
    guard (patch.added.isEmpty && patch.removed.isEmpty) || onlyPods else { return nil }
    let files = Set(edits.map(\.path))
    // Duplicates and warnings of the inventory point at places that may have moved.
    for diagnostic in diagnostics {
      if let location = diagnostic.location, files.contains(location.file) { return nil }
      if diagnostic.notes.contains(where: { $0.location.map { files.contains($0.file) } ?? false }) { return nil }
    }
    var context = Cluster()
    context.namespaces = namespaces
    context.serviceAccountLabels = serviceAccountLabels
    context.nodes = nodes
    context.profiles = profiles
    var patched = self
    patched.parts = parts
    patched.leftOut = leftOut(after: edits.map(\.new), in: files)
    guard patched.remake(patch, context: context) else { return nil }
    // (`changed` names the endpoints an evaluation sees differently: not those only moved.)
    patched.workloadPositions = positions
    guard !patch.added.isEmpty || !patch.removed.isEmpty else {
      patched.revision = EndpointRevision(
        base: revision.token, changed: (Array(patch.changed.keys) + patch.others.keys).sorted())
      return patched
    }
    guard let addedEndpoints = addressed(patch.added, removing: patch.removed, pool: pool, context: context)
    else { return nil }
    patched.insert(addedEndpoints, removing: patch.removed, remade: Set(patch.changed.keys).union(patch.others.keys))
    return patched
  }

  /// Makes again the endpoints the patch changed or moved; false when one would get other
  /// addresses (made-up ones depend on them) or a new warning.
  private mutating func remake(_ patch: InventoryPatch, context: Cluster) -> Bool {
    for (position, location) in patch.moved { endpoints[position].location = location }
    for (position, decoded) in patch.others {
      var warned = false
      let endpoint = ModelBuilder.finished(decoded, in: context) { _ in warned = true }
      guard !warned, endpoint.addresses == patch.endpoints[position].addresses else { return false }
      endpoints[position] = endpoint
    }
    for (position, workload) in patch.changed {
      let before = patch.endpoints[position]
      var endpoint = ModelBuilder.workloadEndpoint(
        workload, id: before.id, inherited: InheritedLabels(workload, in: context))
      endpoint.addresses = before.addresses
      endpoint.hasSyntheticAddress = before.hasSyntheticAddress
      endpoints[position] = endpoint
    }
    return true
  }

  /// The endpoints with `added` put in place (sorted as `ModelBuilder.finish` sorts them) and
  /// the positions in `removed` taken out; the revision names the endpoints made again.
  private mutating func insert(_ added: [Endpoint], removing removed: Set<Int>, remade remadeBefore: Set<Int>) {
    let sorted = added.sorted { Self.order($0) < Self.order($1) }
    var list: [Endpoint] = []
    list.reserveCapacity(endpoints.count - removed.count + sorted.count)
    var olderPosition: [Int32] = []
    olderPosition.reserveCapacity(list.capacity)
    var next = 0
    var remade: [Int] = []
    for index in endpoints.indices where !removed.contains(index) {
      while next < sorted.count, Self.order(sorted[next]) < Self.order(endpoints[index]) {
        remade.append(list.count)
        list.append(sorted[next])
        olderPosition.append(-1)
        next += 1
      }
      if remadeBefore.contains(index) { remade.append(list.count) }
      list.append(endpoints[index])
      olderPosition.append(Int32(index))
    }
    for endpoint in sorted[next...] {
      remade.append(list.count)
      list.append(endpoint)
      olderPosition.append(-1)
    }
    endpoints = list
    workloadPositions = nil
    revision = EndpointRevision(base: revision.token, changed: remade, olderPosition: olderPosition)
  }
}
