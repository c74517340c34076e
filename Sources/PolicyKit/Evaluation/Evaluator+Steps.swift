import Dispatch

/// The steps that prepare an evaluator, one per way of getting there: afresh (`fresh`), after
/// an edit that keeps the classes (`sameClasses`), and after an edit of endpoints that grows
/// them (`grownClasses`). `prepare` picks the step.
extension Evaluator {
  /// What an evaluator holds, as one of the steps worked it out.
  struct Prepared {
    var policies: [Policy]
    var endpoints: ClassedEndpoints
    var compiled: [CompiledPolicy]
    var profiles: [String: CompiledPolicy]
    var applied: [[[AppliedTier]]]
    var update: EvaluationUpdate?
  }

  /// The evaluation of `cluster` in `view`, by the cheapest step `previous` (the evaluator of
  /// the cluster before an edit) allows.
  static func prepare(_ cluster: Cluster, view: PolicyView, after previous: Evaluator?) -> Prepared {
    let policies = policiesInForce(cluster.policies, view: view)
    guard let previous else {
      return fresh(cluster, policies: policies, cidrs: EndpointClasses.cidrs(in: cluster, policies: policies))
    }
    let matching = PolicyMatching(policies, before: previous.policies)
    // Unless a policy that names CIDRs changed, they are the ones named before.
    let cidrs: [CIDR]
    if matching.inPlace, previous.model.profiles == cluster.profiles, previous.model.felix == cluster.felix,
      previous.model.ipPools == cluster.ipPools,
      matching.changed.allSatisfy({ !policies[$0].namesCIDRs && !previous.policies[$0].namesCIDRs })
    {
      cidrs = previous.endpoints.cidrs
    } else {
      cidrs = EndpointClasses.cidrs(in: cluster, policies: policies)
    }
    if canReuse(previous, cluster: cluster, cidrs: cidrs) {
      return sameClasses(cluster, policies: policies, after: previous, matching)
    }
    // Only some endpoints changed (and nothing else): the classes grow.
    if matching.inPlace, matching.changed.isEmpty,
      let edit = changedEndpoints(since: previous, cluster: cluster, cidrs: cidrs)
    {
      return grownClasses(cluster, policies: policies, after: previous, edit)
    }
    return fresh(cluster, policies: policies, cidrs: cidrs)
  }

  /// Everything worked out from nothing: classes, compiled policies and profiles, and the
  /// tiers that apply to each class.
  static func fresh(_ cluster: Cluster, policies: [Policy], cidrs: [CIDR]) -> Prepared {
    let endpoints = ClassedEndpoints(cluster: cluster, cidrs: cidrs)
    let compiled = compile(
      policies, endpoints.classIndex, keeping: [CompiledPolicy?](repeating: nil, count: policies.count))
    let applied = applied(
      policies: policies, subjects: compiled.map(\.subjects), tiers: sortedTiers(cluster),
      classes: 0..<endpoints.classes.count)
    return Prepared(
      policies: policies, endpoints: endpoints, compiled: compiled,
      profiles: compileProfiles(cluster, endpoints), applied: applied, update: nil)
  }

  /// After an edit that changed only policies and tiers: `previous`'s classes and compiled
  /// profiles, its compiled policies for those unchanged (`matching`), and the tiers that
  /// apply worked out again (after an edit of policies in place, only for the classes the
  /// edited ones select, now or before, when they are few). The update names the classes
  /// whose tiers or policies differ, or whose policies' contents changed.
  static func sameClasses(
    _ cluster: Cluster, policies: [Policy], after previous: Evaluator, _ matching: PolicyMatching
  ) -> Prepared {
    let endpoints = previous.endpoints
    let count = endpoints.classes.count
    let before = matching.before
    let compiled = compile(
      policies, endpoints.classIndex, keeping: before.map { old in old.map { previous.compiled[$0] } })
    let subjects = compiled.map(\.subjects)
    let tiers = sortedTiers(cluster)
    var touched: ClassBits?
    if matching.inPlace, cluster.tiers == previous.model.tiers {
      var classes = ClassBits(count: count)
      for policy in matching.changed {
        classes.formUnion(subjects[policy])
        classes.formUnion(previous.compiled[policy].subjects)
      }
      if classes.cardinality * 8 <= count { touched = classes }
    }
    let applied: [[[AppliedTier]]]
    if let touched {
      applied = appliedUpdating(
        previous.applied, classes: touched, edited: matching.changed, before: before, policies: policies,
        subjects: subjects, tiers: tiers)
    } else {
      applied = Self.applied(policies: policies, subjects: subjects, tiers: tiers, classes: 0..<count)
    }
    let changed = changedClasses(applied, from: previous.applied, among: touched, before: before)
    var changedPolicies: Set<Int> = []
    changed.forEachMember { cls in
      for direction in applied[cls] { for tier in direction { changedPolicies.formUnion(tier.policies) } }
    }
    let update = EvaluationUpdate(
      previousToken: previous.token, changedClasses: changed, changedClassPolicies: changedPolicies,
      touchedClasses: touched, previousClassCount: nil, policyBefore: before, sameEndpoints: true)
    return Prepared(
      policies: policies, endpoints: endpoints, compiled: compiled, profiles: previous.profiles, applied: applied,
      update: update)
  }

  /// After an edit of some endpoints alone (`edit`): `previous`'s classes with the edited
  /// endpoints moved to the classes of their keys, new ones added; every policy keeps its
  /// compiled rules, extended by the new classes', and every class before keeps its tiers.
  /// The update names the new classes, whose rows (and columns) are all that is new.
  static func grownClasses(
    _ cluster: Cluster, policies: [Policy], after previous: Evaluator, _ edit: EndpointEdit
  ) -> Prepared {
    let endpoints = previous.endpoints.growing(edit, cluster: cluster)
    let before = previous.classes.count
    let count = endpoints.classes.count
    var compiled = previous.compiled
    var profiles = previous.profiles
    if count > before {
      // The new classes alone, indexed as classes 0, 1...
      let added = ClassIndex(
        cluster: cluster, representatives: Array(endpoints.representatives[before...]), cidrs: endpoints.cidrs)
      // (Their sets are appended to the others', which share none: nothing to share here.)
      let extra = compile(
        policies, added, keeping: [CompiledPolicy?](repeating: nil, count: policies.count), sharingSets: false)
      compiled = zip(compiled, extra).map { $0.appending($1) }
      profiles = grownProfiles(profiles, added, cluster, endpoints, from: before)
    }
    let applied =
      previous.applied
      + Self.applied(
        policies: policies, subjects: compiled.map(\.subjects), tiers: sortedTiers(cluster), classes: before..<count)
    var changed = ClassBits(count: count)
    for cls in before..<count { changed[cls] = true }
    // (Every row gains the new columns: the kernel works them out with every rule.)
    let update = EvaluationUpdate(
      previousToken: previous.token, changedClasses: changed, changedClassPolicies: [], touchedClasses: nil,
      previousClassCount: before, policyBefore: policies.indices.map { $0 },
      sameEndpoints: edit.olderPosition == nil)
    return Prepared(
      policies: policies, endpoints: endpoints, compiled: compiled, profiles: profiles, applied: applied,
      update: update)
  }

  /// Every policy compiled against `classIndex`, but for those `kept` already has. With
  /// `sharingSets`, the policies compiled here share their equal sets (`SharedClassBits`): at
  /// 50,000 classes that is hundreds of megabytes.
  private static func compile(
    _ policies: [Policy], _ classIndex: ClassIndex, keeping kept: [CompiledPolicy?], sharingSets: Bool = true
  ) -> [CompiledPolicy] {
    var result = kept
    result.withUnsafeMutableBufferPointer { buffer in
      let out = UncheckedSendable(buffer)
      DispatchQueue.concurrentPerform(iterations: policies.count) { index in
        if out.value[index] == nil { out.value[index] = CompiledPolicy(policies[index], classIndex) }
      }
    }
    var shared = SharedClassBits()
    for index in result.indices where sharingSets && kept[index] == nil {
      result[index] = result[index]?.sharingSets(&shared)
    }
    return result.compactMap { $0 }
  }

  /// Every profile the cluster declares or an endpoint names, compiled.
  private static func compileProfiles(_ cluster: Cluster, _ endpoints: ClassedEndpoints) -> [String: CompiledPolicy] {
    var names = Set(cluster.profiles.keys)
    for index in endpoints.representatives.indices { names.formUnion(endpoints.representatives[index].profiles) }
    var rules: [Rule: CompiledRule] = [:]
    var result: [String: CompiledPolicy] = [:]
    for name in names.sorted() {
      if let profile = cluster.profile(name) {
        result[name] = CompiledPolicy(profile, endpoints.classIndex, compiled: &rules)
      }
    }
    return result
  }

  /// `profiles` (compiled before classes were added) extended by the classes `added`
  /// indexes, and the profiles only those classes name (from class `first` on) compiled.
  private static func grownProfiles(
    _ profiles: [String: CompiledPolicy], _ added: ClassIndex, _ cluster: Cluster, _ endpoints: ClassedEndpoints,
    from first: Int
  ) -> [String: CompiledPolicy] {
    var grown: [ObjectIdentifier: CompiledRule] = [:]
    var result = profiles.mapValues { $0.growingProfile(added, grown: &grown) }
    var compiled: [Rule: CompiledRule] = [:]
    for cls in first..<endpoints.representatives.count {
      for name in endpoints.representatives[cls].profiles where result[name] == nil {
        if let profile = cluster.profile(name) {
          result[name] = CompiledPolicy(profile, endpoints.classIndex, compiled: &compiled)
        }
      }
    }
    return result
  }

  /// The tiers in evaluation order.
  private static func sortedTiers(_ cluster: Cluster) -> [Tier] {
    cluster.tiers.values.sorted(by: Tier.precedes)
  }

  /// The classes (among `touched`, or all) whose tiers or policies in `applied` differ from
  /// those in `previous`, or where one that applies is new or edited (`before`: per policy,
  /// its index before when unchanged).
  private static func changedClasses(
    _ applied: [[[AppliedTier]]], from previous: [[[AppliedTier]]], among touched: ClassBits?, before: [Int?]
  ) -> ClassBits {
    var changed = ClassBits(count: applied.count)
    func compare(_ cls: Int) {
      let same = zip(applied[cls], previous[cls]).allSatisfy { now, then in
        now.count == then.count
          && zip(now, then).allSatisfy { a, b in
            a.tier == b.tier && a.policies.count == b.policies.count
              && zip(a.policies, b.policies).allSatisfy { before[$0] == $1 }
          }
      }
      if !same { changed[cls] = true }
    }
    // Outside the touched classes, the same policies apply in the same order.
    if let touched { touched.forEachMember(compare) } else { for cls in applied.indices { compare(cls) } }
    return changed
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
    previous.endpoints.cidrs == cidrs && previous.model.felix == cluster.felix
      && previous.model.ipPools == cluster.ipPools
      && previous.model.profiles == cluster.profiles
      && previous.model.namespaces == cluster.namespaces
      && previous.model.serviceAccountLabels == cluster.serviceAccountLabels
      && (sameRevision(previous.model, cluster)
        || (!madeFrom(previous.model, cluster) && previous.model.endpoints == cluster.endpoints))
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

  /// After an edit of endpoints alone, what changed: nil unless everything else classes and
  /// profile rules depend on is as in `previous` (policies are compared by the caller) and the
  /// endpoints are the same ones (ids, places, kinds) or the loader says how they were made
  /// from `previous`'s, or when so many changed that working everything out again costs less.
  private static func changedEndpoints(since previous: Evaluator, cluster: Cluster, cidrs: [CIDR]) -> EndpointEdit? {
    let before = previous.model
    guard previous.endpoints.cidrs == cidrs, before.felix == cluster.felix, before.ipPools == cluster.ipPools,
      before.profiles == cluster.profiles,
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
          guard old[index].id == new[index].id, old[index].kind == new[index].kind, few(changed.count) else {
            return nil
          }
          changed.append(index)
        }
        return changed
      }
    }
    return changed.map { EndpointEdit(changed: $0, olderPosition: nil) }
  }
}

/// What an evaluator took over from the evaluator of the cluster before an edit, and what
/// changed since: matrices computed with that one are updated, not computed again.
struct EvaluationUpdate: Sendable {
  /// The evaluator taken over.
  let previousToken: UInt64
  /// The classes whose policy changed (the tiers and policies that apply, or those
  /// policies' contents), or that are new; every other class's rows are as they were.
  let changedClasses: ClassBits
  /// The policies that apply to the changed classes (only their rules are needed to redo
  /// those classes' rows); empty when classes were added.
  let changedClassPolicies: Set<Int>
  /// After an edit of policies in place, the classes whose tiers and policies were worked
  /// out again (those the edited policies select, now or before); nil when every class's were.
  let touchedClasses: ClassBits?
  /// After an edit of endpoints that grew the classes: how many classes there were. Classes
  /// from this number on are new, the earlier ones keep their rows; nil otherwise.
  let previousClassCount: Int?
  /// Per policy, its index in the evaluator taken over if it is unchanged (so what was
  /// worked out for it holds, for the classes there were).
  let policyBefore: [Int?]
  /// Whether the endpoints are those of the evaluator taken over (the same ids at the same
  /// places; their details may have changed).
  let sameEndpoints: Bool
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
