/// A Kubernetes Service as Calico's `services` rule matches see it: its endpoints' addresses
/// and, for each, the ports they serve.
public struct Service: Hashable, Sendable {
  /// The namespace.
  public var namespace: String
  /// The name.
  public var name: String
  /// Its endpoints, in address order.
  public var backends: [ServiceBackend]
  /// Where the endpoints come from: its EndpointSlices, or (none loaded) its selector over
  /// the loaded pods.
  public var source: Source
  /// Where the Service (or its first EndpointSlice) was written.
  public var location: SourceLocation

  /// Where a service's endpoints were found.
  public enum Source: String, Hashable, Sendable {
    /// The EndpointSlices of the manifests (`kubernetes.io/service-name`).
    case endpointSlices = "EndpointSlices"
    /// The Service's selector over the loaded pods, as the EndpointSlice controller would.
    case selector
  }

  /// `namespace/name`.
  public var id: String { "\(namespace)/\(name)" }
}

/// One endpoint of a service: an address and the ports it serves there.
public struct ServiceBackend: Hashable, Sendable {
  /// The address.
  public var address: IPAddress
  /// The ports (an EndpointSlice port without a number gives none: Felix puts no member in
  /// the service's IP set for it).
  public var ports: [ServicePort]

  /// Creates a backend.
  public init(address: IPAddress, ports: [ServicePort]) {
    self.address = address
    self.ports = ports
  }
}

/// A protocol and port an endpoint serves.
public struct ServicePort: Hashable, Sendable, Comparable {
  public var ipProtocol: IPProtocol
  public var port: Int

  /// Creates a port.
  public init(_ ipProtocol: IPProtocol, _ port: Int) {
    self.ipProtocol = ipProtocol
    self.port = port
  }

  public static func < (a: ServicePort, b: ServicePort) -> Bool {
    (a.ipProtocol.rawValue, a.port) < (b.ipProtocol.rawValue, b.port)
  }
}

/// A Calico rule's `services` match: a service by name and namespace.
public struct ServiceReference: Hashable, Sendable, CustomStringConvertible {
  public var namespace: String
  public var name: String

  /// Creates a reference.
  public init(namespace: String, name: String) {
    self.namespace = namespace
    self.name = name
  }

  /// `namespace/name`.
  public var description: String { "\(namespace)/\(name)" }
}
