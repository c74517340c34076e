import Testing

@testable import PolicyKit

// Calico `services` matches (api/pkg/apis/projectcalico/v3/policy_common.go, `EntityRule.Services`;
// docs.tigera.io "Use service rules in policy"): only traffic from or to the service's
// endpoints matches, and for a destination only at each endpoint's own ports. The endpoints
// are the service's EndpointSlices, or, when the manifests hold none, what its selector picks
// among the pods (a named target port resolved on each pod).

private let pods = Inventory()
  .namespace("prod")
  .pod("prod/client", labels: ["app": "client"], ip: "10.0.1.2")
  .pod("prod/db", labels: ["app": "db"], ip: "10.0.1.3", ports: [("pg", 5432, "TCP")])
  .pod("prod/db-old", labels: ["app": "db"], ip: "10.0.1.5")
  .pod("prod/web", labels: ["app": "web"], ip: "10.0.1.4")

private let dbService = """
  apiVersion: v1
  kind: Service
  metadata: {name: db, namespace: prod}
  spec:
    selector: {app: db}
    ports:
    - {name: pg, port: 5432, targetPort: pg}
  """

private func clientEgress(_ destination: String) -> String {
  """
  apiVersion: projectcalico.org/v3
  kind: NetworkPolicy
  metadata: {name: client-egress, namespace: prod}
  spec:
    selector: app == 'client'
    types: [Egress]
    egress:
    - action: Allow
      destination: \(destination)
  """
}

@Suite("Calico services matches")
struct ServiceMatchTests {
  @Test("a destination service is its endpoints at the ports they serve")
  func destinationBySelector() throws {
    let result = pods.with(dbService).load(clientEgress("{services: {name: db}}"))
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    let allowed = try #require(cell(result, "prod/client", "prod/db", "tcp/5432"))
    #expect(allowed.outcome.verdict == .allow)
    // Another port of an endpoint, a pod of the selector without the named port, a pod
    // outside the service.
    #expect(verdict(result, "prod/client", "prod/db", "tcp/80") == .deny)
    #expect(verdict(result, "prod/client", "prod/db", "udp/5432") == .deny)
    #expect(verdict(result, "prod/client", "prod/db-old", "tcp/5432") == .deny)
    #expect(verdict(result, "prod/client", "prod/web", "tcp/5432") == .deny)
    let service = try #require(result.cluster.services["prod/db"])
    #expect(service.source == .selector)
    #expect(service.backends == [ServiceBackend(address: IPAddress("10.0.1.3")!, ports: [ServicePort(.tcp, 5432)])])
  }

  @Test("the service's EndpointSlices, when loaded, are its endpoints")
  func destinationBySlices() {
    let slice = """
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata:
        name: db-x7k2p
        namespace: prod
        labels: {kubernetes.io/service-name: db}
      addressType: IPv4
      endpoints:
      - addresses: [10.0.1.5]
        conditions: {ready: true}
      ports:
      - {name: pg, port: 5433, protocol: TCP}
      """
    let result = pods.with(dbService).with(slice).load(clientEgress("{services: {name: db}}"))
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(result.cluster.services["prod/db"]?.source == .endpointSlices)
    #expect(verdict(result, "prod/client", "prod/db-old", "tcp/5433") == .allow)
    #expect(verdict(result, "prod/client", "prod/db-old", "tcp/5432") == .deny)
    #expect(verdict(result, "prod/client", "prod/db", "tcp/5432") == .deny)
  }

  @Test("an EndpointSlice port without a number serves nothing to a destination match (Felix's service index)")
  func slicePortWithoutNumber() {
    let slice = """
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata:
        name: db-any
        namespace: prod
        labels: {kubernetes.io/service-name: db}
      addressType: IPv4
      endpoints:
      - addresses: [10.0.1.3]
      ports:
      - {name: any, protocol: TCP}
      """
    let result = pods.with(dbService).with(slice).load(clientEgress("{services: {name: db}}"))
    #expect(result.cluster.services["prod/db"]?.backends.first?.ports == [])
    #expect(verdict(result, "prod/client", "prod/db", "tcp/5432") == .deny)
    #expect(
      result.cluster.policies.first?.egress.first?.neverMatchesBecause
        == "no endpoint of service prod/db has a numbered port")
  }

  @Test("a source service is its endpoints' addresses, at any port of the destination")
  func source() {
    let policy = """
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: web-ingress, namespace: prod}
      spec:
        selector: app == 'web'
        ingress:
        - action: Allow
          protocol: TCP
          source: {services: {name: db, namespace: prod}}
          destination: {ports: [8080]}
      """
    let result = pods.with(dbService).load(policy)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(verdict(result, "prod/db", "prod/web", "tcp/8080") == .allow)
    #expect(verdict(result, "prod/db", "prod/web", "tcp/80") == .deny)
    #expect(verdict(result, "prod/db-old", "prod/web", "tcp/8080") == .deny)
    #expect(verdict(result, "prod/client", "prod/web", "tcp/8080") == .deny)
  }

  @Test("the trace names the service")
  func trace() throws {
    let result = pods.with(dbService).load(clientEgress("{services: {name: db}}"))
    func ruleSteps(_ trace: CellTrace) -> [(Rule, Mismatch?)] {
      trace.egress.steps.compactMap { step in
        if case .rule(let rule, _, let mismatch) = step { return (rule, mismatch) }
        return nil
      }
    }
    let allowed = try #require(cell(result, "prod/client", "prod/db", "tcp/5432"))
    let matched = try #require(ruleSteps(allowed).first)
    #expect(matched.0.destination.services?.description == "prod/db")
    #expect(matched.1 == nil)
    #expect(
      summary(allowed.egress.decider) == "CalicoNetworkPolicy/prod/client-egress egress[0] (Allow) in tier default")
    let denied = try #require(cell(result, "prod/client", "prod/web", "tcp/5432"))
    let missed = try #require(ruleSteps(denied).first)
    #expect(missed.0.destination.services?.description == "prod/db")
    #expect(missed.1 == .nets(.egress))
  }

  @Test("a service the manifests do not hold matches nothing, with a warning")
  func missing() throws {
    let result = pods.load(clientEgress("{services: {name: cache}}"))
    let warning = try #require(result.diagnostics.first { $0.message.contains("prod/cache") })
    #expect(warning.severity == .warning)
    #expect(verdict(result, "prod/client", "prod/db", "tcp/5432") == .deny)
    #expect(result.cluster.policies.first?.egress.first?.neverMatchesBecause?.contains("not in the manifests") == true)
  }

  @Test("a declared Profile's services match is resolved too")
  func profile() {
    let result = pods.with(dbService)
      .node("node-a", ip: "172.18.0.11")
      .host("host-a", node: "node-a", expectedIPs: ["172.18.0.11"], profiles: ["to-db"])
      .load(
        """
        apiVersion: projectcalico.org/v3
        kind: Profile
        metadata: {name: to-db}
        spec:
          ingress:
          - action: Allow
          egress:
          - action: Allow
            destination: {services: {name: db, namespace: prod}}
          - action: Deny
        """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(verdict(result, "host/host-a", "prod/db", "tcp/5432") == .allow)
    #expect(verdict(result, "host/host-a", "prod/db", "tcp/80") == .deny)
    #expect(verdict(result, "host/host-a", "prod/client", "tcp/5432") == .deny)
  }

  @Test("a typed ServiceList loads")
  func typedList() {
    let list = """
      {"kind": "ServiceList", "apiVersion": "v1", "items": [
        {"metadata": {"name": "db", "namespace": "prod"},
         "spec": {"selector": {"app": "db"}, "ports": [{"port": 5432, "targetPort": "pg"}]}}]}
      """
    let result = load(files: [
      ("pods.yaml", pods.yaml), ("services.json", list), ("policy.yaml", clientEgress("{services: {name: db}}")),
    ])
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(verdict(result, "prod/client", "prod/db", "tcp/5432") == .allow)
  }
}

@Suite("Calico services matches: what the schema refuses")
struct ServiceMatchSchemaTests {
  @Test(
    "services beside a selector, nets or destination ports, or without a namespace in a global policy, is an error",
    arguments: [
      ("{services: {name: db}, 1️⃣selector: all()}", "`selector` cannot be given with `services`"),
      ("{services: {name: db}, 1️⃣nets: [10.0.0.0/8]}", "`nets` cannot be given with `services`"),
      ("{services: {name: db}, 1️⃣ports: [80]}", "`ports` cannot be given with destination `services`"),
      ("{services: 1️⃣{namespace: prod}}", "must name a service"),
    ])
  func refused(_ destination: String, _ fragment: String) throws {
    let fixture = marked(
      pods.with(dbService).yaml + "\n---\n"
        + clientEgress(destination).replacingOccurrences(
          of: "    - action: Allow", with: "    - action: Allow\n      protocol: TCP"))
    let result = load(fixture.text)
    let error = try #require(
      result.diagnostics.first { $0.message.contains(fragment) }, "\(describe(result.diagnostics))")
    #expect(error.severity == .error)
    #expect(error.location?.line == fixture["1️⃣"].line && error.location?.column == fixture["1️⃣"].column, "\(error)")
    #expect(result.cluster.policies.isEmpty)
  }

  @Test("a global policy's service needs a namespace")
  func globalNeedsNamespace() {
    let result = pods.with(dbService).load(
      """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: g}
      spec:
        selector: all()
        egress:
        - action: Allow
          destination: {services: {name: db}}
      """)
    #expect(
      result.diagnostics.contains {
        $0.severity == .error && $0.message.contains("must give the service's `namespace`")
      })
  }
}
