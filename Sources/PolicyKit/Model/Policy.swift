/// The manifest kind a policy came from.
public enum PolicyKind: String, Hashable, Sendable, CaseIterable, Comparable {
  /// `networking.k8s.io/v1` NetworkPolicy.
  case networkPolicy = "NetworkPolicy"
  /// `projectcalico.org/v3` NetworkPolicy (namespaced).
  case calicoNetworkPolicy = "CalicoNetworkPolicy"
  case globalNetworkPolicy = "GlobalNetworkPolicy"
  case adminNetworkPolicy = "AdminNetworkPolicy"
  case baselineAdminNetworkPolicy = "BaselineAdminNetworkPolicy"
  case clusterNetworkPolicy = "ClusterNetworkPolicy"
  case stagedNetworkPolicy = "StagedNetworkPolicy"
  case stagedGlobalNetworkPolicy = "StagedGlobalNetworkPolicy"
  case stagedKubernetesNetworkPolicy = "StagedKubernetesNetworkPolicy"

  /// Whether policies of this kind are staged (never enforced).
  public var isStaged: Bool { enforcedTwin != self }

  /// The enforced kind a staged kind stands in for (itself for enforced kinds).
  public var enforcedTwin: PolicyKind {
    switch self {
    case .stagedNetworkPolicy: .calicoNetworkPolicy
    case .stagedGlobalNetworkPolicy: .globalNetworkPolicy
    case .stagedKubernetesNetworkPolicy: .networkPolicy
    default: self
    }
  }

  /// Whether policies of this kind live in a namespace.
  public var isNamespaced: Bool {
    switch enforcedTwin {
    case .networkPolicy, .calicoNetworkPolicy: true
    default: false
    }
  }

  public static func < (a: PolicyKind, b: PolicyKind) -> Bool { a.rawValue < b.rawValue }
}

/// A policy's identity: kind, namespace (for namespaced kinds) and name.
public struct PolicyID: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// The kind.
  public var kind: PolicyKind
  /// The namespace, for namespaced kinds.
  public var namespace: String?
  /// The name as written (a `crd.projectcalico.org/v1` tier prefix removed).
  public var name: String

  /// Creates an identity.
  public init(kind: PolicyKind, namespace: String?, name: String) {
    self.kind = kind
    self.namespace = namespace
    self.name = name
  }

  /// `Kind/name` or `Kind/namespace/name`.
  public var description: String {
    if let namespace { return "\(kind.rawValue)/\(namespace)/\(name)" }
    return "\(kind.rawValue)/\(name)"
  }

  /// `name` or `namespace/name`, the short form used in traces after the kind.
  public var qualifiedName: String {
    if let namespace { return "\(namespace)/\(name)" }
    return name
  }

  public static func < (a: PolicyID, b: PolicyID) -> Bool {
    (a.kind, a.namespace ?? "", a.name) < (b.kind, b.namespace ?? "", b.name)
  }
}

/// What a staged policy proposes to do with its enforced twin.
public enum StagedAction: String, Hashable, Sendable {
  /// Create or replace the enforced policy with this one.
  case set = "Set"
  /// Delete the enforced policy of the same name.
  case delete = "Delete"
}

/// A policy of any kind, in the one model the evaluator understands.
public struct Policy: Hashable, Sendable, Identifiable {
  /// Kind, namespace and name.
  public var id: PolicyID
  /// The tier it sits in.
  public var tier: String
  /// Its order in the tier (nil: after every ordered policy).
  public var order: Double?
  /// The endpoints it applies to.
  public var subject: EndpointSelector
  /// Whether it applies to ingress.
  public var appliesToIngress: Bool
  /// Whether it applies to egress.
  public var appliesToEgress: Bool
  /// Ingress rules in written order.
  public var ingress: [Rule]
  /// Egress rules in written order.
  public var egress: [Rule]
  /// For staged kinds: what it proposes.
  public var stagedAction: StagedAction
  /// The name Calico sorts by on equal order (`knp.default.<name>` for Kubernetes policies).
  public var sortName: String
  /// Calico `preDNAT: true`: host endpoint ingress policy applied before DNAT, to every packet
  /// that arrives through the host endpoint (with `interfaceName: "*"`, the pods' own too).
  public var isPreDNAT = false
  /// Where it was written.
  public var location: SourceLocation
  /// Where its tier was named (nil: the default tier, or a tier its kind implies).
  public var tierLocation: SourceLocation?
  /// Where its order (`order`, `priority`) was written.
  public var orderLocation: SourceLocation?

  /// Creates a policy with no rules.
  public init(
    id: PolicyID, tier: String, order: Double?, subject: EndpointSelector,
    location: SourceLocation
  ) {
    self.id = id
    self.tier = tier
    self.order = order
    self.subject = subject
    self.appliesToIngress = true
    self.appliesToEgress = false
    self.ingress = []
    self.egress = []
    self.stagedAction = .set
    self.sortName = id.name
    self.location = location
  }

  /// Whether the policy is staged.
  public var isStaged: Bool { id.kind.isStaged }

  /// Whether it applies in `direction`.
  public func applies(to direction: Direction) -> Bool {
    direction == .ingress ? appliesToIngress : appliesToEgress
  }

  /// The rules for `direction`.
  public func rules(_ direction: Direction) -> [Rule] {
    direction == .ingress ? ingress : egress
  }

  /// The order as text: `100`, or `none` when unset.
  public var orderText: String { order.map(formatOrder) ?? "none" }

  /// Calico's order within a tier (`policy_sorter.go`): order ascending with no order last,
  /// then the text `name/namespace/kind`.
  public static func precedes(_ a: Policy, _ b: Policy) -> Bool {
    precedes(a.orderingKey, b.orderingKey)
  }

  /// What `precedes` compares, to be worked out once per policy when sorting many.
  var orderingKey: (order: Double?, text: String) {
    (order, "\(sortName)/\(id.namespace ?? "")/\(id.kind.rawValue)")
  }

  /// `precedes` on ordering keys.
  static func precedes(_ a: (order: Double?, text: String), _ b: (order: Double?, text: String)) -> Bool {
    switch (a.order, b.order) {
    case (let x?, let y?) where x != y: return x < y
    case (_?, nil): return true
    case (nil, _?): return false
    default: return a.text < b.text
    }
  }
}

/// `100` for whole numbers, `100.5` otherwise.
func formatOrder(_ value: Double) -> String {
  if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
  return String(value)
}
