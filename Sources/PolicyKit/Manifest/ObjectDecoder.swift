extension FileDecoder {
  /// Sends an object to the decoder for its API group and kind.
  mutating func decode(_ object: ObjectHeader, context: inout DecodeContext) {
    switch (object.group, object.kind) {
    case ("", "Namespace"): decodeNamespace(object, &context)
    case ("", "Pod"): decodeWorkload(object, template: object.node, &context)
    case ("", "Node"): decodeNode(object, &context)
    case ("", "ServiceAccount"): decodeServiceAccount(object, &context)
    case ("", "Service"): decodeService(object, &context)
    case ("discovery.k8s.io", "EndpointSlice"): decodeEndpointSlice(object, &context)
    case ("", "ReplicationController"), ("apps", "Deployment"), ("apps", "StatefulSet"),
      ("apps", "DaemonSet"), ("apps", "ReplicaSet"), ("batch", "Job"):
      decodeWorkload(object, template: object.node["spec"]?["template"], &context)
    case ("batch", "CronJob"):
      decodeWorkload(
        object, template: object.node["spec"]?["jobTemplate"]?["spec"]?["template"], &context)
    case ("networking.k8s.io", "NetworkPolicy"):
      decodeKubernetesNetworkPolicy(object, kind: .networkPolicy, spec: object.node["spec"], &context)
    case ("policy.networking.k8s.io", "AdminNetworkPolicy"),
      ("policy.networking.k8s.io", "BaselineAdminNetworkPolicy"),
      ("policy.networking.k8s.io", "ClusterNetworkPolicy"):
      decodeNetworkPolicyAPI(object, &context)
    case ("projectcalico.org", _), ("crd.projectcalico.org", _):
      decodeCalico(object, &context)
    default:
      skip(kind: object.kind, apiVersion: object.apiVersion, at: object.location)
    }
  }

  /// The namespace of a namespaced object (`default` when absent), noted as referenced.
  mutating func namespace(of object: ObjectHeader) -> String {
    let namespace = object.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
    referNamespace(namespace, at: object.location)
    return namespace
  }

  // MARK: - Kubernetes inventory

  private mutating func decodeNamespace(_ object: ObjectHeader, _ context: inout DecodeContext) {
    var labels = object.labels
    labels["kubernetes.io/metadata.name"] = object.name
    var selectorLabels = labels
    selectorLabels["projectcalico.org/name"] = object.name
    let namespace = Namespace(
      name: object.name, labels: labels, selectorLabels: selectorLabels, isDeclared: true,
      location: object.location)
    define(object.key("core"), "Namespace `\(object.name)`", at: object.location, .namespace(namespace))
  }

  private mutating func decodeNode(_ object: ObjectHeader, _ context: inout DecodeContext) {
    var addresses: [IPAddress] = []
    for entry in context.list(object.node["status"]?["addresses"], "status.addresses") ?? [] {
      guard let text = entry["address"]?.scalar, let ip = IPAddress(text) else { continue }
      if entry["type"]?.scalar == "InternalIP" {
        addresses.insert(ip, at: 0)
      } else {
        addresses.append(ip)
      }
    }
    let node = Node(
      name: object.name, labels: object.labels, addresses: addresses, location: object.location)
    define(object.key("core"), "Node `\(object.name)`", at: object.location, .node(node))
  }

  private mutating func decodeServiceAccount(
    _ object: ObjectHeader, _ context: inout DecodeContext
  ) {
    let namespace = namespace(of: object)
    define(
      object.key("core"), "ServiceAccount `\(namespace)/\(object.name)`", at: object.location,
      .serviceAccount(key: "\(namespace)/\(object.name)", labels: object.labels))
  }

  /// A Pod, or a workload whose pod template stands for all its pods.
  private mutating func decodeWorkload(
    _ object: ObjectHeader, template: YAMLNode?, _ context: inout DecodeContext
  ) {
    let namespace = namespace(of: object)
    let isPod = object.kind == "Pod"
    guard let template else {
      context.error("`\(object.kind)` has no pod template (`spec.template`)", at: object.node)
      return
    }
    let spec = template["spec"]
    let labels =
      isPod ? object.labels : context.stringMap(template["metadata"]?["labels"], "metadata.labels")
    var namedPorts: [NamedPort] = []
    for container in (context.list(spec?["containers"], "containers") ?? [])
      + (context.list(spec?["initContainers"], "initContainers") ?? [])
    {
      for port in context.list(container["ports"], "ports") ?? [] {
        guard let name = port["name"]?.scalar,
          let number = context.integer(port["containerPort"], "containerPort", in: 1...65535)
        else { continue }
        let protocolText = port["protocol"]?.scalar ?? "TCP"
        guard let ipProtocol = IPProtocol(name: protocolText) else {
          context.error("unknown protocol `\(protocolText)`", at: port["protocol"] ?? port)
          continue
        }
        namedPorts.append(NamedPort(name: name, ipProtocol: ipProtocol, port: number))
      }
    }
    var podIP: IPAddress?
    var extraIPs: [IPAddress] = []
    if isPod, let status = object.node["status"] {
      if let node = status["podIP"], let text = context.string(node, "status.podIP"),
        !text.isEmpty
      {
        if let ip = IPAddress(text) {
          podIP = ip
        } else {
          context.error("`status.podIP` is not an IP address: `\(text)`", at: node)
        }
      }
      // Every address counts (an IPv4 and an IPv6 one in a dual-stack cluster); `podIP` is
      // the first of `podIPs`, which a dump may hold alone.
      for entry in context.list(status["podIPs"], "status.podIPs") ?? [] {
        guard let node = entry["ip"], let text = context.string(node, "status.podIPs.ip"), !text.isEmpty else {
          continue
        }
        guard let ip = IPAddress(text) else {
          context.error("`status.podIPs[].ip` is not an IP address: `\(text)`", at: node)
          continue
        }
        if podIP == nil {
          podIP = ip
        } else if ip != podIP, !extraIPs.contains(ip) {
          extraIPs.append(ip)
        }
      }
    }
    var owners: [(kind: String, name: String)] = []
    for owner in context.list(object.node["metadata"]?["ownerReferences"], "ownerReferences") ?? [] {
      if let kind = owner["kind"]?.scalar, let name = owner["name"]?.scalar {
        owners.append((kind, name))
      }
    }
    let serviceAccount =
      spec?["serviceAccountName"]?.scalar ?? spec?["serviceAccount"]?.scalar ?? "default"
    let workload = RawWorkload(
      kind: object.kind, name: object.name, namespace: namespace, labels: labels,
      serviceAccount: serviceAccount, podIP: podIP, extraIPs: extraIPs,
      nodeName: spec?["nodeName"]?.scalar, hostNetwork: context.bool(spec?["hostNetwork"], "hostNetwork") == true,
      namedPorts: namedPorts, owners: owners, leftOut: Lifecycle.leftOutReason(object, &context),
      location: object.location)
    define(
      object.key("workload"), "\(object.kind) `\(namespace)/\(object.name)`", at: object.location,
      .workload(workload))
  }
}
