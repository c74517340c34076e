import PolicyKit

extension Endpoint {
  /// The explorer's row label: the id, marked `(host network)` for a host-networked pod
  /// (whose traffic is its node's).
  var rowLabel: String { isHostNetworked ? "\(id) (host network)" : id }
}
