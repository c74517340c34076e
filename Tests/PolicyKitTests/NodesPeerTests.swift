import Testing

@testable import PolicyKit

// Network Policy API `nodes` and `networks` peers (kubernetes-sigs/network-policy-api,
// `AdminNetworkPolicyEgressPeer`): a `nodes` peer selects Node objects by label, and traffic to
// a node is traffic to its host: its host endpoints and its addresses. Peers of one rule are
// alternatives: none switches its siblings off.

private func nodesInventory(expectedIPs: [String]? = ["172.18.0.11"]) -> Inventory {
  Inventory()
    .namespace("prod")
    .node("node-a", ip: "172.18.0.11", labels: ["zone": "a"])
    .node("node-b", ip: "172.18.0.12", labels: ["zone": "b"])
    .pod("prod/client", labels: ["app": "client"], ip: "10.0.1.2", node: "node-b")
    .pod("prod/db", labels: ["app": "db"], ip: "10.0.1.3", node: "node-b")
    .pod("prod/web", labels: ["app": "web"], ip: "10.0.1.4", node: "node-b")
    .host("host-a", node: "node-a", expectedIPs: expectedIPs, profiles: ["projectcalico-default-allow"])
    .host("host-b", node: "node-b", expectedIPs: ["172.18.0.12"], profiles: ["projectcalico-default-allow"])
}

/// An AdminNetworkPolicy on prod/client's egress: `first` (action and peers), then a Deny of
/// every pod and of every address.
private func clientEgress(_ action: String, _ peers: String) -> String {
  """
  apiVersion: policy.networking.k8s.io/v1alpha1
  kind: AdminNetworkPolicy
  metadata: {name: client-egress}
  spec:
    priority: 1
    subject:
      pods:
        namespaceSelector: {}
        podSelector: {matchLabels: {app: client}}
    egress:
    - name: first
      action: \(action)
      to: \(peers)
    - name: rest
      action: Deny
      to: [{namespaces: {}}, {networks: [0.0.0.0/0]}]
  """
}

@Suite("Network Policy API nodes and networks peers")
struct NodesPeerTests {
  @Test("an Allow to nodes reaches the selected nodes' hosts, and its pods peer still matches")
  func allowNodesAndPods() throws {
    let result = nodesInventory().load(
      clientEgress(
        "Allow",
        "[{nodes: {matchLabels: {zone: a}}}, {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: db}}}}]"))
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    let toHost = try #require(cell(result, "prod/client", "host/host-a"))
    #expect(toHost.outcome.verdict == .allow)
    #expect(summary(toHost.egress.decider) == "AdminNetworkPolicy/client-egress egress[0] (Allow) in tier kube-admin")
    // The sibling peer: before, a `nodes` peer switched the whole rule off.
    #expect(verdict(result, "prod/client", "prod/db") == .allow)
    // Neither peer: the next rule denies.
    let toWeb = try #require(cell(result, "prod/client", "prod/web"))
    #expect(toWeb.outcome.verdict == .deny)
    #expect(summary(toWeb.egress.decider) == "AdminNetworkPolicy/client-egress egress[1] (Deny) in tier kube-admin")
    let otherNode = try #require(cell(result, "prod/client", "host/host-b"))
    #expect(summary(otherNode.egress.decider) == "AdminNetworkPolicy/client-egress egress[1] (Deny) in tier kube-admin")
  }

  @Test("a Deny to nodes denies only the nodes (and its pods peer), not everything")
  func denyNodesAndPods() throws {
    let deny = clientEgress(
      "Deny",
      "[{nodes: {matchLabels: {zone: a}}}, {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: db}}}}]"
    )
    .replacingOccurrences(
      of: "action: Deny\n    to: [{namespaces: {}}, {networks: [0.0.0.0/0]}]",
      with: "action: Allow\n    to: [{namespaces: {}}, {networks: [0.0.0.0/0]}]")
    let result = nodesInventory().load(deny)
    #expect(verdict(result, "prod/client", "host/host-a") == .deny)
    #expect(verdict(result, "prod/client", "prod/db") == .deny)
    let toWeb = try #require(cell(result, "prod/client", "prod/web"))
    #expect(toWeb.outcome.verdict == .allow)
    #expect(summary(toWeb.egress.decider) == "AdminNetworkPolicy/client-egress egress[1] (Allow) in tier kube-admin")
    #expect(verdict(result, "prod/client", "host/host-b") == .allow)
  }

  @Test("a host endpoint without expectedIPs is its node's host: the nodes peer matches it")
  func hostWithoutExpectedIPs() {
    let result = nodesInventory(expectedIPs: nil).load(clientEgress("Allow", "[{nodes: {matchLabels: {zone: a}}}]"))
    #expect(verdict(result, "prod/client", "host/host-a") == .allow)
    #expect(verdict(result, "prod/client", "host/host-b") == .deny)
  }

  @Test("the trace names the nodes a nodes peer selects")
  func traceNamesNodes() throws {
    let result = nodesInventory().load(
      clientEgress("Allow", "[{nodes: {matchExpressions: [{key: zone, operator: Exists}]}}]"))
    let rule = try #require(result.cluster.policies.first?.egress.first)
    #expect(rule.destination.peers?.first?.summary == "nodes has(zone) (node-a, node-b)")
    #expect(verdict(result, "prod/client", "host/host-b") == .allow)
  }

  @Test("a nodes peer that selects no Node matches nothing, with a warning at its rule")
  func noNode() throws {
    let fixture = marked(
      clientEgress("Allow", "[{nodes: {matchLabels: {zone: c}}}]")
        .replacingOccurrences(of: "    - name: first", with: "    1️⃣- name: first"))
    let result = nodesInventory().load(fixture.text)
    let warning = try #require(result.diagnostics.first { $0.message.contains("no Node of the manifests") })
    #expect(warning.severity == .warning)
    #expect(verdict(result, "prod/client", "host/host-a") == .deny)
  }

  @Test("a node's labels changed: the nodes peer follows")
  func nodeLabelsChange() {
    let policy = clientEgress("Allow", "[{nodes: {matchLabels: {zone: a}}}]")
    let before = nodesInventory().load(policy)
    let relabelled = Inventory()
      .namespace("prod")
      .node("node-a", ip: "172.18.0.11", labels: ["zone": "z"])
      .node("node-b", ip: "172.18.0.12", labels: ["zone": "a"])
      .pod("prod/client", labels: ["app": "client"], ip: "10.0.1.2", node: "node-b")
      .host("host-a", node: "node-a", expectedIPs: ["172.18.0.11"], profiles: ["projectcalico-default-allow"])
      .host("host-b", node: "node-b", expectedIPs: ["172.18.0.12"], profiles: ["projectcalico-default-allow"])
      .load(policy)
    #expect(verdict(before, "prod/client", "host/host-a") == .allow)
    #expect(verdict(relabelled, "prod/client", "host/host-a") == .deny)
    #expect(verdict(relabelled, "prod/client", "host/host-b") == .allow)
  }

  @Test("a networks peer is its CIDRs, beside a pods peer")
  func networks() {
    let result = nodesInventory().load(
      clientEgress(
        "Allow",
        "[{networks: [172.18.0.12/32]}, {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}}]"))
    #expect(verdict(result, "prod/client", "host/host-b") == .allow)
    #expect(verdict(result, "prod/client", "prod/web") == .allow)
    #expect(verdict(result, "prod/client", "host/host-a") == .deny)
  }

  // v1alpha2 `ClusterNetworkPolicyEgressPeer`: a peer with no field the implementation knows
  // makes an Accept rule "match no traffic", whatever its other peers.
  @Test("a peer of an unknown kind fails the whole Allow rule closed, its pods peer with it")
  func unsupportedSibling() throws {
    let result = nodesInventory().load(
      clientEgress(
        "Allow", "[{futurePeers: {}}, {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: db}}}}]"))
    let toDB = try #require(cell(result, "prod/client", "prod/db"))
    #expect(toDB.outcome.verdict == .deny)
    #expect(summary(toDB.egress.decider) == "AdminNetworkPolicy/client-egress egress[1] (Deny) in tier kube-admin")
    let warning = try #require(result.diagnostics.first { $0.message.contains("`futurePeers` peers") })
    #expect(warning.message.contains("the rule fails closed (it matches nothing)"))
  }
}
