import PolicyKit

extension Endpoint {
  /// The explorer's row label: the id, after the host-network mark (`⌂`, `^` in ASCII) for a
  /// host-networked pod, whose traffic is its node's.
  func rowLabel(_ glyphs: Glyphs = .unicode) -> String {
    isHostNetworked ? "\(glyphs.hostNetwork) \(id)" : id
  }
}
