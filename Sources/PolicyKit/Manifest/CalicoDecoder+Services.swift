extension FileDecoder {
  /// A rule side's `services: {name, namespace}`, checked as Calico's schema checks it: a
  /// name is required; no selector, namespace selector, nets or service accounts beside it;
  /// no ports beside a destination service (its endpoints' ports are the ports). The
  /// namespace defaults to the policy's; a global policy must name one.
  mutating func calicoServices(
    _ node: YAMLNode, in entity: YAMLNode, _ field: String, _ scope: CalicoScope, _ context: inout DecodeContext
  ) -> ServiceReference? {
    guard context.mapping(node, "\(field).services") != nil else {
      if node.isNull { context.error("`\(field).services` must name a service", at: node) }
      return nil
    }
    context.checkFields(node, ["name", "namespace"], in: "`\(field).services`")
    for other in ["selector", "notSelector", "namespaceSelector", "nets", "notNets", "serviceAccounts"] {
      guard let key = entity.mapping?.first(where: { $0.key.scalar == other })?.key else { continue }
      context.error("`\(other)` cannot be given with `services` on the same rule side", at: key)
    }
    if field == "destination" {
      for other in ["ports", "notPorts"] {
        guard let key = entity.mapping?.first(where: { $0.key.scalar == other })?.key else { continue }
        context.error(
          "`\(other)` cannot be given with destination `services`: the service's endpoints give the ports", at: key)
      }
    }
    guard let name = context.string(node["name"], "\(field).services.name"), !name.isEmpty else {
      context.error("`\(field).services` must name a service (`name`)", at: node)
      return nil
    }
    let written = context.string(node["namespace"], "\(field).services.namespace").flatMap { $0.isEmpty ? nil : $0 }
    switch (written, scope) {
    case (let namespace?, _):
      return ServiceReference(namespace: namespace, name: name)
    case (nil, .namespaced(let namespace)):
      return ServiceReference(namespace: namespace, name: name)
    default:
      context.error("`\(field).services` in a global policy must give the service's `namespace`", at: node)
      return nil
    }
  }
}
