/// What the trap what-if changed: the policy and the rules whose peers became `all()`.
public struct TrapReport: Hashable, Sendable {
  /// The policy.
  public var policy: PolicyID
  /// The widened rules, as `ingress[0] source`.
  public var widened: [String]

  /// One line: `node-host-firewall ingress[0] source -> all()`.
  public var summary: String {
    let rules = widened.isEmpty ? "no Allow rule with peers to widen" : widened.joined(separator: ", ") + " -> all()"
    return "\(policy.name) \(rules)"
  }
}

/// Why a trap could not be applied.
public enum TrapError: Error, Hashable, Sendable, CustomStringConvertible {
  case notFound(String)
  case ambiguous(String, [PolicyID])

  public var description: String {
    switch self {
    case .notFound(let name): return "no policy named `\(name)`"
    case .ambiguous(let name, let ids):
      return
        "`\(name)` names several policies (\(ids.map(\.description).joined(separator: ", "))); use `Kind/name` or `Kind/namespace/name`"
    }
  }
}

extension Cluster {
  /// The cluster with the trap what-if applied to the policy `reference` names: each of its
  /// Allow rules gets `all()` in place of its peer selectors (all pods in all namespaces for
  /// Kubernetes and Network Policy API peers; every endpoint for Calico). In memory only.
  public func applyingTrap(_ reference: String) -> Result<(Cluster, TrapReport), TrapError> {
    var matches = policies(matching: reference)
    if matches.count > 1 {
      // Prefer the enforced policy over a staged one of the same name.
      let enforced = matches.filter { !$0.isStaged }
      if enforced.count == 1 { matches = enforced }
    }
    guard let target = matches.first else { return .failure(.notFound(reference)) }
    guard matches.count == 1 else { return .failure(.ambiguous(reference, matches.map(\.id))) }
    var copy = self
    var report = TrapReport(policy: target.id, widened: [])
    let isCalico: Bool
    switch target.id.kind.enforcedTwin {
    case .calicoNetworkPolicy, .globalNetworkPolicy: isCalico = true
    default: isCalico = false
    }
    let everything = Peer.endpoints(
      EndpointSelector(.all, namespaces: .any, hosts: isCalico, networkSets: isCalico))
    guard let position = copy.policies.firstIndex(where: { $0.id == target.id }) else {
      return .failure(.notFound(reference))
    }
    func widen(_ rules: inout [Rule]) {
      for index in rules.indices where rules[index].action == .allow {
        var side = rules[index].peerSide
        guard side.peers != nil || side.notSelector != nil else { continue }
        side.peers = [everything]
        side.notSelector = nil
        rules[index].peerSide = side
        let label = "\(rules[index].label) \(rules[index].direction == .ingress ? "source" : "destination")"
        if !report.widened.contains(label) { report.widened.append(label) }
      }
    }
    widen(&copy.policies[position].ingress)
    widen(&copy.policies[position].egress)
    return .success((copy, report))
  }
}
