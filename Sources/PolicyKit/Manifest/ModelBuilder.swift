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
