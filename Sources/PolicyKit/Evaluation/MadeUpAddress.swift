/// A rule's address criterion (`nets`, `notNets`, an `ipBlock`, a `networks` or `nodes` peer)
/// checked against an address the loader made up (a pod without `status.podIP` gets one in
/// the pod CIDR): the cell's verdict may rest on it, and another analyzer, or the cluster,
/// gives that pod another address.
public struct MadeUpAddress: Hashable, Sendable {
  /// The endpoint whose address was made up.
  public var endpointID: String
  /// The address.
  public var address: IPAddress
  /// The rule that checked it (matched, or missed on it).
  public var rule: Rule
}

extension CellTrace {
  /// The rules of this trace whose address criteria were checked against a made-up address
  /// (the rule matched, or missed on that criterion), in trace order.
  public func madeUpAddresses(in cluster: Cluster, index: [String: Int]) -> [MadeUpAddress] {
    let ends = [source, destination].map { id in index[id].map { cluster.endpoints[$0] } }
    guard ends.contains(where: { $0?.hasSyntheticAddress == true }) else { return [] }
    var found: [MadeUpAddress] = []
    for step in egress.steps + ingress.steps {
      guard case .rule(let rule, _, let mismatch) = step else { continue }
      for (side, end) in zip([Direction.ingress, .egress], ends) {
        guard let end, end.hasSyntheticAddress, let address = end.address else { continue }
        let entity = side == .ingress ? rule.source : rule.destination
        guard entity.checksAddresses, Self.reached(side, mismatch) else { continue }
        let use = MadeUpAddress(endpointID: end.id, address: address, rule: rule)
        if !found.contains(use) { found.append(use) }
      }
    }
    return found
  }

  /// Whether a rule that failed with `mismatch` (nil: matched) got to check the end of
  /// `side` (`.ingress`: the source) by address, or failed on it.
  private static func reached(_ side: Direction, _ mismatch: Mismatch?) -> Bool {
    switch mismatch {
    case nil: true
    case .peer(let end), .nets(let end), .notNets(let end): end == side
    default: false
    }
  }
}

extension EntityMatch {
  /// Whether the criteria look at addresses: nets, notNets, or a peer given by addresses.
  var checksAddresses: Bool {
    if nets != nil || !notNets.isEmpty { return true }
    return (peers ?? []).contains { peer in
      switch peer {
      case .block, .nodes: true
      case .endpoints: false
      }
    }
  }
}

extension Evaluator {
  /// The cells (source and destination ids) whose trace for `probe` checks a made-up address
  /// against a rule's address criterion, among `rows` and `columns` (endpoint positions; nil:
  /// all), and whether every candidate cell was looked at. Only the rows and columns of
  /// endpoints with a made-up address are traced, at most `budget` cells (hand-written
  /// manifests are small; a dump of a cluster has real addresses), and nothing when no rule
  /// names an address, so a cluster of real addresses costs nothing.
  public func cellsOnMadeUpAddresses(
    _ probe: Probe, rows: [Int]? = nil, columns: [Int]? = nil, budget: Int = 20_000
  ) -> (cells: [(String, String)], complete: Bool) {
    guard !self.endpoints.cidrs.isEmpty else { return ([], true) }
    let endpoints = cluster.endpoints
    guard endpoints.contains(where: \.hasSyntheticAddress) else { return ([], true) }
    let rows = rows ?? Array(endpoints.indices)
    let columns = columns ?? Array(endpoints.indices)
    var cells: [(String, String)] = []
    var traced = 0
    for row in rows {
      for column in columns where row != column {
        guard endpoints[row].hasSyntheticAddress || endpoints[column].hasSyntheticAddress else { continue }
        guard traced < budget else { return (cells, false) }
        traced += 1
        guard let trace = trace(from: endpoints[row].id, to: endpoints[column].id, probe: probe),
          !trace.madeUpAddresses(in: cluster, index: index).isEmpty
        else { continue }
        cells.append((endpoints[row].id, endpoints[column].id))
      }
    }
    return (cells, true)
  }
}
