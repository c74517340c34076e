/// What policies refer to by name or label among the cluster's other objects, resolved once
/// the whole cluster is loaded: Network Policy API `nodes` peers get the nodes their selector
/// picks (with those nodes' addresses). A policy whose references resolve differently after
/// a reload is a changed policy, so the evaluator compiles it again.
struct PolicyReferences {
  let nodes: [String: Node]

  /// Resolves the references of every policy of `cluster` that has some.
  static func resolve(_ cluster: inout Cluster) {
    let references = PolicyReferences(nodes: cluster.nodes)
    for index in cluster.policies.indices where references.refersToOthers(cluster.policies[index]) {
      references.resolve(&cluster.policies[index])
    }
  }

  /// Whether a rule of `policy` has a `nodes` peer.
  func refersToOthers(_ policy: Policy) -> Bool {
    func refers(_ rules: [Rule]) -> Bool {
      rules.contains { rule in
        [rule.source, rule.destination].contains { entity in
          entity.peers?.contains { if case .nodes = $0 { true } else { false } } ?? false
        }
      }
    }
    return refers(policy.ingress) || refers(policy.egress)
  }

  func resolve(_ policy: inout Policy) {
    for index in policy.ingress.indices { resolve(&policy.ingress[index]) }
    for index in policy.egress.indices { resolve(&policy.egress[index]) }
  }

  private func resolve(_ rule: inout Rule) {
    rule.source.peers = rule.source.peers?.map(resolve)
    rule.destination.peers = rule.destination.peers?.map(resolve)
  }

  private func resolve(_ peer: Peer) -> Peer {
    guard case .nodes(let selector, _) = peer else { return peer }
    let picked = nodes.values.filter { selector.matches($0.labels) }.sorted { $0.name < $1.name }
    var addresses: [CIDR] = []
    for node in picked {
      for address in node.addresses {
        let cidr = CIDR(address: address, prefix: address.isIPv4 ? 32 : 128)
        if !addresses.contains(cidr) { addresses.append(cidr) }
      }
    }
    return .nodes(selector, NodeSet(names: picked.map(\.name), addresses: addresses))
  }
}

extension PolicyReferences {
  /// A warning for each Network Policy API policy whose tier holds another of the same
  /// priority: the API leaves their order undefined; Calico (and the matrix) orders them by
  /// name.
  static func samePriorityWarnings(_ policies: [Policy]) -> [Diagnostic] {
    var first: [String: Int] = [:]
    var warnings: [Diagnostic] = []
    let ordered = policies.indices.filter { index in
      let kind = policies[index].id.kind
      return [.adminNetworkPolicy, .clusterNetworkPolicy].contains(kind) && policies[index].order != nil
    }.sorted { policies[$0].id.name < policies[$1].id.name }
    for index in ordered {
      let policy = policies[index]
      let key = "\(policy.tier) \(policy.orderText)"
      guard let earlier = first[key] else {
        first[key] = index
        continue
      }
      let other = policies[earlier]
      warnings.append(
        Diagnostic(
          .warning,
          "\(policy.id.kind.rawValue) `\(policy.id.name)` has priority \(policy.orderText), as \(other.id.kind.rawValue) `\(other.id.name)` does: the Network Policy API leaves their order undefined; Calico orders them by name, and so does the matrix (`\(other.id.name)` first)",
          at: policy.orderLocation ?? policy.location,
          notes: [
            .init("the other policy with priority \(policy.orderText)", at: other.orderLocation ?? other.location)
          ]))
    }
    return warnings
  }
}
