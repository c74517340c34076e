/// Felix's outgoing NAT in the evaluation: a destination host sees a masqueraded connection
/// come from the source's node.
extension Evaluator {
  /// Per node, the endpoint of the model that traffic masqueraded to the node's address is
  /// seen as: the node's host endpoint (`interfaceName: "*"` first), else a host-networked
  /// pod on a node without one (a host no selector matches). Empty without a pool that
  /// masquerades.
  static func natIdentities(_ model: Cluster) -> [String: Int] {
    guard model.ipPools.contains(where: \.natOutgoing) else { return [:] }
    var best: [String: (rank: Int, index: Int)] = [:]
    for index in model.endpoints.indices where model.endpoints[index].isHost {
      let endpoint = model.endpoints[index]
      guard let node = endpoint.node else { continue }
      let rank = endpoint.hostNetwork != nil ? 2 : endpoint.interfaceName == "*" ? 0 : 1
      if let known = best[node], known.rank <= rank { continue }
      best[node] = (rank, index)
    }
    return best.mapValues(\.index)
  }

  /// The ingress side of a connection Felix masquerades with `pool`: the destination's policy
  /// sees the source's node, with the node's address. Returns the side and the endpoint it
  /// saw as the source (nil when no endpoint has the node's address: the pod is evaluated,
  /// and the trace says so).
  func maskedIngress(
    _ destination: Int, _ connection: Connection, pool: IPPool, _ steps: inout [TraceStep]?
  ) -> ((Verdict, Decider), String?) {
    let node = connection.source.node ?? "-"
    let nodeAddress = model.nodes[node]?.addresses.first
    guard let identity = natIdentity[node] else {
      let address = nodeAddress.map { " \($0)" } ?? ""
      steps?.append(
        .note(
          "outgoing NAT (IPPool \(pool.name) natOutgoing): leaves as node \(node)'s address\(address), which no host endpoint of the manifests has: evaluated as the pod"
        ))
      return (evaluateSide(destination, .ingress, connection, &steps), nil)
    }
    let seen = model.endpoints[identity]
    let address = (nodeAddress ?? seen.address).map { " \($0)" } ?? ""
    let who =
      seen.hostNetwork == nil
      ? "host endpoint \(seen.id)" : "a node without a host endpoint, which no selector matches"
    steps?.append(
      .note("outgoing NAT (IPPool \(pool.name) natOutgoing): arrives from node \(node)'s address\(address), as \(who)"))
    var masked = connection
    masked.source = seen
    masked.sourceClass = Int(classes.classOf[identity])
    return (evaluateSide(destination, .ingress, masked, &steps), seen.id)
  }
}

extension Cluster {
  /// For a pod's connection to a host on another node that is not masqueraded, why not, when
  /// the reason is what the manifests leave out or Felix's settings: no IPPool to tell, or
  /// `natOutgoingExclusions: IPPoolsAndHostIPs`. Nil for other connections.
  func unmaskedNote(from source: Endpoint, to destination: Endpoint) -> String? {
    guard source.isWorkload, let node = source.node, destination.isHost, !destination.isUnpolicedHost,
      destination.node != node
    else { return nil }
    if ipPools.isEmpty {
      // (With a pool that masquerades, this host would see node `node`.)
      return "no IPPool in the manifests, so no outgoing NAT is assumed"
    }
    if felix.natOutgoingExclusions == .ipPoolsAndHostIPs, let from = source.address, natPool(holding: from) != nil {
      return "not masqueraded: natOutgoingExclusions IPPoolsAndHostIPs leaves the hosts' addresses alone"
    }
    return nil
  }
}

extension MatrixKernel {
  /// The cells of masqueraded connections: the source's egress, and the destination's ingress
  /// as its policy sees the source's node (`Evaluator.maskedIngress`).
  func applyOutgoingNAT(
    _ rows: inout [UInt64], egress: (_ source: Int, _ host: Int) -> Bool, ingress: (_ source: Int, _ host: Int) -> Bool
  ) {
    let identities = evaluator.natIdentity
    guard !identities.isEmpty else { return }
    let model = evaluator.model
    let count = classes.count
    let words = (count + 63) / 64
    let hosts = (0..<count).filter { representatives[$0].isHost && probe.portAt[$0] != nil }
    guard !hosts.isEmpty else { return }
    for source in 0..<count where representatives[source].isWorkload {
      guard let node = representatives[source].node, let identity = identities[node] else { continue }
      let seen = Int(classes.classOf[identity])
      for destination in hosts
      where model.masqueradingPool(from: representatives[source], to: representatives[destination]) != nil {
        let allowed = egress(source, destination) && ingress(seen, destination)
        let index = source * words + destination >> 6
        let mask = UInt64(1) << UInt64(destination & 63)
        rows[index] = allowed ? rows[index] | mask : rows[index] & ~mask
      }
    }
  }
}
