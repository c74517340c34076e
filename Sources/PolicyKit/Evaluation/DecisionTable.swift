import Dispatch

/// What decided each pair of endpoint classes for one probe, as numbers: two pairs with the same
/// number have the same verdict, the same deciding side and the same decider
/// (`CellTrace.decidingSide`), so whatever is said of a cell is worked out once per number, not
/// once per cell.
///
/// The numbers come from walks like `MatrixKernel.row`'s that note, for each peer class, the
/// step that settles it on the local side (a rule, a tier's default, a failsafe, a profile's
/// rule, no profile matching); each number's cell is then evaluated once by `Evaluator`, the
/// reference, for two endpoints that have it.
public final class DecisionTable {
  /// The probe.
  public let probe: Probe
  private let evaluator: Evaluator
  private let kernel: MatrixKernel
  private let codes: DecisionCodes
  /// Per number: the pair of one side's code and the other's it stands for.
  private var numberOfKey: [Int64: Int32] = [:]
  /// Per number: two endpoints whose classes have it (none yet when only a one-member class
  /// with itself had it).
  private var representative: [(source: Int, destination: Int)?] = []
  private var cells: [CellTrace?] = []

  /// Prepares the walks for `probe` with `evaluator`'s policies.
  public init(evaluator: Evaluator, probe: Probe) {
    self.probe = probe
    self.evaluator = evaluator
    kernel = MatrixKernel(evaluator: evaluator, probe: probe)
    codes = DecisionCodes(kernel)
  }

  /// How many numbers have been given out so far.
  public var numberCount: Int { representative.count }

  /// For each class of `sources` in turn, the number of the pair it makes with each class as
  /// destination: `result[position * classCount + destination]`.
  public func numbers(sources: [Int]) -> [Int32] {
    let count = kernel.classes.count
    let (egress, ingress) = sideCodes(sources: sources)
    var numbers = [Int32](repeating: 0, count: sources.count * count)
    let members = kernel.classes.members
    var last: (key: Int64, number: Int32) = (.min, 0)
    for (position, source) in sources.enumerated() {
      let base = position * count
      for destination in 0..<count {
        let key = pairKey(source, destination, egress[base + destination], ingress[base + destination])
        if key == last.key, representative[Int(last.number)] != nil {
          numbers[base + destination] = last.number
          continue
        }
        let number: Int32
        if let known = numberOfKey[key] {
          number = known
        } else {
          number = Int32(representative.count)
          numberOfKey[key] = number
          representative.append(nil)
          cells.append(nil)
        }
        if representative[Int(number)] == nil {
          let sourceMembers = members[source]
          let destinationMembers = members[destination]
          if source != destination, let s = sourceMembers.first, let d = destinationMembers.first {
            representative[Int(number)] = (s, d)
          } else if source == destination, sourceMembers.count >= 2 {
            representative[Int(number)] = (sourceMembers[0], sourceMembers[1])
          }
        }
        numbers[base + destination] = number
        last = (key, number)
      }
    }
    return numbers
  }

  /// Whether two endpoints (not one with itself) have the number `number` so far.
  public func hasCell(_ number: Int) -> Bool { representative[number] != nil }

  /// The cell numbered `number`, between two endpoints that have it (their ids are in it).
  public func cell(_ number: Int) -> CellTrace {
    if let known = cells[number] { return known }
    guard let pair = representative[number] else { preconditionFailure("no cell of two endpoints has \(number)") }
    let cell = evaluator.cell(from: pair.source, to: pair.destination, probe: probe)
    cells[number] = cell
    return cell
  }

  /// The key of a pair of classes: the cases settled before either side's policy (a port name
  /// that does not resolve, a host to its own pods), or both sides' codes, ingress replaced by
  /// the endpoint-to-host action for a pod to its own host.
  private func pairKey(_ source: Int, _ destination: Int, _ egress: Int32, _ ingress: Int32) -> Int64 {
    if kernel.probe.portAt[destination] == nil { return -1 }
    let representatives = kernel.representatives
    let (src, dst) = (representatives[source], representatives[destination])
    if src.isHost, dst.isWorkload, let node = src.node, node == dst.node { return -2 }
    var ingress = ingress
    if dst.isHost, src.isWorkload, let node = dst.node, node == src.node,
      evaluator.cluster.felix.endpointToHostAction != .return
    {
      ingress = DecisionCodes.endpointToHost
    }
    return Int64(egress) << 32 | Int64(ingress)
  }

  /// Each side's code for every pair of a class of `sources` with a class as destination
  /// (`[position * classCount + destination]`): egress walked at each source over every
  /// destination, ingress at each destination over the sources only, on every core.
  private func sideCodes(sources: [Int]) -> (egress: [Int32], ingress: [Int32]) {
    let count = kernel.classes.count
    var egress = [Int32](repeating: 0, count: sources.count * count)
    var ingress = [Int32](repeating: 0, count: sources.count * count)
    var position = [Int32](repeating: -1, count: count)
    var mask = ClassBits(count: count)
    for (index, source) in sources.enumerated() {
      position[source] = Int32(index)
      mask[source] = true
    }
    let all = ClassBits(count: count, filled: true)
    let walks = codes
    let (sourceMask, sourcePosition) = (mask, position)
    egress.withUnsafeMutableBufferPointer { egressBuffer in
      ingress.withUnsafeMutableBufferPointer { ingressBuffer in
        let out = UncheckedSendable((egressBuffer, ingressBuffer))
        DispatchQueue.concurrentPerform(iterations: sources.count + count) { job in
          if job < sources.count {
            let row = out.value.0.baseAddress! + job * count
            walks.walk(sources[job], .egress, among: all) { matched, code in
              matched.forEachMember { row[$0] = code }
            }
          } else {
            let destination = job - sources.count
            let column = out.value.1.baseAddress! + destination
            walks.walk(destination, .ingress, among: sourceMask) { matched, code in
              matched.forEachMember { column[Int(sourcePosition[$0]) * count] = code }
            }
          }
        }
      }
    }
    return (egress, ingress)
  }
}

/// The codes of what settles a side, and the walks that find them: each code names one step
/// of `Evaluator.evaluateSide` (with what its decider says), so equal codes mean equal
/// verdicts and deciders.
struct DecisionCodes: Sendable {
  let kernel: MatrixKernel
  /// A network set's side.
  static let external: Int32 = 0
  /// A pod to its own host, settled by `defaultEndpointToHostAction` (ingress only).
  static let endpointToHost: Int32 = 1
  private static let failsafeBase: Int32 = 8
  /// Where each policy's rules' codes start, per direction list (ingress, egress).
  private let ruleBase: [[Int32]]
  /// A tier's default after its last policy `p`: `tierDefaultBase + p`.
  private let tierDefaultBase: Int32
  /// Where each profile's rules' codes start.
  private let profileBase: [String: Int32]
  /// Per class: the code of no profile rule matching (by its list of profiles).
  private let noProfile: [Int32]

  init(_ kernel: MatrixKernel) {
    self.kernel = kernel
    let felix = kernel.evaluator.cluster.felix
    var next = Self.failsafeBase + Int32(max(felix.failsafeInbound.count, felix.failsafeOutbound.count))
    ruleBase = kernel.policySteps.map { lists in
      lists.map { steps in
        defer { next += Int32(steps.count) }
        return next
      }
    }
    tierDefaultBase = next
    next += Int32(kernel.policySteps.count)
    var profileBase: [String: Int32] = [:]
    for name in kernel.profileSteps.keys.sorted() {
      profileBase[name] = next
      next += Int32(kernel.profileSteps[name]?.count ?? 0)
    }
    self.profileBase = profileBase
    var lists: [[String]: Int32] = [:]
    noProfile = kernel.representatives.map { endpoint in
      if let known = lists[endpoint.profiles] { return known }
      defer { next += 1 }
      lists[endpoint.profiles] = next
      return next
    }
  }

  /// Calls `note` with each step of `local`'s side in `direction` that settles some of the
  /// peer classes in `peers`, with those classes and the step's code, following
  /// `MatrixKernel.row` (and so `Evaluator.evaluateSide`).
  func walk(_ local: Int, _ direction: Direction, among peers: ClassBits, _ note: (ClassBits, Int32) -> Void) {
    let count = kernel.classes.count
    let representative = kernel.representatives[local]
    var undecided = peers
    // 1. Network sets have no policy.
    if representative.isNetworkSet { return note(undecided, Self.external) }
    // 2. Failsafe ports on host endpoints.
    if representative.isHost {
      let felix = kernel.evaluator.cluster.felix
      let failsafes = direction == .ingress ? felix.failsafeInbound : felix.failsafeOutbound
      for (index, failsafe) in failsafes.enumerated() where failsafe.ipProtocol == kernel.probe.ipProtocol {
        var matched = ClassBits(count: count)
        undecided.forEachMember { peer in
          let port = direction == .ingress ? kernel.probe.portAt[local] : kernel.probe.portAt[peer]
          guard port == failsafe.port else { return }
          if let net = failsafe.net {
            guard let address = kernel.representatives[peer].address, net.contains(address) else { return }
          }
          matched[peer] = true
        }
        if matched.isEmpty { continue }
        undecided.subtract(matched)
        note(matched, Self.failsafeBase + Int32(index))
      }
    }
    if tiers(local, direction, &undecided, note) { return }
    profiles(local, direction, &undecided, note)
  }

  /// The tiers of `local` in `direction`; true when every peer is settled.
  private func tiers(
    _ local: Int, _ direction: Direction, _ undecided: inout ClassBits, _ note: (ClassBits, Int32) -> Void
  ) -> Bool {
    let listIndex = direction == .ingress ? 0 : 1
    var active = undecided
    var matched = undecided
    for applied in kernel.evaluator.applied[local][listIndex] {
      active.assign(undecided)
      for policyIndex in applied.policies {
        let base = ruleBase[policyIndex][listIndex]
        for (index, step) in kernel.policySteps[policyIndex][listIndex].enumerated() {
          if active.isEmpty { break }
          guard step.locals[local] else { continue }
          matched.assignIntersection(active, step.peers)
          if matched.isEmpty { continue }
          switch step.action {
          case .allow, .deny:
            note(matched, base + Int32(index))
            undecided.subtract(matched)
            active.subtract(matched)
          case .pass:
            active.subtract(matched)
          case .log:
            break
          }
        }
      }
      if applied.tier.defaultAction == .deny, !active.isEmpty, let last = applied.policies.last {
        note(active, tierDefaultBase + Int32(last))
        undecided.subtract(active)
      }
      if undecided.isEmpty { return true }
    }
    return false
  }

  /// The profiles of `local` in `direction`, then no profile matching for what is left.
  private func profiles(
    _ local: Int, _ direction: Direction, _ undecided: inout ClassBits, _ note: (ClassBits, Int32) -> Void
  ) {
    var matched = undecided
    for name in kernel.representatives[local].profiles {
      guard let steps = kernel.profileSteps[name], let base = profileBase[name] else { continue }
      for (index, step) in steps.enumerated() where step.rule.direction == direction {
        if undecided.isEmpty { return }
        guard step.rule.acceptsLocal(local, kernel.probe) else { continue }
        matched.assignIntersection(undecided, step.peers)
        if matched.isEmpty { continue }
        switch step.rule.action {
        case .allow, .deny, .pass:
          note(matched, base + Int32(index))
          undecided.subtract(matched)
        case .log:
          break
        }
      }
    }
    if !undecided.isEmpty { note(undecided, noProfile[local]) }
  }
}
