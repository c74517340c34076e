/// Where a Calico rule is written, which decides how its selectors are scoped.
enum CalicoScope {
  /// In a namespaced policy: bare selectors mean this namespace.
  case namespaced(String)
  /// In a global policy or a profile: bare selectors mean any endpoint.
  case global
}

extension FileDecoder {
  /// Decodes the `projectcalico.org/v3` (and `crd.projectcalico.org/v1`) kinds.
  mutating func decodeCalico(_ object: ObjectHeader, _ context: inout DecodeContext) {
    let spec = object.node["spec"].flatMap { context.mapping($0, "spec") }
    switch object.kind {
    case "NetworkPolicy": decodeCalicoPolicy(object, kind: .calicoNetworkPolicy, spec, &context)
    case "GlobalNetworkPolicy":
      decodeCalicoPolicy(object, kind: .globalNetworkPolicy, spec, &context)
    case "StagedNetworkPolicy":
      decodeCalicoPolicy(object, kind: .stagedNetworkPolicy, spec, &context)
    case "StagedGlobalNetworkPolicy":
      decodeCalicoPolicy(object, kind: .stagedGlobalNetworkPolicy, spec, &context)
    case "StagedKubernetesNetworkPolicy":
      decodeKubernetesNetworkPolicy(
        object, kind: .stagedKubernetesNetworkPolicy, spec: spec, &context)
    case "Tier": decodeTier(object, spec, &context)
    case "HostEndpoint": decodeHostEndpoint(object, spec, &context)
    case "NetworkSet", "GlobalNetworkSet": decodeNetworkSet(object, spec, &context)
    case "Profile": decodeProfile(object, spec, &context)
    case "FelixConfiguration": decodeFelixConfiguration(object, spec, &context)
    case "IPPool": decodeIPPool(object, spec, &context)
    default: skip(kind: object.kind, apiVersion: object.apiVersion, at: object.location)
    }
  }

  // MARK: - Policies

  private mutating func decodeCalicoPolicy(
    _ object: ObjectHeader, kind: PolicyKind, _ specNode: YAMLNode?,
    _ context: inout DecodeContext
  ) {
    let spec = specNode ?? YAMLNode(.mapping([]), line: object.node.line, column: object.node.column)
    context.checkFields(
      spec,
      [
        "tier", "order", "selector", "namespaceSelector", "serviceAccountSelector", "types",
        "ingress", "egress", "doNotTrack", "preDNAT", "applyOnForward", "stagedAction",
        "performanceHints",
      ], in: "\(object.kind) spec")
    let namespace: String? = kind.isNamespaced ? self.namespace(of: object) : nil
    var tier = context.string(spec["tier"], "spec.tier").flatMap { $0.isEmpty ? nil : $0 } ?? "default"
    tier = Tier.legacyNames[tier] ?? tier
    var name = object.name
    if object.group == "crd.projectcalico.org", name.hasPrefix("\(tier).") {
      name.removeFirst(tier.count + 1)
    }
    let order = context.number(spec["order"], "spec.order")
    let selector = context.calicoSelector(spec["selector"], "spec.selector") ?? .all
    var subject: EndpointSelector
    if let namespace {
      subject = EndpointSelector(selector, namespaces: .named(namespace))
    } else if let namespaceSelectorNode = spec["namespaceSelector"], !namespaceSelectorNode.isNull {
      let namespaces = context.calicoSelector(namespaceSelectorNode, "spec.namespaceSelector") ?? .all
      subject = EndpointSelector(selector, namespaces: .matching(namespaces))
    } else {
      subject = EndpointSelector(selector, namespaces: .any, hosts: true)
    }
    if let accounts = context.calicoSelector(spec["serviceAccountSelector"], "spec.serviceAccountSelector") {
      subject.selector = .and([subject.selector, accounts.prefixingKeys("pcsa.")])
      subject.includesHosts = false
    }
    for flag in ["doNotTrack", "preDNAT"] where context.bool(spec[flag], flag) == true {
      context.warning(
        "`\(flag)` policies act before connection tracking on host interfaces; the matrix evaluates them as ordinary policies",
        at: spec[flag] ?? spec)
    }
    var policy = Policy(
      id: PolicyID(kind: kind, namespace: namespace, name: name), tier: tier, order: order,
      subject: subject, location: object.location)
    policy.tierLocation = spec["tier"].map(context.location)
    policy.orderLocation = spec["order"].map(context.location)
    if kind.isStaged { policy.stagedAction = stagedAction(spec, &context) }
    policy.isPreDNAT = spec["preDNAT"].flatMap { $0.scalar == "true" } ?? false
    let scope: CalicoScope = namespace.map { .namespaced($0) } ?? .global
    policy.ingress = calicoRules(spec["ingress"], .ingress, scope, &context)
    policy.egress = calicoRules(spec["egress"], .egress, scope, &context)
    if let types = context.policyTypes(spec, field: "types") {
      (policy.appliesToIngress, policy.appliesToEgress) = types
    } else {
      // Calico's defaulting: egress rules alone make an Egress policy; otherwise Ingress, plus
      // Egress when there are egress rules too.
      // (`defaultPolicyTypesField`: an empty list counts as no rules.)
      let hasIngress = !(spec["ingress"]?.sequence?.isEmpty ?? true)
      let hasEgress = !(spec["egress"]?.sequence?.isEmpty ?? true)
      policy.appliesToIngress = hasIngress || !hasEgress
      policy.appliesToEgress = hasEgress
    }
    let display = namespace.map { "\($0)/\(name)" } ?? name
    guard !context.failed else {
      context.diagnostics.append(
        Diagnostic(.note, "\(object.kind) `\(display)` is not applied because of its errors", at: object.location))
      return
    }
    define(
      "calico/\(kind.rawValue)/\(namespace ?? "")/\(name)", "\(object.kind) `\(display)`", at: object.location,
      .policy(policy))
  }

  /// Decodes a list of Calico rules.
  mutating func calicoRules(
    _ node: YAMLNode?, _ direction: Direction, _ scope: CalicoScope,
    _ context: inout DecodeContext
  ) -> [Rule] {
    let field = direction.rawValue
    var rules: [Rule] = []
    for (index, item) in (context.list(node, field) ?? []).enumerated() {
      guard context.mapping(item, "\(field)[\(index)]") != nil else { continue }
      if let rule = calicoRule(item, direction, index, scope, &context) { rules.append(rule) }
    }
    return rules
  }

  private mutating func calicoRule(
    _ node: YAMLNode, _ direction: Direction, _ index: Int, _ scope: CalicoScope,
    _ context: inout DecodeContext
  ) -> Rule? {
    context.checkFields(
      node,
      [
        "action", "protocol", "notProtocol", "icmp", "notICMP", "ipVersion", "source",
        "destination", "http", "metadata",
      ], in: "a rule")
    guard let actionText = context.string(node["action"], "action") else {
      context.error("a rule needs an `action` (Allow, Deny, Pass or Log)", at: node)
      return nil
    }
    let action: RuleAction
    switch actionText.lowercased() {
    case "allow": action = .allow
    case "deny": action = .deny
    case "pass", "next-tier": action = .pass
    case "log": action = .log
    default:
      context.error(
        "unknown action `\(actionText)` (expected Allow, Deny, Pass or Log)",
        at: node["action"] ?? node)
      return nil
    }
    var rule = Rule(action: action, direction: direction, index: index, location: context.location(node))
    if let protocolNode = node["protocol"] {
      rule.protocols.only = calicoProtocol(protocolNode, &context)
      rule.protocols.text = protocolNode.scalar
    }
    if let protocolNode = node["notProtocol"] {
      rule.protocols.excluded = calicoProtocol(protocolNode, &context) ?? []
      rule.protocols.text = "!" + (protocolNode.scalar ?? "")
    }
    if let versionNode = node["ipVersion"] {
      if let version = context.integer(versionNode, "ipVersion", in: 4...6), version == 4 || version == 6 {
        rule.ipVersion = version
      } else if !context.failed {
        context.error("`ipVersion` must be 4 or 6", at: versionNode)
      }
    }
    if node["http"] != nil {
      context.warning(
        "`http` matches requests inside connections, which a connectivity probe cannot see; this rule never matches here",
        at: node["http"] ?? node)
      rule.neverMatchesBecause = "it matches HTTP requests, which the matrix cannot evaluate"
    }
    let hasPorts = [node["source"], node["destination"]].contains { side in
      side?["ports"] != nil || side?["notPorts"] != nil
    }
    if hasPorts {
      let allowsPorts =
        rule.protocols.only.map { !$0.isEmpty && rule.protocols.text != nil } ?? false
      if !allowsPorts {
        context.error(
          "a rule with ports must set `protocol` to TCP, UDP or SCTP", at: node["protocol"] ?? node)
      }
    }
    rule.source = calicoEntity(node["source"], "source", scope, &context)
    rule.destination = calicoEntity(node["destination"], "destination", scope, &context)
    return rule
  }

  /// A protocol name or number; nil when unknown. ICMP and other protocols read as an empty set:
  /// they never match a TCP, UDP or SCTP probe.
  private mutating func calicoProtocol(
    _ node: YAMLNode, _ context: inout DecodeContext
  ) -> Set<IPProtocol>? {
    guard let text = context.string(node, "protocol") else { return nil }
    if let known = IPProtocol(name: text) { return [known] }
    switch text.uppercased() {
    case "ICMP", "ICMPV6", "UDPLITE": return []
    default:
      if let number = Int(text), (0...255).contains(number) {
        switch number {
        case 6: return [.tcp]
        case 17: return [.udp]
        case 132: return [.sctp]
        default: return []
        }
      }
      context.error(
        "unknown protocol `\(text)` (expected TCP, UDP, SCTP, ICMP, ICMPv6, UDPLite or 0-255)",
        at: node)
      return nil
    }
  }

  /// A rule's `source` or `destination`.
  private mutating func calicoEntity(
    _ node: YAMLNode?, _ field: String, _ scope: CalicoScope, _ context: inout DecodeContext
  ) -> EntityMatch {
    var entity = EntityMatch()
    guard let node, context.mapping(node, field) != nil else { return entity }
    context.checkFields(
      node,
      [
        "nets", "notNets", "selector", "notSelector", "namespaceSelector", "ports", "notPorts",
        "serviceAccounts", "services",
      ], in: "rule `\(field)`")
    if let nets = context.stringList(node["nets"], "\(field).nets") {
      entity.nets = cidrs(nets, node["nets"], &context)
    }
    if let notNets = context.stringList(node["notNets"], "\(field).notNets") {
      entity.notNets = cidrs(notNets, node["notNets"], &context)
    }
    let selector = context.calicoSelector(node["selector"], "\(field).selector")
    let namespaceSelector = context.calicoSelector(
      node["namespaceSelector"], "\(field).namespaceSelector")
    var accountTerms: [Selector] = []
    if let accounts = node["serviceAccounts"], context.mapping(accounts, "serviceAccounts") != nil {
      context.checkFields(accounts, ["names", "selector"], in: "`serviceAccounts`")
      if let names = context.stringList(accounts["names"], "serviceAccounts.names"), !names.isEmpty {
        accountTerms.append(.inSet("projectcalico.org/serviceaccount", Array(Set(names)).sorted()))
      }
      if let selector = context.calicoSelector(accounts["selector"], "serviceAccounts.selector") {
        accountTerms.append(selector.prefixingKeys("pcsa."))
      }
      if accountTerms.isEmpty { accountTerms.append(.has("projectcalico.org/serviceaccount")) }
    }
    // Calico scopes a namespaced rule's selectors to the policy's namespace as soon as any
    // selector field is used, unless a namespaceSelector says otherwise.
    let namespaces: EndpointSelector.Namespaces
    if let namespaceSelector {
      namespaces = .matching(namespaceSelector)
    } else if case .namespaced(let namespace) = scope {
      namespaces = .named(namespace)
    } else {
      namespaces = .any
    }
    let everywhere = namespaces == .any
    let global = namespaceSelector == .global
    // A `notSelector` alone in a namespaced policy still limits the rule to the namespace
    // (`getEndpointSelector` in libcalico-go's `rules.go`).
    let hasNotSelector = node["notSelector"].map { !$0.isNull } ?? false
    if selector != nil || namespaceSelector != nil || !accountTerms.isEmpty
      || (hasNotSelector && !everywhere)
    {
      var terms = [selector ?? .all] + accountTerms
      if terms.count > 1, terms[0] == .all { terms.removeFirst() }
      let combined = terms.count == 1 ? terms[0] : Selector.and(terms)
      entity.peers = [
        .endpoints(
          EndpointSelector(
            combined, namespaces: namespaces, workloads: !global,
            hosts: (everywhere || global) && accountTerms.isEmpty, networkSets: accountTerms.isEmpty))
      ]
    }
    if let notSelector = context.calicoSelector(node["notSelector"], "\(field).notSelector") {
      entity.notSelector = EndpointSelector(
        notSelector, namespaces: namespaces, workloads: !global, hosts: everywhere || global,
        networkSets: true)
    }
    if let ports = node["ports"] { entity.ports = calicoPorts(ports, "\(field).ports", &context) }
    if let ports = node["notPorts"] {
      entity.notPorts = calicoPorts(ports, "\(field).notPorts", &context) ?? []
    }
    if let services = node["services"] {
      entity.services = calicoServices(services, in: node, field, scope, &context)
    }
    return entity
  }

  private mutating func cidrs(
    _ texts: [String], _ node: YAMLNode?, _ context: inout DecodeContext
  ) -> [CIDR] {
    var result: [CIDR] = []
    for (index, text) in texts.enumerated() {
      if let cidr = CIDR(text) {
        result.append(cidr)
      } else {
        context.error(
          "invalid CIDR `\(text)`",
          at: node?.sequence?[index] ?? node ?? YAMLNode(.scalar("", isPlain: true), line: 1, column: 1))
      }
    }
    return result
  }

  /// Calico ports: numbers, `"start:end"` ranges and names.
  mutating func calicoPorts(
    _ node: YAMLNode, _ field: String, _ context: inout DecodeContext
  ) -> [PortMatch]? {
    guard let items = context.list(node, field) else { return nil }
    var result: [PortMatch] = []
    for item in items {
      guard case .scalar(let text, let isPlain) = item.content else {
        context.error("a port must be a number, a `start:end` range or a name", at: item)
        continue
      }
      if isPlain, let port = Int(text) {
        guard (0...65535).contains(port) else {
          context.error("port \(port) is out of range (0-65535)", at: item)
          continue
        }
        result.append(.range(port, port))
      } else if text.utf8.contains(UInt8(ascii: ":")) {
        let bounds = text.split(separator: ":", omittingEmptySubsequences: false)
        guard bounds.count == 2, let low = Int(bounds[0]), let high = Int(bounds[1]),
          (0...65535).contains(low), (0...65535).contains(high)
        else {
          context.error("invalid port range `\(text)` (expected `start:end`)", at: item)
          continue
        }
        guard low <= high else {
          context.error("port range `\(text)` is reversed: \(low) is above \(high)", at: item)
          continue
        }
        result.append(.range(low, high))
      } else if let port = Int(text), (0...65535).contains(port) {
        result.append(.range(port, port))
      } else if !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
        result.append(.named(text))
      } else {
        context.error("invalid port `\(text)`", at: item)
      }
    }
    return result
  }

  // MARK: - Other Calico kinds

  private mutating func decodeTier(
    _ object: ObjectHeader, _ spec: YAMLNode?, _ context: inout DecodeContext
  ) {
    if let spec { context.checkFields(spec, ["order", "defaultAction"], in: "Tier spec") }
    let order = context.number(spec?["order"], "spec.order")
    var defaultAction = TierDefaultAction.deny
    if let node = spec?["defaultAction"], let text = context.string(node, "defaultAction") {
      switch text {
      case "Deny": defaultAction = .deny
      case "Pass": defaultAction = .pass
      default:
        context.error("unknown `defaultAction` `\(text)` (expected Deny or Pass)", at: node)
      }
    }
    guard !context.failed else { return }
    let name = Tier.legacyNames[object.name] ?? object.name
    if let builtIn = Tier.builtIn.first(where: { $0.name == name }) {
      if order != nil && order != builtIn.order || defaultAction != builtIn.defaultAction {
        context.warning(
          "tier `\(name)` is built in with order \(builtIn.orderText) and default action \(builtIn.defaultAction.rawValue); those are kept",
          at: object.location)
      }
      return
    }
    define(
      "calico/Tier//\(name)", "Tier `\(name)`", at: object.location,
      .tier(Tier(name: name, order: order, defaultAction: defaultAction, location: object.location)))
  }

  private mutating func decodeHostEndpoint(
    _ object: ObjectHeader, _ spec: YAMLNode?, _ context: inout DecodeContext
  ) {
    guard let spec else {
      context.error("HostEndpoint `\(object.name)` has no `spec`", at: object.node)
      return
    }
    context.checkFields(
      spec, ["node", "interfaceName", "expectedIPs", "ports", "profiles"], in: "HostEndpoint spec")
    var endpoint = Endpoint(
      id: "host/\(object.name)", kind: .host, name: object.name, namespace: nil,
      labels: object.labels, location: object.location)
    endpoint.node = context.string(spec["node"], "spec.node")
    endpoint.interfaceName = context.string(spec["interfaceName"], "spec.interfaceName")
    if endpoint.interfaceName == nil && spec["expectedIPs"] == nil {
      context.error("a HostEndpoint needs `interfaceName` or `expectedIPs`", at: spec)
    }
    let ips = context.stringList(spec["expectedIPs"], "spec.expectedIPs") ?? []
    for (index, text) in ips.enumerated() {
      if let ip = IPAddress(text) {
        endpoint.addresses.append(ip)
      } else {
        context.error("invalid IP address `\(text)`", at: spec["expectedIPs"]?.sequence?[index] ?? spec)
      }
    }
    endpoint.hasExpectedIPs = !endpoint.addresses.isEmpty
    for port in context.list(spec["ports"], "spec.ports") ?? [] {
      guard let name = context.string(port["name"], "ports.name"),
        let number = context.integer(port["port"], "ports.port", in: 1...65535)
      else { continue }
      let text = port["protocol"]?.scalar ?? "TCP"
      guard let ipProtocol = IPProtocol(name: text) else {
        context.error("unknown protocol `\(text)`", at: port["protocol"] ?? port)
        continue
      }
      endpoint.namedPorts.append(NamedPort(name: name, ipProtocol: ipProtocol, port: number))
    }
    endpoint.profiles = context.stringList(spec["profiles"], "spec.profiles") ?? []
    guard !context.failed else { return }
    define(
      "calico/HostEndpoint//\(object.name)", "HostEndpoint `\(object.name)`", at: object.location,
      .endpoint(endpoint))
  }

  private mutating func decodeNetworkSet(
    _ object: ObjectHeader, _ spec: YAMLNode?, _ context: inout DecodeContext
  ) {
    let isGlobal = object.kind == "GlobalNetworkSet"
    let namespace: String? = isGlobal ? nil : self.namespace(of: object)
    if let spec { context.checkFields(spec, ["nets", "allowedEgressDomains"], in: "\(object.kind) spec") }
    let id = namespace.map { "net/\($0)/\(object.name)" } ?? "net/\(object.name)"
    var endpoint = Endpoint(
      id: id, kind: .networkSet, name: object.name, namespace: namespace, labels: object.labels,
      location: object.location)
    let texts = context.stringList(spec?["nets"], "spec.nets") ?? []
    endpoint.nets = cidrs(texts, spec?["nets"], &context)
    endpoint.addresses = endpoint.nets.first.map { [$0.address] } ?? []
    if endpoint.nets.isEmpty && !context.failed {
      context.warning("\(object.kind) `\(object.name)` has no `nets`; it has no address to probe", at: object.location)
    }
    guard !context.failed else { return }
    define(
      "calico/\(object.kind)/\(namespace ?? "")/\(object.name)", "\(object.kind) `\(object.name)`", at: object.location,
      .endpoint(endpoint))
  }

  private mutating func decodeProfile(
    _ object: ObjectHeader, _ spec: YAMLNode?, _ context: inout DecodeContext
  ) {
    if let spec { context.checkFields(spec, ["ingress", "egress", "labelsToApply"], in: "Profile spec") }
    let profile = Profile(
      name: object.name,
      ingress: calicoRules(spec?["ingress"], .ingress, .global, &context),
      egress: calicoRules(spec?["egress"], .egress, .global, &context),
      labelsToApply: context.stringMap(spec?["labelsToApply"], "spec.labelsToApply"),
      location: object.location)
    guard !context.failed else { return }
    define("calico/Profile//\(object.name)", "Profile `\(object.name)`", at: object.location, .profile(profile))
  }

  private mutating func decodeFelixConfiguration(
    _ object: ObjectHeader, _ spec: YAMLNode?, _ context: inout DecodeContext
  ) {
    guard object.name == "default" else {
      context.warning(
        "FelixConfiguration `\(object.name)` is node-specific; only `default` is used by the matrix",
        at: object.location)
      return
    }
    var settings = FelixSettings.defaults
    settings.location = object.location
    if let node = spec?["failsafeInboundHostPorts"] {
      settings.failsafeInbound = failsafePorts(node, "failsafeInboundHostPorts", &context)
    }
    if let node = spec?["failsafeOutboundHostPorts"] {
      settings.failsafeOutbound = failsafePorts(node, "failsafeOutboundHostPorts", &context)
    }
    if let node = spec?["defaultEndpointToHostAction"],
      let text = context.string(node, "defaultEndpointToHostAction")
    {
      switch text.lowercased() {
      case "drop": settings.endpointToHostAction = .drop
      case "accept": settings.endpointToHostAction = .accept
      case "return": settings.endpointToHostAction = .return
      default:
        context.error("unknown `defaultEndpointToHostAction` `\(text)` (expected Drop, Accept or Return)", at: node)
      }
    }
    if let exclusions = natOutgoingExclusions(spec, &context) { settings.natOutgoingExclusions = exclusions }
    define("calico/FelixConfiguration//default", "FelixConfiguration `default`", at: object.location, .felix(settings))
  }

  private mutating func failsafePorts(
    _ node: YAMLNode, _ field: String, _ context: inout DecodeContext
  ) -> [FailsafePort] {
    if node.scalar?.lowercased() == "none" { return [] }
    var ports: [FailsafePort] = []
    for item in context.list(node, field) ?? [] {
      let text = item["protocol"]?.scalar ?? "TCP"
      guard let ipProtocol = IPProtocol(name: text) else {
        context.error("unknown protocol `\(text)`", at: item["protocol"] ?? item)
        continue
      }
      guard let port = context.integer(item["port"], "port", in: 0...65535) else {
        if item["port"] == nil { context.error("a failsafe port needs `port`", at: item) }
        continue
      }
      var net: CIDR?
      if let netText = context.string(item["net"], "net"), !netText.isEmpty {
        net = CIDR(netText)
        if net == nil { context.error("invalid CIDR `\(netText)`", at: item["net"] ?? item) }
      }
      ports.append(FailsafePort(ipProtocol, port, net: net))
    }
    return ports
  }
}
