/// A Calico IPPool (`projectcalico.org/v3`): a block pods get their addresses from, and
/// whether their traffic to destinations outside every pool leaves masqueraded.
public struct IPPool: Hashable, Sendable {
  /// The name.
  public var name: String
  /// `spec.cidr`.
  public var cidr: CIDR
  /// `spec.natOutgoing`: Felix masquerades traffic from the pool's addresses to any address
  /// outside every pool, to the address of the node it leaves (`felix/rules/nat.go`).
  public var natOutgoing: Bool
  /// `spec.disabled`: no new addresses come from it. Felix still counts it: its IP sets hold
  /// every pool's block (`felix/dataplane/linux/masq_mgr.go`).
  public var disabled: Bool
  /// Where it was written.
  public var location: SourceLocation

  /// Creates a pool.
  public init(name: String, cidr: CIDR, natOutgoing: Bool, disabled: Bool, location: SourceLocation) {
    self.name = name
    self.cidr = cidr
    self.natOutgoing = natOutgoing
    self.disabled = disabled
    self.location = location
  }
}

/// Felix's `natOutgoingExclusions`: the destinations outgoing NAT leaves alone.
public enum NATOutgoingExclusions: String, Hashable, Sendable {
  /// Only addresses in an IP pool (the default).
  case ipPoolsOnly = "IPPoolsOnly"
  /// Addresses in an IP pool and the hosts' addresses.
  case ipPoolsAndHostIPs = "IPPoolsAndHostIPs"
}

extension Cluster {
  /// The pool with `natOutgoing` that holds `address`, if any.
  public func natPool(holding address: IPAddress) -> IPPool? {
    ipPools.first { $0.natOutgoing && $0.cidr.contains(address) }
  }

  /// Whether some pool, enabled or not, holds `address`.
  public func poolsHold(_ address: IPAddress) -> Bool {
    ipPools.contains { $0.cidr.contains(address) }
  }

  /// The pool that masquerades traffic from `source` to `destination` (`felix/rules/nat.go`:
  /// from a pool with `natOutgoing` to an address outside every pool; with
  /// `natOutgoingExclusions: IPPoolsAndHostIPs`, not to a host either), when the destination
  /// is a host whose policy could see the difference; traffic to the pod's own node is
  /// delivered there, never masqueraded. Nil otherwise.
  func masqueradingPool(from source: Endpoint, to destination: Endpoint) -> IPPool? {
    guard !ipPools.isEmpty, felix.natOutgoingExclusions == .ipPoolsOnly, source.isWorkload,
      let node = source.node, destination.node != node, destination.isHost, !destination.isUnpolicedHost,
      let from = source.address, let to = destination.address, from.isIPv4 == to.isIPv4, !poolsHold(to)
    else { return nil }
    return natPool(holding: from)
  }
}
