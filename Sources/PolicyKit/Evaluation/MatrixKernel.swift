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
  /// The probe's port when it is a number (the same at every destination).
  let uniformPort: Int?
  /// Per policy, per direction (ingress, egress): its rules as the rows need them.
  let policySteps: [[[Step]]]
  /// Per profile the representatives name: its rules as the rows need them.
  let profileSteps: [String: [ProfileStep]]

  /// One rule of a policy for this probe.
  struct Step: Sendable {
    var action: RuleAction
    /// The local classes the rule accepts (`Evaluator.localClasses`, with the probe's
    /// protocol and, for ingress, its port).
    var locals: ClassBits
    /// The peer classes the rule's peer criteria (and, for egress, the destination port
    /// criteria) accept.
    var peers: ClassBits
  }

  /// One rule of a profile for this probe (profiles apply to few classes, so the local end is
  /// checked row by row).
  struct ProfileStep: Sendable {
    var rule: Rule
    var peers: ClassBits
  }

  /// Every policy's rules for one probe, kept with a matrix: the kernel after an edit takes
  /// over the rules of the policies the edit left alone (adding the bits of any new classes)
  /// and works out only the others'.
  struct Rules: Sendable {
    let evaluatorToken: UInt64
    let probe: Probe
    let classCount: Int
    let policies: [[[Step]]]
  }

  /// The rules of every policy, when the kernel worked them all out (not only some for some
  /// rows), to be taken over by the next one.
  let rules: Rules?

  /// Prepares the rules of every policy and profile, or only of `onlyPolicies` and the profiles
  /// of `onlyClasses` when the caller will ask only for those classes' rows, which those
  /// policies alone decide. With `previous` (rules of the evaluator `evaluator` took over, at
  /// the same probe), every policy's rules are prepared, those of unchanged policies taken
  /// over.
  init(
    evaluator: Evaluator, probe: Probe, onlyPolicies: Set<Int>? = nil, onlyClasses: [Int]? = nil,
    reusing previous: Rules? = nil
  ) {
    self.evaluator = evaluator
    self.probe = probe
    let classes = evaluator.classes
    self.classes = classes
    let representatives = evaluator.representatives
    self.representatives = representatives
    let portAt: [Int?] = representatives.map { endpoint in
      switch probe.port {
      case .number(let number): number
      case .name(let name): endpoint.port(named: name, probe.ipProtocol)
      }
    }
    self.portAt = portAt
    let uniformPort: Int?
    if case .number(let number) = probe.port { uniformPort = number } else { uniformPort = nil }
    self.uniformPort = uniformPort
    let count = classes.count
    let policies = evaluator.policies
    let previous = previous.flatMap { previous in
      previous.probe == probe && evaluator.canUpdate(from: previous.evaluatorToken) ? previous : nil
    }
    let before = previous == nil ? nil : evaluator.policyBefore
    // Only the rows of `onlyClasses` will be asked for: their local ends are all that matter
    // (unless every rule is kept for the next kernel).
    let localMask = previous != nil ? nil : onlyClasses.map { only in
      var mask = ClassBits(count: count)
      for cls in only { mask[cls] = true }
      return mask
    }
    let onlyPolicies = previous == nil ? onlyPolicies : nil
    // Classes added since the rules taken over.
    let added = previous.map { previous in
      var mask = ClassBits(count: count)
      for cls in previous.classCount..<count { mask[cls] = true }
      return mask
    }
    var policySteps = [[[Step]]](repeating: [], count: policies.count)
    policySteps.withUnsafeMutableBufferPointer { buffer in
      let out = UncheckedSendable(buffer)
      DispatchQueue.concurrentPerform(iterations: policies.count) { index in
        if let onlyPolicies, !onlyPolicies.contains(index) { return }
        let policy = policies[index]
        if let previous, let added, let old = before?[index] {
          // An unchanged policy: its rules as they were, and the new classes' bits.
          let steps = previous.policies[old]
          out.value[index] = previous.classCount == count ? steps : steps.indices.map { list in
            let direction: Direction = list == 0 ? .ingress : .egress
            return zip(steps[list], policy.rules(direction)).enumerated().map { ruleIndex, pair in
              let (step, rule) = pair
              let locals = Self.localsForProbe(
                evaluator.localClasses[index][list][ruleIndex].intersection(added), rule, evaluator: evaluator,
                representatives: representatives, portAt: portAt, probe: probe)
              let peers = Self.withPorts(
                evaluator.peerClasses[index][list][ruleIndex].intersection(added), rule,
                representatives: representatives, portAt: portAt, uniformPort: uniformPort,
                ipProtocol: probe.ipProtocol, count: count)
              return Step(
                action: step.action, locals: step.locals.widened(to: count).union(locals),
                peers: step.peers.widened(to: count).union(peers))
            }
          }
          return
        }
        out.value[index] = Direction.allCases.enumerated().map { list, direction in
          policy.rules(direction).enumerated().map { ruleIndex, rule in
            Step(
              action: rule.action,
              locals: Self.localsForProbe(
                localMask.map { evaluator.localClasses[index][list][ruleIndex].intersection($0) }
                  ?? evaluator.localClasses[index][list][ruleIndex], rule, evaluator: evaluator,
                representatives: representatives, portAt: portAt, probe: probe),
              peers: Self.withPorts(
                evaluator.peerClasses[index][list][ruleIndex], rule, representatives: representatives,
                portAt: portAt, uniformPort: uniformPort, ipProtocol: probe.ipProtocol, count: count))
          }
        }
      }
    }
    self.policySteps = policySteps
    rules = onlyPolicies == nil && localMask == nil
      ? Rules(evaluatorToken: evaluator.token, probe: probe, classCount: count, policies: policySteps) : nil
    // The profiles of the classes whose rows will be asked for; profiles with the same rules
    // (every namespace's `kns.*` allows all) share their peers.
    var profileSteps: [String: [ProfileStep]] = [:]
    var peersOfRule: [Rule: ClassBits] = [:]
    for index in onlyClasses ?? Array(representatives.indices) where !representatives[index].isNetworkSet {
      for name in representatives[index].profiles where profileSteps[name] == nil {
        guard let profile = evaluator.cluster.profile(name) else {
          profileSteps[name] = []
          continue
        }
        profileSteps[name] = Direction.allCases.flatMap { direction in
          profile.rules(direction).map { rule in
            if let peers = peersOfRule[rule] { return ProfileStep(rule: rule, peers: peers) }
            let peers = Self.peerBits(
              rule, evaluator: evaluator, representatives: representatives, portAt: portAt,
              uniformPort: uniformPort, ipProtocol: probe.ipProtocol, count: count)
            peersOfRule[rule] = peers
            return ProfileStep(rule: rule, peers: peers)
          }
        }
      }
    }
    self.profileSteps = profileSteps
  }

  /// `locals` (what `Evaluator.localClasses` found) less the classes the probe rules out:
  /// a protocol the rule does not name, and for ingress a port its destination ports refuse
  /// (or a port name the class does not have).
  static func localsForProbe(
    _ locals: ClassBits, _ rule: Rule, evaluator: Evaluator, representatives: [Endpoint],
    portAt: [Int?], probe: Probe
  ) -> ClassBits {
    guard rule.protocols.accepts(probe.ipProtocol) else { return ClassBits(count: locals.count) }
    guard rule.direction == .ingress else { return locals }
    var bits = locals
    for local in locals.members {
      guard let port = portAt[local],
        evaluator.destinationPortsMatch(rule, representatives[local], ipProtocol: probe.ipProtocol, port: port)
      else {
        bits[local] = false
        continue
      }
    }
    return bits
  }

  /// The classes a rule's peer side accepts: the source for ingress rules; the destination,
  /// ports included, for egress rules.
  static func peerBits(
    _ rule: Rule, evaluator: Evaluator, representatives: [Endpoint], portAt: [Int?],
    uniformPort: Int?, ipProtocol: IPProtocol, count: Int
  ) -> ClassBits {
    withPorts(
      Evaluator.peerClasses(rule, evaluator.classIndex), rule, representatives: representatives,
      portAt: portAt, uniformPort: uniformPort, ipProtocol: ipProtocol, count: count)
  }

  /// `bits` less the destinations whose port an egress rule's ports do not accept.
  static func withPorts(
    _ bits: ClassBits, _ rule: Rule, representatives: [Endpoint], portAt: [Int?],
    uniformPort: Int?, ipProtocol: IPProtocol, count: Int
  ) -> ClassBits {
    var bits = bits
    guard rule.direction == .egress, rule.destination.ports != nil || !rule.destination.notPorts.isEmpty
    else { return bits }
    let ports = (rule.destination.ports ?? []) + rule.destination.notPorts
    let usesNames = ports.contains { if case .named = $0 { true } else { false } }
    if !usesNames, let number = uniformPort {
      // Numbered ports and a numbered probe: the same answer for every destination.
      if !Evaluator.portsAccept(rule, port: number, namedPort: { _ in nil }) {
        bits = ClassBits(count: count)
      }
      return bits
    }
    for index in bits.members {
      let named = representatives[index].namedPorts
      guard let port = portAt[index],
        Evaluator.portsAccept(rule, port: port, namedPort: { name in
          named.first { $0.name == name && $0.ipProtocol == ipProtocol }?.port
        })
      else {
        bits[index] = false
        continue
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
    var allowed = ClassBits(count: count)
    var undecided = ClassBits(count: count, filled: true)
    // 1. Network sets have no policy.
    if representatives[local].isNetworkSet { return undecided }
    // 2. Failsafe ports on host endpoints.
    if representatives[local].isHost {
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
    let listIndex = direction == .ingress ? 0 : 1
    var active = ClassBits(count: count)
    var matched = ClassBits(count: count)
    for applied in evaluator.applied[local][listIndex] {
      active.assign(undecided)
      for policyIndex in applied.policies {
        for step in policySteps[policyIndex][listIndex] {
          if active.isEmpty { break }
          guard step.locals[local] else { continue }
          matched.assignIntersection(active, step.peers)
          if matched.isEmpty { continue }
          switch step.action {
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
    for name in representatives[local].profiles {
      for step in profileSteps[name] ?? [] where step.rule.direction == direction {
        if undecided.isEmpty { return allowed }
        guard localMatches(step.rule, local: local) else { continue }
        matched.assignIntersection(undecided, step.peers)
        switch step.rule.action {
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

  /// Each side's rows, as `sideRows` returns them.
  typealias Sides = (egress: [UInt64], ingress: [UInt64])

  /// The kernel for `probe` and each side's rows: `before` (the rows at the same probe from
  /// the evaluator `evaluator` took over) with only the classes whose policy changed redone,
  /// or, without `before`, every row.
  ///
  /// After an edit of endpoints that added classes, every row is walked again (each gains
  /// the new classes' columns), with the rules of `previous` taken over.
  static func rows(
    _ evaluator: Evaluator, _ probe: Probe, before: Sides?, rules previous: Rules? = nil
  ) -> (kernel: MatrixKernel, sides: Sides, redone: Int) {
    guard let before, let changed = evaluator.changedClasses?.members else {
      let kernel = MatrixKernel(evaluator: evaluator, probe: probe)
      return (kernel, kernel.sideRows(), evaluator.classes.count)
    }
    if let previousCount = evaluator.previousClassCount, previousCount < evaluator.classes.count {
      let kernel = MatrixKernel(evaluator: evaluator, probe: probe, reusing: previous)
      return (kernel, kernel.sideRows(), evaluator.classes.count)
    }
    let kernel = MatrixKernel(
      evaluator: evaluator, probe: probe, onlyPolicies: evaluator.changedClassPolicies, onlyClasses: changed,
      reusing: previous)
    let sides = changed.isEmpty ? before : kernel.sideRows(starting: before, locals: changed)
    return (kernel, sides, changed.count)
  }

  /// Every class's egress and ingress row (`egress[s * words + d / 64]`: class `s` lets
  /// traffic out to `d`; `ingress[d * words + s / 64]`: class `d` lets it in from `s`), or,
  /// given `starting` rows and `locals`, those rows with only the classes in `locals` redone.
  func sideRows(
    starting: (egress: [UInt64], ingress: [UInt64])? = nil, locals: [Int]? = nil
  ) -> (egress: [UInt64], ingress: [UInt64]) {
    let count = classes.count
    let words = (count + 63) / 64
    var egress = starting?.egress ?? [UInt64](repeating: 0, count: count * words)
    var ingress = starting?.ingress ?? [UInt64](repeating: 0, count: count * words)
    let locals = locals ?? Array(0..<count)
    egress.withUnsafeMutableBufferPointer { egressBuffer in
      ingress.withUnsafeMutableBufferPointer { ingressBuffer in
        let out = UncheckedSendable((egressBuffer, ingressBuffer))
        DispatchQueue.concurrentPerform(iterations: locals.count * 2) { job in
          let local = locals[job / 2]
          let bits = row(local, job % 2 == 0 ? .egress : .ingress)
          let target = job % 2 == 0 ? out.value.0 : out.value.1
          for (offset, word) in bits.words.enumerated() { target[local * words + offset] = word }
        }
      }
    }
    return (egress, ingress)
  }

  /// Every class pair's verdict as bit rows (`rows[s * wordsPerRow + d / 64]`, bit `d % 64`
  /// set when class `s` may connect to class `d`), with the allowed count over endpoints.
  func cells() -> (rows: [UInt64], wordsPerRow: Int, allowedPairs: Int) {
    let (egress, ingress) = sideRows()
    return combine(egress: egress, ingress: ingress)
  }

  /// Both sides' rows made into verdicts: both must allow, a port name must resolve, and
  /// host endpoints and their own node's pods follow their special cases.
  func combine(egress: [UInt64], ingress: [UInt64]) -> (rows: [UInt64], wordsPerRow: Int, allowedPairs: Int) {
    let count = classes.count
    let words = (count + 63) / 64
    // Ingress rows are indexed by destination; turn them into rows by source.
    var ingressBySource = [UInt64](repeating: 0, count: count * words)
    for destination in 0..<count {
      let word = destination >> 6
      let bit = UInt64(1) << UInt64(destination & 63)
      for offset in 0..<words {
        var rest = ingress[destination * words + offset]
        while rest != 0 {
          let source = offset * 64 + rest.trailingZeroBitCount
          ingressBySource[source * words + word] |= bit
          rest &= rest - 1
        }
      }
    }
    // Destinations where a port name does not resolve are denied.
    var resolved = ClassBits(count: count)
    for (index, port) in portAt.enumerated() where port != nil { resolved[index] = true }
    var rows = [UInt64](repeating: 0, count: count * words)
    for source in 0..<count {
      for offset in 0..<words {
        rows[source * words + offset] =
          egress[source * words + offset] & ingressBySource[source * words + offset]
          & resolved.words[offset]
      }
    }
    // Host endpoints and their own node's pods.
    let felix = evaluator.cluster.felix
    let hostClasses = (0..<count).filter { representatives[$0].isHost }
    func set(_ source: Int, _ destination: Int, _ value: Bool) {
      let index = source * words + destination >> 6
      let bit = UInt64(1) << UInt64(destination & 63)
      rows[index] = value ? rows[index] | bit : rows[index] & ~bit
    }
    if !hostClasses.isEmpty {
      for host in hostClasses {
        guard let node = representatives[host].node else { continue }
        for workload in 0..<count where representatives[workload].isWorkload && representatives[workload].node == node {
          // A host always reaches its own pods.
          if portAt[workload] != nil { set(host, workload, true) }
          // A pod to its own host: the endpoint-to-host action, unless it hands over (Return).
          if felix.endpointToHostAction != .return, portAt[host] != nil {
            let egressAllows = egress[workload * words + host >> 6] & (UInt64(1) << UInt64(host & 63)) != 0
            set(workload, host, egressAllows && felix.endpointToHostAction == .accept)
          }
        }
      }
    }
    // Allowed pairs of different endpoints, weighting each class pair by its members.
    let sizes = classes.members.map(\.count)
    var allowed = 0
    for source in 0..<count {
      var rowWeight = 0
      for offset in 0..<words {
        var rest = rows[source * words + offset]
        while rest != 0 {
          let destination = offset * 64 + rest.trailingZeroBitCount
          rowWeight += destination == source ? sizes[source] - 1 : sizes[destination]
          rest &= rest - 1
        }
      }
      allowed += rowWeight * sizes[source]
    }
    return (rows, words, allowed)
  }
}
