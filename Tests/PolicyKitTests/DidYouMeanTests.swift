import Testing

@testable import PolicyKit

/// The one "did you mean" every message about an unknown name uses.
@Suite struct DidYouMeanTests {
  let ids = ["host/node-control-plane", "host/node-worker", "prod/backend", "dev/frontend"]

  @Test func aTypoFindsTheNameItMisses() {
    #expect(DidYouMean.closest(to: "prod/backnd", among: ids) == "prod/backend")
    #expect(DidYouMean.closest(to: "PROD/Backend", among: ids) == "prod/backend")
    #expect(
      DidYouMean.closest(to: "node-host-firewal", among: ["node-host-firewall", "allow-dns"]) == "node-host-firewall")
  }

  @Test func aShortenedNameFindsTheWholeOne() {
    // In the same namespace, a name the typed one is part of.
    #expect(DidYouMean.closest(to: "host/worker", among: ids) == "host/node-worker")
    // Without a namespace, an id containing it.
    #expect(DidYouMean.closest(to: "backend", among: ids) == "prod/backend")
    // Another namespace is not the same endpoint.
    #expect(DidYouMean.closest(to: "dev/backend", among: ids) == nil)
  }

  @Test func nothingCloseIsNothingSaid() {
    #expect(DidYouMean.closest(to: "kube-system/coredns", among: ids) == nil)
    #expect(DidYouMean.suffix("zzz", among: ids) == "")
    #expect(DidYouMean.suffix("prod/backnd", among: ids) == "; did you mean `prod/backend`?")
  }

  @Test func editDistanceIsLevenshtein() {
    #expect(DidYouMean.editDistance(Array("kitten"), Array("sitting")) == 3)
    #expect(DidYouMean.editDistance(Array(""), Array("abc")) == 3)
    #expect(DidYouMean.editDistance(Array("same"), Array("same")) == 0)
  }

  @Test func aTrapOnAnUnknownPolicySaysTheClosest() throws {
    let result = load(
      """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: node-host-firewall}
      spec: {selector: all(), ingress: [{action: Allow}]}
      """)
    guard case .failure(let error) = result.cluster.applyingTrap("node-host-firewal") else {
      Issue.record("the trap should fail")
      return
    }
    #expect(result.cluster.describe(error) == "no policy named `node-host-firewal`; did you mean `node-host-firewall`?")
  }
}

/// YAML pasted from a page that lost its indentation gets a hint, not only "no metadata.name".
@Suite struct LostIndentationTests {
  @Test func keysAtColumnOneAreSaidToHaveLostTheirIndentation() {
    let result = load(
      """
      apiVersion: projectcalico.org/v3
      kind: Tier
      metadata:
      name: host-firewall
      spec:
      order: 1000000
      defaultAction: Deny
      """)
    let messages = result.diagnostics.map(\.message)
    #expect(
      messages.contains {
        $0.contains(
          "`Tier` has no `metadata.name`; `name`, `order`, `defaultAction` are at the top level beside `metadata`: was the indentation lost"
        )
      }, "\(messages)")
  }

  @Test func aDocumentWithoutNameAndNothingMisplacedGetsNoHint() {
    let result = load(
      """
      apiVersion: projectcalico.org/v3
      kind: Tier
      metadata: {}
      """)
    #expect(result.diagnostics.map(\.message).contains("`Tier` has no `metadata.name`"))
  }
}
