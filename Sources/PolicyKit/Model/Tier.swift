/// What happens at the end of a tier to traffic that a policy of the tier selected but no rule
/// decided.
public enum TierDefaultAction: String, Hashable, Sendable {
  case deny = "Deny"
  case pass = "Pass"
}

/// An ordered group of policies.
public struct Tier: Hashable, Sendable {
  /// The name.
  public var name: String
  /// The order (nil: after every ordered tier).
  public var order: Double?
  /// The end-of-tier action.
  public var defaultAction: TierDefaultAction
  /// Where it was declared (nil for the built-in tiers).
  public var location: SourceLocation?

  /// Creates a tier.
  public init(
    name: String, order: Double?, defaultAction: TierDefaultAction, location: SourceLocation?
  ) {
    self.name = name
    self.order = order
    self.defaultAction = defaultAction
    self.location = location
  }

  /// The Network Policy API's admin tier: order 1,000, default Pass.
  public static let kubeAdmin = Tier(
    name: "kube-admin", order: 1_000, defaultAction: .pass, location: nil)
  /// Calico's default tier: order 1,000,000, default Deny.
  public static let defaultTier = Tier(
    name: "default", order: 1_000_000, defaultAction: .deny, location: nil)
  /// The Network Policy API's baseline tier: order 10,000,000, default Pass.
  public static let kubeBaseline = Tier(
    name: "kube-baseline", order: 10_000_000, defaultAction: .pass, location: nil)

  /// The built-in tiers.
  public static let builtIn: [Tier] = [kubeAdmin, defaultTier, kubeBaseline]

  /// Tier names used by Calico 3.29-3.31, mapped to today's names.
  public static let legacyNames: [String: String] = [
    "adminnetworkpolicy": "kube-admin",
    "baselineadminnetworkpolicy": "kube-baseline",
  ]

  /// The order as text.
  public var orderText: String { order.map(formatOrder) ?? "none" }

  /// Calico's tier order: order ascending, no order last, then by name.
  public static func precedes(_ a: Tier, _ b: Tier) -> Bool {
    switch (a.order, b.order) {
    case (let x?, let y?) where x != y: return x < y
    case (_?, nil): return true
    case (nil, _?): return false
    default: return a.name < b.name
    }
  }
}

/// A Calico profile: rules evaluated after the tiers, and labels given to its endpoints.
public struct Profile: Hashable, Sendable {
  /// The name (`kns.prod`, `projectcalico-default-allow`...).
  public var name: String
  /// Ingress rules.
  public var ingress: [Rule]
  /// Egress rules.
  public var egress: [Rule]
  /// Labels its endpoints inherit.
  public var labelsToApply: [String: String]
  /// Where it was declared (nil for built-in and generated profiles).
  public var location: SourceLocation?

  /// Creates a profile.
  public init(
    name: String, ingress: [Rule], egress: [Rule], labelsToApply: [String: String] = [:],
    location: SourceLocation?
  ) {
    self.name = name
    self.ingress = ingress
    self.egress = egress
    self.labelsToApply = labelsToApply
    self.location = location
  }

  /// A profile that allows everything both ways (what `kns.<namespace>` and
  /// `projectcalico-default-allow` are).
  public static func allowAll(_ name: String, location: SourceLocation? = nil) -> Profile {
    Profile(
      name: name,
      ingress: [Rule(action: .allow, direction: .ingress, index: 0, location: location)],
      egress: [Rule(action: .allow, direction: .egress, index: 0, location: location)],
      location: location)
  }

  /// The rules for `direction`.
  public func rules(_ direction: Direction) -> [Rule] {
    direction == .ingress ? ingress : egress
  }
}
