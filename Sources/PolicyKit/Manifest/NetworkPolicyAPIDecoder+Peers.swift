extension FileDecoder {
  /// The peers of a Network Policy API rule (`from` for ingress, `to` for egress), each with
  /// exactly one field as the API server's schema requires (`minProperties` and
  /// `maxProperties` 1). Ingress peers are `namespaces` or `pods`; egress peers also `nodes`
  /// (Node objects by label: their hosts and addresses) and `networks` (CIDRs). Peers of a
  /// kind that cannot be evaluated are returned by name, for the rule to fail closed.
  mutating func npaPeers(
    _ rule: YAMLNode, _ direction: Direction, isV1Alpha2: Bool, _ context: inout DecodeContext
  ) -> (peers: [Peer], unsupported: [String]) {
    let peerField = direction == .ingress ? "from" : "to"
    var known = ["namespaces", "pods"]
    if direction == .egress { known += isV1Alpha2 ? ["nodes", "networks", "domainNames"] : ["nodes", "networks"] }
    var peers: [Peer] = []
    var unsupported: [String] = []
    let items = context.list(rule[peerField], peerField) ?? []
    if items.isEmpty {
      context.error("a rule needs at least one `\(peerField)` peer", at: rule[peerField] ?? rule)
    }
    if items.count > 100 {
      context.error("`\(peerField)` has \(items.count) peers; at most 100 are allowed", at: rule[peerField] ?? rule)
    }
    for item in items {
      guard let entries = context.mapping(item, peerField)?.mapping else {
        if item.isNull { _ = context.exactlyOne(of: known, in: item, "a `\(peerField)` peer") }
        continue
      }
      let fields = entries.compactMap { $0.key.scalar }
      if direction == .ingress, let misplaced = fields.first(where: { $0 == "nodes" || $0 == "networks" }) {
        context.error(
          "`\(misplaced)` is not a `from` peer (only `to` peers select nodes or networks)",
          at: entries.first { $0.key.scalar == misplaced }?.key ?? item)
        continue
      }
      let named = fields.filter(known.contains)
      if named.isEmpty {
        if let first = fields.first {
          unsupported.append("`\(first)` peers")
        } else {
          _ = context.exactlyOne(of: known, in: item, "a `\(peerField)` peer")
        }
        continue
      }
      guard context.exactlyOne(of: known, in: item, "a `\(peerField)` peer") else { continue }
      switch named[0] {
      case "namespaces", "pods":
        if let peer = npaSelectorPeer(item, named[0], peerField, &context, unsupported: &unsupported) {
          peers.append(peer)
        }
      case "nodes":
        if let selector = context.labelSelector(item["nodes"], "\(peerField).nodes") {
          peers.append(.nodes(selector, NodeSet()))
        }
      case "networks":
        peers.append(contentsOf: npaNetworks(item["networks"] ?? item, &context))
      default:
        unsupported.append("`\(named[0])` peers")
      }
    }
    return (peers, unsupported)
  }

  /// A `namespaces` or `pods` peer.
  private mutating func npaSelectorPeer(
    _ item: YAMLNode, _ field: String, _ peerField: String, _ context: inout DecodeContext,
    unsupported: inout [String]
  ) -> Peer? {
    if field == "namespaces", let namespaces = item["namespaces"] {
      // v1alpha1 early drafts nested the selector as `namespaces.namespaceSelector`.
      let selectorNode = namespaces["namespaceSelector"] ?? namespaces
      if namespaces["sameLabels"] != nil || namespaces["notSameLabels"] != nil {
        unsupported.append("`sameLabels`/`notSameLabels`")
        return nil
      }
      guard let selector = context.labelSelector(selectorNode, "\(peerField).namespaces") else { return nil }
      return .endpoints(EndpointSelector(.all, namespaces: .matching(selector)))
    }
    let pods = item["pods"] ?? item
    let namespaceNode = pods["namespaceSelector"] ?? pods["namespaces"]?["namespaceSelector"]
    guard let namespaces = context.labelSelector(namespaceNode, "\(peerField).pods.namespaceSelector"),
      let podSelector = context.labelSelector(pods["podSelector"], "\(peerField).pods.podSelector")
    else { return nil }
    return .endpoints(EndpointSelector(podSelector, namespaces: .matching(namespaces)))
  }

  /// A `networks` peer: 1 to 25 CIDRs, each IPv4 or IPv6.
  private mutating func npaNetworks(_ node: YAMLNode, _ context: inout DecodeContext) -> [Peer] {
    let texts = context.stringList(node, "networks") ?? []
    if texts.isEmpty { context.error("`networks` needs at least one CIDR", at: node) }
    if texts.count > 25 { context.error("`networks` has \(texts.count) CIDRs; at most 25 are allowed", at: node) }
    var peers: [Peer] = []
    for (offset, text) in texts.enumerated() {
      if let cidr = CIDR(text) {
        peers.append(.block(cidr, except: []))
      } else {
        context.error("invalid CIDR `\(text)`", at: node.sequence?[offset] ?? node)
      }
    }
    return peers
  }

  /// `a`, `a` or `b`, `a`, `b` or `c` with each name in backticks.
  static func list(_ names: [String]) -> String {
    let quoted = names.map { "`\($0)`" }
    guard quoted.count > 1 else { return quoted.first ?? "" }
    return quoted.dropLast().joined(separator: ", ") + " or " + quoted[quoted.count - 1]
  }
}

extension DecodeContext {
  /// Whether `node` sets exactly one of `fields` (the schema's "exactly one of"); an error
  /// at the second field set, or at `node` when none is, otherwise. `what` names the object
  /// (`` `subject` ``, ``a `to` peer``).
  mutating func exactlyOne(of fields: [String], in node: YAMLNode, _ what: String) -> Bool {
    let set = (node.mapping ?? []).filter { entry in entry.key.scalar.map(fields.contains) ?? false }
    switch set.count {
    case 1:
      return true
    case 0:
      error("\(what) must set exactly one of \(FileDecoder.list(fields)); it sets none", at: node)
    default:
      let names = set.compactMap(\.key.scalar).map { "`\($0)`" }.joined(separator: " and ")
      error("\(what) must set exactly one of \(FileDecoder.list(fields)), not \(names)", at: set[1].key)
    }
    return false
  }
}
