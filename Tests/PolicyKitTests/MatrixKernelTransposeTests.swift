import Testing

@testable import PolicyKit

/// The kernel turns ingress rows (by destination) into rows by source 64 by 64 bits at a time.
struct MatrixKernelTransposeTests {
  @Test func aBlockIsTurnedOverItsDiagonal() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<20 {
      let block = (0..<64).map { _ in UInt64.random(in: 0...UInt64.max, using: &generator) }
      var turned = block
      MatrixKernel.transpose(&turned)
      for i in 0..<64 {
        for j in 0..<64 {
          #expect((block[i] >> UInt64(j)) & 1 == (turned[j] >> UInt64(i)) & 1)
        }
      }
    }
  }
}

/// A matrix that keeps nothing for updates (each destination's ingress row worked out when its
/// band of 64 is combined) says what the usual one says, over more than one band.
struct MatrixWithoutSidesTests {
  @Test func bandsOfIngressRowsGiveTheSameMatrix() throws {
    var documents: [String] = []
    for pod in 0..<150 {
      documents.append(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: pod-\(pod), namespace: ns\(pod % 3), labels: {app: app\(pod % 90), tier: t\(pod % 4)}}
        status: {podIP: 10.0.\(pod / 200).\(pod % 200 + 1)}
        """)
    }
    documents.append(
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: web, namespace: ns1}
      spec:
        podSelector: {matchLabels: {tier: t1}}
        ingress: [{from: [{podSelector: {matchLabels: {tier: t2}}}], ports: [{port: 80}]}]
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: out}
      spec:
        selector: tier == 't3'
        types: [Egress]
        egress: [{action: Allow, destination: {nets: [10.0.0.0/26]}}]
      """)
    let cluster = ManifestLoader.load([SourceFile(path: "c.yaml", text: documents.joined(separator: "\n---\n"))])
      .cluster
    let evaluator = Evaluator(cluster: cluster)
    #expect(evaluator.classes.count > 128)
    for probe in [Probe(.tcp, 80), Probe(.udp, 53)] {
      let kept = ConnectivityMatrix(evaluator: evaluator, probe: probe)
      let bare = ConnectivityMatrix(evaluator: evaluator, probe: probe, keepingSides: false)
      #expect(kept.counts == bare.counts)
      for source in 0..<evaluator.count {
        for destination in 0..<evaluator.count {
          #expect(kept.outcome(source, destination) == bare.outcome(source, destination))
        }
      }
    }
  }
}
