/// A Service as read: what its endpoints are worked out from when no EndpointSlice of it is
/// loaded.
struct RawService: Hashable, Sendable {
  var namespace: String
  var name: String
  /// `spec.selector` (nil or empty: the service has no automatic endpoints).
  var selector: [String: String]?
  var ports: [RawServicePort]
  var location: SourceLocation
}

/// A Service port: its protocol, and the port on the endpoints (`targetPort`, a number or a
/// container port's name; `port` when absent).
struct RawServicePort: Hashable, Sendable {
  var ipProtocol: IPProtocol
  var targetPort: Int?
  var targetName: String?
}

/// An EndpointSlice as read: the service it belongs to, its endpoints' addresses and ports.
struct RawEndpointSlice: Hashable, Sendable {
  var namespace: String
  /// The `kubernetes.io/service-name` label.
  var service: String?
  var addresses: [IPAddress]
  var ports: [ServicePort]
  var location: SourceLocation
}

extension FileDecoder {
  /// `v1` Service: its selector and ports.
  mutating func decodeService(_ object: ObjectHeader, _ context: inout DecodeContext) {
    let namespace = namespace(of: object)
    let spec = object.node["spec"]
    let selector = spec.map { context.stringMap($0["selector"], "spec.selector") }
    var ports: [RawServicePort] = []
    for item in context.list(spec?["ports"], "spec.ports") ?? [] {
      guard let ipProtocol = serviceProtocol(item["protocol"], &context),
        let port = context.integer(item["port"], "spec.ports.port", in: 1...65535)
      else { continue }
      var entry = RawServicePort(ipProtocol: ipProtocol, targetPort: port, targetName: nil)
      if let target = item["targetPort"], !target.isNull {
        if case .scalar(let text, let isPlain) = target.content, isPlain, let number = Int(text) {
          entry.targetPort = (1...65535).contains(number) ? number : nil
        } else {
          entry.targetPort = nil
          entry.targetName = context.string(target, "spec.ports.targetPort")
        }
      }
      ports.append(entry)
    }
    let service = RawService(
      namespace: namespace, name: object.name, selector: selector, ports: ports, location: object.location)
    define(
      object.key("service"), "Service `\(namespace)/\(object.name)`", at: object.location, .service(service))
  }

  /// `discovery.k8s.io/v1` EndpointSlice: every endpoint's addresses with the slice's ports.
  mutating func decodeEndpointSlice(_ object: ObjectHeader, _ context: inout DecodeContext) {
    let namespace = namespace(of: object)
    var addresses: [IPAddress] = []
    for endpoint in context.list(object.node["endpoints"], "endpoints") ?? [] {
      for (offset, text) in (context.stringList(endpoint["addresses"], "endpoints.addresses") ?? []).enumerated() {
        if let address = IPAddress(text) {
          if !addresses.contains(address) { addresses.append(address) }
        } else if object.node["addressType"]?.scalar != "FQDN" {
          context.error(
            "`endpoints.addresses` holds `\(text)`, not an IP address",
            at: endpoint["addresses"]?.sequence?[offset] ?? endpoint)
        }
      }
    }
    var ports: [ServicePort] = []
    for item in context.list(object.node["ports"], "ports") ?? [] {
      guard let ipProtocol = serviceProtocol(item["protocol"], &context) else { continue }
      // (A port without a number makes no IP set member in Felix's service index.)
      if let number = context.integer(item["port"], "ports.port", in: 1...65535) {
        ports.append(ServicePort(ipProtocol, number))
      }
    }
    let slice = RawEndpointSlice(
      namespace: namespace, service: object.labels["kubernetes.io/service-name"], addresses: addresses,
      ports: ports, location: object.location)
    define(
      object.key("endpointslice"), "EndpointSlice `\(namespace)/\(object.name)`", at: object.location,
      .endpointSlice(slice))
  }

  /// A port's `protocol` (TCP when absent); nil, with an error, for an unknown one.
  private mutating func serviceProtocol(_ node: YAMLNode?, _ context: inout DecodeContext) -> IPProtocol? {
    guard let node, let text = context.string(node, "protocol") else { return .tcp }
    guard let ipProtocol = IPProtocol(name: text) else {
      context.error("unknown protocol `\(text)` (expected TCP, UDP or SCTP)", at: node)
      return nil
    }
    return ipProtocol
  }
}

/// The services of a cluster, put together once its endpoints are: from the EndpointSlices
/// of each service when the manifests hold some, otherwise from its selector over the loaded
/// pods, as the EndpointSlice controller makes them (a named target port resolved on each
/// pod; pods without that port left out).
enum ServiceCatalog {
  static func services(
    _ raw: [RawService], slices: [RawEndpointSlice], endpoints: [Endpoint]
  ) -> [String: Service] {
    var services: [String: Service] = [:]
    var bySlices: [String: [RawEndpointSlice]] = [:]
    for slice in slices {
      guard let name = slice.service else { continue }
      bySlices["\(slice.namespace)/\(name)", default: []].append(slice)
    }
    for (id, group) in bySlices {
      var ports: [IPAddress: Set<ServicePort>] = [:]
      for slice in group {
        for address in slice.addresses { ports[address, default: []].formUnion(slice.ports) }
      }
      let first = group.min { $0.location < $1.location } ?? group[0]
      let location = raw.first { "\($0.namespace)/\($0.name)" == id }?.location ?? first.location
      services[id] = Service(
        namespace: first.namespace, name: first.service ?? "", backends: backends(ports), source: .endpointSlices,
        location: location)
    }
    for service in raw where services["\(service.namespace)/\(service.name)"] == nil {
      var ports: [IPAddress: Set<ServicePort>] = [:]
      if let selector = service.selector, !selector.isEmpty {
        for endpoint in endpoints where endpoint.isWorkload && endpoint.namespace == service.namespace {
          guard selector.allSatisfy({ endpoint.labels[$0.key] == $0.value }) else { continue }
          let served = service.ports.compactMap { port -> ServicePort? in
            if let name = port.targetName {
              return endpoint.port(named: name, port.ipProtocol).map { ServicePort(port.ipProtocol, $0) }
            }
            return port.targetPort.map { ServicePort(port.ipProtocol, $0) }
          }
          guard !served.isEmpty else { continue }
          for address in endpoint.addresses { ports[address, default: []].formUnion(served) }
        }
      }
      services["\(service.namespace)/\(service.name)"] = Service(
        namespace: service.namespace, name: service.name, backends: backends(ports), source: .selector,
        location: service.location)
    }
    return services
  }

  private static func backends(_ ports: [IPAddress: Set<ServicePort>]) -> [ServiceBackend] {
    ports.keys.sorted { ($0.isIPv4 ? 0 : 1, $0) < ($1.isIPv4 ? 0 : 1, $1) }.map { address in
      ServiceBackend(address: address, ports: (ports[address] ?? []).sorted())
    }
  }
}
