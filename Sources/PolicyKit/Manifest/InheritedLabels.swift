/// The labels and profiles Calico gives every pod of a namespace and service account (the
/// same for all of them: built once per pair).
struct InheritedLabels {
  var labels: [String: String]
  var profiles: [String]

  /// What `workload`'s namespace and service account give it in `cluster`.
  init(_ workload: RawWorkload, in cluster: Cluster) {
    let namespace = workload.namespace
    let serviceAccount = workload.serviceAccount
    var labels: [String: String] = [
      "projectcalico.org/namespace": namespace,
      "projectcalico.org/orchestrator": "k8s",
      "projectcalico.org/serviceaccount": serviceAccount,
    ]
    for (key, value) in cluster.namespaceLabels(namespace) { labels["pcns.\(key)"] = value }
    labels["pcns.projectcalico.org/name"] = namespace
    let accountLabels = cluster.serviceAccountLabels["\(namespace)/\(serviceAccount)"] ?? [:]
    for (key, value) in accountLabels { labels["pcsa.\(key)"] = value }
    labels["pcsa.projectcalico.org/name"] = serviceAccount
    self.labels = labels
    profiles = ["kns.\(namespace)", "ksa.\(namespace).\(serviceAccount)"]
  }
}
