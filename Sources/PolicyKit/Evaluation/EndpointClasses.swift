/// Endpoints grouped so that no policy can tell two members of a group apart: same kind, same
/// labels as selectors see them (which include namespace and service account), same named
/// ports, same profiles, and, only where something can see them, the same node (host rules)
/// and the same membership in every CIDR a rule or failsafe names.
///
/// The evaluator works on one representative per class; a matrix of 10,000 pods with a few
/// hundred distinct label sets costs a few hundred rows, not 10,000.
public struct EndpointClasses: Sendable {
  /// The class of each endpoint.
  public let classOf: [Int32]
  /// The endpoints of each class, in endpoint order.
  public let members: [[Int]]

  /// The number of classes.
  public var count: Int { members.count }

  /// Groups `cluster`'s endpoints, seeing addresses only through `cidrs`.
  public init(cluster: Cluster, cidrs: [CIDR]) {
    let hasHosts = cluster.endpoints.contains(where: \.isHost)
    var keys: [String: Int32] = [:]
    var classOf: [Int32] = []
    var members: [[Int]] = []
    classOf.reserveCapacity(cluster.endpoints.count)
    for (index, endpoint) in cluster.endpoints.enumerated() {
      let key = Self.key(endpoint, cidrs: cidrs, nodeMatters: hasHosts)
      if let known = keys[key] {
        classOf.append(known)
        members[Int(known)].append(index)
      } else {
        let next = Int32(members.count)
        keys[key] = next
        classOf.append(next)
        members.append([index])
      }
    }
    self.classOf = classOf
    self.members = members
  }

  private static func key(_ endpoint: Endpoint, cidrs: [CIDR], nodeMatters: Bool) -> String {
    var key = "\(endpoint.kind.rank)"
    if case .workload = endpoint.kind {} else { key += endpoint.hasExpectedIPs ? "e" : "-" }
    key += "\u{1}"
    for (name, value) in endpoint.selectorLabels.sorted(by: { $0.key < $1.key }) {
      key += name + "\u{2}" + value + "\u{3}"
    }
    key += "\u{1}"
    for port in endpoint.namedPorts.sorted(by: { ($0.name, $0.ipProtocol, $0.port) < ($1.name, $1.ipProtocol, $1.port) }) {
      key += "\(port.name)/\(port.ipProtocol.rawValue)/\(port.port),"
    }
    key += "\u{1}" + endpoint.profiles.joined(separator: ",")
    if nodeMatters { key += "\u{1}" + (endpoint.node ?? "") }
    if !cidrs.isEmpty {
      key += "\u{1}"
      if let address = endpoint.address {
        for cidr in cidrs { key += cidr.contains(address) ? "1" : "0" }
      } else {
        key += "?"
      }
    }
    return key
  }

  /// Every CIDR that can make two endpoints differ: rule nets, ipBlocks and failsafe nets.
  public static func cidrs(in cluster: Cluster, policies: [Policy]) -> [CIDR] {
    var found: Set<CIDR> = []
    func add(_ entity: EntityMatch) {
      for cidr in entity.nets ?? [] { found.insert(cidr) }
      for cidr in entity.notNets { found.insert(cidr) }
      for peer in entity.peers ?? [] {
        if case .block(let cidr, let except) = peer {
          found.insert(cidr)
          found.formUnion(except)
        }
      }
    }
    func add(_ rules: [Rule]) {
      for rule in rules {
        add(rule.source)
        add(rule.destination)
      }
    }
    for policy in policies {
      add(policy.ingress)
      add(policy.egress)
    }
    for profile in cluster.profiles.values {
      add(profile.ingress)
      add(profile.egress)
    }
    for port in cluster.felix.failsafeInbound + cluster.felix.failsafeOutbound {
      if let net = port.net { found.insert(net) }
    }
    return found.sorted { ($0.address, $0.prefix) < ($1.address, $1.prefix) }
  }
}
