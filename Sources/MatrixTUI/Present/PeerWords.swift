import PolicyKit

/// Why a rule's peer misses an endpoint, where "does not match" alone would read as a
/// contradiction.
enum PeerWords {
  /// For a host endpoint without `expectedIPs` whose labels a peer's selector does match: no
  /// selector in a rule can match it, since Calico matches a rule's selectors through the IP
  /// sets of the endpoints they select, and the host endpoint puts no address in them. Nil
  /// in every other case.
  static func unaddressedHost(_ side: String, _ entity: EntityMatch, _ endpoint: Endpoint, _ cluster: Cluster)
    -> String?
  {
    guard endpoint.isHost, !endpoint.hasExpectedIPs else { return nil }
    let labelsMatch = (entity.peers ?? []).contains { peer in
      guard case .endpoints(let selector) = peer else { return false }
      return selector.matches(endpoint, namespaceLabels: { cluster.namespaceLabels($0) }, asPeer: false)
    }
    guard labelsMatch else { return nil }
    return
      "\(side) selector cannot match \(endpoint.id): it has no expectedIPs, so no selector in a rule can match it (Calico matches selectors by address)"
  }
}
