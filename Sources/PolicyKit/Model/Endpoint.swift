/// What kind of thing an endpoint is.
public enum EndpointKind: Hashable, Sendable {
  /// A pod, or a workload's pod template (`Deployment`, `StatefulSet`...), named by its kind.
  case workload(kind: String)
  /// A Calico HostEndpoint: a node's own interface.
  case host
  /// A NetworkSet or GlobalNetworkSet: addresses outside the cluster, with labels.
  case networkSet

  /// Sort rank for listings: hosts first, then workloads, then network sets.
  public var rank: Int {
    switch self {
    case .host: 0
    case .workload: 1
    case .networkSet: 2
    }
  }
}

/// A named port an endpoint exposes (a pod's container port, a host endpoint's `ports`).
public struct NamedPort: Hashable, Sendable {
  /// The port's name.
  public var name: String
  /// Its protocol.
  public var ipProtocol: IPProtocol
  /// Its number.
  public var port: Int

  /// Creates a named port.
  public init(name: String, ipProtocol: IPProtocol, port: Int) {
    self.name = name
    self.ipProtocol = ipProtocol
    self.port = port
  }
}

/// A row and column of the matrix: a pod or workload, a host endpoint or a network set.
public struct Endpoint: Hashable, Sendable, Identifiable {
  /// `namespace/name`, `host/<name>`, `net/<name>` or `net/<namespace>/<name>`; a `[Kind]`
  /// suffix only when two workloads of different kinds share a name.
  public var id: String
  /// What it is.
  public var kind: EndpointKind
  /// The object's name.
  public var name: String
  /// The namespace, for pods, workloads and namespaced network sets.
  public var namespace: String?
  /// The labels the user wrote.
  public var labels: [String: String]
  /// The labels Calico selectors see: the user's plus those Calico adds
  /// (`projectcalico.org/namespace`, `projectcalico.org/orchestrator`,
  /// `projectcalico.org/serviceaccount`, `pcns.*`, `pcsa.*`, profile labels).
  public var selectorLabels: [String: String]
  /// The service account (pods and workloads).
  public var serviceAccount: String?
  /// The endpoint's addresses; the first is where probes go and come from.
  public var addresses: [IPAddress]
  /// For network sets: their CIDRs.
  public var nets: [CIDR]
  /// Whether the address was made up from the pod CIDR because the manifest had none.
  public var hasSyntheticAddress: Bool
  /// Named ports.
  public var namedPorts: [NamedPort]
  /// The node the endpoint lives on (pods: `spec.nodeName`; hosts: `spec.node`).
  public var node: String?
  /// Profiles, in order (pods: `kns.<ns>`, `ksa.<ns>.<sa>`; hosts: `spec.profiles`).
  public var profiles: [String]
  /// Host endpoints only: whether `expectedIPs` was given (label rules need it).
  public var hasExpectedIPs: Bool
  /// Host endpoints only: the interface (`*` for all).
  public var interfaceName: String?
  /// Pods with `spec.hostNetwork: true` (and, in the evaluation's model, the host each stands
  /// for): their traffic is their node's.
  public var hostNetwork: HostNetworking?
  /// Where the object was defined.
  public var location: SourceLocation

  /// Creates an endpoint; `selectorLabels` start as `labels`.
  public init(
    id: String, kind: EndpointKind, name: String, namespace: String?,
    labels: [String: String], location: SourceLocation
  ) {
    self.id = id
    self.kind = kind
    self.name = name
    self.namespace = namespace
    self.labels = labels
    self.selectorLabels = labels
    self.serviceAccount = nil
    self.addresses = []
    self.nets = []
    self.hasSyntheticAddress = false
    self.namedPorts = []
    self.node = nil
    self.profiles = []
    self.hasExpectedIPs = false
    self.interfaceName = nil
    self.hostNetwork = nil
    self.location = location
  }

  /// Whether this is a host endpoint.
  public var isHost: Bool { kind == .host }
  /// Whether this is a network set.
  public var isNetworkSet: Bool { kind == .networkSet }
  /// Whether this is a pod or a workload.
  public var isWorkload: Bool {
    if case .workload = kind { return true }
    return false
  }

  /// The address probes use: the first one.
  public var address: IPAddress? { addresses.first }

  /// The number of `name` for `ipProtocol`, if the endpoint exposes such a port.
  public func port(named name: String, _ ipProtocol: IPProtocol) -> Int? {
    namedPorts.first { $0.name == name && $0.ipProtocol == ipProtocol }?.port
  }

  /// A short description for traces: `pod, namespace prod`, `host endpoint, node worker`.
  public var summary: String {
    switch kind {
    case .workload(let kind):
      let what = kind == "Pod" ? "pod" : kind
      if let hostNetwork {
        return "host-networked \(what), namespace \(namespace ?? "-"), node \(hostNetwork.node ?? "-")"
      }
      return "\(what), namespace \(namespace ?? "-")"
    case .host:
      return "host endpoint, node \(node ?? "-")"
    case .networkSet:
      return namespace.map { "network set, namespace \($0)" } ?? "global network set"
    }
  }
}
