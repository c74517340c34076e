import Testing

@testable import MatrixTUI
@testable import PolicyKit

/// Calico matches a rule's selectors through IP sets: a host endpoint without `expectedIPs`
/// puts no address in them, so no rule selector can match it, whatever its labels. The trace
/// says so instead of "does not match host/... (labels role=node)".
@Suite struct HostSelectorTraceTests {
  private func yaml(expectedIPs: Bool) -> String {
    let ips = expectedIPs ? ", expectedIPs: [172.18.0.11]" : ""
    return """
      apiVersion: v1
      kind: Node
      metadata: {name: node-a}
      status: {addresses: [{type: InternalIP, address: 172.18.0.11}]}
      ---
      apiVersion: v1
      kind: Node
      metadata: {name: node-b}
      status: {addresses: [{type: InternalIP, address: 172.18.0.12}]}
      ---
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: host-a, labels: {role: node}}
      spec: {node: node-a, interfaceName: '*'\(ips), profiles: [projectcalico-default-allow]}
      ---
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: host-b, labels: {role: node}}
      spec: {node: node-b, interfaceName: '*', expectedIPs: [172.18.0.12]}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: from-nodes}
      spec:
        selector: role == 'node'
        types: [Ingress]
        ingress:
        - action: Allow
          source: {selector: role == 'node'}
      """
  }

  private func trace(expectedIPs: Bool) throws -> (String, CellTrace) {
    let evaluator = Evaluator(cluster: AppFixtures.loaded(yaml(expectedIPs: expectedIPs)).result.cluster)
    let cell = try #require(evaluator.trace(from: "host/host-a", to: "host/host-b", probe: Probe(.tcp, 80)))
    return (TraceText(evaluator: evaluator).text(cell), cell)
  }

  @Test func aHostWithoutExpectedIPsIsNeverMatchedByARuleSelector() throws {
    let (text, cell) = try trace(expectedIPs: false)
    #expect(cell.ingress.verdict == .deny)
    #expect(
      text.contains(
        "source selector cannot match host/host-a: it has no expectedIPs, so no selector in a rule can match it (Calico matches selectors by address)"
      ), "\(text)")
    #expect(!text.contains("does not match host/host-a"), "\(text)")
  }

  @Test func withExpectedIPsTheSameSelectorMatches() throws {
    let (text, cell) = try trace(expectedIPs: true)
    #expect(cell.ingress.verdict == .allow)
    #expect(!text.contains("no expectedIPs"), "\(text)")
  }
}
