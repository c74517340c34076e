extension ModelBuilder {
  /// Warns of each policy whose subject selects host-networked pods and nothing else. Calico
  /// has no workload endpoint for such a pod: its traffic is its node's, so Kubernetes
  /// NetworkPolicies and Calico selectors on its labels never apply to it, and the policy
  /// does nothing.
  mutating func warnPoliciesOnHostNetworkedPods() {
    let model = cluster
    let hostNetworked = model.endpoints.indices.filter { model.endpoints[$0].isHostNetworked }
    guard !hostNetworked.isEmpty else { return }
    for policy in model.policies {
      func selects(_ endpoint: Endpoint) -> Bool {
        policy.subject.matches(endpoint, namespaceLabels: model.namespaceLabels, asPeer: false)
      }
      let selected = hostNetworked.filter { selects(model.endpoints[$0]) }
      guard !selected.isEmpty, !model.endpoints.contains(where: { !$0.isHostNetworked && selects($0) }) else {
        continue
      }
      let names =
        selected.prefix(3).map { "`\(model.endpoints[$0].id)`" }.joined(separator: ", ")
        + (selected.count > 3 ? " and \(selected.count - 3) more" : "")
      diagnostics.append(
        .warning(
          "\(policy.id.kind.rawValue) `\(policy.id.qualifiedName)` selects only host-networked pods (\(names)): their traffic is their node's, which no policy on their labels governs, so it applies to nothing",
          at: policy.location))
    }
  }
}
