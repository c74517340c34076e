import PolicyKit

/// The group an endpoint is shown and counted in: host endpoints, a namespace, or network
/// sets. Grouping compares the kind and namespace, never the display name, so a namespace
/// called `hosts` stays apart from the host endpoints.
struct EndpointGroup: Hashable, Comparable, Sendable {
  /// 0 host endpoints, 1 a namespace's pods, 2 network sets (the order endpoints are listed in).
  var rank: Int
  var namespace: String

  init(_ endpoint: Endpoint) {
    rank = endpoint.kind.rank
    namespace = endpoint.isHost ? "" : endpoint.namespace ?? ""
  }

  /// `hosts`, the namespace, `networks` or `prod (networks)`.
  var name: String {
    switch rank {
    case 0: "hosts"
    case 1: namespace
    default: namespace.isEmpty ? "networks" : "\(namespace) (networks)"
    }
  }

  static func < (a: EndpointGroup, b: EndpointGroup) -> Bool {
    (a.rank, a.namespace) < (b.rank, b.namespace)
  }
}
