import Testing

@testable import PolicyKit

/// Two nodes with automatic-style host endpoints (expectedIPs, `role: node`, the default-allow
/// profile) whose firewall admits only other nodes; a pod on node-a in 10.244.0.0/16.
private func world(pool: String?, felix: String? = nil) -> LoadResult {
  var documents = [
    """
    apiVersion: projectcalico.org/v3
    kind: GlobalNetworkPolicy
    metadata:
      name: nodes-only
    spec:
      selector: role == 'node'
      types: [Ingress]
      ingress:
      - action: Allow
        source:
          selector: role == 'node'
      - action: Deny
    """
  ]
  if let pool { documents.append(pool) }
  if let felix { documents.append(felix) }
  return Inventory()
    .namespace("prod")
    .node("node-a", ip: "172.18.0.11")
    .node("node-b", ip: "172.18.0.12")
    .pod("prod/web", labels: ["app": "web"], ip: "10.244.1.5", node: "node-a")
    .host(
      "host-a", node: "node-a", expectedIPs: ["172.18.0.11"], labels: ["role": "node"],
      profiles: ["projectcalico-default-allow"]
    )
    .host(
      "host-b", node: "node-b", expectedIPs: ["172.18.0.12"], labels: ["role": "node"],
      profiles: ["projectcalico-default-allow"]
    )
    .load(documents.joined(separator: "\n---\n"))
}

private func pool(natOutgoing: Bool, cidr: String = "10.244.0.0/16") -> String {
  """
  apiVersion: projectcalico.org/v3
  kind: IPPool
  metadata:
    name: default-ipv4-ippool
  spec:
    cidr: \(cidr)
    natOutgoing: \(natOutgoing)
    ipipMode: Always
    nodeSelector: all()
  """
}

@Suite("Outgoing NAT")
struct OutgoingNATTests {
  // SEMANTICS 3 (felix/rules/nat.go, masq_mgr.go): with natOutgoing on the pod's pool, its
  // traffic to an address outside every pool leaves as its node: the destination host's
  // policy sees node-a, not the pod.
  @Test("a pod reaching another node through natOutgoing arrives as its own node")
  func masqueradedToTheNode() throws {
    let result = world(pool: pool(natOutgoing: true))
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(result.cluster.ipPools.map(\.name) == ["default-ipv4-ippool"])
    let trace = try #require(cell(result, "prod/web", "host/host-b"))
    #expect(fact(trace) == "allow by ingress GlobalNetworkPolicy/nodes-only ingress[0] (Allow) in tier default")
    #expect(trace.ingressSource == "host/host-a")
    #expect(
      trace.ingress.steps.first
        == .note(
          "outgoing NAT (IPPool default-ipv4-ippool natOutgoing): arrives from node node-a's address 172.18.0.11, as host endpoint host/host-a"
        ))
  }

  // Without natOutgoing, with no IPPool at all, with the host addresses excluded, or from a
  // pod outside the pool, the destination sees the pod.
  @Test(
    "without outgoing NAT the destination sees the pod",
    arguments: [
      (pool(natOutgoing: false), nil),
      (nil, nil),
      (
        pool(natOutgoing: true),
        "apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\nmetadata: {name: default}\nspec: {natOutgoingExclusions: IPPoolsAndHostIPs}"
      ),
      (pool(natOutgoing: true, cidr: "192.168.0.0/16"), nil),
    ] as [(String?, String?)])
  func notMasqueraded(_ pool: String?, _ felix: String?) throws {
    let result = world(pool: pool, felix: felix)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    let trace = try #require(cell(result, "prod/web", "host/host-b"))
    #expect(fact(trace) == "deny by ingress GlobalNetworkPolicy/nodes-only ingress[1] (Deny) in tier default")
    #expect(trace.ingressSource == nil)
    // The trace says why, when the manifests or Felix's settings are the reason.
    let notes = trace.ingress.steps.compactMap { step -> String? in
      if case .note(let text) = step { return text }
      return nil
    }
    if pool == nil {
      #expect(
        notes == ["no IPPool in the manifests, so no outgoing NAT is assumed"])
    } else if felix != nil {
      #expect(notes == ["not masqueraded: natOutgoingExclusions IPPoolsAndHostIPs leaves the hosts' addresses alone"])
    } else {
      #expect(notes.isEmpty)
    }
  }

  // The pod's own node: delivered there, never masqueraded.
  @Test("a pod's traffic to its own node is not masqueraded")
  func ownNodeNotMasqueraded() throws {
    let result = world(pool: pool(natOutgoing: true))
    let trace = try #require(cell(result, "prod/web", "host/host-a"))
    #expect(fact(trace) == "allow by ingress defaultEndpointToHostAction Accept")
    #expect(trace.ingressSource == nil)
  }

  @Test("the kernel agrees with the traces on every cell", arguments: [true, false])
  func kernelAgrees(_ natOutgoing: Bool) throws {
    let result = world(pool: pool(natOutgoing: natOutgoing))
    let evaluator = Evaluator(cluster: result.cluster)
    for text in ["tcp/80", "tcp/22"] {
      let matrix = ConnectivityMatrix(evaluator: evaluator, probe: probe(text))
      for source in 0..<evaluator.count {
        for destination in 0..<evaluator.count {
          #expect(
            matrix.outcome(source, destination) == evaluator.outcome(from: source, to: destination, probe: probe(text)),
            "\(evaluator.ids[source]) -> \(evaluator.ids[destination]) \(text)")
        }
      }
    }
  }

  @Test("an IPPool without a valid cidr is an error at its place")
  func badPool() {
    let result = load(
      """
      apiVersion: projectcalico.org/v3
      kind: IPPool
      metadata: {name: broken}
      spec:
        cidr: 10.244.0.0/33
      """)
    #expect(result.diagnostics.map(\.description) == ["test.yaml:5:9: error: invalid CIDR `10.244.0.0/33`"])
  }
}
