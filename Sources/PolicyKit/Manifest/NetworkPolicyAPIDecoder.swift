extension FileDecoder {
  /// Decodes AdminNetworkPolicy, BaselineAdminNetworkPolicy (v1alpha1) and ClusterNetworkPolicy
  /// (v1alpha2) into policies of the `kube-admin` and `kube-baseline` tiers.
  ///
  /// Peers and ports that cannot be evaluated fail closed, as Calico converts them: an Allow
  /// rule with such a peer matches nothing; a Deny or Pass rule becomes a Deny of everything.
  mutating func decodeNetworkPolicyAPI(_ object: ObjectHeader, _ context: inout DecodeContext) {
    guard let spec = object.node["spec"].flatMap({ context.mapping($0, "spec") }) else {
      context.error("`\(object.kind)` has no `spec`", at: object.node)
      return
    }
    let kind: PolicyKind
    let tier: String
    var order: Double?
    let isV1Alpha2 = object.kind == "ClusterNetworkPolicy"
    switch object.kind {
    case "AdminNetworkPolicy":
      kind = .adminNetworkPolicy
      tier = Tier.kubeAdmin.name
      order = context.integer(spec["priority"], "spec.priority", in: 0...1000).map(Double.init)
      if spec["priority"] == nil { context.error("an AdminNetworkPolicy needs `priority`", at: spec) }
    case "BaselineAdminNetworkPolicy":
      kind = .baselineAdminNetworkPolicy
      tier = Tier.kubeBaseline.name
      order = 1000
      if object.name != "default" {
        context.error(
          "a BaselineAdminNetworkPolicy must be named `default`, not `\(object.name)`",
          at: object.node["metadata"]?["name"] ?? object.node)
      }
    default:
      kind = .clusterNetworkPolicy
      order = context.integer(spec["priority"], "spec.priority", in: 0...1000).map(Double.init)
      if spec["priority"] == nil { context.error("a ClusterNetworkPolicy needs `priority`", at: spec) }
      switch context.string(spec["tier"], "spec.tier") {
      case "Admin": tier = Tier.kubeAdmin.name
      case "Baseline": tier = Tier.kubeBaseline.name
      case let other:
        context.error(
          "`spec.tier` must be Admin or Baseline, not `\(other ?? "nothing")`",
          at: spec["tier"] ?? spec)
        tier = Tier.kubeAdmin.name
      }
    }
    context.checkFields(spec, ["priority", "subject", "ingress", "egress", "tier"], in: "\(object.kind) spec")
    // (Decoded on after a bad subject, so that every error is reported at once.)
    let subject = npaSubject(spec["subject"], in: spec, kind: object.kind, &context)
    var policy = Policy(
      id: PolicyID(kind: kind, namespace: nil, name: object.name), tier: tier, order: order,
      subject: subject ?? EndpointSelector(.all, namespaces: .any), location: object.location)
    policy.sortName = object.name
    policy.orderLocation = spec["priority"].map(context.location)
    for direction in Direction.allCases {
      let field = direction.rawValue
      let items = context.list(spec[field], "spec.\(field)") ?? []
      if items.count > 100 {
        context.error("`\(field)` has \(items.count) rules; at most 100 are allowed", at: spec[field] ?? spec)
      }
      var rules: [Rule] = []
      for (index, item) in items.enumerated() {
        guard context.mapping(item, "\(field)[\(index)]") != nil else { continue }
        rules.append(contentsOf: npaRule(item, direction, index, isV1Alpha2: isV1Alpha2, kind, &context))
      }
      if direction == .ingress {
        policy.ingress = rules
        policy.appliesToIngress = spec[field] != nil
      } else {
        policy.egress = rules
        policy.appliesToEgress = spec[field] != nil
      }
    }
    guard !context.failed, subject != nil else {
      context.diagnostics.append(
        Diagnostic(.note, "\(object.kind) `\(object.name)` is not applied because of its errors", at: object.location))
      return
    }
    define(
      "npa/\(object.kind)//\(object.name)", "\(object.kind) `\(object.name)`", at: object.location, .policy(policy))
  }

  /// `subject: {namespaces: LabelSelector}` or `{pods: {namespaceSelector, podSelector}}`:
  /// exactly one of them, as the API server's schema requires (`minProperties` and
  /// `maxProperties` 1).
  private mutating func npaSubject(
    _ node: YAMLNode?, in spec: YAMLNode, kind: String, _ context: inout DecodeContext
  ) -> EndpointSelector? {
    guard let node else {
      context.error("`\(kind)` needs a `subject`", at: spec)
      return nil
    }
    if !node.isNull {
      guard context.mapping(node, "subject") != nil else { return nil }
    }
    context.checkFields(node, ["namespaces", "pods"], in: "`subject`")
    guard context.exactlyOne(of: ["namespaces", "pods"], in: node, "`subject`") else { return nil }
    if let namespaces = node["namespaces"] {
      guard let selector = context.labelSelector(namespaces, "subject.namespaces") else { return nil }
      return EndpointSelector(.all, namespaces: .matching(selector))
    }
    let pods = node["pods"] ?? node
    guard let namespaces = context.labelSelector(pods["namespaceSelector"], "subject.pods.namespaceSelector"),
      let podSelector = context.labelSelector(pods["podSelector"], "subject.pods.podSelector")
    else { return nil }
    return EndpointSelector(podSelector, namespaces: .matching(namespaces))
  }

  /// One rule; a rule with several port protocols becomes several rules with the same index.
  private mutating func npaRule(
    _ node: YAMLNode, _ direction: Direction, _ index: Int, isV1Alpha2: Bool, _ kind: PolicyKind,
    _ context: inout DecodeContext
  ) -> [Rule] {
    let peerField = direction == .ingress ? "from" : "to"
    context.checkFields(node, ["name", "action", peerField, "ports", "protocols"], in: "a rule")
    let actionNode = node["action"]
    let action: RuleAction
    switch context.string(actionNode, "action") {
    case "Allow" where !isV1Alpha2 && kind == .adminNetworkPolicy, "Allow" where kind == .baselineAdminNetworkPolicy,
      "Accept" where isV1Alpha2:
      action = .allow
    case "Deny": action = .deny
    case "Pass" where kind != .baselineAdminNetworkPolicy: action = .pass
    case let other:
      let expected =
        isV1Alpha2
        ? "Accept, Deny or Pass" : (kind == .baselineAdminNetworkPolicy ? "Allow or Deny" : "Allow, Deny or Pass")
      context.error("unknown action `\(other ?? "nothing")` (expected \(expected))", at: actionNode ?? node)
      return []
    }
    var rule = Rule(action: action, direction: direction, index: index, location: context.location(node))
    var unsupported: [String] = []
    let (peers, unsupportedPeers) = npaPeers(node, direction, isV1Alpha2: isV1Alpha2, &context)
    rule.peerSide.peers = peers
    var portGroups: [(IPProtocol?, [PortMatch]?)] = [(nil, nil)]
    if let ports = node["ports"] {
      portGroups = npaPorts(ports, &context, unsupported: &unsupported, namedAllowed: !isV1Alpha2)
    } else if let protocols = node["protocols"] {
      portGroups = npaProtocols(protocols, &context, unsupported: &unsupported)
    }
    // A peer of a kind the matrix does not know (a newer API's) fails the whole rule closed,
    // as the API asks ("treat the rule as matching no traffic"; for Deny and Pass, as a Deny
    // of everything); the peers it knows are alternatives, none switching off another.
    unsupported += unsupportedPeers
    if !unsupported.isEmpty {
      let what = unsupported.joined(separator: ", ")
      context.warning(
        "\(what) cannot be evaluated; the rule fails closed (\(action == .allow ? "it matches nothing" : "it denies everything"))",
        at: node)
      if action == .allow {
        rule.neverMatchesBecause = "it uses \(what), which fail closed"
        return [rule]
      }
      // Deny and Pass fail closed as a Deny of everything.
      var denyAll = Rule(action: .deny, direction: direction, index: index, location: rule.location)
      denyAll.neverMatchesBecause = nil
      return [denyAll]
    }
    return portGroups.map { group in
      var copy = rule
      if let ipProtocol = group.0 {
        copy.protocols.only = [ipProtocol]
        copy.protocols.text = ipProtocol.rawValue
      }
      copy.destination.ports = group.1
      return copy
    }
  }

  /// v1alpha1 `ports`: `portNumber {protocol, port}`, `namedPort`, `portRange {protocol, start, end}`.
  private mutating func npaPorts(
    _ node: YAMLNode, _ context: inout DecodeContext, unsupported: inout [String],
    namedAllowed: Bool
  ) -> [(IPProtocol?, [PortMatch]?)] {
    var groups: [(IPProtocol?, [PortMatch]?)] = []
    func add(_ ipProtocol: IPProtocol?, _ port: PortMatch) {
      if let index = groups.firstIndex(where: { $0.0 == ipProtocol }) {
        groups[index].1?.append(port)
      } else {
        groups.append((ipProtocol, [port]))
      }
    }
    for item in context.list(node, "ports") ?? [] {
      guard context.exactlyOne(of: ["portNumber", "namedPort", "portRange"], in: item, "a port") else { continue }
      if let number = item["portNumber"] {
        let ipProtocol = protocolOf(number["protocol"], &context)
        if let port = context.integer(number["port"], "portNumber.port", in: 1...65535) {
          add(ipProtocol, .range(port, port))
        }
      } else if let name = item["namedPort"] {
        guard namedAllowed else {
          unsupported.append("named ports")
          continue
        }
        if let text = context.string(name, "namedPort") { add(nil, .named(text)) }
      } else if let range = item["portRange"] {
        let ipProtocol = protocolOf(range["protocol"], &context)
        if let start = context.integer(range["start"], "portRange.start", in: 1...65535),
          let end = context.integer(range["end"], "portRange.end", in: 1...65535)
        {
          if end < start {
            context.error("`portRange.end` \(end) is below `start` \(start)", at: range["end"] ?? range)
          } else {
            add(ipProtocol, .range(start, end))
          }
        }
      }
    }
    return groups
  }

  /// v1alpha2 `protocols`: `[{tcp: {destinationPort: {number | range}}}, ...]`, or a named port.
  private mutating func npaProtocols(
    _ node: YAMLNode, _ context: inout DecodeContext, unsupported: inout [String]
  ) -> [(IPProtocol?, [PortMatch]?)] {
    var groups: [(IPProtocol?, [PortMatch]?)] = []
    for item in context.list(node, "protocols") ?? [] {
      guard let entries = item.mapping else { continue }
      if entries.count > 1 {
        context.error("a `protocols` item must set exactly one protocol or named port", at: entries[1].key)
        continue
      }
      for (key, value) in entries {
        guard let name = key.scalar else { continue }
        if name == "destinationNamedPort" {
          unsupported.append("named ports")
          continue
        }
        guard let ipProtocol = IPProtocol(name: name) else {
          context.error("unknown protocol `\(name)`", at: key)
          continue
        }
        var ports: [PortMatch]?
        if let port = value["destinationPort"] {
          guard context.exactlyOne(of: ["number", "range"], in: port, "`destinationPort`") else { continue }
          if let number = context.integer(port["number"], "destinationPort.number", in: 1...65535) {
            ports = [.range(number, number)]
          } else if let range = port["range"],
            let start = context.integer(range["start"], "range.start", in: 1...65535),
            let end = context.integer(range["end"], "range.end", in: 1...65535)
          {
            if end < start {
              context.error("`range.end` \(end) is below `start` \(start)", at: range)
            } else {
              ports = [.range(start, end)]
            }
          }
        }
        groups.append((ipProtocol, ports))
      }
    }
    return groups.isEmpty ? [(nil, nil)] : groups
  }

  private mutating func protocolOf(_ node: YAMLNode?, _ context: inout DecodeContext) -> IPProtocol {
    guard let node, let text = context.string(node, "protocol") else { return .tcp }
    guard let ipProtocol = IPProtocol(name: text) else {
      context.error("unknown protocol `\(text)` (expected TCP, UDP or SCTP)", at: node)
      return .tcp
    }
    return ipProtocol
  }
}
