import Dispatch

/// Computes a whole matrix a row at a time: for each class, one walk through its tiers with
/// the set of still-undecided peer classes as a bitset, instead of one walk per cell.
///
/// It follows `Evaluator.evaluateSide` step for step (tests check that both agree on every
/// cell of every scenario); `Evaluator` stays the reference and produces the traces.
struct MatrixKernel {
  let evaluator: Evaluator
  /// The probe as each class sees it.
  let probe: ProbeAtClasses
  let classes: EndpointClasses
  /// One endpoint standing for each class.
  let representatives: [Endpoint]
  /// Per policy, per direction (ingress, egress): its rules as the rows need them.
  let policySteps: [[[Step]]]
  /// Per profile the representatives name: its compiled rules (profiles apply to few
  /// classes, so the local end is checked row by row, `CompiledRule.acceptsLocal`), each with
  /// the peer classes it accepts for the probe.
  let profileSteps: [String: [(rule: CompiledRule, peers: ClassBits)]]

  /// One rule of a policy for this probe.
  struct Step: Sendable {
    var action: RuleAction
    /// The local classes the rule accepts (`CompiledRule.locals`, less those the probe's
    /// protocol and, for ingress, its port rule out).
    var locals: ClassBits
    /// The peer classes the rule accepts (`CompiledRule.peers`, less, for egress, those the
    /// probe's port rules out).
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
    let classes = evaluator.classes
    self.classes = classes
    representatives = evaluator.representatives
    let sites = ProbeAtClasses(probe, representatives: evaluator.representatives)
    self.probe = sites
    let previous = previous.flatMap { previous in
      previous.probe == probe && evaluator.canUpdate(from: previous.evaluatorToken) ? previous : nil
    }
    if let previous {
      policySteps = Self.steps(evaluator, sites, updating: previous)
      rules = Rules(evaluatorToken: evaluator.token, probe: probe, classCount: classes.count, policies: policySteps)
    } else {
      // Only the rows of `onlyClasses` will be asked for: their local ends are all that matter.
      let localMask = onlyClasses.map { only in
        var mask = ClassBits(count: classes.count)
        for cls in only { mask[cls] = true }
        return mask
      }
      policySteps = Self.steps(evaluator, sites, onlyPolicies: onlyPolicies, localMask: localMask)
      rules =
        onlyPolicies == nil && localMask == nil
        ? Rules(evaluatorToken: evaluator.token, probe: probe, classCount: classes.count, policies: policySteps) : nil
    }
    profileSteps = Self.profileSteps(evaluator, sites, classes: onlyClasses ?? Array(representatives.indices))
  }

  /// The steps of every policy (or of `onlyPolicies`, the others left empty), with the local
  /// classes limited to `localMask` when given.
  private static func steps(
    _ evaluator: Evaluator, _ probe: ProbeAtClasses, onlyPolicies: Set<Int>?, localMask: ClassBits?
  ) -> [[[Step]]] {
    let compiled = evaluator.compiled
    var steps = [[[Step]]](repeating: [], count: compiled.count)
    steps.withUnsafeMutableBufferPointer { buffer in
      let out = UncheckedSendable(buffer)
      DispatchQueue.concurrentPerform(iterations: compiled.count) { index in
        if let onlyPolicies, !onlyPolicies.contains(index) { return }
        out.value[index] = compiled[index].rules.map { list in
          list.map { rule in
            Step(
              action: rule.action,
              locals: rule.locals(for: probe, among: localMask.map { rule.locals.intersection($0) } ?? rule.locals),
              peers: rule.peers(for: probe, among: rule.peers))
          }
        }
      }
    }
    return steps
  }

  /// The steps of every policy after an edit, from `previous` (at the same probe, from the
  /// evaluator `evaluator` took over): an unchanged policy keeps its steps, with the bits of
  /// any classes added since; the others' are worked out.
  private static func steps(_ evaluator: Evaluator, _ probe: ProbeAtClasses, updating previous: Rules) -> [[[Step]]] {
    let compiled = evaluator.compiled
    let count = evaluator.classes.count
    let before = evaluator.update?.policyBefore
    // Classes added since the rules taken over.
    let added = {
      var mask = ClassBits(count: count)
      for cls in previous.classCount..<count { mask[cls] = true }
      return mask
    }()
    let changed = Set(compiled.indices.filter { before?[$0] == nil })
    let fresh = steps(evaluator, probe, onlyPolicies: changed, localMask: nil)
    var steps = [[[Step]]](repeating: [], count: compiled.count)
    steps.withUnsafeMutableBufferPointer { buffer in
      let out = UncheckedSendable(buffer)
      DispatchQueue.concurrentPerform(iterations: compiled.count) { index in
        guard let old = before?[index] else {
          out.value[index] = fresh[index]
          return
        }
        let kept = previous.policies[old]
        guard previous.classCount != count else {
          out.value[index] = kept
          return
        }
        out.value[index] = zip(kept, compiled[index].rules).map { steps, rules in
          zip(steps, rules).map { step, rule in
            Step(
              action: step.action,
              locals: step.locals.widened(to: count).union(
                rule.locals(for: probe, among: rule.locals.intersection(added))),
              peers: step.peers.widened(to: count).union(rule.peers(for: probe, among: rule.peers.intersection(added))))
          }
        }
      }
    }
    return steps
  }

  /// The profiles of `classes` (network sets aside), each rule with the peer classes it
  /// accepts for the probe; rules profiles share (every namespace's `kns.*` allows all)
  /// share their peers.
  private static func profileSteps(
    _ evaluator: Evaluator, _ probe: ProbeAtClasses, classes: [Int]
  ) -> [String: [(rule: CompiledRule, peers: ClassBits)]] {
    var result: [String: [(rule: CompiledRule, peers: ClassBits)]] = [:]
    var peersOfRule: [ObjectIdentifier: ClassBits] = [:]
    for index in classes where !evaluator.representatives[index].isNetworkSet {
      for name in evaluator.representatives[index].profiles where result[name] == nil {
        guard let profile = evaluator.profiles[name] else {
          result[name] = []
          continue
        }
        result[name] = (profile.rules[0] + profile.rules[1]).map { rule in
          if let peers = peersOfRule[ObjectIdentifier(rule)] { return (rule, peers) }
          let peers = rule.peers(for: probe, among: rule.peers)
          peersOfRule[ObjectIdentifier(rule)] = peers
          return (rule, peers)
        }
      }
    }
    return result
  }

  /// The peer classes `local` allows in `direction` (as source for egress, destination for
  /// ingress), following `Evaluator.evaluateSide`.
  func row(_ local: Int, _ direction: Direction) -> ClassBits {
    let count = classes.count
    var allowed = ClassBits(count: count)
    var undecided = ClassBits(count: count, filled: true)
    // 1. Network sets have no policy, nor hosts without a host endpoint.
    if representatives[local].isNetworkSet || representatives[local].isUnpolicedHost { return undecided }
    // 2. Failsafe ports on host endpoints.
    if representatives[local].isHost {
      let felix = evaluator.model.felix
      let failsafes = direction == .ingress ? felix.failsafeInbound : felix.failsafeOutbound
      for failsafe in failsafes where failsafe.ipProtocol == probe.ipProtocol {
        for peer in 0..<count where undecided[peer] {
          let port = direction == .ingress ? probe.portAt[local] : probe.portAt[peer]
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
        guard step.rule.acceptsLocal(local, probe) else { continue }
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
  ///
  /// `before`'s rows are taken (it is left nil) and updated where they are when nothing else
  /// holds them.
  static func rows(
    _ evaluator: Evaluator, _ probe: Probe, before: inout Sides?, rules previous: Rules? = nil
  ) -> (kernel: MatrixKernel, sides: Sides, redone: Int) {
    guard before != nil, let changed = evaluator.changedClasses?.members else {
      let kernel = MatrixKernel(evaluator: evaluator, probe: probe)
      return (kernel, kernel.sideRows(), evaluator.classes.count)
    }
    if let previousCount = evaluator.previousClassCount, previousCount < evaluator.classes.count {
      let kernel = MatrixKernel(evaluator: evaluator, probe: probe, reusing: previous)
      return (kernel, kernel.sideRows(), evaluator.classes.count)
    }
    let kernel = MatrixKernel(
      evaluator: evaluator, probe: probe, onlyPolicies: evaluator.update?.changedClassPolicies, onlyClasses: changed,
      reusing: previous)
    // Taken out, not copied: the rows stay the only reference to their words.
    var sides = before.take()!
    kernel.redoSideRows(&sides, locals: changed)
    return (kernel, sides, changed.count)
  }

  /// Every class's egress and ingress row (`egress[s * words + d / 64]`: class `s` lets
  /// traffic out to `d`; `ingress[d * words + s / 64]`: class `d` lets it in from `s`).
  func sideRows() -> Sides {
    let words = (classes.count + 63) / 64
    var sides = (
      egress: [UInt64](repeating: 0, count: classes.count * words),
      ingress: [UInt64](repeating: 0, count: classes.count * words)
    )
    redoSideRows(&sides, locals: Array(0..<classes.count))
    return sides
  }

  /// `sides` with the rows of the classes in `locals` worked out again, where they are.
  func redoSideRows(_ sides: inout Sides, locals: [Int]) {
    let words = (classes.count + 63) / 64
    sides.egress.withUnsafeMutableBufferPointer { egressBuffer in
      sides.ingress.withUnsafeMutableBufferPointer { ingressBuffer in
        let out = UncheckedSendable((egressBuffer, ingressBuffer))
        DispatchQueue.concurrentPerform(iterations: locals.count * 2) { job in
          let local = locals[job / 2]
          let bits = row(local, job % 2 == 0 ? .egress : .ingress)
          let target = job % 2 == 0 ? out.value.0 : out.value.1
          for (offset, word) in bits.words.enumerated() { target[local * words + offset] = word }
        }
      }
    }
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
    var rows = egress
    return combine(rows: &rows, ingress: ingress)
  }

  /// `combine(egress:ingress:)` with the egress rows made into the verdicts where they are
  /// (`rows` comes in as the egress rows): no other matrix-sized array is made when the caller
  /// holds no other reference to them.
  func combine(rows: inout [UInt64], ingress: [UInt64]) -> (rows: [UInt64], wordsPerRow: Int, allowedPairs: Int) {
    let words = (classes.count + 63) / 64
    return combine(rows: &rows) { destination, target in
      ingress.withUnsafeBufferPointer { target.update(from: $0.baseAddress! + destination * words, count: words) }
    }
  }

  /// Every class's egress row (`egress[s * words + d / 64]`), on every core.
  func egressRows() -> [UInt64] {
    let count = classes.count
    let words = (count + 63) / 64
    var egress = [UInt64](repeating: 0, count: count * words)
    egress.withUnsafeMutableBufferPointer { buffer in
      let out = UncheckedSendable(buffer)
      DispatchQueue.concurrentPerform(iterations: count) { local in
        let bits = row(local, .egress)
        for (offset, word) in bits.words.enumerated() { out.value[local * words + offset] = word }
      }
    }
    return egress
  }

  /// `combine(rows:ingress:)` with each destination's ingress row written by `ingressRow` into
  /// the words it is given when needed, 64 destinations at a time: the ingress rows need not
  /// all be held at once.
  func combine(
    rows: inout [UInt64], ingressRow: @Sendable (_ destination: Int, _ into: UnsafeMutablePointer<UInt64>) -> Void
  ) -> (rows: [UInt64], wordsPerRow: Int, allowedPairs: Int) {
    let count = classes.count
    let words = (count + 63) / 64
    // What the special cases below read of the egress rows, before they become verdicts: the
    // egress of every class toward each host class.
    let hostClasses = (0..<count).filter { representatives[$0].isHost }
    let egressToHost = Dictionary(
      uniqueKeysWithValues: hostClasses.map { host in
        let mask = UInt64(1) << UInt64(host & 63)
        var column = ClassBits(count: count)
        for source in 0..<count where rows[source * words + host >> 6] & mask != 0 { column[source] = true }
        return (host, column)
      })
    // Destinations where a port name does not resolve are denied.
    var resolved = ClassBits(count: count)
    for (index, port) in probe.portAt.enumerated() where port != nil { resolved[index] = true }
    // Ingress rows are indexed by destination: each 64-by-64 block is turned over and laid on
    // the egress rows of its sources (both cores, a column of blocks each).
    rows.withUnsafeMutableBufferPointer { rowBuffer in
      do {
        resolved.words.withUnsafeBufferPointer { resolvedBuffer in
          let shared = UncheckedSendable((rowBuffer.baseAddress!, resolvedBuffer.baseAddress!))
          DispatchQueue.concurrentPerform(iterations: words) { blockRow in
            let (rows, resolved) = shared.value
            var block = [UInt64](repeating: 0, count: 64)
            var band = [UInt64](repeating: 0, count: 64 * words)
            band.withUnsafeMutableBufferPointer { band in
              for i in 0..<64 where blockRow * 64 + i < count {
                ingressRow(blockRow * 64 + i, band.baseAddress! + i * words)
              }
            }
            for blockColumn in 0..<words {
              for i in 0..<64 { block[i] = band[i * words + blockColumn] }
              Self.transpose(&block)
              for j in 0..<64 {
                let source = blockColumn * 64 + j
                guard source < count else { break }
                rows[source * words + blockRow] &= block[j] & resolved[blockRow]
              }
            }
          }
        }
      }
    }
    // The destinations the outgoing NAT cases read the ingress of: the host classes.
    var ingressOfHost: [Int: [UInt64]] = [:]
    for host in hostClasses {
      var row = [UInt64](repeating: 0, count: words)
      row.withUnsafeMutableBufferPointer { ingressRow(host, $0.baseAddress!) }
      ingressOfHost[host] = row
    }
    applyHostCases(&rows, hostClasses: hostClasses, egressToHost: egressToHost, ingressOfHost: ingressOfHost)
    return (rows, words, allowedCount(rows))
  }

  /// `rows`, the verdicts of the same classes before an edit, brought up to date where they are: the rows and columns of the classes in
  /// `changed` are worked out again from the side rows, and the host cases again. Only those
  /// rows and columns can flip, so they are saved first and compared after: the work, the
  /// flipped pairs and the new count grow with the classes the edit changed, not with the
  /// square of all of them. With `allowedBefore` (the allowed pairs before, when every class
  /// kept its endpoints), the new count is that one adjusted by the flipped pairs; otherwise
  /// the rows are counted.
  func patch(
    _ rows: inout [UInt64], allowedBefore: Int?, egress: [UInt64], ingress: [UInt64], changed: [Int]
  ) -> (flipped: ClassPairBits, allowedPairs: Int) {
    let count = classes.count
    let words = (count + 63) / 64
    let region = PatchRegion(changed: changed, count: count, words: words)
    let before = region.save(rows)
    rows.withUnsafeMutableBufferPointer { rows in
      egress.withUnsafeBufferPointer { egress in
        ingress.withUnsafeBufferPointer { ingress in
          func bit(_ bits: UnsafeBufferPointer<UInt64>, _ from: Int, _ to: Int) -> Bool {
            bits[from * words + to >> 6] & (UInt64(1) << UInt64(to & 63)) != 0
          }
          func set(_ source: Int, _ destination: Int) {
            let allowed =
              probe.portAt[destination] != nil && bit(egress, source, destination)
              && bit(ingress, destination, source)
            let index = source * words + destination >> 6
            let mask = UInt64(1) << UInt64(destination & 63)
            rows[index] = allowed ? rows[index] | mask : rows[index] & ~mask
          }
          for class_ in changed {
            for other in 0..<count {
              set(class_, other)
              set(other, class_)
            }
          }
        }
      }
    }
    let hostClasses = (0..<count).filter { representatives[$0].isHost }
    var egressToHost: [Int: ClassBits] = [:]
    var ingressOfHost: [Int: [UInt64]] = [:]
    for host in hostClasses {
      var column = ClassBits(count: count)
      let mask = UInt64(1) << UInt64(host & 63)
      for source in 0..<count where egress[source * words + host >> 6] & mask != 0 { column[source] = true }
      egressToHost[host] = column
      ingressOfHost[host] = Array(ingress[host * words..<(host + 1) * words])
    }
    // The host cases are worked out for every cell again; outside the changed rows and
    // columns they come out as they were.
    applyHostCases(&rows, hostClasses: hostClasses, egressToHost: egressToHost, ingressOfHost: ingressOfHost)
    let flipped = region.flips(before, rows)
    guard var allowed = allowedBefore else { return (flipped, allowedCount(rows)) }
    // Each flipped pair adds or takes away its endpoints' pairs.
    let sizes = classes.members.map(\.count)
    for (source, destination) in flipped.pairs {
      let pairs = sizes[source] * (sizes[destination] - (source == destination ? 1 : 0))
      let isAllowed = rows[source * words + destination >> 6] & (UInt64(1) << UInt64(destination & 63)) != 0
      allowed += isAllowed ? pairs : -pairs
    }
    return (flipped, allowed)
  }

  /// The cells host endpoints decide apart from the two sides' policies: outgoing NAT (the
  /// destination host sees the source's node) and a node with its own pods. `egressToHost`
  /// holds, per host class, the classes whose egress lets traffic out to it; `ingressOfHost`
  /// its ingress row.
  private func applyHostCases(
    _ rows: inout [UInt64], hostClasses: [Int], egressToHost: [Int: ClassBits], ingressOfHost: [Int: [UInt64]]
  ) {
    let egress = { (source: Int, host: Int) in egressToHost[host]?[source] ?? false }
    let ingress = { (source: Int, host: Int) in
      (ingressOfHost[host]?[source >> 6] ?? 0) & (UInt64(1) << UInt64(source & 63)) != 0
    }
    applyOutgoingNAT(&rows, egress: egress, ingress: ingress)
    applyNodeCases(&rows, hostClasses: hostClasses, egress: egress)
  }

  /// The allowed pairs of different endpoints: a population count of each row, weighted by
  /// the classes' sizes a binary digit at a time.
  private func allowedCount(_ rows: [UInt64]) -> Int {
    let count = classes.count
    let words = (count + 63) / 64
    let sizes = classes.members.map(\.count)
    let planes = WeightPlanes(sizes, wordsPerRow: words)
    var allowed = 0
    planes.withCounter { counter in
      rows.withUnsafeBufferPointer { bits in
        for source in 0..<count where sizes[source] > 0 {
          let row = bits.baseAddress! + source * words
          var rowWeight = counter.count(row, from: 0, to: count)
          if row[source >> 6] & (UInt64(1) << UInt64(source & 63)) != 0 { rowWeight -= 1 }
          allowed += rowWeight * sizes[source]
        }
      }
    }
    return allowed
  }

  /// Host endpoints and their own node's pods: a host always reaches them, and a pod reaches
  /// its own host by its egress and the endpoint-to-host action.
  private func applyNodeCases(
    _ rows: inout [UInt64], hostClasses: [Int], egress: (_ source: Int, _ host: Int) -> Bool
  ) {
    let count = classes.count
    let words = (count + 63) / 64
    let felix = evaluator.model.felix
    func set(_ source: Int, _ destination: Int, _ value: Bool) {
      let index = source * words + destination >> 6
      let bit = UInt64(1) << UInt64(destination & 63)
      rows[index] = value ? rows[index] | bit : rows[index] & ~bit
    }
    // Pre-DNAT policy can stop a pod on its way to its own node: those cells follow the
    // reference evaluator.
    let preDNAT = evaluator.policies.contains(where: \.isPreDNAT)
    if !hostClasses.isEmpty {
      for host in hostClasses {
        guard let node = representatives[host].node else { continue }
        for workload in 0..<count where representatives[workload].isWorkload && representatives[workload].node == node {
          // A host always reaches its own pods.
          if probe.portAt[workload] != nil { set(host, workload, true) }
          // A pod to its own host: its egress, then the endpoint-to-host action; the host
          // endpoint's policy does not apply.
          guard probe.portAt[host] != nil else { continue }
          if preDNAT {
            let outcome = evaluator.outcome(
              from: classes.members[workload][0], to: classes.members[host][0], probe: probe.probe)
            set(workload, host, outcome != .denied)
          } else {
            set(workload, host, egress(workload, host) && felix.endpointToHostAction != .drop)
          }
        }
      }
    }
  }

  /// Turns a 64-by-64 block of bits over its diagonal: bit `j` of word `i` becomes bit `i` of
  /// word `j` (swapping ever smaller off-diagonal blocks, as in Hacker's Delight).
  static func transpose(_ block: inout [UInt64]) {
    block.withUnsafeMutableBufferPointer { a in
      var width = 32
      var mask: UInt64 = 0x0000_0000_FFFF_FFFF
      while width != 0 {
        var k = 0
        while k < 64 {
          let t = ((a[k] >> UInt64(width)) ^ a[k + width]) & mask
          a[k] ^= t << UInt64(width)
          a[k + width] ^= t
          k = (k + width + 1) & ~width
        }
        width >>= 1
        mask ^= mask << UInt64(width)
      }
    }
  }
}

/// A probe as each class sees it: its protocol, and its destination port at each class (a
/// port name resolves on the class's named ports).
struct ProbeAtClasses {
  /// The probe.
  let probe: Probe
  /// One endpoint standing for each class.
  let representatives: [Endpoint]
  /// The probe's port at each class as a destination (nil: the name does not resolve).
  let portAt: [Int?]
  /// The probe's port when it is a number (the same at every destination).
  let uniformPort: Int?

  /// The probe at the classes `representatives` stand for.
  init(_ probe: Probe, representatives: [Endpoint]) {
    self.probe = probe
    self.representatives = representatives
    portAt = representatives.map { endpoint in
      switch probe.port {
      case .number(let number): number
      case .name(let name): endpoint.port(named: name, probe.ipProtocol)
      }
    }
    uniformPort = probe.portNumber
  }

  /// The probe's protocol.
  var ipProtocol: IPProtocol { probe.ipProtocol }
}

/// The rows and columns of the classes an edit changed, in bit rows of `count` classes: the
/// only cells a patch can flip (`MatrixKernel.patch`).
private struct PatchRegion {
  /// The changed classes, each a row of the region.
  let changed: [Int]
  /// The words that hold the changed classes' columns, with the changed classes' bits of each.
  let columns: [(word: Int, mask: UInt64)]
  let count: Int
  let words: Int

  init(changed: [Int], count: Int, words: Int) {
    self.changed = changed
    var masks: [Int: UInt64] = [:]
    for class_ in changed { masks[class_ >> 6, default: 0] |= UInt64(1) << UInt64(class_ & 63) }
    columns = masks.sorted { $0.key < $1.key }.map { (word: $0.key, mask: $0.value) }
    self.count = count
    self.words = words
  }

  /// The region's words of `rows`: the changed rows, then each column word of every row.
  func save(_ rows: [UInt64]) -> [UInt64] {
    var saved: [UInt64] = []
    saved.reserveCapacity(changed.count * words + columns.count * count)
    for class_ in changed { saved += rows[class_ * words..<(class_ + 1) * words] }
    for (word, _) in columns {
      for source in 0..<count { saved.append(rows[source * words + word]) }
    }
    return saved
  }

  /// The pairs whose bit differs between `saved` (from `save`) and `rows`.
  func flips(_ saved: [UInt64], _ rows: [UInt64]) -> ClassPairBits {
    var flipped = ClassPairBits(classCount: count)
    var position = 0
    for class_ in changed {
      for offset in 0..<words {
        flipped.insert(word: saved[position] ^ rows[class_ * words + offset], at: class_ * words + offset)
        position += 1
      }
    }
    for (word, mask) in columns {
      for source in 0..<count {
        let index = source * words + word
        flipped.insert(word: (saved[position] ^ rows[index]) & mask, at: index)
        position += 1
      }
    }
    return flipped
  }
}
