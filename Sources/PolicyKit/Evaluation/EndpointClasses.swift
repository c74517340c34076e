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
  /// The endpoints of each class, in endpoint order. After an edit of endpoints a class may
  /// have none (`updating`).
  public let members: [[Int]]
  /// Each class's key.
  private let keys: [Key: Int32]
  /// Whether host endpoints make nodes matter.
  private let nodeMatters: Bool

  /// The number of classes.
  public var count: Int { members.count }

  /// Groups `cluster`'s endpoints, seeing addresses only through `cidrs`.
  public init(cluster: Cluster, cidrs: [CIDR]) {
    let nodeMatters = cluster.endpoints.contains(where: \.isHost)
    var keys: [Key: Int32] = [:]
    keys.reserveCapacity(cluster.endpoints.count)
    var classOf: [Int32] = []
    var members: [[Int]] = []
    classOf.reserveCapacity(cluster.endpoints.count)
    for index in cluster.endpoints.indices {
      let key = Key(cluster.endpoints[index], cidrs: cidrs, nodeMatters: nodeMatters)
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
    self.keys = keys
    self.nodeMatters = nodeMatters
  }

  private init(classOf: [Int32], members: [[Int]], keys: [Key: Int32], nodeMatters: Bool) {
    self.classOf = classOf
    self.members = members
    self.keys = keys
    self.nodeMatters = nodeMatters
  }

  /// The classes of `endpoints`, made from these by an edit of endpoints: those at `changed`
  /// are new or changed, the others are those of the list these were made for, at
  /// `olderPosition` (nil: at the same places). The same CIDRs, and the same kinds of
  /// endpoints, so whether nodes matter stays. Every class keeps its number, even one left
  /// without members; an endpoint whose key is new starts a class numbered after the others.
  func updating(_ changed: [Int], olderPosition: [Int32]?, endpoints: [Endpoint], cidrs: [CIDR]) -> EndpointClasses {
    var classOf = olderPosition.map { older in older.map { $0 >= 0 ? self.classOf[Int($0)] : -1 } } ?? classOf
    var keys = keys
    var count = members.count
    for index in changed {
      let key = Key(endpoints[index], cidrs: cidrs, nodeMatters: nodeMatters)
      if let known = keys[key] {
        classOf[index] = known
      } else {
        keys[key] = Int32(count)
        classOf[index] = Int32(count)
        count += 1
      }
    }
    var members = [[Int]](repeating: [], count: count)
    for index in classOf.indices { members[Int(classOf[index])].append(index) }
    return EndpointClasses(classOf: classOf, members: members, keys: keys, nodeMatters: nodeMatters)
  }

  /// What no policy can tell apart: endpoints with equal keys share a class.
  private struct Key: Hashable {
    var kind: Int
    /// Host endpoints and network sets: whether they list expected IPs.
    var expectedIPs: Bool?
    var labels: [String: String]
    /// Named ports as a set: their order in the manifest does not matter.
    var namedPorts: Set<NamedPort>
    var profiles: [String]
    /// The node, when host endpoints make it matter.
    var node: String?
    /// Which of the CIDRs hold the address (nil: no address).
    var inCIDRs: [Bool]?
    /// The address's IP version, which rules' `ipVersion` sees (0: no address).
    var family: Int
    /// The hash of all the above, worked out once (labels are a dictionary: hashing one
    /// hashes every entry on its own).
    var hash = 0

    init(_ endpoint: Endpoint, cidrs: [CIDR], nodeMatters: Bool) {
      kind = endpoint.kind.rank
      if case .workload = endpoint.kind { expectedIPs = nil } else { expectedIPs = endpoint.hasExpectedIPs }
      labels = endpoint.selectorLabels
      namedPorts = Set(endpoint.namedPorts)
      profiles = endpoint.profiles
      node = nodeMatters ? endpoint.node ?? "" : nil
      if cidrs.isEmpty {
        inCIDRs = []
      } else if let address = endpoint.address {
        inCIDRs = cidrs.map { $0.contains(address) }
      } else {
        inCIDRs = nil
      }
      family = endpoint.address.map { $0.isIPv4 ? 4 : 6 } ?? 0
      var hasher = Hasher()
      hasher.combine(kind)
      hasher.combine(expectedIPs)
      hasher.combine(labels)
      hasher.combine(namedPorts)
      hasher.combine(profiles)
      hasher.combine(node)
      hasher.combine(inCIDRs)
      hasher.combine(family)
      hash = hasher.finalize()
    }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }
  }

  /// Every CIDR that can make two endpoints differ: rule nets, ipBlocks, failsafe nets and,
  /// when one masquerades, the IP pools.
  public static func cidrs(in cluster: Cluster, policies: [Policy]) -> [CIDR] {
    var found: Set<CIDR> = []
    // (By index: iterating copies each rule, and there are thousands.)
    for index in policies.indices {
      policies[index].forEachCIDR { found.insert($0) }
    }
    for profile in cluster.profiles.values {
      forEachCIDR(in: profile.ingress) { found.insert($0) }
      forEachCIDR(in: profile.egress) { found.insert($0) }
    }
    for port in cluster.felix.failsafeInbound + cluster.felix.failsafeOutbound {
      if let net = port.net { found.insert(net) }
    }
    // Outgoing NAT depends on whether an address lies in a pool.
    if cluster.ipPools.contains(where: \.natOutgoing) {
      for pool in cluster.ipPools { found.insert(pool.cidr) }
    }
    return found.sorted { ($0.address, $0.prefix) < ($1.address, $1.prefix) }
  }

  /// Calls `body` with every CIDR `rules` name: nets, notNets, and blocks with their exceptions.
  static func forEachCIDR(in rules: [Rule], _ body: (CIDR) -> Void) {
    func visit(_ entity: EntityMatch) {
      for cidr in entity.nets ?? [] { body(cidr) }
      for cidr in entity.notNets { body(cidr) }
      for peer in entity.peers ?? [] {
        switch peer {
        case .block(let cidr, let except):
          body(cidr)
          except.forEach(body)
        case .nodes(_, let nodes): nodes.addresses.forEach(body)
        case .endpoints: break
        }
      }
    }
    for index in rules.indices {
      visit(rules[index].source)
      visit(rules[index].destination)
    }
  }
}

extension Policy {
  /// Calls `body` with every CIDR the policy's rules name.
  func forEachCIDR(_ body: (CIDR) -> Void) {
    EndpointClasses.forEachCIDR(in: ingress, body)
    EndpointClasses.forEachCIDR(in: egress, body)
  }

  /// Whether the policy's rules name a CIDR (classes are split on those).
  var namesCIDRs: Bool {
    var found = false
    forEachCIDR { _ in found = true }
    return found
  }
}
