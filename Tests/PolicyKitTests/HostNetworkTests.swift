import Testing

@testable import PolicyKit

/// Two nodes: node-a with a wildcard host endpoint (labels `role: node`, expectedIPs, the
/// default-allow profile), node-b without one. On each, an ordinary pod and a host-networked
/// one: kube-system/apiserver on node-a (no status: it takes the node's address) and
/// kube-system/proxy on node-b (its status gives the node's address, as the API server does).
private func world() -> Inventory {
  Inventory()
    .namespace("prod")
    .namespace("kube-system")
    .node("node-a", ip: "172.18.0.11")
    .node("node-b", ip: "172.18.0.12")
    .pod("prod/web", labels: ["app": "web"], ip: "10.0.1.1", node: "node-a")
    .pod("prod/client", labels: ["app": "client"], ip: "10.0.2.1", node: "node-b")
    .pod("kube-system/apiserver", labels: ["component": "apiserver"], node: "node-a", hostNetwork: true)
    .pod(
      "kube-system/proxy", labels: ["k8s-app": "kube-proxy"], ip: "172.18.0.12", node: "node-b",
      hostNetwork: true
    )
    .host(
      "host-a", node: "node-a", expectedIPs: ["172.18.0.11"], labels: ["role": "node"],
      profiles: ["projectcalico-default-allow"])
}

/// Ingress to the hosts (`role == 'node'`) denied.
private let hostsDenyIngress = """
  apiVersion: projectcalico.org/v3
  kind: GlobalNetworkPolicy
  metadata:
    name: hosts-deny
  spec:
    selector: role == 'node'
    types: [Ingress]
    ingress:
    - action: Deny
  """

@Suite("Host-networked pods")
struct HostNetworkTests {
  // A host-networked pod keeps its row and name, and has its node's address: from the Node
  // object when its status gives none.
  @Test("a host-networked pod keeps its row and has its node's address")
  func rowAndAddress() throws {
    let result = world().load()
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    let apiserver = try #require(result.cluster.endpoint("kube-system/apiserver"))
    #expect(apiserver.isHostNetworked && apiserver.isWorkload)
    #expect(apiserver.addresses == [IPAddress("172.18.0.11")])
    #expect(!apiserver.hasSyntheticAddress)
    #expect(apiserver.summary == "host-networked pod, namespace kube-system, node node-a")
    #expect(result.cluster.endpoint("kube-system/proxy")?.address == IPAddress("172.18.0.12"))
  }

  // Ingress: its node's host endpoint policy decides, failsafe ports included, and the trace
  // says whose traffic it is.
  @Test("traffic to a host-networked pod meets its node's host endpoint policy and failsafe ports")
  func ingressIsTheNodes() throws {
    let result = world().load(hostsDenyIngress)
    let trace = try #require(cell(result, "prod/client", "kube-system/apiserver"))
    #expect(fact(trace) == "deny by ingress GlobalNetworkPolicy/hosts-deny ingress[0] (Deny) in tier default")
    #expect(
      trace.ingress.steps.first
        == .note("host-networked: this is node node-a's traffic, policed by host endpoint host/host-a"))
    let failsafe = try #require(cell(result, "prod/client", "kube-system/apiserver", "tcp/6443"))
    #expect(fact(failsafe) == "allow by ingress failsafe inbound tcp:6443")
  }

  // Egress: the host endpoint's egress policy, not the pod's.
  @Test("traffic from a host-networked pod meets its node's egress policy, not a pod policy")
  func egressIsTheNodes() throws {
    let result = world().load(
      """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata:
        name: hosts-no-egress
      spec:
        selector: role == 'node'
        types: [Egress]
        egress:
        - action: Deny
      """)
    let trace = try #require(cell(result, "kube-system/apiserver", "prod/client"))
    #expect(fact(trace) == "deny by egress GlobalNetworkPolicy/hosts-no-egress egress[0] (Deny) in tier default")
    // A node always reaches its own pods, from its host-networked pods too.
    #expect(
      fact(try #require(cell(result, "kube-system/apiserver", "prod/web")))
        == "allow by ingress host to a pod on its own node")
  }

  // A node without a host endpoint: Calico polices none of its traffic.
  @Test("on a node without a host endpoint, a host-networked pod's traffic is not policed")
  func nodeWithoutHostEndpoint() throws {
    let result = world().load(
      """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata:
        name: deny-everything
      spec:
        selector: all()
        types: [Ingress, Egress]
        ingress:
        - action: Deny
        egress:
        - action: Deny
      """)
    let inbound = try #require(cell(result, "host/host-a", "kube-system/proxy", "tcp/8080"))
    #expect(inbound.ingress.verdict == .allow)
    #expect(inbound.ingress.decider == .unpolicedHost(node: "node-b"))
    let outbound = try #require(cell(result, "kube-system/proxy", "prod/web", "tcp/8080"))
    #expect(outbound.egress.decider == .unpolicedHost(node: "node-b"))
    #expect(fact(outbound) == "deny by ingress GlobalNetworkPolicy/deny-everything ingress[0] (Deny) in tier default")
  }

  // Kubernetes NetworkPolicies on their labels do not apply, and say so.
  @Test("a NetworkPolicy selecting only host-networked pods applies to nothing, with a warning")
  func kubernetesPolicyOnHostNetworkedPods() throws {
    let result = world().load(
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: lock-apiserver, namespace: kube-system}
      spec:
        podSelector:
          matchLabels: {component: apiserver}
        policyTypes: [Ingress, Egress]
      """)
    #expect(
      result.diagnostics.map(\.message) == [
        "NetworkPolicy `kube-system/lock-apiserver` selects only host-networked pods (`kube-system/apiserver`): their traffic is their node's, which no policy on their labels governs, so it applies to nothing"
      ])
    #expect(verdict(result, "prod/client", "kube-system/apiserver") == .allow)
    #expect(verdict(result, "kube-system/apiserver", "prod/client") == .allow)
  }

  // As peers, Calico selectors see the node's host endpoint (through its expectedIPs), never
  // the pod's labels; nets see the node's address.
  @Test(
    "rules see a host-networked pod as its node",
    arguments: [
      ("selector: component == 'apiserver'", Verdict.deny),
      ("selector: role == 'node'", Verdict.allow),
      ("nets: [172.18.0.11/32]", Verdict.allow),
    ])
  func peersSeeTheNode(_ source: String, _ expected: Verdict) throws {
    let result = world().load(
      """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata:
        name: client-in
      spec:
        selector: app == 'client'
        ingress:
        - action: Allow
          source:
            \(source)
      """)
    #expect(verdict(result, "kube-system/apiserver", "prod/client") == expected)
  }

  // A pod to a host-networked pod on its own node is a pod to its own node.
  @Test("a pod reaching a host-networked pod on its own node follows defaultEndpointToHostAction")
  func podToOwnNodesHostNetworkedPod() throws {
    let result = world().load(hostsDenyIngress)
    let trace = try #require(cell(result, "prod/web", "kube-system/apiserver"))
    #expect(fact(trace) == "allow by ingress defaultEndpointToHostAction Accept")
  }

  // The matrix (the class kernel) and the cell-by-cell evaluator agree everywhere.
  @Test("the kernel agrees with the traces on every cell", arguments: [hostsDenyIngress, ""])
  func kernelAgrees(_ policy: String) throws {
    let result = world().load(policy)
    let evaluator = Evaluator(cluster: result.cluster)
    for text in ["tcp/80", "tcp/6443", "udp/53"] {
      let matrix = ConnectivityMatrix(evaluator: evaluator, probe: probe(text))
      for source in 0..<evaluator.count {
        for destination in 0..<evaluator.count {
          let expected = evaluator.outcome(from: source, to: destination, probe: probe(text))
          #expect(
            matrix.outcome(source, destination) == expected,
            "\(evaluator.ids[source]) -> \(evaluator.ids[destination]) \(text)")
        }
      }
    }
  }
}
