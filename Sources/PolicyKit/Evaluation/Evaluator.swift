import Dispatch

/// Which policies count: what the cluster enforces, or that plus the staged policies.
public enum View: String, Hashable, Sendable, CaseIterable {
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

/// Which policies of an evaluation are the same as in the one before, and where they were.
struct PolicyMatching {
  /// Per policy, its index in the list before, if it is unchanged.
  var before: [Int?]
  /// Whether every policy sits where it was (the same ids at the same places): an edit of
  /// policies' contents, not of which policies there are.
  var inPlace = true
  /// With `inPlace`, the policies that changed.
  var changed: [Int] = []

  init(_ policies: [Policy], before old: [Policy]) {
    before = [Int?](repeating: nil, count: policies.count)
    inPlace = policies.count == old.count
    // Policies are sorted by id: after an edit most sit where they were.
    var position: [PolicyID: Int]?
    for index in policies.indices {
      let id = policies[index].id
      let found: Int?
      if index < old.count, old[index].id == id {
        found = index
      } else {
        inPlace = false
        if position == nil {
          var map: [PolicyID: Int] = [:]
          map.reserveCapacity(old.count)
          for index in old.indices { map[old[index].id] = index }
          position = map
        }
        found = position?[id]
      }
      if let found, old[found] == policies[index] {
        before[index] = found
      } else {
        changed.append(index)
      }
    }
  }
}

/// Computes cells and their traces for a cluster, a view and the policies in force.
///
/// Construction does the per-endpoint work (which policies select which endpoint, per
/// direction); each cell then walks only the tiers that apply, as Calico's dataplane does.
public final class Evaluator: Sendable {
  /// The cluster being evaluated (after any trap was applied).
  public let cluster: Cluster
  /// The view.
  public let view: View
  /// The policies in force for this view.
  public let policies: [Policy]
  /// Endpoint ids to their index in `cluster.endpoints`.
  public let index: [String: Int]
  /// Endpoints no policy can tell apart.
  public let classes: EndpointClasses
  /// Per class, per direction (ingress, egress): the tiers that apply.
  let applied: [[[AppliedTier]]]
  /// Classes by label, namespace, kind and CIDR.
  let classIndex: ClassIndex
  /// One endpoint standing for each class.
  let representatives: [Endpoint]
  /// The endpoints' ids, in order.
  public let ids: [String]
  /// Per policy, per direction (ingress, egress), per rule: the classes its peer side accepts,
  /// ports aside (the same for every probe).
  let peerClasses: [[[ClassBits]]]

  /// Per policy: the classes it selects (network sets aside).
  let subjects: [ClassBits]
  /// Per policy, per direction (ingress, egress), per rule: the classes among those it
  /// selects whose own end the rule accepts, the probe aside (`localClasses(_:subjects:...)`).
  let localClasses: [[[ClassBits]]]
  /// The CIDRs classes were split on.
  let cidrs: [CIDR]
  /// Identifies this evaluator to matrices built from it (see `changedClasses`).
  let token: UInt64
  /// The evaluator this one reused, when it did.
  let previousToken: UInt64?
  /// When this evaluator reused another's classes: the classes whose policy (the tiers and
  /// policies that apply, or those policies' contents) changed; every other class's rows are
  /// as they were. Nil when everything was worked out afresh.
  let changedClasses: ClassBits?

  /// The policies that apply to the changed classes (only their rules are needed to redo
  /// those classes' rows); empty when nothing was taken over, or when classes were added.
  let changedClassPolicies: Set<Int>

  /// After an edit of policies in place, the classes whose tiers and policies were worked
  /// out again (those the edited policies select, now or before); nil when every class's were.
  let touchedClasses: ClassBits?

  /// After an edit of endpoints that took the previous evaluator's classes over (the same
  /// endpoints, some with other labels, ports or nodes): how many classes it had. Classes from
  /// this number on are new, the earlier ones keep their rows; nil otherwise.
  let previousClassCount: Int?

  /// When this evaluator took over another's classes: per policy, its index there if it is
  /// unchanged (so what was worked out for it holds, for the classes there were).
  let policyBefore: [Int?]?

  /// Whether this evaluator's endpoints are those of the evaluator it took over (the same ids
  /// at the same places; their details may have changed).
  public let sameEndpoints: Bool

  /// Whether rows computed with the evaluator identified by `token` can be updated with this
  /// one: it took that evaluator's classes over and knows which of them changed.
  func canUpdate(from token: UInt64) -> Bool {
    changedClasses != nil && previousToken == token
  }

  /// Prepares an evaluator. With `previous` (the evaluator of the cluster before an edit),
  /// whatever the edit cannot have changed is taken over: when the endpoints, namespaces,
  /// profiles, Felix settings and the CIDRs rules name are the same, the classes and their
  /// indexes are kept, and unchanged policies keep their selected classes and rule peers.
  public init(cluster: Cluster, view: View = .enforced, reusing previous: Evaluator? = nil) {
    self.cluster = cluster
    self.view = view
    token = UInt64.random(in: 1...UInt64.max)
    let policies = Self.policiesInForce(cluster.policies, view: view)
    self.policies = policies
    let tiers = cluster.tiers.values.sorted(by: Tier.precedes)
    let matching = previous.map { PolicyMatching(policies, before: $0.policies) }
    // Unless a policy that names CIDRs changed, they are the ones named before.
    let cidrs: [CIDR]
    if let previous, let matching, matching.inPlace, previous.cluster.profiles == cluster.profiles,
      previous.cluster.felix == cluster.felix,
      matching.changed.allSatisfy({ !policies[$0].namesCIDRs && !previous.policies[$0].namesCIDRs })
    {
      cidrs = previous.cidrs
    } else {
      cidrs = EndpointClasses.cidrs(in: cluster, policies: policies)
    }
    self.cidrs = cidrs
    let reusable = previous.flatMap { previous in
      Self.canReuse(previous, cluster: cluster, cidrs: cidrs) ? previous : nil
    }
    // Or, when only some endpoints changed (and nothing else), the classes they left are
    // kept and the classes they joined are added to.
    let endpointEdit = reusable == nil && matching?.inPlace == true && matching?.changed.isEmpty == true
      ? previous.flatMap { Self.changedEndpoints(since: $0, cluster: cluster, cidrs: cidrs) } : nil
    let grown = endpointEdit == nil ? nil : previous
    previousToken = reusable?.token ?? grown?.token
    sameEndpoints = reusable != nil || (grown != nil && endpointEdit?.olderPosition == nil)
    previousClassCount = grown?.classes.count
    let classes: EndpointClasses
    let classIndex: ClassIndex
    let representatives: [Endpoint]
    if let reusable {
      index = reusable.index
      classes = reusable.classes
      classIndex = reusable.classIndex
      representatives = reusable.representatives
      ids = reusable.ids
    } else if let grown, let endpointEdit {
      if endpointEdit.olderPosition == nil {
        index = grown.index
        ids = grown.ids
      } else {
        var index: [String: Int] = [:]
        index.reserveCapacity(cluster.endpoints.count)
        for position in cluster.endpoints.indices { index[cluster.endpoints[position].id] = position }
        self.index = index
        ids = cluster.endpoints.indices.map { cluster.endpoints[$0].id }
      }
      classes = grown.classes.updating(
        endpointEdit.changed, olderPosition: endpointEdit.olderPosition, endpoints: cluster.endpoints, cidrs: cidrs)
      representatives = grown.representatives
        + (grown.classes.count..<classes.count).map { cluster.endpoints[classes.members[$0][0]] }
      classIndex = grown.classIndex.adding(
        representatives[grown.classes.count...], cluster: cluster, cidrs: cidrs)
    } else {
      var index: [String: Int] = [:]
      for position in cluster.endpoints.indices { index[cluster.endpoints[position].id] = position }
      self.index = index
      classes = EndpointClasses(cluster: cluster, cidrs: cidrs)
      representatives = classes.members.map { cluster.endpoints[$0[0]] }
      ids = cluster.endpoints.indices.map { cluster.endpoints[$0].id }
      classIndex = ClassIndex(cluster: cluster, representatives: representatives, cidrs: cidrs)
    }
    self.classes = classes
    self.classIndex = classIndex
    self.representatives = representatives
    // An unchanged policy keeps what was worked out for it (when the classes are kept).
    let kept = reusable == nil ? nil : matching
    let before = kept?.before ?? [Int?](repeating: nil, count: policies.count)
    var peerClasses = [[[ClassBits]]](repeating: [], count: policies.count)
    var subjects: [ClassBits] = Array(repeating: ClassBits(count: 0), count: policies.count)
    var localClasses = [[[ClassBits]]](repeating: [], count: policies.count)
    // Every policy where it was: the edited ones alone are worked out.
    let edited = kept?.inPlace == true ? kept?.changed : nil
    let toPrepare = edited ?? Array(policies.indices)
    if let reusable, edited != nil {
      peerClasses = reusable.peerClasses
      subjects = reusable.subjects
      localClasses = reusable.localClasses
    }
    if let grown {
      // The same policies: each keeps its classes and gains those of the new classes.
      (subjects, peerClasses, localClasses) = Self.classSets(
        of: policies, growing: grown, representatives: representatives, cluster: cluster, cidrs: cidrs)
    }
    let toPrepareNow = grown == nil ? toPrepare : []
    peerClasses.withUnsafeMutableBufferPointer { peerBuffer in
      subjects.withUnsafeMutableBufferPointer { subjectBuffer in
        localClasses.withUnsafeMutableBufferPointer { localBuffer in
          let out = UncheckedSendable((peerBuffer, subjectBuffer, localBuffer))
          DispatchQueue.concurrentPerform(iterations: toPrepareNow.count) { job in
            let index = toPrepareNow[job]
            if let reusable, let old = before[index] {
              out.value.0[index] = reusable.peerClasses[old]
              out.value.1[index] = reusable.subjects[old]
              out.value.2[index] = reusable.localClasses[old]
              return
            }
            out.value.0[index] = Direction.allCases.map { direction in
              policies[index].rules(direction).map { Self.peerClasses($0, classIndex) }
            }
            let selected = classIndex.select(policies[index].subject, asPeer: false)
              .subtracting(classIndex.networkSets)
            out.value.1[index] = selected
            out.value.2[index] = Direction.allCases.map { direction in
              policies[index].rules(direction).map {
                Self.localClasses($0, subjects: selected, representatives: representatives, cluster: cluster)
              }
            }
          }
        }
      }
    }
    policyBefore = grown != nil ? policies.indices.map { $0 } : reusable != nil ? before : nil
    self.peerClasses = peerClasses
    self.subjects = subjects
    self.localClasses = localClasses
    // Per class and direction, the tiers in order with their selecting policies in order;
    // after an edit of policies in place, only for the classes the edited ones select (now
    // or before), when they are few.
    var touched: ClassBits?
    if let reusable, let edited, cluster.tiers == reusable.cluster.tiers {
      var classesTouched = ClassBits(count: classes.count)
      for policy in edited {
        classesTouched.formUnion(subjects[policy])
        classesTouched.formUnion(reusable.subjects[policy])
      }
      if classesTouched.cardinality * 8 <= classes.count { touched = classesTouched }
    }
    let applied: [[[AppliedTier]]]
    if let grown {
      applied = grown.applied
        + Self.applied(
          policies: policies, subjects: subjects, tiers: tiers, classes: grown.classes.count..<classes.count)
    } else if let reusable, let touched, let edited {
      applied = Self.appliedUpdating(
        reusable.applied, classes: touched, edited: edited, before: before, policies: policies,
        subjects: subjects, tiers: tiers)
    } else {
      applied = Self.applied(policies: policies, subjects: subjects, tiers: tiers, classes: 0..<classes.count)
    }
    self.applied = applied
    touchedClasses = touched
    // Which classes' policy changed: different tiers or policies apply, or one that applies
    // is new or edited.
    if let grown {
      // The new classes' rows (and columns) are all that is new.
      var changed = ClassBits(count: classes.count)
      for cls in grown.classes.count..<classes.count { changed[cls] = true }
      changedClasses = changed
      // (Every row gains the new columns: the kernel works them out with every rule.)
      changedClassPolicies = []
    } else if let reusable {
      var changed = ClassBits(count: classes.count)
      func compare(_ cls: Int) {
        let same = zip(applied[cls], reusable.applied[cls]).allSatisfy { now, then in
          now.count == then.count
            && zip(now, then).allSatisfy { a, b in
              a.tier == b.tier && a.policies.count == b.policies.count
                && zip(a.policies, b.policies).allSatisfy { before[$0] == $1 }
            }
        }
        if !same { changed[cls] = true }
      }
      // Outside the touched classes, the same policies apply in the same order.
      if let touched { touched.forEachMember(compare) } else { for cls in 0..<classes.count { compare(cls) } }
      changedClasses = changed
      var policies: Set<Int> = []
      for cls in changed.members {
        for direction in applied[cls] { for tier in direction { policies.formUnion(tier.policies) } }
      }
      changedClassPolicies = policies
    } else {
      changedClasses = nil
      changedClassPolicies = []
    }
  }

  /// Per class, per direction: the tiers that apply, in order, each with its selecting
  /// policies in order.
  private static func applied(
    policies: [Policy], subjects: [ClassBits], tiers: [Tier], classes: Range<Int>
  ) -> [[[AppliedTier]]] {
    var byTier: [String: [Int]] = [:]
    // (Big values are read in place, by index: enumerating or mapping key paths copies them.)
    for position in policies.indices { byTier[policies[position].tier, default: []].append(position) }
    let keys = policies.indices.map { policies[$0].orderingKey }
    let ordered: [(Tier, [Int])] = tiers.compactMap { tier in
      guard let members = byTier[tier.name] else { return nil }
      return (tier, members.sorted { Policy.precedes(keys[$0], keys[$1]) })
    }
    var selected: [[Int]] = Array(repeating: [], count: classes.count)
    for policyIndex in ordered.flatMap({ $0.1 }) {
      if classes.lowerBound == 0 {
        subjects[policyIndex].forEachMember { if $0 < classes.upperBound { selected[$0].append(policyIndex) } }
      } else {
        for cls in classes where subjects[policyIndex][cls] { selected[cls - classes.lowerBound].append(policyIndex) }
      }
    }
    var tierOf = [Int](repeating: 0, count: policies.count)
    for (position, (_, members)) in ordered.enumerated() { for member in members { tierOf[member] = position } }
    let directions = policies.indices.map { (policies[$0].appliesToIngress, policies[$0].appliesToEgress) }
    let tierList = ordered.map(\.0)
    let chosenByClass = selected
    let tierOfPolicy = tierOf
    var applied = [[[AppliedTier]]](repeating: [], count: classes.count)
    applied.withUnsafeMutableBufferPointer { buffer in
      let out = UncheckedSendable(buffer)
      DispatchQueue.concurrentPerform(iterations: chosenByClass.count) { cls in
        out.value[cls] = (0..<2).map { list in
          tierRuns(
            chosenByClass[cls].filter { list == 0 ? directions[$0].0 : directions[$0].1 },
            tierOf: { tierOfPolicy[$0] }, tiers: tierList)
        }
      }
    }
    return applied
  }

  /// Policies in evaluation order as runs of one tier each (`tierOf` gives a policy's
  /// position in `tiers`).
  private static func tierRuns(_ ordered: [Int], tierOf: (Int) -> Int, tiers: [Tier]) -> [AppliedTier] {
    var result: [AppliedTier] = []
    var lastTier = -1
    for policy in ordered {
      let tier = tierOf(policy)
      if tier == lastTier {
        result[result.count - 1].policies.append(policy)
      } else {
        result.append(AppliedTier(tier: tiers[tier], policies: [policy]))
        lastTier = tier
      }
    }
    return result
  }

  /// `applied` after an edit that left every policy where it was (the same ids at the same
  /// places, the same tiers): `previous` with the lists of `classes` (those the `edited`
  /// policies select, now or before) made again. In each list the unchanged policies keep
  /// their order; the edited ones that apply join them, sorted in as `applied` sorts.
  private static func appliedUpdating(
    _ previous: [[[AppliedTier]]], classes: ClassBits, edited: [Int], before: [Int?],
    policies: [Policy], subjects: [ClassBits], tiers: [Tier]
  ) -> [[[AppliedTier]]] {
    var tierPosition: [String: Int] = [:]
    for (position, tier) in tiers.enumerated() { tierPosition[tier.name] = position }
    var keys: [Int: (order: Double?, text: String)] = [:]
    func key(_ policy: Int) -> (order: Double?, text: String) {
      if let known = keys[policy] { return known }
      let key = policies[policy].orderingKey
      keys[policy] = key
      return key
    }
    // Tier, then Calico's order within it, then the order of the policy list.
    func precedes(_ a: Int, _ b: Int) -> Bool {
      let (tierA, tierB) = (tierPosition[policies[a].tier]!, tierPosition[policies[b].tier]!)
      if tierA != tierB { return tierA < tierB }
      let (keyA, keyB) = (key(a), key(b))
      if Policy.precedes(keyA, keyB) { return true }
      if Policy.precedes(keyB, keyA) { return false }
      return a < b
    }
    var applied = previous
    classes.forEachMember { cls in
      applied[cls] = (0..<2).map { list in
        var members = previous[cls][list].flatMap(\.policies).filter { before[$0] != nil }
        for policy in edited where subjects[policy][cls] && tierPosition[policies[policy].tier] != nil {
          if list == 0 ? policies[policy].appliesToIngress : policies[policy].appliesToEgress {
            members.append(policy)
          }
        }
        members.sort(by: precedes)
        return tierRuns(members, tierOf: { tierPosition[policies[$0].tier]! }, tiers: tiers)
      }
    }
    return applied
  }

  /// Whether an evaluator of `cluster` can take over `previous`'s classes: everything classes
  /// and profile rules depend on is unchanged, only policies and tiers may differ.
  private static func canReuse(_ previous: Evaluator, cluster: Cluster, cidrs: [CIDR]) -> Bool {
    previous.cidrs == cidrs && previous.cluster.felix == cluster.felix
      && previous.cluster.profiles == cluster.profiles
      && previous.cluster.namespaces == cluster.namespaces
      && previous.cluster.serviceAccountLabels == cluster.serviceAccountLabels
      && (sameRevision(previous.cluster, cluster)
        || (!madeFrom(previous.cluster, cluster) && previous.cluster.endpoints == cluster.endpoints))
  }

  /// Whether the loader made `b`'s endpoints from `a`'s, changing, adding or removing some.
  private static func madeFrom(_ a: Cluster, _ b: Cluster) -> Bool {
    guard let revision = b.endpointRevision, let base = revision.base else { return false }
    return base == a.endpointRevision?.token && (!revision.changed.isEmpty || revision.olderPosition != nil)
  }

  /// Whether both clusters have the endpoints one load made (or `b`'s were made from `a`'s
  /// changing none but their places in files, which no evaluation sees).
  private static func sameRevision(_ a: Cluster, _ b: Cluster) -> Bool {
    guard let first = a.endpointRevision, let second = b.endpointRevision else { return false }
    return first.token == second.token
      || (second.base == first.token && second.changed.isEmpty && second.olderPosition == nil)
  }

  /// An edit of endpoints: the positions of those changed or added, and when some were added
  /// or removed, each one's position before (-1: added).
  struct EndpointEdit {
    var changed: [Int]
    var olderPosition: [Int32]?
  }

  /// After an edit of endpoints alone, what changed: nil unless everything else classes and
  /// profile rules depend on is as in `previous` (policies are compared by the caller) and the
  /// endpoints are the same ones (ids, places, kinds) or the loader says how they were made
  /// from `previous`'s, or when so many changed that working everything out again costs less.
  private static func changedEndpoints(since previous: Evaluator, cluster: Cluster, cidrs: [CIDR]) -> EndpointEdit? {
    let before = previous.cluster
    guard previous.cidrs == cidrs, before.felix == cluster.felix, before.profiles == cluster.profiles,
      before.tiers == cluster.tiers, before.namespaces == cluster.namespaces,
      before.serviceAccountLabels == cluster.serviceAccountLabels
    else { return nil }
    let count = cluster.endpoints.count
    func few(_ changed: Int) -> Bool { changed < 64 || changed * 8 < count }
    // The loader says which it made again or added from the previous load's list.
    var named: [Int]?
    if let revision = cluster.endpointRevision, let base = revision.base, base == before.endpointRevision?.token {
      guard few(revision.changed.count) else { return nil }
      if let older = revision.olderPosition {
        return EndpointEdit(changed: revision.changed, olderPosition: older)
      }
      named = revision.changed
    }
    guard before.endpoints.count == count else { return nil }
    // Otherwise every endpoint is compared (through buffers: subscripting copies one, every
    // field retained).
    let changed = before.endpoints.withUnsafeBufferPointer { old in
      cluster.endpoints.withUnsafeBufferPointer { new -> [Int]? in
        var changed: [Int] = []
        for index in named ?? Array(new.indices) where old[index] != new[index] {
          guard old[index].id == new[index].id, old[index].kind == new[index].kind, few(changed.count) else { return nil }
          changed.append(index)
        }
        return changed
      }
    }
    return changed.map { EndpointEdit(changed: $0, olderPosition: nil) }
  }

  /// Every policy's classes (subjects, rule peers, rule local ends) when the classes are
  /// `previous`'s with some added: `previous`'s sets, each extended by the new classes'.
  private static func classSets(
    of policies: [Policy], growing previous: Evaluator, representatives: [Endpoint], cluster: Cluster,
    cidrs: [CIDR]
  ) -> (subjects: [ClassBits], peers: [[[ClassBits]]], locals: [[[ClassBits]]]) {
    let added = Array(representatives[previous.classes.count...])
    guard !added.isEmpty else { return (previous.subjects, previous.peerClasses, previous.localClasses) }
    // The new classes alone, indexed as classes 0, 1...
    let index = ClassIndex(cluster: cluster, representatives: added, cidrs: cidrs)
    var subjects = [ClassBits](repeating: ClassBits(count: 0), count: policies.count)
    var peers = [[[ClassBits]]](repeating: [], count: policies.count)
    var locals = [[[ClassBits]]](repeating: [], count: policies.count)
    subjects.withUnsafeMutableBufferPointer { subjectBuffer in
      peers.withUnsafeMutableBufferPointer { peerBuffer in
        locals.withUnsafeMutableBufferPointer { localBuffer in
          let out = UncheckedSendable((subjectBuffer, peerBuffer, localBuffer))
          DispatchQueue.concurrentPerform(iterations: policies.count) { policy in
            let selected = index.select(policies[policy].subject, asPeer: false).subtracting(index.networkSets)
            out.value.0[policy] = previous.subjects[policy].appending(selected)
            out.value.1[policy] = Direction.allCases.enumerated().map { list, direction in
              policies[policy].rules(direction).enumerated().map { rule, body in
                previous.peerClasses[policy][list][rule].appending(Self.peerClasses(body, index))
              }
            }
            out.value.2[policy] = Direction.allCases.enumerated().map { list, direction in
              policies[policy].rules(direction).enumerated().map { rule, body in
                previous.localClasses[policy][list][rule].appending(
                  Self.localClasses(body, subjects: selected, representatives: added, cluster: cluster))
              }
            }
          }
        }
      }
    }
    return (subjects, peers, locals)
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

  /// The classes a rule's peer side accepts, ports aside: its peers, nets and notSelector,
  /// and for ingress rules the source's IP version.
  static func peerClasses(_ rule: Rule, _ classIndex: ClassIndex) -> ClassBits {
    var bits = classIndex.select(rule.peerSide)
    if rule.direction == .ingress, let version = rule.ipVersion {
      let family = classIndex.ipv4
      bits = version == 4
        ? bits.intersection(family.union(classIndex.hasAddress.complement()))
        : bits.subtracting(family)
    }
    return bits
  }

  /// The classes among `subjects` whose own end `rule` accepts whatever the probe: the rule
  /// can match at all, names no source ports (a probe has none), its local entity (the
  /// destination of an ingress rule, the source of an egress rule) matches, and an egress
  /// rule's IP version is the class's. The probe's protocol and, for ingress, its port are
  /// left to `MatrixKernel`.
  static func localClasses(
    _ rule: Rule, subjects: ClassBits, representatives: [Endpoint], cluster: Cluster
  ) -> ClassBits {
    var bits = ClassBits(count: subjects.count)
    guard rule.neverMatchesBecause == nil, rule.source.ports == nil else { return bits }
    let isIngress = rule.direction == .ingress
    for local in subjects.members {
      let mismatch =
        isIngress
        ? entityMismatch(rule.destination, representatives[local], .egress, cluster: cluster)
        : entityMismatch(rule.source, representatives[local], .egress, cluster: cluster)
      if mismatch != nil { continue }
      if !isIngress, let version = rule.ipVersion, let address = representatives[local].address,
        (version == 4) != address.isIPv4
      {
        continue
      }
      bits[local] = true
    }
    return bits
  }

  /// The policies that count in `view`: enforced ones, and for `pending` the staged ones in
  /// place of their enforced twins.
  static func policiesInForce(_ all: [Policy], view: View) -> [Policy] {
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
    let src = cluster.endpoints[source]
    let dst = cluster.endpoints[destination]
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
      source: src, destination: dst, ipProtocol: probe.ipProtocol, port: port)
    let egress = evaluateSide(source, .egress, connection, &egressSteps)
    var ingress: (Verdict, Decider)
    if dst.isHost, src.isWorkload, let node = dst.node, node == src.node,
      cluster.felix.endpointToHostAction != .return
    {
      let action = cluster.felix.endpointToHostAction
      ingress = (action == .accept ? .allow : .deny, .endpointToHost(action))
    } else {
      ingress = evaluateSide(destination, .ingress, connection, &ingressSteps)
    }
    let outcome: Outcome = egress.0 == .allow && ingress.0 == .allow ? .allowed : .denied
    return CellTrace(
      source: src.id, destination: dst.id, probe: probe, resolvedPort: port, outcome: outcome,
      egress: side(.egress, src.id, egress.0, egress.1),
      ingress: side(.ingress, dst.id, ingress.0, ingress.1))
  }

  // MARK: - One side

  /// Evaluates the policy of one endpoint for a connection, per `check.go`'s `checkTiers`:
  ///
  /// 1. Network sets have no policy: the side allows.
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
    let endpoint = cluster.endpoints[endpointIndex]
    // 1.
    if endpoint.isNetworkSet { return (.allow, .external) }
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
        for rule in policy.rules(direction) {
          if let mismatch = mismatch(rule, connection) {
            steps?.append(.rule(rule, matched: false, mismatch: mismatch))
            continue
          }
          steps?.append(.rule(rule, matched: true, mismatch: nil))
          switch rule.action {
          case .allow: return (.allow, .rule(policy: policy.id, tier: applied.tier.name, rule: rule))
          case .deny: return (.deny, .rule(policy: policy.id, tier: applied.tier.name, rule: rule))
          case .pass:
            steps?.append(.passed(tier: applied.tier.name))
            continue tierLoop
          case .log:
            steps?.append(.logged(rule))
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
      guard let profile = cluster.profile(name) else {
        steps?.append(.profile(name: name, location: nil))
        continue
      }
      steps?.append(.profile(name: name, location: profile.location))
      for rule in profile.rules(direction) {
        if let mismatch = mismatch(rule, connection) {
          steps?.append(.rule(rule, matched: false, mismatch: mismatch))
          continue
        }
        steps?.append(.rule(rule, matched: true, mismatch: nil))
        switch rule.action {
        case .allow: return (.allow, .profile(name: name, rule: rule))
        case .deny, .pass: return (.deny, .profile(name: name, rule: rule))
        case .log: steps?.append(.logged(rule))
        }
      }
    }
    return (.deny, .noProfileMatched(profiles: endpoint.profiles))
  }

  // MARK: - Rules

  /// Why `rule` does not match `connection`, or nil when it matches.
  func mismatch(_ rule: Rule, _ connection: Connection) -> Mismatch? {
    if let reason = rule.neverMatchesBecause { return .neverMatches(reason) }
    if !rule.protocols.accepts(connection.ipProtocol) { return .ipProtocol }
    if let version = rule.ipVersion, let address = connection.source.address,
      (version == 4) != address.isIPv4
    {
      return .ipVersion
    }
    if let failure = entityMismatch(rule.source, connection.source, .ingress) { return failure }
    if rule.source.ports != nil { return .sourcePorts }
    if let failure = entityMismatch(rule.destination, connection.destination, .egress) {
      return failure
    }
    if let ports = rule.destination.ports,
      !ports.contains(where: { portMatches($0, connection.destination, connection.ipProtocol, connection.port) })
    {
      return .ports
    }
    if rule.destination.notPorts.contains(where: {
      portMatches($0, connection.destination, connection.ipProtocol, connection.port)
    }) {
      return .notPorts
    }
    return nil
  }

  /// Whether the rule's destination `ports` and `notPorts` accept `port`, with named ports
  /// looked up by `namedPort`.
  static func portsAccept(_ rule: Rule, port: Int, namedPort: (String) -> Int?) -> Bool {
    func accepts(_ match: PortMatch) -> Bool {
      switch match {
      case .range(let low, let high): (low...high).contains(port)
      case .named(let name): namedPort(name) == port
      }
    }
    if let ports = rule.destination.ports, !ports.contains(where: accepts) { return false }
    return !rule.destination.notPorts.contains(where: accepts)
  }

  /// Whether the rule's destination `ports` and `notPorts` accept `port` on `destination`.
  func destinationPortsMatch(
    _ rule: Rule, _ destination: Endpoint, ipProtocol: IPProtocol, port: Int
  ) -> Bool {
    if let ports = rule.destination.ports,
      !ports.contains(where: { portMatches($0, destination, ipProtocol, port) })
    {
      return false
    }
    return !rule.destination.notPorts.contains { portMatches($0, destination, ipProtocol, port) }
  }

  /// Checks one end's criteria; `side` names it in the result (`.ingress` = source end).
  func entityMismatch(
    _ entity: EntityMatch, _ endpoint: Endpoint, _ side: Direction
  ) -> Mismatch? {
    Self.entityMismatch(entity, endpoint, side, cluster: cluster)
  }

  /// `entityMismatch` for an endpoint of `cluster`.
  static func entityMismatch(
    _ entity: EntityMatch, _ endpoint: Endpoint, _ side: Direction, cluster: Cluster
  ) -> Mismatch? {
    let address = endpoint.address
    if let peers = entity.peers,
      !peers.contains(where: { peerMatches($0, endpoint, address, cluster: cluster) })
    {
      return .peer(side)
    }
    if let nets = entity.nets {
      guard let address, nets.contains(where: { $0.contains(address) }) else { return .nets(side) }
    }
    if let address, entity.notNets.contains(where: { $0.contains(address) }) {
      return .notNets(side)
    }
    if let notSelector = entity.notSelector,
      notSelector.matches(endpoint, namespaceLabels: { cluster.namespaceLabels($0) }, asPeer: true)
    {
      return .notSelector(side)
    }
    return nil
  }

  private static func peerMatches(
    _ peer: Peer, _ endpoint: Endpoint, _ address: IPAddress?, cluster: Cluster
  ) -> Bool {
    switch peer {
    case .endpoints(let selector):
      return selector.matches(endpoint, namespaceLabels: { cluster.namespaceLabels($0) }, asPeer: true)
    case .block(let cidr, let except):
      guard let address, cidr.contains(address) else { return false }
      return !except.contains { $0.contains(address) }
    }
  }

  private func portMatches(
    _ match: PortMatch, _ destination: Endpoint, _ ipProtocol: IPProtocol, _ port: Int
  ) -> Bool {
    switch match {
    case .range(let low, let high):
      return (low...high).contains(port)
    case .named(let name):
      return destination.port(named: name, ipProtocol) == port
    }
  }
}

/// The connection one cell stands for.
struct Connection {
  var source: Endpoint
  var destination: Endpoint
  var ipProtocol: IPProtocol
  var port: Int
}
