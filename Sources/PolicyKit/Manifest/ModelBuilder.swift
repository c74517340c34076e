/// A pod or workload as read, before the builder gives it an id, an address and Calico labels.
struct RawWorkload {
  var kind: String
  var name: String
  var namespace: String
  var labels: [String: String]
  var serviceAccount: String
  var podIP: IPAddress?
  var extraIPs: [IPAddress]
  var nodeName: String?
  var namedPorts: [NamedPort]
  var owners: [(kind: String, name: String)]
  var location: SourceLocation
}

/// Collects decoded objects from every file and assembles the finished `Cluster`.
struct ModelBuilder {
  let options: LoadOptions
  var diagnostics: [Diagnostic] = []
  var cluster = Cluster()
  var workloads: [RawWorkload] = []
  var otherEndpoints: [Endpoint] = []
  /// Where each kind/namespace/name was first defined, to report duplicates.
  var definitions: [String: SourceLocation] = [:]
  /// First place each undeclared namespace was referred to.
  var namespaceReferences: [String: SourceLocation] = [:]
  /// Kinds that are not understood: first place and count, reported once per kind.
  var skippedKinds: [String: (location: SourceLocation, count: Int)] = [:]
  var hasFelixConfiguration = false

  init(options: LoadOptions) {
    self.options = options
  }

  // MARK: - Adding documents

  /// Adds a whole document; `hadItems` says its `items` were already streamed as list items.
  mutating func addDocument(_ node: YAMLNode, file: String, document: Int, hadItems: Bool) {
    var context = DecodeContext(file: file, document: document)
    defer { diagnostics.append(contentsOf: context.diagnostics) }
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

  /// Adds one object (a document, or an item of a list).
  mutating func add(_ node: YAMLNode, file: String, document: Int, inList: Bool) {
    var context = DecodeContext(file: file, document: document)
    add(node, file: file, document: document, inList: inList, context: &context)
    diagnostics.append(contentsOf: context.diagnostics)
  }

  private mutating func add(
    _ node: YAMLNode, file: String, document: Int, inList: Bool, context: inout DecodeContext
  ) {
    guard node.mapping != nil else {
      context.error("a list item must be a mapping with `apiVersion` and `kind`, not \(node.typeDescription)", at: node)
      return
    }
    guard let kind = context.string(node["kind"], "kind"), !kind.isEmpty else {
      context.error("missing `kind`", at: node)
      return
    }
    guard let apiVersion = context.string(node["apiVersion"], "apiVersion"), !apiVersion.isEmpty
    else {
      context.error("missing `apiVersion` for kind `\(kind)`", at: node)
      return
    }
    let group = apiVersion.split(separator: "/").dropLast().joined(separator: "/")
    let metadata = node["metadata"].flatMap { context.mapping($0, "metadata") }
    guard let name = context.string(metadata?["name"], "metadata.name"), !name.isEmpty else {
      context.error("`\(kind)` has no `metadata.name`", at: metadata ?? node)
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

  /// Records a definition; reports a duplicate and returns false if it was already defined.
  mutating func define(_ key: String, _ what: String, at location: SourceLocation) -> Bool {
    if let first = definitions[key] {
      diagnostics.append(
        Diagnostic(
          .error, "duplicate \(what): it is already defined, this one is ignored", at: location,
          notes: [.init("first defined here", at: first)]))
      return false
    }
    definitions[key] = location
    return true
  }

  /// Notes that `namespace` is used, so an undeclared one can be created with a warning.
  mutating func referNamespace(_ namespace: String, at location: SourceLocation) {
    if namespaceReferences[namespace] == nil { namespaceReferences[namespace] = location }
  }

  mutating func skip(kind: String, apiVersion: String, at location: SourceLocation) {
    let key = "\(apiVersion) \(kind)"
    if let seen = skippedKinds[key] {
      skippedKinds[key] = (seen.location, seen.count + 1)
    } else {
      skippedKinds[key] = (location, 1)
    }
  }

  // MARK: - Finishing

  /// Builds the cluster from everything added.
  mutating func finish() -> LoadResult {
    reportSkippedKinds()
    createReferencedNamespaces()
    buildWorkloadEndpoints()
    finishHostsAndSets()
    validatePolicyTiers()
    // Sort keys once and move each endpoint once (endpoints are large values).
    let keys = cluster.endpoints.map { endpoint in
      (endpoint.kind.rank, endpoint.isNetworkSet ? "" : endpoint.namespace ?? "",
        endpoint.isNetworkSet ? "" : endpoint.name, endpoint.id)
    }
    let order = keys.indices.sorted { keys[$0] < keys[$1] }
    cluster.endpoints = order.map { cluster.endpoints[$0] }
    cluster.policies.sort { $0.id < $1.id }
    diagnostics.sort()
    return LoadResult(cluster: cluster, diagnostics: diagnostics)
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

  /// Drops workload templates whose pods are loaded, names every endpoint, gives addresses and
  /// the labels Calico adds.
  private mutating func buildWorkloadEndpoints() {
    // A workload whose own pods are in the input is represented by those pods.
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
    let kept = workloads.filter {
      $0.kind == "Pod" || !ownersWithPods.contains("\($0.namespace)/\($0.kind)/\($0.name)")
    }
    var nameCount: [String: Int] = [:]
    for workload in kept { nameCount["\(workload.namespace)/\(workload.name)", default: 0] += 1 }

    // Addresses: real ones first, so made-up ones never collide with them.
    var inheritedLabels: [String: [String: String]] = [:]
    var used: Set<IPAddress> = []
    for workload in kept {
      if let ip = workload.podIP { used.insert(ip) }
    }
    for endpoint in otherEndpoints { used.formUnion(endpoint.addresses) }
    let pool = options.podCIDR
    let hostBits = pool.address.bitWidth - pool.prefix
    let poolSize: UInt64 = hostBits >= 63 ? UInt64.max : (UInt64(1) << UInt64(hostBits))

    for workload in kept {
      let base = "\(workload.namespace)/\(workload.name)"
      let id = (nameCount[base] ?? 0) > 1 ? "\(base)[\(workload.kind)]" : base
      var endpoint = Endpoint(
        id: id, kind: .workload(kind: workload.kind), name: workload.name,
        namespace: workload.namespace, labels: workload.labels, location: workload.location)
      endpoint.serviceAccount = workload.serviceAccount
      endpoint.node = workload.nodeName
      endpoint.namedPorts = workload.namedPorts
      if let ip = workload.podIP {
        endpoint.addresses = [ip] + workload.extraIPs
      } else if poolSize > 2 {
        // A stable address from a hash of the id: adding a pod never moves another one.
        var offset = 1 + fnv1a(id) % (poolSize - 2)
        var address = pool.address.adding(offset)
        var tries: UInt64 = 0
        while used.contains(address) && tries < poolSize {
          offset = 1 + (offset % (poolSize - 2))
          address = pool.address.adding(offset)
          tries += 1
        }
        used.insert(address)
        endpoint.addresses = [address]
        endpoint.hasSyntheticAddress = true
      }
      let namespace = workload.namespace
      let serviceAccount = workload.serviceAccount
      // The labels Calico adds are the same for every pod of a namespace and service
      // account: build them once per pair and merge.
      let inherited: [String: String]
      if let known = inheritedLabels["\(namespace)/\(serviceAccount)"] {
        inherited = known
      } else {
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
        inheritedLabels["\(namespace)/\(serviceAccount)"] = labels
        inherited = labels
      }
      let labels = workload.labels.merging(inherited) { _, calico in calico }
      endpoint.selectorLabels = labels
      endpoint.profiles = ["kns.\(namespace)", "ksa.\(namespace).\(serviceAccount)"]
      cluster.endpoints.append(endpoint)
    }
  }

  private mutating func finishHostsAndSets() {
    for var endpoint in otherEndpoints {
      if endpoint.isHost {
        for name in endpoint.profiles {
          if let profile = cluster.profiles[name] {
            for (key, value) in profile.labelsToApply where endpoint.selectorLabels[key] == nil {
              endpoint.selectorLabels[key] = value
            }
          } else if cluster.profile(name) == nil {
            diagnostics.append(
              .warning(
                "profile `\(name)` of host endpoint `\(endpoint.name)` is not declared; it has no rules",
                at: endpoint.location))
          }
        }
      } else if let namespace = endpoint.namespace {
        endpoint.selectorLabels["projectcalico.org/namespace"] = namespace
      }
      cluster.endpoints.append(endpoint)
    }
  }

  /// A policy in a tier that does not exist is rejected, as Calico's API server does.
  private mutating func validatePolicyTiers() {
    cluster.policies = cluster.policies.filter { policy in
      if cluster.tiers[policy.tier] != nil { return true }
      diagnostics.append(
        .error(
          "\(policy.id.kind.rawValue) `\(policy.id.qualifiedName)` names tier `\(policy.tier)`, which does not exist; the policy is not applied",
          at: policy.location))
      return false
    }
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

/// The 64-bit FNV-1a hash of `text`: stable across runs and platforms (unlike `Hasher`).
func fnv1a(_ text: String) -> UInt64 {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  for byte in text.utf8 {
    hash ^= UInt64(byte)
    hash = hash &* 0x100_0000_01b3
  }
  return hash
}
