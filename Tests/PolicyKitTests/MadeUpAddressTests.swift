import Testing

@testable import PolicyKit

// A pod without `status.podIP` gets an address made up in the pod CIDR. A verdict that an
// ipBlock or nets rule reached by that address rests on it, and says so; verdicts that no
// address criterion reached do not.

private let inventory = Inventory()
  .namespace("prod")
  .pod("prod/client", labels: ["app": "client"], ip: "10.0.1.2")
  .pod("prod/made-up", labels: ["app": "made-up"])
  .pod("prod/web", labels: ["app": "web"], ip: "10.0.1.4")

private let denyPodCIDR = """
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: web-from-cidr, namespace: prod}
  spec:
    podSelector: {matchLabels: {app: web}}
    ingress:
    - from: [{ipBlock: {cidr: 10.244.0.0/16}}]
  """

@Suite("Decisions on made-up addresses")
struct MadeUpAddressTests {
  @Test("an ipBlock that reaches a made-up address flags the cell")
  func flagged() throws {
    let result = inventory.load(denyPodCIDR)
    let madeUp = try #require(result.cluster.endpoint("prod/made-up"))
    #expect(madeUp.hasSyntheticAddress)
    let evaluator = Evaluator(cluster: result.cluster)
    let trace = try #require(evaluator.trace(from: "prod/made-up", to: "prod/web", probe: probe("tcp/80")))
    #expect(trace.outcome.verdict == .allow)
    let uses = trace.madeUpAddresses(in: result.cluster, index: evaluator.index)
    #expect(uses.map(\.endpointID) == ["prod/made-up"])
    #expect(uses.first?.address == madeUp.address)
    #expect(uses.first?.rule.label == "ingress[0]")
    // A real address missed by the ipBlock is not flagged.
    let real = try #require(evaluator.trace(from: "prod/client", to: "prod/web", probe: probe("tcp/80")))
    #expect(real.outcome.verdict == .deny)
    #expect(real.madeUpAddresses(in: result.cluster, index: evaluator.index).isEmpty)
    let (cells, complete) = evaluator.cellsOnMadeUpAddresses(probe("tcp/80"))
    #expect(cells.map { "\($0.0) -> \($0.1)" } == ["prod/made-up -> prod/web"])
    #expect(complete)
    // With no budget left, the answer says it is partial.
    #expect(evaluator.cellsOnMadeUpAddresses(probe("tcp/80"), budget: 0).complete == false)
  }

  @Test("without address rules, or without made-up addresses, nothing is flagged")
  func notFlagged() {
    let selectorOnly = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: web-from-client, namespace: prod}
      spec:
        podSelector: {matchLabels: {app: web}}
        ingress:
        - from: [{podSelector: {matchLabels: {app: client}}}]
      """
    let bySelector = Evaluator(cluster: inventory.load(selectorOnly).cluster)
    #expect(bySelector.cellsOnMadeUpAddresses(probe("tcp/80")).cells.isEmpty)
    let realAddresses = Inventory()
      .namespace("prod")
      .pod("prod/client", labels: ["app": "client"], ip: "10.0.1.2")
      .pod("prod/web", labels: ["app": "web"], ip: "10.0.1.4")
      .load(denyPodCIDR)
    #expect(Evaluator(cluster: realAddresses.cluster).cellsOnMadeUpAddresses(probe("tcp/80")).cells.isEmpty)
  }
}
