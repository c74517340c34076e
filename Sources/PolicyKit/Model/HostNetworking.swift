/// How a pod with `spec.hostNetwork: true` takes part in the matrix. It has no interface of its
/// own, so Calico makes no workload endpoint for it: its traffic is its node's, from and to the
/// node's address, policed by the node's host endpoint (failsafe ports included) or, on a node
/// without one, not at all; no policy selects it by its labels.
public struct HostNetworking: Hashable, Sendable {
  /// The node whose traffic the pod's is (nil: the pod names no node).
  public var node: String?
  /// The host endpoint that polices that traffic, by id (set in the evaluation's model; nil
  /// when the node has none).
  public var hostEndpoint: String?

  /// Creates the marks of a host-networked pod.
  public init(node: String?, hostEndpoint: String? = nil) {
    self.node = node
    self.hostEndpoint = hostEndpoint
  }

  /// `host-networked: this is node X's traffic` and what polices it, for traces.
  public var note: String {
    let node = self.node.map { "node \($0)'s" } ?? "its node's"
    if let hostEndpoint {
      return "host-networked: this is \(node) traffic, policed by host endpoint \(hostEndpoint)"
    }
    return "host-networked: this is \(node) traffic; the node has no host endpoint, so Calico does not police it"
  }
}

extension Endpoint {
  /// Whether this is a pod (or a pod template) with `spec.hostNetwork: true`.
  public var isHostNetworked: Bool { hostNetwork != nil }
}

extension Cluster {
  /// The host endpoint that polices node `node`'s own traffic: the one with
  /// `interfaceName: "*"`, else the first by id.
  public func hostEndpoint(ofNode node: String) -> Endpoint? {
    let hosts = endpoints.filter { $0.isHost && $0.node == node && !$0.isHostNetworked }
    return hosts.first { $0.interfaceName == "*" } ?? hosts.min { $0.id < $1.id }
  }

  /// The cluster as the evaluation sees it: each host-networked pod becomes its node's host,
  /// under its own id (a copy of the host endpoint that polices the node, or, on a node
  /// without one, a host no policy selects, with the pod's addresses: its node's); every other
  /// endpoint is as it is. The loader's note of which endpoints it made again names the pods
  /// that stand in for a host endpoint it made again.
  func evaluationModel() -> Cluster {
    guard endpoints.contains(where: \.isHostNetworked) else { return self }
    var policing: [String: Int] = [:]
    for index in endpoints.indices where endpoints[index].isHost {
      guard let node = endpoints[index].node else { continue }
      if let known = policing[node] {
        let (old, new) = (endpoints[known], endpoints[index])
        let better =
          (new.interfaceName == "*") != (old.interfaceName == "*") ? new.interfaceName == "*" : new.id < old.id
        if better { policing[node] = index }
      } else {
        policing[node] = index
      }
    }
    var model = self
    var standIns: [Int] = []
    for index in endpoints.indices where endpoints[index].isHostNetworked {
      let host = endpoints[index].node.flatMap { policing[$0] }.map { endpoints[$0] }
      model.endpoints[index] = Self.standIn(for: endpoints[index], host: host)
      standIns.append(index)
    }
    if var revision = endpointRevision {
      let remadeNodes = Set(revision.changed.compactMap { endpoints[$0].isHost ? endpoints[$0].node : nil })
      let more = standIns.filter { index in endpoints[index].node.map(remadeNodes.contains) ?? false }
      if !more.isEmpty { revision.changed = Array(Set(revision.changed).union(more)).sorted() }
      model.endpointRevision = revision
    }
    return model
  }

  /// What a host-networked pod is to the evaluation: its node's host endpoint under the pod's
  /// id, or a host without labels, profiles or policy.
  static func standIn(for pod: Endpoint, host: Endpoint?) -> Endpoint {
    guard let host else {
      var endpoint = Endpoint(
        id: pod.id, kind: .host, name: pod.name, namespace: nil, labels: [:], location: pod.location)
      endpoint.addresses = pod.addresses
      endpoint.hasSyntheticAddress = pod.hasSyntheticAddress
      endpoint.node = pod.node
      endpoint.hostNetwork = HostNetworking(node: pod.node)
      return endpoint
    }
    var endpoint = host
    endpoint.id = pod.id
    endpoint.name = pod.name
    endpoint.location = pod.location
    endpoint.hostNetwork = HostNetworking(node: host.node, hostEndpoint: host.id)
    return endpoint
  }
}

extension Endpoint {
  /// In the evaluation's model: a host-networked pod on a node without a host endpoint, which
  /// no policy governs.
  var isUnpolicedHost: Bool { isHost && hostNetwork != nil && hostNetwork?.hostEndpoint == nil }
}
