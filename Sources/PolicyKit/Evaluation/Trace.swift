/// Whether a connection is allowed, in the cluster's eyes.
public enum Verdict: String, Hashable, Sendable {
  case allow
  case deny
}

/// What a cell says: a closed set, not a Bool, so that self traffic reads as its own thing.
public enum Outcome: String, Hashable, Sendable {
  /// Both sides allow the connection.
  case allowed
  /// One side (or both) denies it.
  case denied
  /// A pod talking to itself: loopback never crosses policy.
  case selfTraffic

  /// The verdict the outcome implies (self traffic is allowed).
  public var verdict: Verdict { self == .denied ? .deny : .allow }
}

/// What settled one side of a connection.
public enum Decider: Hashable, Sendable {
  /// A rule of a policy: the policy's index in the evaluator, and the rule.
  case rule(policy: PolicyID, tier: String, rule: Rule)
  /// The end of a tier whose policies selected the endpoint but did not decide.
  case tierDefault(tier: String, lastPolicy: PolicyID, action: TierDefaultAction)
  /// A rule of a profile.
  case profile(name: String, rule: Rule)
  /// No profile rule matched (or there were no profiles).
  case noProfileMatched(profiles: [String])
  /// A failsafe port on a host endpoint.
  case failsafe(FailsafePort, Direction)
  /// A network set: an external endpoint with no policy of its own.
  case external
  /// A host-networked pod on a node without a host endpoint: Calico polices nothing there.
  case unpolicedHost(node: String?)
  /// Host to a pod on the same node, which Calico always allows.
  case hostToLocalWorkload
  /// A pod to its own host, settled by `defaultEndpointToHostAction`.
  case endpointToHost(EndpointToHostAction)
  /// The destination has no port of the probe's name.
  case unresolvedPortName(String)
  /// Self traffic.
  case loopback
}

/// One thing that happened while evaluating a side, in order.
public enum TraceStep: Hashable, Sendable {
  /// A tier was entered because at least one of its policies selects the endpoint.
  case tier(Tier)
  /// A policy of the tier selects the endpoint.
  case policy(PolicyID, order: String, location: SourceLocation)
  /// A rule was checked.
  case rule(Rule, matched: Bool, mismatch: Mismatch?)
  /// A Log rule matched; evaluation goes on.
  case logged(Rule)
  /// A Pass rule matched: the rest of the tier is skipped.
  case passed(tier: String)
  /// No rule of the tier decided: the tier's default action.
  case tierDefault(tier: String, action: TierDefaultAction)
  /// No tier has an enforced policy selecting the endpoint in this direction.
  case noTierApplies
  /// A profile was checked.
  case profile(name: String, location: SourceLocation?)
  /// The endpoint has no profiles.
  case noProfiles
  /// A short statement that settles the side outside the tiers (failsafe, external...).
  case note(String)
}

/// One side of a cell: egress at the source or ingress at the destination.
public struct SideTrace: Hashable, Sendable {
  /// The direction.
  public var direction: Direction
  /// The endpoint whose policy this is.
  public var endpointID: String
  /// The side's verdict.
  public var verdict: Verdict
  /// What settled it.
  public var decider: Decider
  /// Everything checked on the way, in order (empty when traces are not recorded).
  public var steps: [TraceStep]
}

/// A cell of the matrix with its justification.
public struct CellTrace: Hashable, Sendable {
  /// The source endpoint's id.
  public var source: String
  /// The destination endpoint's id.
  public var destination: String
  /// The probe.
  public var probe: Probe
  /// The destination port the probe resolved to (nil when a name did not resolve).
  public var resolvedPort: Int?
  /// The outcome.
  public var outcome: Outcome
  /// Egress at the source.
  public var egress: SideTrace
  /// Ingress at the destination.
  public var ingress: SideTrace
  /// The endpoint the destination's ingress policy saw the connection come from, when not the
  /// source: after outgoing NAT, the source's node.
  public var ingressSource: String? = nil

  /// The side that decided: the denying side when denied (egress first), otherwise the side
  /// a policy decided (ingress first), otherwise ingress.
  public var decidingSide: SideTrace {
    if outcome == .denied { return egress.verdict == .deny ? egress : ingress }
    if case .rule = ingress.decider { return ingress }
    if case .rule = egress.decider { return egress }
    return ingress
  }
}
