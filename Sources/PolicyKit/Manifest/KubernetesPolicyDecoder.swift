extension FileDecoder {
  /// Decodes a Kubernetes NetworkPolicy (or the spec of a StagedKubernetesNetworkPolicy) into a
  /// policy in the `default` tier at order 1000, as Calico converts it.
  mutating func decodeKubernetesNetworkPolicy(
    _ object: ObjectHeader, kind: PolicyKind, spec specNode: YAMLNode?,
    _ context: inout DecodeContext
  ) {
    let namespace = namespace(of: object)
    guard let spec = specNode.flatMap({ context.mapping($0, "spec") }) else {
      context.error("`\(object.kind)` has no `spec`", at: object.node)
      return
    }
    context.checkFields(
      spec, ["podSelector", "policyTypes", "ingress", "egress", "stagedAction"],
      in: "NetworkPolicy spec")
    let subject = context.labelSelector(spec["podSelector"], "spec.podSelector") ?? .all
    var policy = Policy(
      id: PolicyID(kind: kind, namespace: namespace, name: object.name), tier: "default",
      order: 1000,
      subject: EndpointSelector(subject, namespaces: .named(namespace)),
      location: object.location)
    policy.sortName = "knp.default.\(object.name)"
    if kind.isStaged { policy.stagedAction = stagedAction(object.node["spec"], &context) }

    // policyTypes: as written; absent means Ingress, plus Egress when egress rules exist.
    if let types = context.policyTypes(spec, field: "policyTypes") {
      (policy.appliesToIngress, policy.appliesToEgress) = types
    } else {
      policy.appliesToIngress = true
      // Kubernetes' defaulting adds Egress only for a non-empty `egress` list.
      policy.appliesToEgress = !(spec["egress"]?.sequence?.isEmpty ?? true)
    }
    for direction in Direction.allCases {
      let field = direction.rawValue
      let peerField = direction == .ingress ? "from" : "to"
      for (index, ruleNode) in (context.list(spec[field], "spec.\(field)") ?? []).enumerated() {
        guard context.mapping(ruleNode, "spec.\(field)[\(index)]") != nil || ruleNode.isNull
        else { continue }
        context.checkFields(ruleNode, [peerField, "ports"], in: "a NetworkPolicy \(field) rule")
        var peers: [Peer]?
        if let items = context.list(ruleNode[peerField], peerField), !items.isEmpty {
          peers = items.compactMap {
            kubernetesPeer($0, policyNamespace: namespace, &context)
          }
        }
        let ports = kubernetesPorts(ruleNode["ports"], &context)
        let base = Rule(
          action: .allow, direction: direction, index: index,
          location: context.location(ruleNode))
        // Like Calico, one rule per protocol so that `TCP 80, UDP 53` never matches TCP 53.
        for (ipProtocol, portList) in ports ?? [(nil, nil)] {
          var rule = base
          if let ipProtocol {
            rule.protocols.only = [ipProtocol]
            rule.protocols.text = ipProtocol.rawValue
          }
          rule.destination.ports = portList
          rule.peerSide.peers = peers
          if direction == .ingress { policy.ingress.append(rule) } else { policy.egress.append(rule) }
        }
      }
    }
    guard !context.failed else {
      context.diagnostics.append(
        Diagnostic(
          .note, "\(object.kind) `\(namespace)/\(object.name)` is not applied because of its errors",
          at: object.location))
      return
    }
    define(
      object.key(kind.rawValue), "\(object.kind) `\(namespace)/\(object.name)`", at: object.location,
      .policy(policy))
  }

  /// A `from`/`to` element: podSelector and/or namespaceSelector, or ipBlock.
  private mutating func kubernetesPeer(
    _ node: YAMLNode, policyNamespace: String, _ context: inout DecodeContext
  ) -> Peer? {
    guard context.mapping(node, "peer") != nil else { return nil }
    context.checkFields(node, ["podSelector", "namespaceSelector", "ipBlock"], in: "a peer")
    if let block = node["ipBlock"] {
      if node["podSelector"] != nil || node["namespaceSelector"] != nil {
        context.error("a peer with `ipBlock` cannot also have selectors", at: node)
        return nil
      }
      guard let cidrText = context.string(block["cidr"], "ipBlock.cidr") else {
        context.error("`ipBlock` needs a `cidr`", at: block)
        return nil
      }
      guard let cidr = CIDR(cidrText) else {
        context.error("invalid CIDR `\(cidrText)`", at: block["cidr"] ?? block)
        return nil
      }
      var except: [CIDR] = []
      for item in context.list(block["except"], "ipBlock.except") ?? [] {
        guard let text = context.string(item, "except") else { continue }
        guard let inner = CIDR(text) else {
          context.error("invalid CIDR `\(text)`", at: item)
          continue
        }
        guard cidr.contains(inner), inner != cidr else {
          context.error("`except` entry `\(text)` is not strictly inside `\(cidrText)`", at: item)
          continue
        }
        except.append(inner)
      }
      return .block(cidr, except: except)
    }
    let pods = node["podSelector"].map { context.labelSelector($0, "podSelector") }
    let namespaces = node["namespaceSelector"].map {
      context.labelSelector($0, "namespaceSelector")
    }
    switch (pods, namespaces) {
    case (nil, nil):
      context.error("a peer needs `podSelector`, `namespaceSelector` or `ipBlock`", at: node)
      return nil
    case (let pods??, nil):
      return .endpoints(EndpointSelector(pods, namespaces: .named(policyNamespace)))
    case (let pods, let namespaces??):
      return .endpoints(
        EndpointSelector((pods ?? .all) ?? .all, namespaces: .matching(namespaces)))
    default:
      return nil
    }
  }

  /// Kubernetes `ports`, grouped by protocol in first-seen order; nil when absent or empty.
  private mutating func kubernetesPorts(
    _ node: YAMLNode?, _ context: inout DecodeContext
  ) -> [(IPProtocol?, [PortMatch]?)]? {
    guard let items = context.list(node, "ports"), !items.isEmpty else { return nil }
    var groups: [(IPProtocol?, [PortMatch]?)] = []
    func add(_ ipProtocol: IPProtocol, _ port: PortMatch?) {
      if let index = groups.firstIndex(where: { $0.0 == ipProtocol }) {
        if let port {
          if groups[index].1 != nil { groups[index].1?.append(port) }
        } else {
          groups[index].1 = nil
        }
      } else {
        groups.append((ipProtocol, port.map { [$0] }))
      }
    }
    for item in items {
      guard context.mapping(item, "ports") != nil else { continue }
      context.checkFields(item, ["protocol", "port", "endPort"], in: "a port")
      let protocolText = context.string(item["protocol"], "protocol") ?? "TCP"
      guard let ipProtocol = IPProtocol(name: protocolText), protocolText == protocolText.uppercased()
      else {
        context.error("unknown protocol `\(protocolText)` (expected TCP, UDP or SCTP)", at: item["protocol"] ?? item)
        continue
      }
      guard let portNode = item["port"], !portNode.isNull else {
        if let endPort = item["endPort"] {
          context.error("`endPort` needs a numeric `port`", at: endPort)
        }
        add(ipProtocol, nil)
        continue
      }
      if case .scalar(let text, let isPlain) = portNode.content, !(isPlain && Int(text) != nil) {
        if let endPort = item["endPort"] {
          context.error("`endPort` cannot be used with the named port `\(text)`", at: endPort)
          continue
        }
        guard !text.isEmpty else {
          context.error("`port` must not be empty", at: portNode)
          continue
        }
        add(ipProtocol, .named(text))
        continue
      }
      guard let port = context.integer(portNode, "port", in: 1...65535) else { continue }
      var end = port
      if let endNode = item["endPort"] {
        guard let value = context.integer(endNode, "endPort", in: 1...65535) else { continue }
        guard value >= port else {
          context.error("`endPort` \(value) is below `port` \(port)", at: endNode)
          continue
        }
        end = value
      }
      add(ipProtocol, .range(port, end))
    }
    return groups.isEmpty ? nil : groups
  }

  /// `spec.stagedAction` of a staged kind: `Set` (default) or `Delete`.
  mutating func stagedAction(_ spec: YAMLNode?, _ context: inout DecodeContext) -> StagedAction {
    guard let node = spec?["stagedAction"], let text = context.string(node, "stagedAction") else {
      return .set
    }
    switch text {
    case "Set", "": return .set
    case "Delete": return .delete
    case "Learn", "Ignore":
      context.warning("`stagedAction: \(text)` has no effect on the matrix; read as Set", at: node)
      return .set
    default:
      context.error("unknown `stagedAction` `\(text)` (expected Set or Delete)", at: node)
      return .set
    }
  }
}
