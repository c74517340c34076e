/// A policy or profile compiled against the endpoint classes: the classes it applies to and
/// each of its rules as a `CompiledRule`.
struct CompiledPolicy: Sendable {
  /// The classes it applies to: those a policy's subject selects (network sets aside), or
  /// every class for a profile (it applies to the endpoints that name it).
  let subjects: ClassBits
  /// Its rules per direction list (0: ingress, 1: egress), in written order.
  let rules: [[CompiledRule]]

  /// Compiles `policy` against the classes `classIndex` describes.
  init(_ policy: Policy, _ classIndex: ClassIndex) {
    let subjects = classIndex.select(policy.subject, asPeer: false).subtracting(classIndex.networkSets)
    self.init(ingress: policy.ingress, egress: policy.egress, subjects: subjects, classIndex)
  }

  /// Compiles `profile`'s rules against the classes `classIndex` describes; `compiled` keeps the
  /// rules compiled so far, so that profiles with the same rules (every namespace's `kns.*`
  /// allows all) compile them once.
  init(_ profile: Profile, _ classIndex: ClassIndex, compiled: inout [Rule: CompiledRule]) {
    let subjects = classIndex.everything
    func compile(_ rule: Rule) -> CompiledRule {
      if let known = compiled[rule] { return known }
      let made = CompiledRule(rule, classIndex: classIndex, subjects: subjects)
      compiled[rule] = made
      return made
    }
    self.subjects = subjects
    rules = [profile.ingress.map(compile), profile.egress.map(compile)]
  }

  private init(ingress: [Rule], egress: [Rule], subjects: ClassBits, _ classIndex: ClassIndex) {
    self.subjects = subjects
    rules = [ingress, egress].map { list in
      list.map { CompiledRule($0, classIndex: classIndex, subjects: subjects) }
    }
  }

  private init(subjects: ClassBits, rules: [[CompiledRule]]) {
    self.subjects = subjects
    self.rules = rules
  }

  /// The policy with its sets shared with equal ones `shared` has seen.
  func sharingSets(_ shared: inout SharedClassBits) -> CompiledPolicy {
    CompiledPolicy(subjects: shared.share(subjects), rules: rules.map { $0.map { $0.sharingSets(&shared) } })
  }

  /// The rules for `direction`.
  func rules(_ direction: Direction) -> [CompiledRule] {
    rules[direction == .ingress ? 0 : 1]
  }

  /// This profile over these classes and those `added` indexes (numbered after these, from
  /// 0); `grown` keeps the rules extended so far, so that profiles with the same rules extend
  /// them once.
  func growingProfile(_ added: ClassIndex, grown: inout [ObjectIdentifier: CompiledRule]) -> CompiledPolicy {
    let subjects = added.everything
    func grow(_ rule: CompiledRule) -> CompiledRule {
      if let known = grown[ObjectIdentifier(rule)] { return known }
      let made = rule.appending(CompiledRule(rule.rule, classIndex: added, subjects: subjects))
      grown[ObjectIdentifier(rule)] = made
      return made
    }
    return CompiledPolicy(subjects: self.subjects.appending(subjects), rules: rules.map { $0.map(grow) })
  }

  /// This policy over these classes followed by `other`'s (the same policy compiled for
  /// classes added after these, numbered from 0).
  func appending(_ other: CompiledPolicy) -> CompiledPolicy {
    CompiledPolicy(
      subjects: subjects.appending(other.subjects),
      rules: zip(rules, other.rules).map { mine, theirs in zip(mine, theirs).map { $0.appending($1) } })
  }
}
