import Dispatch

/// Which policies count: what the cluster enforces, or that plus the staged policies.
public enum PolicyView: String, Hashable, Sendable, CaseIterable {
  /// Enforced policies only (what the cluster does now).
  case enforced
  /// Staged policies as if enforced (`stagedAction: Delete` removes their enforced twin).
  case pending
}

/// The tiers that apply to one endpoint in one direction, each with its selecting policies in
/// order. Precomputed once per evaluator, so no cell re-runs a subject selector.
struct AppliedTier: Sendable {
  var tier: Tier
  var policies: [Int]
}

/// Computes cells and their traces for a cluster, a view and the policies in force.
///
/// Preparing one does the per-endpoint work: the endpoints are grouped into classes, every
/// rule is compiled against them (`CompiledRule`), and each class gets the tiers and
/// policies that apply to it, per direction; each cell then walks only those, as Calico's
/// dataplane does. After an edit, the evaluator of the cluster before it hands over what the
/// edit cannot have changed (`Evaluator+Steps.swift`).
public final class Evaluator: Sendable {
  /// The cluster being evaluated (after any trap was applied), its endpoints as shown.
  public let cluster: Cluster
  /// The cluster as the evaluation sees it: each host-networked pod stands in for its node's
  /// host (`Cluster.evaluationModel`); the same endpoints, in the same order, otherwise.
  let model: Cluster
  /// The view.
  public let view: PolicyView
  /// The policies in force for this view.
  public let policies: [Policy]
  /// The endpoints in classes, with the indexes that find them.
  let endpoints: ClassedEndpoints
  /// Per policy (as in `policies`): the classes it selects and its compiled rules.
  let compiled: [CompiledPolicy]
  /// Per profile an endpoint names or the cluster declares: its compiled rules.
  let profiles: [String: CompiledPolicy]
  /// Per class, per direction (ingress, egress): the tiers that apply.
  let applied: [[[AppliedTier]]]
  /// Per node, the endpoint a masqueraded connection from the node is seen as
  /// (`Evaluator+NAT.swift`); empty without a pool with `natOutgoing`.
  let natIdentity: [String: Int]
  /// Identifies this evaluator to matrices built from it (see `EvaluationUpdate`).
  let token: UInt64
  /// What this evaluator took over from the evaluator of the cluster before an edit, and
  /// what changed since; nil when everything was worked out afresh.
  let update: EvaluationUpdate?

  /// Prepares an evaluator. With `previous` (the evaluator of the cluster before an edit),
  /// whatever the edit cannot have changed is taken over: when the endpoints, namespaces,
  /// profiles, Felix settings and the CIDRs rules name are the same, the classes and their
  /// indexes are kept, and unchanged policies keep their compiled rules; when only some
  /// endpoints changed, the classes grow.
  public convenience init(cluster: Cluster, view: PolicyView = .enforced, reusing previous: Evaluator? = nil) {
    let model = cluster.evaluationModel()
    let prepared = Self.prepare(model, view: view, after: previous)
    self.init(cluster: cluster, model: model, view: view, prepared)
  }

  /// An evaluator with what one of the steps worked out.
  private init(cluster: Cluster, model: Cluster, view: PolicyView, _ prepared: Prepared) {
    self.cluster = cluster
    self.model = model
    natIdentity = Self.natIdentities(model)
    self.view = view
    policies = prepared.policies
    endpoints = prepared.endpoints
    compiled = prepared.compiled
    profiles = prepared.profiles
    applied = prepared.applied
    update = prepared.update
    token = UInt64.random(in: 1...UInt64.max)
  }

  /// The endpoint at `index` as the evaluation sees it: a host-networked pod as the host it
  /// stands for (its node's host endpoint, labels and all), any other as it is.
  public func evaluatedEndpoint(_ index: Int) -> Endpoint { model.endpoints[index] }

  /// Endpoint ids to their index in `cluster.endpoints`.
  public var index: [String: Int] { endpoints.index }
  /// The endpoints' ids, in order.
  public var ids: [String] { endpoints.ids }
  /// Endpoints no policy can tell apart.
  public var classes: EndpointClasses { endpoints.classes }
  /// One endpoint standing for each class.
  var representatives: [Endpoint] { endpoints.representatives }
  /// Classes by label, namespace, kind and CIDR.
  var classIndex: ClassIndex { endpoints.classIndex }

  /// Whether this evaluator's endpoints are those of the evaluator it took over (the same ids
  /// at the same places; their details may have changed).
  public var sameEndpoints: Bool { update?.sameEndpoints ?? false }
  /// The classes whose policy changed since the evaluator taken over (`EvaluationUpdate`).
  var changedClasses: ClassBits? { update?.changedClasses }
  /// After an edit of policies in place, the classes whose tiers and policies were worked out
  /// again (`EvaluationUpdate`).
  var touchedClasses: ClassBits? { update?.touchedClasses }
  /// After an edit of endpoints that grew the classes, how many there were before.
  var previousClassCount: Int? { update?.previousClassCount }

  /// Whether rows computed with the evaluator identified by `token` can be updated with this
  /// one: it took that evaluator's classes over and knows which of them changed.
  func canUpdate(from token: UInt64) -> Bool {
    update?.previousToken == token
  }

  /// Every compiled rule of the policies in force and of the profiles the cluster declares,
  /// in a fixed order.
  var allRules: [CompiledRule] {
    var result: [CompiledRule] = []
    for policy in compiled { result += policy.rules[0] + policy.rules[1] }
    for name in cluster.profiles.keys.sorted() {
      if let profile = profiles[name] { result += profile.rules[0] + profile.rules[1] }
    }
    return result
  }

  /// The policies that count in `view`: enforced ones, and for `pending` the staged ones in
  /// place of their enforced twins.
  static func policiesInForce(_ all: [Policy], view: PolicyView) -> [Policy] {
    // No staged policy (the usual case): the array as it is, nothing copied.
    if !all.indices.contains(where: { all[$0].isStaged }) { return all }
    let enforced = all.filter { !$0.isStaged }
    guard view == .pending else { return enforced }
    let staged = all.filter(\.isStaged)
    let replaced = Set(
      staged.map { PolicyID(kind: $0.id.kind.enforcedTwin, namespace: $0.id.namespace, name: $0.id.name) })
    return enforced.filter { !replaced.contains($0.id) } + staged.filter { $0.stagedAction == .set }
  }

  /// The number of endpoints.
  public var count: Int { cluster.endpoints.count }

  /// The outcome of one cell, without a trace (the fast path for whole matrices).
  public func outcome(from source: Int, to destination: Int, probe: Probe) -> Outcome {
    var none: [TraceStep]? = nil
    var egress: [TraceStep]? = nil
    return evaluate(source, destination, probe, &none, &egress).outcome
  }

  /// One cell with what decided each side, without the step-by-step trace.
  public func cell(from source: Int, to destination: Int, probe: Probe) -> CellTrace {
    var none: [TraceStep]? = nil
    var egress: [TraceStep]? = nil
    return evaluate(source, destination, probe, &none, &egress)
  }

  /// One cell with both sides traced step by step.
  public func trace(from source: Int, to destination: Int, probe: Probe) -> CellTrace {
    var egressSteps: [TraceStep]? = []
    var ingressSteps: [TraceStep]? = []
    var result = evaluate(source, destination, probe, &egressSteps, &ingressSteps)
    result.egress.steps = egressSteps ?? []
    result.ingress.steps = ingressSteps ?? []
    return result
  }

  /// The cell for two endpoint ids, or nil if either is unknown.
  public func trace(from source: String, to destination: String, probe: Probe) -> CellTrace? {
    guard let s = index[source], let d = index[destination] else { return nil }
    return trace(from: s, to: d, probe: probe)
  }

  /// The tiers and policies that apply to an endpoint in a direction, in evaluation order.
  public func appliedPolicies(_ endpoint: Int, _ direction: Direction) -> [(Tier, [Policy])] {
    applied[Int(classes.classOf[endpoint])][direction == .ingress ? 0 : 1].map { applied in
      (applied.tier, applied.policies.map { policies[$0] })
    }
  }

  // MARK: - A cell

  private func evaluate(
    _ source: Int, _ destination: Int, _ probe: Probe,
    _ egressSteps: inout [TraceStep]?, _ ingressSteps: inout [TraceStep]?
  ) -> CellTrace {
    let src = model.endpoints[source]
    let dst = model.endpoints[destination]
    func side(_ direction: Direction, _ id: String, _ verdict: Verdict, _ decider: Decider)
      -> SideTrace
    {
      SideTrace(direction: direction, endpointID: id, verdict: verdict, decider: decider, steps: [])
    }
    // 1. Loopback never crosses policy.
    if source == destination {
      return CellTrace(
        source: src.id, destination: dst.id, probe: probe, resolvedPort: nil, outcome: .selfTraffic,
        egress: side(.egress, src.id, .allow, .loopback),
        ingress: side(.ingress, dst.id, .allow, .loopback))
    }
    // A host-networked pod's traffic is its node's (the model has it stand in for its host).
    if let hostNetwork = src.hostNetwork { egressSteps?.append(.note(hostNetwork.note)) }
    if let hostNetwork = dst.hostNetwork { ingressSteps?.append(.note(hostNetwork.note)) }
    // 2. A port name resolves on the destination.
    let port: Int
    switch probe.port {
    case .number(let number):
      port = number
    case .name(let name):
      guard let number = dst.port(named: name, probe.ipProtocol) else {
        return CellTrace(
          source: src.id, destination: dst.id, probe: probe, resolvedPort: nil, outcome: .denied,
          egress: side(.egress, src.id, .deny, .unresolvedPortName(name)),
          ingress: side(.ingress, dst.id, .deny, .unresolvedPortName(name)))
      }
      port = number
    }
    // 3. A host always reaches the pods on its own node.
    if src.isHost, dst.isWorkload, let node = src.node, node == dst.node {
      return CellTrace(
        source: src.id, destination: dst.id, probe: probe, resolvedPort: port, outcome: .allowed,
        egress: side(.egress, src.id, .allow, .hostToLocalWorkload),
        ingress: side(.ingress, dst.id, .allow, .hostToLocalWorkload))
    }
    // 4. Egress at the source, then ingress at the destination; both must allow.
    let connection = Connection(
      source: src, destination: dst, sourceClass: Int(classes.classOf[source]),
      destinationClass: Int(classes.classOf[destination]), ipProtocol: probe.ipProtocol, port: port)
    let egress = evaluateSide(source, .egress, connection, &egressSteps)
    let ingress: (Verdict, Decider)
    var ingressSource: String?
    if dst.isHost, src.isWorkload, let node = dst.node, node == src.node {
      ingress = endpointToHost(destination, connection, &ingressSteps)
    } else if let pool = model.masqueradingPool(from: src, to: dst) {
      let masked = maskedIngress(destination, connection, pool: pool, &ingressSteps)
      ingress = masked.0
      ingressSource = masked.1
    } else {
      if ingressSteps != nil, let note = model.unmaskedNote(from: src, to: dst) { ingressSteps?.append(.note(note)) }
      ingress = evaluateSide(destination, .ingress, connection, &ingressSteps)
    }
    let outcome: Outcome = egress.0 == .allow && ingress.0 == .allow ? .allowed : .denied
    return CellTrace(
      source: src.id, destination: dst.id, probe: probe, resolvedPort: port, outcome: outcome,
      egress: side(.egress, src.id, egress.0, egress.1),
      ingress: side(.ingress, dst.id, ingress.0, ingress.1), ingressSource: ingressSource)
  }

  // MARK: - A pod to its own node

  /// The ingress side of traffic from a pod to its own node (`felix/rules/static.go`): the
  /// packet meets the pre-DNAT policy of a host endpoint with `interfaceName: "*"` (a Deny
  /// drops it), then the workload-to-host chain, which ran the pod's egress policy and ends
  /// with `defaultEndpointToHostAction`. The host endpoint's normal policy never sees it.
  func endpointToHost(
    _ hostIndex: Int, _ connection: Connection, _ steps: inout [TraceStep]?
  ) -> (Verdict, Decider) {
    if let denied = preDNATDeny(hostIndex, connection, &steps) { return denied }
    let action = cluster.felix.endpointToHostAction
    switch action {
    case .accept:
      steps?.append(
        .note("a pod to its own node: the host endpoint's policy does not apply; defaultEndpointToHostAction Accept"))
    case .drop:
      steps?.append(.note("a pod to its own node: defaultEndpointToHostAction Drop"))
    case .return:
      steps?.append(
        .note(
          "a pod to its own node: defaultEndpointToHostAction Return hands it to the host's INPUT chain, outside Calico; taken as accepted"
        ))
    }
    return (action == .drop ? .deny : .allow, .endpointToHost(action))
  }

  /// The Deny of a pre-DNAT policy that stops traffic entering `hostIndex` (a host endpoint
  /// with `interfaceName: "*"`), if one does; pre-DNAT policy has no default deny: what it
  /// neither allows nor denies goes on.
  func preDNATDeny(_ hostIndex: Int, _ connection: Connection, _ steps: inout [TraceStep]?) -> (Verdict, Decider)? {
    guard model.endpoints[hostIndex].interfaceName == "*" else { return nil }
    let tiers = applied[Int(classes.classOf[hostIndex])][0]
    for applied in tiers {
      tierLoop: for policyIndex in applied.policies where policies[policyIndex].isPreDNAT {
        let policy = policies[policyIndex]
        steps?.append(.policy(policy.id, order: policy.orderText, location: policy.location))
        if let rule = firstDecidingRule(compiled[policyIndex].rules(.ingress), connection, &steps) {
          switch rule.action {
          case .deny: return (.deny, .rule(policy: policy.id, tier: applied.tier.name, rule: rule))
          case .allow: return nil
          case .pass, .log: break tierLoop
          }
        }
      }
    }
    return nil
  }

  // MARK: - One side

  /// Evaluates the policy of one endpoint for a connection, per `check.go`'s `checkTiers`:
  ///
  /// 1. Network sets have no policy: the side allows; nor does a host-networked pod on a node
  ///    without a host endpoint (Calico polices no host interface there).
  /// 2. Host endpoints keep failsafe ports open whatever the policy.
  /// 3. Each tier with at least one policy selecting the endpoint, in order: the first rule
  ///    that matches decides (Allow, Deny), leaves the tier (Pass) or is noted (Log); if none
  ///    decides, the tier's default action: Deny ends it, Pass goes on to the next tier.
  /// 4. After the tiers, the endpoint's profiles in order: the first matching rule decides;
  ///    no profile, or no matching rule, denies.
  func evaluateSide(
    _ endpointIndex: Int, _ direction: Direction, _ connection: Connection,
    _ steps: inout [TraceStep]?
  ) -> (Verdict, Decider) {
    let endpoint = model.endpoints[endpointIndex]
    // 1.
    if endpoint.isNetworkSet { return (.allow, .external) }
    if endpoint.isUnpolicedHost { return (.allow, .unpolicedHost(node: endpoint.node)) }
    // 2.
    if endpoint.isHost {
      let failsafes =
        direction == .ingress ? cluster.felix.failsafeInbound : cluster.felix.failsafeOutbound
      let remote = direction == .ingress ? connection.source : connection.destination
      for failsafe in failsafes
      where failsafe.ipProtocol == connection.ipProtocol && failsafe.port == connection.port {
        if let net = failsafe.net {
          guard let address = remote.address, net.contains(address) else { continue }
        }
        return (.allow, .failsafe(failsafe, direction))
      }
    }
    // 3.
    let tiers = applied[Int(classes.classOf[endpointIndex])][direction == .ingress ? 0 : 1]
    if tiers.isEmpty { steps?.append(.noTierApplies) }
    tierLoop: for applied in tiers {
      steps?.append(.tier(applied.tier))
      var last = policies[applied.policies[0]].id
      for policyIndex in applied.policies {
        let policy = policies[policyIndex]
        last = policy.id
        steps?.append(.policy(policy.id, order: policy.orderText, location: policy.location))
        if let rule = firstDecidingRule(compiled[policyIndex].rules(direction), connection, &steps) {
          switch rule.action {
          case .allow: return (.allow, .rule(policy: policy.id, tier: applied.tier.name, rule: rule))
          case .deny: return (.deny, .rule(policy: policy.id, tier: applied.tier.name, rule: rule))
          case .pass, .log:
            steps?.append(.passed(tier: applied.tier.name))
            continue tierLoop
          }
        }
      }
      steps?.append(.tierDefault(tier: applied.tier.name, action: applied.tier.defaultAction))
      if applied.tier.defaultAction == .deny {
        return (.deny, .tierDefault(tier: applied.tier.name, lastPolicy: last, action: .deny))
      }
    }
    // 4.
    if endpoint.profiles.isEmpty { steps?.append(.noProfiles) }
    for name in endpoint.profiles {
      guard let profile = cluster.profile(name), let compiledProfile = profiles[name] else {
        steps?.append(.profile(name: name, location: nil))
        continue
      }
      steps?.append(.profile(name: name, location: profile.location))
      if let rule = firstDecidingRule(compiledProfile.rules(direction), connection, &steps) {
        return (rule.action == .allow ? .allow : .deny, .profile(name: name, rule: rule))
      }
    }
    return (.deny, .noProfileMatched(profiles: endpoint.profiles))
  }

  // MARK: - Rules

  /// The first of `rules` that matches `connection` and decides (Allow, Deny or Pass; a Log
  /// rule is noted and evaluation goes on), with a step for every rule looked at.
  private func firstDecidingRule(
    _ rules: [CompiledRule], _ connection: Connection, _ steps: inout [TraceStep]?
  ) -> Rule? {
    for compiledRule in rules {
      let rule = compiledRule.rule
      if let mismatch = mismatch(compiledRule, connection) {
        steps?.append(.rule(rule, matched: false, mismatch: mismatch))
        continue
      }
      steps?.append(.rule(rule, matched: true, mismatch: nil))
      guard rule.action == .log else { return rule }
      steps?.append(.logged(rule))
    }
    return nil
  }

  /// Why `rule` does not match `connection`, or nil when it matches.
  func mismatch(_ rule: CompiledRule, _ connection: Connection) -> Mismatch? {
    rule.mismatch(
      from: connection.sourceClass, to: connection.destinationClass, connection.ipProtocol, port: connection.port,
      namedPorts: connection.destination.namedPorts)
  }

  /// The tiers and policies that apply to each class, found by scanning every policy's
  /// subject with the scalar matcher (the reference the indexed path is tested against).
  func appliedByScan() -> [[[String]]] {
    representatives.map { endpoint in
      Direction.allCases.map { direction in
        guard !endpoint.isNetworkSet else { return [] }
        let tiers = cluster.tiers.values.sorted(by: Tier.precedes)
        return tiers.flatMap { tier in
          policies.filter {
            $0.tier == tier.name && $0.applies(to: direction)
              && $0.subject.matches(endpoint, namespaceLabels: cluster.namespaceLabels, asPeer: false)
          }
          .sorted(by: Policy.precedes).map { "\(tier.name)/\($0.id)" }
        }
      }
    }
  }

  /// `appliedByScan`'s shape for the precomputed lists.
  func appliedDescription() -> [[[String]]] {
    applied.map { directions in
      directions.map { tiers in
        tiers.flatMap { applied in applied.policies.map { "\(applied.tier.name)/\(policies[$0].id)" } }
      }
    }
  }
}

/// The connection one cell stands for.
struct Connection {
  var source: Endpoint
  var destination: Endpoint
  /// The source's class.
  var sourceClass: Int
  /// The destination's class.
  var destinationClass: Int
  var ipProtocol: IPProtocol
  var port: Int
}
