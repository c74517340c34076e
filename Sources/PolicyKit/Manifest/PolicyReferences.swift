/// What policies refer to by name or label among the cluster's other objects, resolved once
/// the whole cluster is loaded: Network Policy API `nodes` peers get the nodes their selector
/// picks (with those nodes' addresses). A policy whose references resolve differently after
/// a reload is a changed policy, so the evaluator compiles it again.
struct PolicyReferences {
  let nodes: [String: Node]
  let services: [String: Service]

  /// Resolves the references of every policy of `cluster` that has some; a warning for each
  /// that finds nothing.
  static func resolve(_ cluster: inout Cluster) -> [Diagnostic] {
    let references = PolicyReferences(nodes: cluster.nodes, services: cluster.services)
    var warnings: [Diagnostic] = []
    for index in cluster.policies.indices where references.refersToOthers(cluster.policies[index]) {
      references.resolve(&cluster.policies[index], warnings: &warnings)
    }
    // Declared profiles may match services too.
    for name in cluster.profiles.keys.sorted() {
      guard var profile = cluster.profiles[name],
        references.refers(profile.ingress) || references.refers(profile.egress)
      else { continue }
      profile.ingress = profile.ingress.flatMap { references.resolve($0, warnings: &warnings) }
      profile.egress = profile.egress.flatMap { references.resolve($0, warnings: &warnings) }
      cluster.profiles[name] = profile
    }
    return warnings
  }

  /// Whether a rule of `policy` has a `nodes` peer or a `services` match.
  func refersToOthers(_ policy: Policy) -> Bool {
    refers(policy.ingress) || refers(policy.egress)
  }

  /// Whether one of `rules` has a `nodes` peer or a `services` match.
  func refers(_ rules: [Rule]) -> Bool {
    rules.contains { rule in
      [rule.source, rule.destination].contains { entity in
        entity.services != nil || entity.peers?.contains { if case .nodes = $0 { true } else { false } } ?? false
      }
    }
  }

  func resolve(_ policy: inout Policy, warnings: inout [Diagnostic]) {
    policy.ingress = policy.ingress.flatMap { resolve($0, warnings: &warnings) }
    policy.egress = policy.egress.flatMap { resolve($0, warnings: &warnings) }
  }

  /// The rule with its references resolved: one rule, or, for a destination service, one per
  /// port its endpoints serve (alternatives with the same action and index).
  func resolve(_ original: Rule, warnings: inout [Diagnostic]) -> [Rule] {
    var rule = original
    for peer in (rule.source.peers ?? []) + (rule.destination.peers ?? []) {
      guard case .nodes(let selector, _) = peer, !nodes.values.contains(where: { selector.matches($0.labels) })
      else { continue }
      warnings.append(
        .warning(
          "no Node of the manifests matches the `nodes` peer \(selector) of \(rule.label), so it matches nothing (are the nodes in the input?)",
          at: rule.location))
    }
    rule.source.peers = rule.source.peers?.map(resolve)
    rule.destination.peers = rule.destination.peers?.map(resolve)
    if let reference = rule.source.services {
      guard let service = service(reference, of: rule, "source", warnings: &warnings, into: &rule) else {
        return [rule]
      }
      rule.source.nets = service.backends.map { Self.cidr($0.address) }
    }
    guard let reference = rule.destination.services,
      let service = service(reference, of: rule, "destination", warnings: &warnings, into: &rule)
    else { return [rule] }
    return destinationRules(rule, service)
  }

  /// The service `reference` names, or nil when there is none, or it has no endpoints (the
  /// rule then never matches, as an empty IP set matches nothing).
  private func service(
    _ reference: ServiceReference, of rule: Rule, _ side: String, warnings: inout [Diagnostic], into copy: inout Rule
  ) -> Service? {
    guard let service = services[reference.description] else {
      warnings.append(
        .warning(
          "\(rule.label): no Service or EndpointSlice of the manifests is \(side) service `\(reference)`, so the rule matches nothing",
          at: rule.location))
      copy.neverMatchesBecause = "its \(side) service \(reference) is not in the manifests"
      return nil
    }
    guard !service.backends.isEmpty else {
      copy.neverMatchesBecause = "its \(side) service \(reference) has no endpoints"
      return nil
    }
    return service
  }

  /// A destination service: for each protocol and port its endpoints serve (that the rule's
  /// protocol allows), a rule to the endpoints serving it, at that port.
  private func destinationRules(_ rule: Rule, _ service: Service) -> [Rule] {
    var served: [ServicePort: [CIDR]] = [:]
    for backend in service.backends {
      for port in backend.ports { served[port, default: []].append(Self.cidr(backend.address)) }
    }
    var rules: [Rule] = []
    for port in served.keys.sorted() {
      guard rule.protocols.only.map({ $0.contains(port.ipProtocol) }) != false,
        !rule.protocols.excluded.contains(port.ipProtocol)
      else { continue }
      var copy = rule
      copy.destination.nets = served[port]
      copy.protocols.only = [port.ipProtocol]
      copy.protocols.text = copy.protocols.text ?? port.ipProtocol.rawValue
      copy.destination.ports = [.range(port.port, port.port)]
      rules.append(copy)
    }
    if rules.isEmpty {
      var copy = rule
      copy.neverMatchesBecause =
        served.isEmpty
        ? "no endpoint of service \(service.id) has a numbered port"
        : "no endpoint of service \(service.id) serves a port of the rule's protocol"
      return [copy]
    }
    return rules
  }

  private static func cidr(_ address: IPAddress) -> CIDR {
    CIDR(address: address, prefix: address.isIPv4 ? 32 : 128)
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
      // The same policy written twice (say, as an AdminNetworkPolicy and a
      // ClusterNetworkPolicy): either order gives the same verdicts.
      if meaning(policy) == meaning(other) { continue }
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

  /// What a policy does, whatever its name and place: its subject, directions and rules.
  private static func meaning(_ policy: Policy) -> [String: AnyHashable] {
    func placeless(_ rules: [Rule]) -> [Rule] {
      rules.map { rule in
        var copy = rule
        copy.location = nil
        return copy
      }
    }
    return [
      "subject": policy.subject, "ingress": placeless(policy.ingress), "egress": placeless(policy.egress),
      "types": [policy.appliesToIngress, policy.appliesToEgress],
    ]
  }
}
