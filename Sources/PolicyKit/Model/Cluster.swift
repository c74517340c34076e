/// A namespace and the labels its selectors see.
public struct Namespace: Hashable, Sendable {
  /// The name.
  public var name: String
  /// Labels as written, plus `kubernetes.io/metadata.name`.
  public var labels: [String: String]
  /// The labels Calico namespace selectors see: `labels` plus `projectcalico.org/name`.
  public var selectorLabels: [String: String]
  /// Whether a Namespace manifest declared it (false: created because something referred to it).
  public var isDeclared: Bool
  /// Where it was declared or first referred to.
  public var location: SourceLocation?
}

/// A Kubernetes node.
public struct Node: Hashable, Sendable {
  /// The name.
  public var name: String
  /// Its labels.
  public var labels: [String: String]
  /// Its addresses (InternalIP first).
  public var addresses: [IPAddress]
  /// Where it was declared.
  public var location: SourceLocation
}

/// A port (and optional network) that Felix keeps open on host endpoints whatever the policy.
public struct FailsafePort: Hashable, Sendable, CustomStringConvertible {
  /// The protocol.
  public var ipProtocol: IPProtocol
  /// The port.
  public var port: Int
  /// The remote network it is limited to (nil: any).
  public var net: CIDR?

  /// Creates a failsafe port.
  public init(_ ipProtocol: IPProtocol, _ port: Int, net: CIDR? = nil) {
    self.ipProtocol = ipProtocol
    self.port = port
    self.net = net
  }

  public var description: String {
    "\(ipProtocol.rawValue.lowercased()):\(port)" + (net.map { " from \($0)" } ?? "")
  }
}

/// What Felix does with traffic from a pod to its own node, after the pod's egress policy
/// (`felix/rules/static.go`: the INPUT chain sends packets from workload interfaces to the
/// workload-to-host chain, which ends with this action, before any host endpoint policy).
/// The host endpoint's normal policy never sees such traffic, whatever the action.
public enum EndpointToHostAction: String, Hashable, Sendable {
  /// Drop it.
  case drop = "Drop"
  /// Accept it.
  case accept = "Accept"
  /// Hand it back to the host's own INPUT chain, outside Calico (taken to accept, the
  /// kernel's default when nothing else is installed there).
  case `return` = "Return"
}

/// The Felix settings that change the matrix.
public struct FelixSettings: Hashable, Sendable {
  /// Inbound failsafe ports (Felix defaults unless a FelixConfiguration sets them).
  public var failsafeInbound: [FailsafePort]
  /// Outbound failsafe ports.
  public var failsafeOutbound: [FailsafePort]
  /// `defaultEndpointToHostAction`.
  public var endpointToHostAction: EndpointToHostAction
  /// `natOutgoingExclusions`.
  public var natOutgoingExclusions: NATOutgoingExclusions = .ipPoolsOnly
  /// Where these came from (nil: defaults).
  public var location: SourceLocation?

  /// Felix's failsafe defaults (`config_params.go`), and `Accept` for pod-to-own-host traffic:
  /// Felix's built-in value is `Drop`, but the standard installs (the manifests and the
  /// operator) set `Accept`; a FelixConfiguration `defaultEndpointToHostAction` says otherwise.
  public static let defaults = FelixSettings(
    failsafeInbound: [
      .init(.tcp, 22), .init(.udp, 68), .init(.tcp, 179), .init(.tcp, 2379), .init(.tcp, 2380),
      .init(.tcp, 5473), .init(.tcp, 6443), .init(.tcp, 6666), .init(.tcp, 6667),
    ],
    failsafeOutbound: [
      .init(.udp, 53), .init(.udp, 67), .init(.tcp, 179), .init(.tcp, 2379), .init(.tcp, 2380),
      .init(.tcp, 5473), .init(.tcp, 6443), .init(.tcp, 6666), .init(.tcp, 6667),
    ],
    endpointToHostAction: .accept,
    location: nil)
}

/// A pod or workload of the manifests that makes no endpoint, and why: a dump of a real
/// cluster holds finished pods and Jobs, pods not scheduled yet and workloads scaled to zero.
public struct LeftOutObject: Hashable, Sendable {
  /// `Pod`, `Deployment`, `Job`...
  public var kind: String
  public var namespace: String
  public var name: String
  /// Why: `finished (phase Succeeded)`, `no address yet (phase Pending)`, `replicas: 0`...
  public var reason: String
  /// Where it was written.
  public var location: SourceLocation
}

/// Everything loaded from a set of manifests, ready to evaluate.
/// Identifies a list of endpoints as the loader made it and, when it was made from the list
/// of an earlier load by changing some endpoints (their details, not their ids) or adding and
/// removing some, that list and what changed: an evaluator finds an edit's endpoints without
/// comparing every one.
struct EndpointRevision: Sendable {
  var token = UInt64.random(in: 1...UInt64.max)
  var base: UInt64?
  /// The positions of the endpoints made again or added (not those that only moved to other
  /// lines of their file: an evaluation sees them as they were).
  var changed: [Int] = []
  /// When endpoints were added or removed: per position, the endpoint's position in the base
  /// list (-1 for an added one); nil when every endpoint is where it was.
  var olderPosition: [Int32]?
}

public struct Cluster: Sendable {
  /// Namespaces by name.
  public var namespaces: [String: Namespace] = [:]
  /// Nodes by name.
  public var nodes: [String: Node] = [:]
  /// Service account labels by `namespace/name`.
  public var serviceAccountLabels: [String: [String: String]] = [:]
  /// The endpoints, in display order: hosts, then workloads by namespace, then network sets.
  public var endpoints: [Endpoint] = [] {
    // Changed after loading: no longer the list the loader made.
    didSet { endpointRevision = nil }
  }
  /// Which list of endpoints the loader made these (nil once they are changed otherwise).
  var endpointRevision: EndpointRevision?
  /// Every policy, staged ones included.
  public var policies: [Policy] = []
  /// Tiers by name, built-in ones included.
  public var tiers: [String: Tier] = [:]
  /// Profiles by name (declared ones; `kns.*`, `ksa.*` and `projectcalico-default-allow` are
  /// built in).
  public var profiles: [String: Profile] = [:]
  /// Felix settings.
  public var felix: FelixSettings = .defaults
  /// Calico IP pools, by name.
  public var ipPools: [IPPool] = []
  /// Pods and workloads that make no endpoint, by namespace, name and kind.
  public var leftOut: [LeftOutObject] = []
  /// Services by `namespace/name`, with their endpoints (for Calico `services` matches).
  public var services: [String: Service] = [:]

  /// An empty cluster with the built-in tiers.
  public init() {
    for tier in Tier.builtIn { tiers[tier.name] = tier }
  }

  /// The endpoint with `id`, if any.
  public func endpoint(_ id: String) -> Endpoint? {
    endpoints.first { $0.id == id }
  }

  /// The labels namespace selectors see for `namespace` (just `projectcalico.org/name` and
  /// `kubernetes.io/metadata.name` for a namespace nobody declared).
  public func namespaceLabels(_ namespace: String) -> [String: String] {
    namespaces[namespace]?.selectorLabels
      ?? ["kubernetes.io/metadata.name": namespace, "projectcalico.org/name": namespace]
  }

  /// The profile called `name`: declared, or one of the built-in ones.
  public func profile(_ name: String) -> Profile? {
    if let declared = profiles[name] { return declared }
    if name == "projectcalico-default-allow" { return .allowAll(name) }
    if name.hasPrefix("kns.") { return .allowAll(name) }
    if name.hasPrefix("ksa.") { return Profile(name: name, ingress: [], egress: [], location: nil) }
    return nil
  }

  /// Policies whose identity matches `reference`: `name`, `Kind/name` or `Kind/namespace/name`
  /// (`NetworkPolicy` also finds Calico's namespaced kind).
  public func policies(matching reference: String) -> [Policy] {
    let parts = reference.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    return policies.filter { policy in
      let id = policy.id
      switch parts.count {
      case 1: return id.name == parts[0]
      case 2:
        return kindMatches(parts[0], id.kind) && id.name == parts[1]
      case 3:
        return kindMatches(parts[0], id.kind) && id.namespace == parts[1] && id.name == parts[2]
      default: return false
      }
    }
  }

  private func kindMatches(_ text: String, _ kind: PolicyKind) -> Bool {
    if text == kind.rawValue { return true }
    return text == "NetworkPolicy" && kind == .calicoNetworkPolicy
  }
}

extension LeftOutObject {
  /// The order `Cluster.leftOut` is in: by namespace, name and kind.
  static func precedes(_ a: LeftOutObject, _ b: LeftOutObject) -> Bool {
    (a.namespace, a.name, a.kind) < (b.namespace, b.name, b.kind)
  }
}
