// MARK: - What a rule matches on, as written

// A rule's criteria live here, beside their compiled form: a new criterion is a field of
// `EntityMatch` or `ProtocolMatch`, compiled and checked in `CompiledRule`, with a `Mismatch`
// case that the trace puts into words.

/// The criteria a rule puts on one end of a connection (source or destination); all of them
/// must hold.
public struct EntityMatch: Hashable, Sendable {
  /// Alternatives, any of which must match (nil: no constraint; empty: matches nothing).
  public var peers: [Peer]?
  /// The address must lie in one of these (nil: no constraint).
  public var nets: [CIDR]?
  /// The address must lie in none of these.
  public var notNets: [CIDR] = []
  /// The endpoint must not match this.
  public var notSelector: EndpointSelector?
  /// The port must match one of these (nil: any port).
  public var ports: [PortMatch]?
  /// The port must match none of these.
  public var notPorts: [PortMatch] = []
  /// A Calico `services` match: the service's endpoints (and, for a destination, the ports
  /// they serve), which the loader writes into `nets`, `ports` and the protocol.
  public var services: ServiceReference?

  /// No constraint at all.
  public init() {}
}

/// Which protocols a rule accepts.
public struct ProtocolMatch: Hashable, Sendable {
  /// Accepted protocols (nil: any). An empty set (e.g. `ICMP`) matches no probe.
  public var only: Set<IPProtocol>?
  /// Rejected protocols.
  public var excluded: Set<IPProtocol> = []
  /// The protocol as written, for traces (`TCP`, `ICMP`, `!UDP`).
  public var text: String?

  /// Any protocol.
  public init() {}
}

/// One port constraint: a range of numbers or a named port resolved on the endpoint.
public enum PortMatch: Hashable, Sendable, CustomStringConvertible {
  case range(Int, Int)
  case named(String)

  public var description: String {
    switch self {
    case .range(let low, let high): low == high ? "\(low)" : "\(low)-\(high)"
    case .named(let name): name
    }
  }
}

/// One rule of a policy or profile, of any manifest kind, compiled against the endpoint
/// classes once, when the evaluator is prepared: everything matching needs.
///
/// This is the one place a rule's meaning lives. The per-cell explanation (`mismatch`), the
/// class kernel (`peers`, `locals`, `peers(for:among:)`, `locals(for:among:)`,
/// `acceptsLocal`) and the connection sets (`acceptedProtocols`, `portEntries`) all read it,
/// and each criterion (protocol, port, IP version, peer, address) is checked here alone.
///
/// A class, so that the lists that hold it (per policy, per profile, per kernel step) share
/// one instance instead of copying the rule and its sets; rules that compile alike (the same
/// profile rule in many profiles) are one instance.
final class CompiledRule: Sendable {
  /// The rule as written: action, direction, criteria (for the explanation's text), its label
  /// and where it was written.
  let rule: Rule
  /// The protocols it accepts, among those a probe can name: those `protocol` names (any when
  /// it is not given; none for ICMP and other protocols), less those `notProtocol` names.
  let acceptedProtocols: [IPProtocol]
  /// Its destination `ports` and `notPorts` entries: where a port's verdict can change.
  let portEntries: [PortMatch]
  /// Whether a destination `ports` or `notPorts` entry is a port name (resolved on each
  /// destination), so the port's verdict can differ between destinations.
  let namesPorts: Bool
  /// The classes the rule's `ipVersion` accepts as the connection's source: those with an
  /// address of that version, and those with none (every class when it names no version).
  let versionSources: ClassBits
  /// The source criteria, as classes.
  let source: CompiledEnd
  /// The destination criteria, as classes.
  let destination: CompiledEnd
  /// The classes the rule's peer side accepts whatever the probe: the source end (and the IP
  /// version) for ingress, the destination end for egress.
  let peers: ClassBits
  /// Among the classes the rule's policy applies to, those whose own end the rule accepts
  /// whatever the probe: the rule can match at all, names no source ports (a probe has
  /// none), its local end (the destination for ingress, the source for egress) accepts the
  /// class, and for egress the IP version does.
  let locals: ClassBits

  /// Compiles `rule` against the classes `classIndex` describes; `subjects` are the classes
  /// its policy applies to (every class for a profile).
  init(_ rule: Rule, classIndex: ClassIndex, subjects: ClassBits) {
    self.rule = rule
    acceptedProtocols = IPProtocol.allCases.filter { ipProtocol in
      rule.protocols.only.map { $0.contains(ipProtocol) } != false && !rule.protocols.excluded.contains(ipProtocol)
    }
    portEntries = (rule.destination.ports ?? []) + rule.destination.notPorts
    namesPorts = portEntries.contains { if case .named = $0 { true } else { false } }
    source = CompiledEnd(rule.source, classIndex)
    destination = CompiledEnd(rule.destination, classIndex)
    let versionSources: ClassBits
    switch rule.ipVersion {
    case nil: versionSources = classIndex.everything
    case 4: versionSources = classIndex.ipv4.union(classIndex.hasAddress.complement())
    default: versionSources = classIndex.ipv4.complement()
    }
    self.versionSources = versionSources
    let canMatch = rule.neverMatchesBecause == nil && rule.source.ports == nil
    // (Sets are intersected only where the rule constrains them: most rules leave one end,
    // or the IP version, open.)
    let ofVersion = { (bits: ClassBits) in rule.ipVersion == nil ? bits : bits.intersection(versionSources) }
    if rule.direction == .ingress {
      peers = ofVersion(source.accepted)
      locals = canMatch ? subjects.intersection(destination.accepted) : ClassBits(count: subjects.count)
    } else {
      peers = destination.accepted
      locals = canMatch ? ofVersion(subjects.intersection(source.accepted)) : ClassBits(count: subjects.count)
    }
  }

  private init(
    rule: Rule, acceptedProtocols: [IPProtocol], portEntries: [PortMatch], namesPorts: Bool,
    versionSources: ClassBits,
    source: CompiledEnd, destination: CompiledEnd, peers: ClassBits, locals: ClassBits
  ) {
    self.rule = rule
    self.acceptedProtocols = acceptedProtocols
    self.portEntries = portEntries
    self.namesPorts = namesPorts
    self.versionSources = versionSources
    self.source = source
    self.destination = destination
    self.peers = peers
    self.locals = locals
  }

  /// The rule over these classes followed by `other`'s (the same rule compiled for classes
  /// added after these, numbered from 0).
  func appending(_ other: CompiledRule) -> CompiledRule {
    CompiledRule(
      rule: rule, acceptedProtocols: acceptedProtocols, portEntries: portEntries, namesPorts: namesPorts,
      versionSources: versionSources.appending(other.versionSources),
      source: source.appending(other.source), destination: destination.appending(other.destination),
      peers: peers.appending(other.peers), locals: locals.appending(other.locals))
  }

  /// The rule with its sets shared with equal ones `shared` has seen.
  func sharingSets(_ shared: inout SharedClassBits) -> CompiledRule {
    CompiledRule(
      rule: rule, acceptedProtocols: acceptedProtocols, portEntries: portEntries, namesPorts: namesPorts,
      versionSources: shared.share(versionSources), source: source.sharingSets(&shared),
      destination: destination.sharingSets(&shared), peers: shared.share(peers), locals: shared.share(locals))
  }

  /// What the rule does when it matches.
  var action: RuleAction { rule.action }

  /// The direction list the rule sits in.
  var direction: Direction { rule.direction }

  // MARK: - The checks

  /// Whether the rule accepts `ipProtocol`: one of `protocol`'s (when given), none of
  /// `notProtocol`'s.
  func accepts(_ ipProtocol: IPProtocol) -> Bool {
    acceptedProtocols.contains(ipProtocol)
  }

  /// Why destination port `port` fails the rule's `ports` or `notPorts`, or nil when it
  /// passes; a named entry resolves on `namedPorts`, the destination's.
  func portMismatch(_ port: Int, _ ipProtocol: IPProtocol, namedPorts: [NamedPort]) -> Mismatch? {
    func holds(_ match: PortMatch) -> Bool {
      switch match {
      case .range(let low, let high): (low...high).contains(port)
      case .named(let name): namedPorts.first { $0.name == name && $0.ipProtocol == ipProtocol }?.port == port
      }
    }
    if let ports = rule.destination.ports, !ports.contains(where: holds) { return .ports }
    if rule.destination.notPorts.contains(where: holds) { return .notPorts }
    return nil
  }

  /// Why the rule does not match a connection from an endpoint of class `source` to one of
  /// class `destination` with `ipProtocol` at `port` (`namedPorts`: the destination's), or
  /// nil when it matches. The first criterion that fails, in the order Calico checks them.
  func mismatch(
    from source: Int, to destination: Int, _ ipProtocol: IPProtocol, port: Int, namedPorts: [NamedPort]
  ) -> Mismatch? {
    if let reason = rule.neverMatchesBecause { return .neverMatches(reason) }
    if !accepts(ipProtocol) { return .ipProtocol }
    if !versionSources[source] { return .ipVersion }
    if let failure = self.source.mismatch(source, .ingress) { return failure }
    if rule.source.ports != nil { return .sourcePorts }
    if let failure = self.destination.mismatch(destination, .egress) { return failure }
    return portMismatch(port, ipProtocol, namedPorts: namedPorts)
  }

  // MARK: - For a probe, a class at a time

  /// Whether the probe's destination port at class `destination` passes the rule's ports
  /// (false when the probe's port name does not resolve there).
  func acceptsPort(at destination: Int, _ probe: ProbeAtClasses) -> Bool {
    guard let port = probe.portAt[destination] else { return false }
    return portMismatch(port, probe.ipProtocol, namedPorts: probe.representatives[destination].namedPorts) == nil
  }

  /// Whether the rule accepts class `local`'s own end of a connection for `probe`: one of
  /// `locals`, the probe's protocol, and for ingress the probe's port there.
  func acceptsLocal(_ local: Int, _ probe: ProbeAtClasses) -> Bool {
    locals[local] && accepts(probe.ipProtocol) && (rule.direction == .egress || acceptsPort(at: local, probe))
  }

  /// `candidates` (some of `locals`) less the classes the probe rules out on the local end:
  /// all of them for a protocol the rule does not accept, and for ingress those whose port
  /// the rule's ports refuse.
  func locals(for probe: ProbeAtClasses, among candidates: ClassBits) -> ClassBits {
    guard accepts(probe.ipProtocol) else { return ClassBits(count: candidates.count) }
    guard rule.direction == .ingress else { return candidates }
    if !namesPorts, let number = probe.uniformPort {
      // Numbered ports (or none) and a numbered probe: the same answer for every class.
      return portMismatch(number, probe.ipProtocol, namedPorts: []) == nil
        ? candidates : ClassBits(count: candidates.count)
    }
    var bits = candidates
    candidates.forEachMember { local in
      if !acceptsPort(at: local, probe) { bits[local] = false }
    }
    return bits
  }

  /// `candidates` (some of `peers`) less the classes the probe rules out on the peer end:
  /// for egress, the destinations whose port the rule's ports refuse.
  func peers(for probe: ProbeAtClasses, among candidates: ClassBits) -> ClassBits {
    guard rule.direction == .egress, rule.destination.ports != nil || !rule.destination.notPorts.isEmpty
    else { return candidates }
    if !namesPorts, let number = probe.uniformPort {
      // Numbered ports and a numbered probe: the same answer for every destination.
      let passes = portMismatch(number, probe.ipProtocol, namedPorts: []) == nil
      return passes ? candidates : ClassBits(count: candidates.count)
    }
    var bits = candidates
    candidates.forEachMember { peer in
      if !acceptsPort(at: peer, probe) { bits[peer] = false }
    }
    return bits
  }
}

/// One end of a compiled rule (its source or its destination criteria), as sets of classes.
struct CompiledEnd: Sendable {
  /// The classes its peer alternatives accept (nil: no peer list).
  let peers: ClassBits?
  /// The classes with an address in one of its `nets` (nil: no nets).
  let nets: ClassBits?
  /// The classes with an address in one of its `notNets` (nil: no notNets).
  let notNets: ClassBits?
  /// The classes its `notSelector` picks (nil: none).
  let notSelector: ClassBits?
  /// The classes that meet every criterion.
  let accepted: ClassBits

  /// Compiles `entity` against the classes `classIndex` describes. Selectors pick endpoints as
  /// peers (host endpoints only with expected IPs); a block holds the addresses in its CIDR
  /// outside its exceptions.
  init(_ entity: EntityMatch, _ classIndex: ClassIndex) {
    let count = classIndex.count
    peers = entity.peers.map { alternatives in
      var any = ClassBits(count: count)
      for peer in alternatives {
        switch peer {
        case .endpoints(let selector): any.formUnion(classIndex.select(selector, asPeer: true))
        case .block(let cidr, let except):
          var bits = classIndex.holding(cidr)
          for inner in except { bits.subtract(classIndex.holding(inner)) }
          any.formUnion(bits)
        case .nodes(_, let nodes):
          // By address, as implementations match nodes: the nodes' host endpoints (with
          // their node's address) and host-networked pods.
          for address in nodes.addresses { any.formUnion(classIndex.holding(address)) }
        }
      }
      return any
    }
    nets = entity.nets.map { nets in
      var any = ClassBits(count: count)
      for cidr in nets { any.formUnion(classIndex.holding(cidr)) }
      return any
    }
    notNets =
      entity.notNets.isEmpty ? nil : entity.notNets.reduce(ClassBits(count: count)) { $0.union(classIndex.holding($1)) }
    notSelector = entity.notSelector.map { classIndex.select($0, asPeer: true) }
    var accepted = classIndex.everything
    if let peers { accepted.formIntersection(peers) }
    if let nets { accepted.formIntersection(nets) }
    if let notNets { accepted.subtract(notNets) }
    if let notSelector { accepted.subtract(notSelector) }
    self.accepted = accepted
  }

  private init(peers: ClassBits?, nets: ClassBits?, notNets: ClassBits?, notSelector: ClassBits?, accepted: ClassBits) {
    self.peers = peers
    self.nets = nets
    self.notNets = notNets
    self.notSelector = notSelector
    self.accepted = accepted
  }

  /// These criteria over these classes followed by `other`'s (the same end compiled for
  /// classes added after these).
  func appending(_ other: CompiledEnd) -> CompiledEnd {
    func join(_ a: ClassBits?, _ b: ClassBits?) -> ClassBits? {
      guard let a, let b else { return nil }
      return a.appending(b)
    }
    return CompiledEnd(
      peers: join(peers, other.peers), nets: join(nets, other.nets), notNets: join(notNets, other.notNets),
      notSelector: join(notSelector, other.notSelector), accepted: accepted.appending(other.accepted))
  }

  /// These criteria with their sets shared with equal ones `shared` has seen.
  func sharingSets(_ shared: inout SharedClassBits) -> CompiledEnd {
    CompiledEnd(
      peers: shared.share(peers), nets: shared.share(nets), notNets: shared.share(notNets),
      notSelector: shared.share(notSelector), accepted: shared.share(accepted))
  }

  /// The first criterion class `cls` fails, or nil; `side` names the end in the result
  /// (`.ingress`: the source, `.egress`: the destination).
  func mismatch(_ cls: Int, _ side: Direction) -> Mismatch? {
    if accepted[cls] { return nil }
    if let peers, !peers[cls] { return .peer(side) }
    if let nets, !nets[cls] { return .nets(side) }
    if let notNets, notNets[cls] { return .notNets(side) }
    return .notSelector(side)
  }
}

/// Why a rule did not match: the first criterion that failed.
public enum Mismatch: Hashable, Sendable {
  case ipProtocol
  case ipVersion
  case peer(Direction)
  case nets(Direction)
  case notNets(Direction)
  case notSelector(Direction)
  case ports
  case notPorts
  case sourcePorts
  case neverMatches(String)
}
