import Dispatch

/// Computes a whole matrix a row at a time: for each class, one walk through its tiers with
/// the set of still-undecided peer classes as a bitset, instead of one walk per cell.
///
/// It follows `Evaluator.evaluateSide` step for step (tests check that both agree on every
/// cell of every scenario); `Evaluator` stays the reference and produces the traces.
struct MatrixKernel {
  let evaluator: Evaluator
  let probe: Probe
  let classes: EndpointClasses
  /// One endpoint standing for each class.
  let representatives: [Endpoint]
  /// The probe's port at each class as a destination (nil: the name does not resolve).
  let portAt: [Int?]
  /// Per policy, per rule (ingress then egress lists): the peer classes the rule's peer
  /// criteria (and, for egress, the destination port criteria) accept.
  let policyPeers: [[[ClassBits]]]

  init(evaluator: Evaluator, probe: Probe) {
    self.evaluator = evaluator
    self.probe = probe
    let classes = evaluator.classes
    self.classes = classes
    let endpoints = evaluator.cluster.endpoints
    let representatives = classes.members.map { endpoints[$0[0]] }
    self.representatives = representatives
    let portAt: [Int?] = representatives.map { endpoint in
      switch probe.port {
      case .number(let number): number
      case .name(let name): endpoint.port(named: name, probe.ipProtocol)
      }
    }
    self.portAt = portAt
    let count = classes.count
    let policies = evaluator.policies
    var policyPeers = [[[ClassBits]]](repeating: [], count: policies.count)
    policyPeers.withUnsafeMutableBufferPointer { buffer in
      let out = UncheckedSendable(buffer)
      DispatchQueue.concurrentPerform(iterations: policies.count) { index in
        let policy = policies[index]
        out.value[index] = Direction.allCases.map { direction in
          policy.rules(direction).map {
            Self.peerBits($0, evaluator: evaluator, representatives: representatives, portAt: portAt, ipProtocol: probe.ipProtocol, count: count)
          }
        }
      }
    }
    self.policyPeers = policyPeers
  }

  /// The classes a rule's peer side accepts: the source for ingress rules; the destination,
  /// ports included, for egress rules.
  static func peerBits(
    _ rule: Rule, evaluator: Evaluator, representatives: [Endpoint], portAt: [Int?],
    ipProtocol: IPProtocol, count: Int
  ) -> ClassBits {
    var bits = evaluator.classIndex.select(rule.peerSide)
    if rule.direction == .ingress {
      if let version = rule.ipVersion {
        let family = evaluator.classIndex.ipv4
        bits = version == 4 ? bits.intersection(family.union(evaluator.classIndex.hasAddress.complement()))
          : bits.subtracting(family)
      }
    } else if rule.destination.ports != nil || !rule.destination.notPorts.isEmpty {
      for index in bits.members {
        guard let port = portAt[index],
          evaluator.destinationPortsMatch(rule, representatives[index], ipProtocol: ipProtocol, port: port)
        else {
          bits[index] = false
          continue
        }
      }
    }
    return bits
  }

  /// Whether the rule's criteria on the local end hold (and the parts that do not depend on
  /// the peer: protocol, source ports, the port for ingress, the IP version for egress).
  func localMatches(_ rule: Rule, local: Int) -> Bool {
    if rule.neverMatchesBecause != nil { return false }
    if !rule.protocols.accepts(probe.ipProtocol) { return false }
    if rule.source.ports != nil { return false }
    let endpoint = representatives[local]
    let localEntity = rule.direction == .ingress ? rule.destination : rule.source
    if evaluator.entityMismatch(localEntity, endpoint, .egress) != nil { return false }
    if rule.direction == .ingress {
      guard let port = portAt[local],
        evaluator.destinationPortsMatch(rule, endpoint, ipProtocol: probe.ipProtocol, port: port)
      else { return false }
    } else if let version = rule.ipVersion, let address = endpoint.address,
      (version == 4) != address.isIPv4
    {
      return false
    }
    return true
  }

  /// The peer classes `local` allows in `direction` (as source for egress, destination for
  /// ingress), following `Evaluator.evaluateSide`.
  func row(_ local: Int, _ direction: Direction) -> ClassBits {
    let count = classes.count
    let endpoint = representatives[local]
    var allowed = ClassBits(count: count)
    var undecided = ClassBits(count: count, filled: true)
    // 1. Network sets have no policy.
    if endpoint.isNetworkSet { return undecided }
    // 2. Failsafe ports on host endpoints.
    if endpoint.isHost {
      let felix = evaluator.cluster.felix
      let failsafes = direction == .ingress ? felix.failsafeInbound : felix.failsafeOutbound
      for failsafe in failsafes where failsafe.ipProtocol == probe.ipProtocol {
        for peer in 0..<count where undecided[peer] {
          let port = direction == .ingress ? portAt[local] : portAt[peer]
          guard port == failsafe.port else { continue }
          if let net = failsafe.net {
            guard let address = representatives[peer].address, net.contains(address) else { continue }
          }
          allowed[peer] = true
          undecided[peer] = false
        }
      }
    }
    // 3. Tiers.
    let tiers = evaluator.applied[local][direction == .ingress ? 0 : 1]
    let listIndex = direction == .ingress ? 0 : 1
    for applied in tiers {
      var active = undecided
      for policyIndex in applied.policies {
        let policy = evaluator.policies[policyIndex]
        for (ruleIndex, rule) in policy.rules(direction).enumerated() {
          if active.isEmpty { break }
          guard localMatches(rule, local: local) else { continue }
          let matched = active.intersection(policyPeers[policyIndex][listIndex][ruleIndex])
          if matched.isEmpty { continue }
          switch rule.action {
          case .allow:
            allowed.formUnion(matched)
            undecided.subtract(matched)
            active.subtract(matched)
          case .deny:
            undecided.subtract(matched)
            active.subtract(matched)
          case .pass:
            active.subtract(matched)
          case .log:
            break
          }
        }
      }
      if applied.tier.defaultAction == .deny { undecided.subtract(active) }
      if undecided.isEmpty { return allowed }
    }
    // 4. Profiles.
    for name in endpoint.profiles {
      guard let profile = evaluator.cluster.profile(name) else { continue }
      for rule in profile.rules(direction) {
        if undecided.isEmpty { return allowed }
        guard localMatches(rule, local: local) else { continue }
        let matched = undecided.intersection(
          Self.peerBits(
            rule, evaluator: evaluator, representatives: representatives, portAt: portAt,
            ipProtocol: probe.ipProtocol, count: count))
        switch rule.action {
        case .allow:
          allowed.formUnion(matched)
          undecided.subtract(matched)
        case .deny, .pass:
          undecided.subtract(matched)
        case .log:
          break
        }
      }
    }
    return allowed
  }

  /// Every class pair's outcome code (0 denied, 1 allowed), row-major.
  func cells() -> [UInt8] {
    let count = classes.count
    var egress = [ClassBits](repeating: ClassBits(count: 0), count: count)
    var ingress = [ClassBits](repeating: ClassBits(count: 0), count: count)
    egress.withUnsafeMutableBufferPointer { egressBuffer in
      ingress.withUnsafeMutableBufferPointer { ingressBuffer in
        let out = UncheckedSendable((egressBuffer, ingressBuffer))
        DispatchQueue.concurrentPerform(iterations: count * 2) { job in
          let local = job / 2
          if job % 2 == 0 {
            out.value.0[local] = row(local, .egress)
          } else {
            out.value.1[local] = row(local, .ingress)
          }
        }
      }
    }
    let felix = evaluator.cluster.felix
    var cells = [UInt8](repeating: 0, count: count * count)
    for source in 0..<count {
      let src = representatives[source]
      for destination in 0..<count {
        guard portAt[destination] != nil else { continue }
        let dst = representatives[destination]
        if src.isHost, dst.isWorkload, let node = src.node, node == dst.node {
          cells[source * count + destination] = 1
          continue
        }
        guard egress[source][destination] else { continue }
        var ingressAllows = ingress[destination][source]
        if dst.isHost, src.isWorkload, let node = dst.node, node == src.node,
          felix.endpointToHostAction != .return
        {
          ingressAllows = felix.endpointToHostAction == .accept
        }
        if ingressAllows { cells[source * count + destination] = 1 }
      }
    }
    return cells
  }
}
