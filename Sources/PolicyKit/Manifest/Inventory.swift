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
