import Testing

@testable import PolicyKit

// One test (or table) per rule of SEMANTICS.md; each names its section. The YAML is inline and
// minimal: a shared inventory plus the policies the rule is about.

/// prod (env=prod): web, client, other; dev (env=dev): client, other. Pod IPs 10.0.1.x in prod,
/// 10.0.2.x in dev. No nodes.
let apps = Inventory()
  .namespace("prod", labels: ["env": "prod"])
  .namespace("dev", labels: ["env": "dev"])
  .pod("prod/web", labels: ["app": "web"], ip: "10.0.1.1")
  .pod("prod/client", labels: ["app": "client"], ip: "10.0.1.2")
  .pod("prod/other", labels: ["app": "other"], ip: "10.0.1.3")
  .pod("dev/client", labels: ["app": "client"], ip: "10.0.2.2")
  .pod("dev/other", labels: ["app": "other"], ip: "10.0.2.3")

/// A Tier manifest.
func tier(_ name: String, order: Double?, defaultAction: String = "Deny") -> String {
  """
  apiVersion: projectcalico.org/v3
  kind: Tier
  metadata:
    name: \(name)
  spec:
  \(order.map { "  order: \(formatOrder($0))" } ?? "")
    defaultAction: \(defaultAction)
  """
}

/// A GlobalNetworkPolicy on `app == 'web'` with one ingress rule that matches everything.
func webIngress(_ name: String, tier: String = "default", order: Double?, action: String)
  -> String
{
  """
  apiVersion: projectcalico.org/v3
  kind: GlobalNetworkPolicy
  metadata:
    name: \(name)
  spec:
    tier: \(tier)
  \(order.map { "  order: \(formatOrder($0))" } ?? "")
    selector: app == 'web'
    types: [Ingress]
    ingress:
    - action: \(action)
  """
}

/// The tier name in a `.rule` or `.tierDefault` decider.
func decidingTier(_ decider: Decider) -> String? {
  switch decider {
  case .rule(_, let tier, _): tier
  case .tierDefault(let tier, _, _): tier
  default: nil
  }
}

/// The policy name in a `.rule` decider.
func decidingPolicy(_ decider: Decider) -> String? {
  if case .rule(let policy, _, _) = decider { return policy.name }
  return nil
}

// MARK: - 1. Ordering

@Suite("1. Ordering of tiers and policies")
struct OrderingTests {
  struct TierCase: Sendable, CustomTestStringConvertible {
    var alpha: Double?
    var beta: Double?
    var winner: String
    var testDescription: String {
      "alpha \(alpha.map(formatOrder) ?? "none"), beta \(beta.map(formatOrder) ?? "none") -> \(winner)"
    }
  }

  // SEMANTICS 1 (policy_sorter.go TierLess): tiers by order, no order last, ties by name.
  @Test(
    "tiers run by order, no order last, ties by name",
    arguments: [
      TierCase(alpha: 100, beta: 200, winner: "alpha"),
      TierCase(alpha: 200, beta: 100, winner: "beta"),
      TierCase(alpha: 100, beta: 100, winner: "alpha"),
      TierCase(alpha: nil, beta: 100, winner: "beta"),
      TierCase(alpha: 100, beta: nil, winner: "alpha"),
      TierCase(alpha: nil, beta: nil, winner: "alpha"),
    ])
  func tierOrder(_ c: TierCase) {
    // alpha allows everything into web, beta denies everything: the first tier decides.
    let result = apps.load(
      [
        tier("alpha", order: c.alpha), tier("beta", order: c.beta),
        webIngress("alpha-allow", tier: "alpha", order: 1, action: "Allow"),
        webIngress("beta-deny", tier: "beta", order: 1, action: "Deny"),
      ].joined(separator: "\n---\n"))
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    let trace = cell(result, "prod/client", "prod/web")
    #expect(trace.flatMap { decidingTier($0.ingress.decider) } == c.winner)
    #expect(trace?.outcome.verdict == (c.winner == "alpha" ? .allow : .deny))
  }

  struct PolicyCase: Sendable, CustomTestStringConvertible {
    var allowOrder: Double?
    var denyOrder: Double?
    var expected: Verdict
    var testDescription: String {
      "allow \(allowOrder.map(formatOrder) ?? "none"), deny \(denyOrder.map(formatOrder) ?? "none") -> \(expected)"
    }
  }

  // SEMANTICS 1 (policy_sorter.go PolKVLess): order ascending, no order = +infinity, ties by name.
  @Test(
    "policies in a tier run by order, no order last, ties by name",
    arguments: [
      PolicyCase(allowOrder: 10, denyOrder: 20, expected: .allow),
      PolicyCase(allowOrder: 20, denyOrder: 10, expected: .deny),
      PolicyCase(allowOrder: 10.5, denyOrder: 10.25, expected: .deny),
      PolicyCase(allowOrder: nil, denyOrder: 1000, expected: .deny),
      PolicyCase(allowOrder: 1000, denyOrder: nil, expected: .allow),
      // Equal orders: `a-allow` sorts before `b-deny`.
      PolicyCase(allowOrder: 100, denyOrder: 100, expected: .allow),
      PolicyCase(allowOrder: nil, denyOrder: nil, expected: .allow),
    ])
  func policyOrder(_ c: PolicyCase) {
    let result = apps.load(
      webIngress("a-allow", order: c.allowOrder, action: "Allow") + "\n---\n"
        + webIngress("b-deny", order: c.denyOrder, action: "Deny"))
    #expect(verdict(result, "prod/client", "prod/web") == c.expected)
  }

  // SEMANTICS 1: the name decides between equal orders, whichever policy allows.
  @Test(
    "equal policy order: the name that sorts first decides",
    arguments: [("a-allow", "b-deny", Verdict.allow), ("b-allow", "a-deny", Verdict.deny)])
  func policyTieByName(_ allowName: String, _ denyName: String, _ expected: Verdict) {
    let result = apps.load(
      webIngress(allowName, order: 100, action: "Allow") + "\n---\n"
        + webIngress(denyName, order: 100, action: "Deny"))
    #expect(verdict(result, "prod/client", "prod/web") == expected)
  }

  // SEMANTICS 1: the name decides between equal tier orders, whichever tier allows.
  @Test(
    "equal tier order: the name that sorts first decides",
    arguments: [("a-tier", "b-tier", Verdict.allow), ("b-tier", "a-tier", Verdict.deny)])
  func tierTieByName(_ allowTier: String, _ denyTier: String, _ expected: Verdict) {
    let result = apps.load(
      [
        tier(allowTier, order: 100), tier(denyTier, order: 100),
        webIngress("allow-web", tier: allowTier, order: 1, action: "Allow"),
        webIngress("deny-web", tier: denyTier, order: 1, action: "Deny"),
      ].joined(separator: "\n---\n"))
    #expect(verdict(result, "prod/client", "prod/web") == expected)
  }

  // SEMANTICS 1: on equal order the tie-break is the text `name/namespace/kind`: a
  // GlobalNetworkPolicy (empty namespace) sorts before a namespaced policy of the same name.
  @Test("equal order and name: the global policy sorts before the namespaced one")
  func tieByNameNamespaceKind() {
    let result = apps.load(
      """
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata:
        name: same
        namespace: prod
      spec:
        order: 100
        selector: app == 'web'
        ingress:
        - action: Allow
      ---
      \(webIngress("same", order: 100, action: "Deny"))
      """)
    let trace = cell(result, "prod/client", "prod/web")
    #expect(trace?.outcome == .denied)
    if case .rule(let policy, _, _)? = trace?.ingress.decider {
      #expect(policy.kind == .globalNetworkPolicy)
    } else {
      Issue.record("expected a rule to decide, got \(String(describing: trace?.ingress.decider))")
    }
  }

  // SEMANTICS 1: a Kubernetes NetworkPolicy sits in `default` at order 1000 under the name
  // `knp.default.<name>`, so on equal order it runs after a Calico policy named `a...` and before
  // one named `m...`.
  @Test(
    "a Kubernetes policy ties with Calico order 1000 as knp.default.<name>",
    arguments: [("a-deny", Verdict.deny), ("m-deny", Verdict.allow)])
  func kubernetesPolicySortName(_ calicoName: String, _ expected: Verdict) {
    let result = apps.load(
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: zzz-allow
        namespace: prod
      spec:
        podSelector: {matchLabels: {app: web}}
        ingress:
        - {}
      ---
      \(webIngress(calicoName, order: 1000, action: "Deny"))
      """)
    #expect(verdict(result, "prod/client", "prod/web") == expected)
  }
}

// MARK: - 2. One side: tiers, Pass, Log, profiles

@Suite("2. Tiers, rules and profiles on one side")
struct TierWalkTests {
  // SEMANTICS 2: a tier none of whose policies selects the endpoint is skipped (no implicit deny).
  @Test("a tier that selects nothing here is skipped")
  func tierSkipped() throws {
    let result = apps.load(
      tier("strict", order: 100) + "\n---\n"
        + """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata:
          name: only-db
        spec:
          tier: strict
          selector: app == 'db'
          ingress:
          - action: Allow
        """)
    let trace = try #require(cell(result, "prod/client", "prod/web"))
    #expect(trace.outcome == .allowed)
    #expect(!trace.ingress.steps.contains { if case .tier = $0 { true } else { false } })
    #expect(trace.ingress.steps.contains(.noTierApplies))
  }

  // SEMANTICS 2: no rule matched in a tier -> its defaultAction: Deny ends, Pass goes on.
  @Test(
    "end of tier: Deny denies, Pass goes on to the profiles",
    arguments: [("Deny", Verdict.deny), ("Pass", Verdict.allow)])
  func endOfTier(_ defaultAction: String, _ expected: Verdict) throws {
    let result = apps.load(
      tier("t", order: 100, defaultAction: defaultAction) + "\n---\n"
        + """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata:
          name: only-from-nobody
        spec:
          tier: t
          selector: app == 'web'
          ingress:
          - action: Allow
            source:
              selector: app == 'nobody'
        """)
    let trace = try #require(cell(result, "prod/client", "prod/web"))
    #expect(trace.outcome.verdict == expected)
    if expected == .deny {
      #expect(
        summary(trace.ingress.decider)
          == "tier t default Deny after GlobalNetworkPolicy/only-from-nobody")
    } else {
      #expect(summary(trace.ingress.decider) == "profile kns.prod ingress[0] (Allow)")
    }
  }

  // SEMANTICS 2: Pass leaves the tier: later policies of the tier are not consulted.
  @Test("Pass skips the rest of the tier")
  func passLeavesTier() throws {
    let result = apps.load(
      [
        tier("t", order: 100),
        webIngress("first-pass", tier: "t", order: 1, action: "Pass"),
        webIngress("second-deny", tier: "t", order: 2, action: "Deny"),
      ].joined(separator: "\n---\n"))
    let trace = try #require(cell(result, "prod/client", "prod/web"))
    #expect(trace.outcome == .allowed)
    #expect(trace.ingress.steps.contains(.passed(tier: "t")))
    #expect(summary(trace.ingress.decider) == "profile kns.prod ingress[0] (Allow)")
  }

  // SEMANTICS 2: Log notes the match and evaluation continues with the next rule.
  @Test("Log continues to the next rule")
  func logContinues() throws {
    let result = apps.load(
      """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata:
        name: log-then-deny
      spec:
        selector: app == 'web'
        ingress:
        - action: Log
        - action: Deny
      """)
    let trace = try #require(cell(result, "prod/client", "prod/web"))
    #expect(trace.outcome == .denied)
    #expect(
      summary(trace.ingress.decider)
        == "GlobalNetworkPolicy/log-then-deny ingress[1] (Deny) in tier default")
    #expect(trace.ingress.steps.contains { if case .logged = $0 { true } else { false } })
  }

  // SEMANTICS 2: after the tiers, the profiles; every pod has kns.<namespace> (allow all).
  @Test("a pod no policy touches is allowed by its kns.<namespace> profile")
  func namespaceProfile() throws {
    let trace = try #require(cell(apps.load(), "dev/client", "prod/web"))
    #expect(trace.outcome == .allowed)
    #expect(summary(trace.egress.decider) == "profile kns.dev egress[0] (Allow)")
    #expect(summary(trace.ingress.decider) == "profile kns.prod ingress[0] (Allow)")
  }

  // SEMANTICS 2: a host endpoint has only spec.profiles; `projectcalico-default-allow` allows all,
  // no profile denies.
  @Test(
    "a host endpoint's profiles decide after the tiers",
    arguments: [
      ([String](), Verdict.deny, "no profile"),
      (
        ["projectcalico-default-allow"], Verdict.allow,
        "profile projectcalico-default-allow ingress[0] (Allow)"
      ),
    ])
  func hostProfiles(_ profiles: [String], _ expected: Verdict, _ decider: String) throws {
    let result = Inventory()
      .namespace("prod")
      .pod("prod/client", ip: "10.0.1.2")
      .host("h", node: "n1", expectedIPs: ["172.18.0.11"], profiles: profiles)
      .load()
    let trace = try #require(cell(result, "prod/client", "host/h"))
    #expect(trace.outcome.verdict == expected)
    #expect(summary(trace.ingress.decider) == decider)
  }

  // SEMANTICS 2: a declared Profile's rules are evaluated in order like a policy's.
  @Test(
    "a declared Profile with rules decides per port",
    arguments: [("tcp/80", Verdict.allow), ("tcp/81", Verdict.deny)])
  func declaredProfile(_ probeText: String, _ expected: Verdict) throws {
    let result = Inventory()
      .namespace("prod")
      .pod("prod/client", ip: "10.0.1.2")
      .host("h", node: "n1", expectedIPs: ["172.18.0.11"], profiles: ["web-host"])
      .load(
        """
        apiVersion: projectcalico.org/v3
        kind: Profile
        metadata:
          name: web-host
        spec:
          ingress:
          - action: Allow
            protocol: TCP
            destination:
              ports: [80]
          egress:
          - action: Allow
        """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    let trace = try #require(cell(result, "prod/client", "host/h", probeText))
    #expect(trace.outcome.verdict == expected)
    let expectedDecider =
      expected == .allow
      ? "profile web-host ingress[0] (Allow)" : "no rule matched in profiles web-host"
    #expect(summary(trace.ingress.decider) == expectedDecider)
  }

  // SEMANTICS 2: the cell is egress at the source AND ingress at the destination.
  @Test(
    "a cell needs both egress at the source and ingress at the destination",
    arguments: [(false, false), (true, false), (false, true), (true, true)])
  func bothSides(_ denyEgress: Bool, _ denyIngress: Bool) throws {
    var policies: [String] = []
    if denyEgress {
      policies.append(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: client-no-egress, namespace: prod}
        spec:
          podSelector: {matchLabels: {app: client}}
          policyTypes: [Egress]
        """)
    }
    if denyIngress {
      policies.append(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-no-ingress, namespace: prod}
        spec:
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Ingress]
        """)
    }
    let trace = try #require(
      cell(apps.load(policies.joined(separator: "\n---\n")), "prod/client", "prod/web"))
    #expect(trace.egress.verdict == (denyEgress ? .deny : .allow))
    #expect(trace.ingress.verdict == (denyIngress ? .deny : .allow))
    #expect(trace.outcome == (denyEgress || denyIngress ? .denied : .allowed))
  }

  // SEMANTICS 5: a pod can always reach itself.
  @Test("self traffic is allowed whatever the policy")
  func selfTraffic() throws {
    let result = apps.load(
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: deny-all, namespace: prod}
      spec:
        podSelector: {}
        policyTypes: [Ingress, Egress]
      """)
    let trace = try #require(cell(result, "prod/web", "prod/web"))
    #expect(trace.outcome == .selfTraffic)
    #expect(trace.outcome.verdict == .allow)
    #expect(verdict(result, "prod/client", "prod/web") == .deny)
  }
}

// MARK: - 3. Host endpoints

/// Two nodes; web runs on node-a, client on node-b; host endpoint `host-a` on node-a.
func hostInventory(profiles: [String] = [], expectedIPs: [String]? = ["172.18.0.11"]) -> Inventory {
  Inventory()
    .namespace("prod")
    .node("node-a", ip: "172.18.0.11")
    .node("node-b", ip: "172.18.0.12")
    .pod("prod/web", labels: ["app": "web"], ip: "10.0.1.1", node: "node-a")
    .pod("prod/client", labels: ["app": "client"], ip: "10.0.1.2", node: "node-b")
    .host(
      "host-a", node: "node-a", expectedIPs: expectedIPs, labels: ["role": "node"],
      profiles: profiles)
}

/// A GlobalNetworkPolicy on the hosts (`role == 'node'`) that denies every packet in `types`.
func hostDenyAll(_ types: String = "Ingress, Egress") -> String {
  """
  apiVersion: projectcalico.org/v3
  kind: GlobalNetworkPolicy
  metadata:
    name: host-deny-all
  spec:
    selector: role == 'node'
    types: [\(types)]
    ingress:
    - action: Deny
    egress:
    - action: Deny
  """
}

@Suite("3. Host endpoints")
struct HostEndpointTests {
  // SEMANTICS 3 (hostendpoint.mdx): no applicable policy and no profile -> deny, per direction.
  @Test("no policy and no profile denies both directions")
  func noPolicyNoProfile() throws {
    let result = hostInventory().load()
    let inbound = try #require(cell(result, "prod/client", "host/host-a"))
    #expect(fact(inbound) == "deny by ingress no profile")
    let outbound = try #require(cell(result, "host/host-a", "prod/client"))
    #expect(fact(outbound) == "deny by egress no profile")
  }

  // SEMANTICS 3: `types: [Ingress]` leaves the host's egress to the profiles.
  @Test("an Ingress-only policy leaves the host's egress to its profiles")
  func ingressOnlyPolicy() throws {
    let allowIngress = """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata:
        name: host-ingress
      spec:
        selector: role == 'node'
        types: [Ingress]
        ingress:
        - action: Allow
      """
    let bare = hostInventory().load(allowIngress)
    #expect(verdict(bare, "prod/client", "host/host-a") == .allow)
    let out = try #require(cell(bare, "host/host-a", "prod/client"))
    #expect(fact(out) == "deny by egress no profile")
    #expect(out.egress.steps.contains(.noTierApplies))

    let withProfile = hostInventory(profiles: ["projectcalico-default-allow"]).load(allowIngress)
    #expect(verdict(withProfile, "host/host-a", "prod/client") == .allow)
  }

  // SEMANTICS 3: failsafe ports are open whatever the policy: inbound tcp/22, outbound udp/53.
  // Each case states the host's side of the cell.
  @Test(
    "failsafe ports stay open on a host that denies everything",
    arguments: [
      ("prod/client", "host/host-a", "tcp/22", "allow: failsafe inbound tcp:22"),
      ("prod/client", "host/host-a", "tcp/6443", "allow: failsafe inbound tcp:6443"),
      (
        "prod/client", "host/host-a", "tcp/80",
        "deny: GlobalNetworkPolicy/host-deny-all ingress[0] (Deny) in tier default"
      ),
      (
        "prod/client", "host/host-a", "udp/53",
        "deny: GlobalNetworkPolicy/host-deny-all ingress[0] (Deny) in tier default"
      ),
      ("host/host-a", "prod/client", "udp/53", "allow: failsafe outbound udp:53"),
      (
        "host/host-a", "prod/client", "tcp/22",
        "deny: GlobalNetworkPolicy/host-deny-all egress[0] (Deny) in tier default"
      ),
    ])
  func failsafe(_ source: String, _ destination: String, _ probeText: String, _ expected: String)
    throws
  {
    let result = hostInventory(profiles: ["projectcalico-default-allow"]).load(hostDenyAll())
    let trace = try #require(cell(result, source, destination, probeText))
    let hostSide = source.hasPrefix("host/") ? trace.egress : trace.ingress
    #expect("\(hostSide.verdict.rawValue): \(summary(hostSide.decider))" == expected)
    #expect(trace.outcome.verdict == hostSide.verdict)
  }

  // SEMANTICS 3: a FelixConfiguration replaces the failsafe ports.
  @Test(
    "FelixConfiguration failsafeInboundHostPorts replaces the defaults",
    arguments: [("tcp/22", Verdict.deny), ("tcp/2222", Verdict.allow)])
  func failsafeOverride(_ probeText: String, _ expected: Verdict) {
    let result = hostInventory(profiles: ["projectcalico-default-allow"]).load(
      hostDenyAll() + "\n---\n"
        + """
        apiVersion: projectcalico.org/v3
        kind: FelixConfiguration
        metadata:
          name: default
        spec:
          failsafeInboundHostPorts:
          - {protocol: TCP, port: 2222}
        """)
    #expect(verdict(result, "prod/client", "host/host-a", probeText) == expected)
  }

  // SEMANTICS 3: failsafe ports apply to host endpoints only, never to pods.
  @Test("failsafe ports do not open pods")
  func failsafeNeverOnPods() {
    let result = hostInventory().load(
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: deny-all, namespace: prod}
      spec:
        podSelector: {}
        policyTypes: [Ingress]
      """)
    #expect(verdict(result, "prod/client", "prod/web", "tcp/22") == .deny)
  }

  // SEMANTICS 3 (hostendpoint.mdx): a host always reaches the pods on its own node.
  @Test("a host reaches the pods on its own node whatever the policy")
  func hostToLocalPod() throws {
    let result = hostInventory().load(
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: deny-all, namespace: prod}
      spec:
        podSelector: {}
        policyTypes: [Ingress]
      """)
    let local = try #require(cell(result, "host/host-a", "prod/web"))
    #expect(fact(local) == "allow by ingress host to a pod on its own node")
    // client runs on node-b: the host's egress (no profile) and client's ingress both deny.
    #expect(verdict(result, "host/host-a", "prod/client") == .deny)
  }

  struct EndpointToHostCase: Sendable, CustomTestStringConvertible {
    var action: String?
    var hostDenies: Bool
    var expected: String
    var testDescription: String {
      "\(action ?? "default") with \(hostDenies ? "a denying" : "no") host policy"
    }
  }

  // SEMANTICS 3 (correction; felix/rules/static.go filterWorkloadToHostChain,
  // felix/fv/ep_to_host_action_test.go): pod -> its own host runs the pod's egress, then
  // defaultEndpointToHostAction; the host endpoint's normal policy never applies. Accept (the
  // standard installs' value) is the default; Return hands the packet to the host's own INPUT
  // chain, outside Calico, taken as accepted; Drop denies.
  @Test(
    "a pod to its own host follows defaultEndpointToHostAction, never the host endpoint's policy",
    arguments: [
      EndpointToHostCase(
        action: nil, hostDenies: true, expected: "allow by ingress defaultEndpointToHostAction Accept"),
      EndpointToHostCase(
        action: nil, hostDenies: false, expected: "allow by ingress defaultEndpointToHostAction Accept"),
      EndpointToHostCase(
        action: "Return", hostDenies: true, expected: "allow by ingress defaultEndpointToHostAction Return"),
      EndpointToHostCase(
        action: "Drop", hostDenies: false,
        expected: "deny by ingress defaultEndpointToHostAction Drop"),
      EndpointToHostCase(
        action: "Accept", hostDenies: true,
        expected: "allow by ingress defaultEndpointToHostAction Accept"),
    ])
  func endpointToHost(_ c: EndpointToHostCase) throws {
    var documents: [String] = []
    if c.hostDenies { documents.append(hostDenyAll("Ingress")) }
    if let action = c.action {
      documents.append(
        """
        apiVersion: projectcalico.org/v3
        kind: FelixConfiguration
        metadata:
          name: default
        spec:
          defaultEndpointToHostAction: \(action)
        """)
    }
    let result = hostInventory(profiles: ["projectcalico-default-allow"])
      .load(documents.joined(separator: "\n---\n"))
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    // web runs on node-a, the node of host-a.
    let trace = try #require(cell(result, "prod/web", "host/host-a"))
    #expect(fact(trace) == c.expected)
  }

  @Test("defaultEndpointToHostAction Drop does not touch pods of other nodes")
  func endpointToHostOnlyLocal() {
    let result = hostInventory(profiles: ["projectcalico-default-allow"]).load(
      """
      apiVersion: projectcalico.org/v3
      kind: FelixConfiguration
      metadata:
        name: default
      spec:
        defaultEndpointToHostAction: Drop
      """)
    #expect(verdict(result, "prod/client", "host/host-a") == .allow)
  }

  // SEMANTICS 3: pre-DNAT policy still applies on a pod's way to its own node (felix/rules/
  // static.go: the mangle PREROUTING chain dispatches every packet to the host endpoints'
  // pre-DNAT chains, the `*` one catching any interface, workload ones included), and it has
  // no default deny: what it neither allows nor denies goes on to the endpoint-to-host action.
  @Test(
    "pre-DNAT policy on a wildcard host endpoint still stops a pod on its way to its own node",
    arguments: [("Deny", Verdict.deny), ("Allow", Verdict.allow)])
  func preDNATOnOwnNode(_ action: String, _ expected: Verdict) throws {
    let result = hostInventory(profiles: ["projectcalico-default-allow"]).load(
      """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata:
        name: nodeports
      spec:
        selector: role == 'node'
        preDNAT: true
        applyOnForward: true
        types: [Ingress]
        ingress:
        - action: \(action)
          protocol: TCP
          destination:
            ports: [80]
      """)
    let trace = try #require(cell(result, "prod/web", "host/host-a"))
    #expect(trace.outcome.verdict == expected)
    if expected == .deny {
      #expect(fact(trace) == "deny by ingress GlobalNetworkPolicy/nodeports ingress[0] (Deny) in tier default")
    } else {
      #expect(fact(trace) == "allow by ingress defaultEndpointToHostAction Accept")
    }
    // Another port: the policy neither allows nor denies, and no default deny follows.
    let other = try #require(cell(result, "prod/web", "host/host-a", "tcp/443"))
    #expect(other.outcome == .allowed)
    // The kernel agrees with the trace.
    let evaluator = Evaluator(cluster: result.cluster)
    let matrix = ConnectivityMatrix(evaluator: evaluator, probe: probe("tcp/80"))
    let (web, host) = (try #require(evaluator.index["prod/web"]), try #require(evaluator.index["host/host-a"]))
    #expect(matrix.outcome(web, host) == trace.outcome)
  }

  // SEMANTICS 3: rules select a host endpoint by label only if it has expectedIPs.
  @Test(
    "a rule selector matches a host endpoint only with expectedIPs",
    arguments: [(["172.18.0.11"], Verdict.allow), (nil, Verdict.deny)])
  func ruleSelectorNeedsExpectedIPs(_ expectedIPs: [String]?, _ expected: Verdict) throws {
    let result = Inventory()
      .namespace("prod")
      .node("node-a", ip: "172.18.0.11")
      .pod("prod/web", labels: ["app": "web"], ip: "10.0.1.1")
      .host(
        "host-a", node: "node-a", expectedIPs: expectedIPs, labels: ["role": "node"],
        profiles: ["projectcalico-default-allow"]
      )
      .load(
        """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata:
          name: web-from-nodes
        spec:
          selector: app == 'web'
          ingress:
          - action: Allow
            source:
              selector: role == 'node'
        """)
    // Without expectedIPs the host still has an address: its node's.
    #expect(result.cluster.endpoint("host/host-a")?.address == IPAddress("172.18.0.11"))
    #expect(verdict(result, "host/host-a", "prod/web") == expected)
  }

  // SEMANTICS 3: Kubernetes NetworkPolicy, namespaced Calico NetworkPolicy and a
  // GlobalNetworkPolicy with a namespaceSelector never select host endpoints.
  @Test(
    "namespace-bound policies never select a host endpoint",
    arguments: [
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: deny-all, namespace: prod}
      spec:
        podSelector: {}
        policyTypes: [Ingress]
      """,
      """
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: deny-all, namespace: prod}
      spec:
        selector: all()
        ingress:
        - action: Deny
      """,
      """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: deny-all}
      spec:
        namespaceSelector: all()
        selector: all()
        ingress:
        - action: Deny
      """,
    ])
  func neverSelectsHosts(_ policy: String) throws {
    let result = hostInventory(profiles: ["projectcalico-default-allow"]).load(policy)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    let evaluator = Evaluator(cluster: result.cluster)
    let host = try #require(evaluator.index["host/host-a"])
    #expect(evaluator.appliedPolicies(host, .ingress).isEmpty)
    #expect(verdict(result, "prod/client", "host/host-a") == .allow)
    // The policy does apply to the pods.
    #expect(verdict(result, "prod/client", "prod/web") == .deny)
  }

  // SEMANTICS 3: a GlobalNetworkPolicy without namespaceSelector does select host endpoints.
  @Test("a GlobalNetworkPolicy selector reaches host endpoints")
  func globalPolicySelectsHosts() {
    let result = hostInventory(profiles: ["projectcalico-default-allow"]).load(hostDenyAll())
    #expect(verdict(result, "prod/client", "host/host-a") == .deny)
  }
}

// MARK: - 4. Selector scoping

/// `apps` plus a host endpoint with expectedIPs and a pod that wears the host's label.
let scoped =
  apps
  .node("node-x", ip: "172.18.0.20")
  .pod("prod/impostor", labels: ["role": "node"], ip: "10.0.1.9")
  .host(
    "host-x", node: "node-x", expectedIPs: ["172.18.0.20"], labels: ["role": "node"],
    profiles: ["projectcalico-default-allow"])

/// The sources allowed into prod/web, among every other endpoint of `result`.
func allowedInto(_ destination: String, _ result: LoadResult, _ probeText: String = "tcp/80")
  -> Set<String>
{
  let evaluator = Evaluator(cluster: result.cluster)
  var allowed: Set<String> = []
  for endpoint in result.cluster.endpoints where endpoint.id != destination {
    if evaluator.trace(from: endpoint.id, to: destination, probe: probe(probeText))?.outcome
      == .allowed
    {
      allowed.insert(endpoint.id)
    }
  }
  return allowed
}

@Suite("4. Selector scope in rules")
struct SelectorScopeTests {
  struct ScopeCase: Sendable, CustomTestStringConvertible {
    var name: String
    var kind: String
    var source: String
    var allowed: Set<String>
    var testDescription: String { name }
  }

  // SEMANTICS 4: scope of a rule's selector in namespaced and global policies.
  @Test(
    "rule selectors are scoped by policy kind and namespaceSelector",
    arguments: [
      ScopeCase(
        name: "namespaced selector = own namespace", kind: "NetworkPolicy",
        source: "selector: app == 'client'", allowed: ["prod/client"]),
      ScopeCase(
        name: "namespaceSelector widens to the selected namespaces", kind: "NetworkPolicy",
        source: "{selector: app == 'client', namespaceSelector: env == 'dev'}",
        allowed: ["dev/client"]),
      ScopeCase(
        name: "namespaceSelector by projectcalico.org/name", kind: "NetworkPolicy",
        source: "{selector: app == 'client', namespaceSelector: projectcalico.org/name == 'dev'}",
        allowed: ["dev/client"]),
      ScopeCase(
        name: "namespaceSelector all() = every namespaced endpoint", kind: "NetworkPolicy",
        source: "{selector: app == 'client', namespaceSelector: all()}",
        allowed: ["prod/client", "dev/client"]),
      ScopeCase(
        name: "namespaceSelector global() = only non-namespaced endpoints", kind: "NetworkPolicy",
        source: "{selector: role == 'node', namespaceSelector: global()}", allowed: ["host/host-x"]),
      ScopeCase(
        name: "global policy selector = any namespace and hosts", kind: "GlobalNetworkPolicy",
        source: "selector: app == 'client' || role == 'node'",
        allowed: ["prod/client", "dev/client", "prod/impostor", "host/host-x"]),
      ScopeCase(
        name: "namespaced notSelector keeps the rule in the namespace", kind: "NetworkPolicy",
        source: "notSelector: app == 'client'", allowed: ["prod/other", "prod/impostor"]),
      ScopeCase(
        name: "global notSelector matches everything else", kind: "GlobalNetworkPolicy",
        source: "notSelector: app == 'client'",
        allowed: ["prod/other", "prod/impostor", "dev/other", "host/host-x"]),
      ScopeCase(
        name: "namespaced selector and notSelector", kind: "NetworkPolicy",
        source: "{selector: has(app), notSelector: app == 'client'}", allowed: ["prod/other"]),
    ])
  func scope(_ c: ScopeCase) {
    let namespace = c.kind == "NetworkPolicy" ? "\n  namespace: prod" : ""
    let result = scoped.load(
      """
      apiVersion: projectcalico.org/v3
      kind: \(c.kind)
      metadata:
        name: web-ingress\(namespace)
      spec:
        selector: app == 'web'
        ingress:
        - action: Allow
          source:
            \(c.source)
      """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(allowedInto("prod/web", result) == c.allowed)
  }

  // SEMANTICS 4: a rule with no selector at all matches any packet.
  @Test("a rule without selectors matches every source")
  func noSelector() {
    let result = scoped.load(
      """
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: web-ingress, namespace: prod}
      spec:
        selector: app == 'web'
        ingress:
        - action: Allow
          protocol: TCP
      """)
    #expect(
      allowedInto("prod/web", result)
        == ["prod/client", "prod/other", "prod/impostor", "dev/client", "dev/other", "host/host-x"])
  }
}

// MARK: - 5. Kubernetes peers, types, ports and protocols

/// A Kubernetes NetworkPolicy on prod/web with one ingress rule whose body is `rule`.
func webPolicy(_ rule: String) -> String {
  """
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: web, namespace: prod}
  spec:
    podSelector: {matchLabels: {app: web}}
    ingress:
    - \(rule)
  """
}

@Suite("5. Kubernetes NetworkPolicy")
struct KubernetesPolicyTests {
  // SEMANTICS 5: Kubernetes peers.
  @Test(
    "peers: podSelector, namespaceSelector, both (AND), two peers (OR), ipBlock",
    arguments: [
      ("from: [{podSelector: {matchLabels: {app: client}}}]", ["prod/client"]),
      ("from: [{namespaceSelector: {matchLabels: {env: dev}}}]", ["dev/client", "dev/other"]),
      (
        "from: [{namespaceSelector: {}}]", ["prod/client", "prod/other", "dev/client", "dev/other"]
      ),
      (
        "from: [{namespaceSelector: {matchLabels: {env: dev}}, podSelector: {matchLabels: {app: client}}}]",
        ["dev/client"]
      ),
      (
        "from: [{namespaceSelector: {matchLabels: {env: dev}}}, {podSelector: {matchLabels: {app: client}}}]",
        ["prod/client", "dev/client", "dev/other"]
      ),
      (
        "from: [{podSelector: {matchExpressions: [{key: app, operator: NotIn, values: [client]}]}}]",
        ["prod/other"]
      ),
      (
        "from: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.2.0/24, 10.0.1.3/32]}}]",
        ["prod/client"]
      ),
      ("{}", ["prod/client", "prod/other", "dev/client", "dev/other"]),
    ] as [(String, Set<String>)])
  func peers(_ rule: String, _ allowed: Set<String>) {
    let result = apps.load(webPolicy(rule))
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(allowedInto("prod/web", result) == allowed)
  }

  struct TypesCase: Sendable, CustomTestStringConvertible {
    var name: String
    var spec: String
    var ingressApplies: Bool
    var egressApplies: Bool
    var testDescription: String { name }
  }

  // SEMANTICS 5: Kubernetes policyTypes when absent: Ingress always, Egress for a non-empty
  // `egress` list (k8s `SetDefaults_NetworkPolicy`: `len(spec.Egress) != 0`).
  @Test(
    "Kubernetes policyTypes defaulting",
    arguments: [
      TypesCase(
        name: "ingress rules only", spec: "ingress: [{}]", ingressApplies: true,
        egressApplies: false),
      TypesCase(name: "no rules at all", spec: "", ingressApplies: true, egressApplies: false),
      TypesCase(
        name: "egress rules only: Ingress too",
        spec: "egress: [{to: [{podSelector: {matchLabels: {app: other}}}]}]",
        ingressApplies: true, egressApplies: true),
      TypesCase(
        name: "an empty egress list adds no Egress", spec: "egress: []", ingressApplies: true,
        egressApplies: false),
      TypesCase(
        name: "policyTypes as written", spec: "policyTypes: [Egress]", ingressApplies: false,
        egressApplies: true),
    ])
  func kubernetesTypes(_ c: TypesCase) throws {
    let result = apps.load(
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: web, namespace: prod}
      spec:
        podSelector: {matchLabels: {app: web}}
        \(c.spec)
      """)
    let policy = try #require(result.cluster.policies.first)
    #expect(policy.appliesToIngress == c.ingressApplies)
    #expect(policy.appliesToEgress == c.egressApplies)
    // Egress rules only: ingress applies with no rules (deny), egress to `other` only.
    if c.name.hasPrefix("egress rules only") {
      #expect(verdict(result, "prod/client", "prod/web") == .deny)
      #expect(verdict(result, "prod/web", "prod/other") == .allow)
      #expect(verdict(result, "prod/web", "prod/client") == .deny)
    }
  }

  // SEMANTICS 5: named ports resolve on the destination pod, for ingress and egress rules.
  @Test(
    "named ports resolve on the destination",
    arguments: [
      // Ingress: web-1's http is 8080, web-2's is 9090.
      ("ingress", "prod/client", "prod/web-1", "tcp/8080", Verdict.allow),
      ("ingress", "prod/client", "prod/web-1", "tcp/9090", Verdict.deny),
      ("ingress", "prod/client", "prod/web-2", "tcp/9090", Verdict.allow),
      ("ingress", "prod/client", "prod/web-2", "tcp/8080", Verdict.deny),
      // Egress: client's own 8080 is named metrics, which does not matter.
      ("egress", "prod/client", "prod/web-1", "tcp/8080", Verdict.allow),
      ("egress", "prod/client", "prod/web-2", "tcp/8080", Verdict.deny),
      ("egress", "prod/client", "prod/web-2", "tcp/9090", Verdict.allow),
      ("egress", "prod/client", "prod/web-1", "udp/8080", Verdict.deny),
    ])
  func namedPorts(
    _ direction: String, _ source: String, _ destination: String, _ probeText: String,
    _ expected: Verdict
  ) {
    let policy =
      direction == "ingress"
      ? webPolicy("ports: [{port: http}]").replacingOccurrences(
        of: "{app: web}", with: "{tier: web}")
      : """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: client, namespace: prod}
      spec:
        podSelector: {matchLabels: {app: client}}
        policyTypes: [Egress]
        egress:
        - ports: [{port: http}]
      """
    let result = namedPortInventory.load(policy)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(verdict(result, source, destination, probeText) == expected)
  }

  // SEMANTICS 5 / brief: a `tcp/http` probe resolves on each destination; none there = deny.
  @Test("a named probe resolves per destination and denies where the name is missing")
  func namedProbe() throws {
    let result = namedPortInventory.load()
    let resolved = try #require(cell(result, "prod/client", "prod/web-2", "tcp/http"))
    #expect(resolved.resolvedPort == 9090)
    #expect(resolved.outcome == .allowed)
    let missing = try #require(cell(result, "prod/web-1", "prod/client", "tcp/http"))
    #expect(missing.outcome == .denied)
    #expect(fact(missing) == "deny by egress the destination has no port named http")
  }

  // SEMANTICS 5: `ports` with `endPort`.
  @Test(
    "endPort makes an inclusive range",
    arguments: [
      (31999, Verdict.deny), (32000, .allow), (32500, .allow), (32768, .allow), (32769, .deny),
    ])
  func endPort(_ port: Int, _ expected: Verdict) {
    let result = apps.load(webPolicy("ports: [{protocol: TCP, port: 32000, endPort: 32768}]"))
    #expect(verdict(result, "prod/client", "prod/web", "tcp/\(port)") == expected)
  }

  // Brief: a rule with TCP 80 and UDP 53 does not allow TCP 53 (one rule per protocol).
  @Test(
    "ports of different protocols do not mix",
    arguments: [
      ("tcp/80", Verdict.allow), ("udp/53", .allow), ("tcp/53", .deny), ("udp/80", .deny),
    ])
  func protocolsDoNotMix(_ probeText: String, _ expected: Verdict) {
    let result = apps.load(
      webPolicy("ports: [{protocol: TCP, port: 80}, {protocol: UDP, port: 53}]"))
    #expect(verdict(result, "prod/client", "prod/web", probeText) == expected)
  }

  // Kubernetes e2e `sctp-not-treated-as-tcp`.
  @Test("SCTP is not TCP", arguments: [("sctp/80", Verdict.allow), ("tcp/80", .deny)])
  func sctpIsNotTCP(_ probeText: String, _ expected: Verdict) {
    let result = apps.load(webPolicy("ports: [{protocol: SCTP, port: 80}]"))
    #expect(verdict(result, "prod/client", "prod/web", probeText) == expected)
  }
}

/// prod: web-1 (tier=web, http=8080), web-2 (tier=web, http=9090), client (metrics=8080).
let namedPortInventory = Inventory()
  .namespace("prod")
  .pod("prod/web-1", labels: ["tier": "web"], ip: "10.0.1.1", ports: [("http", 8080, "TCP")])
  .pod("prod/web-2", labels: ["tier": "web"], ip: "10.0.1.2", ports: [("http", 9090, "TCP")])
  .pod("prod/client", labels: ["app": "client"], ip: "10.0.1.3", ports: [("metrics", 8080, "TCP")])

// MARK: - 5. Calico rules

@Suite("5. Calico rules and types")
struct CalicoRuleTests {
  struct TypesCase: Sendable, CustomTestStringConvertible {
    var name: String
    var rules: String
    var ingressApplies: Bool
    var egressApplies: Bool
    var testDescription: String { name }
  }

  // SEMANTICS 5 (libcalico-go `defaultPolicyTypesField`): no egress rules -> [Ingress]; egress
  // rules only -> [Egress]; both -> both. Empty lists count as no rules.
  @Test(
    "Calico types defaulting",
    arguments: [
      TypesCase(name: "no rules", rules: "", ingressApplies: true, egressApplies: false),
      TypesCase(
        name: "ingress rules only", rules: "ingress: [{action: Allow}]", ingressApplies: true,
        egressApplies: false),
      TypesCase(
        name: "egress rules only", rules: "egress: [{action: Allow}]", ingressApplies: false,
        egressApplies: true),
      TypesCase(
        name: "both", rules: "ingress: [{action: Allow}]\n  egress: [{action: Allow}]",
        ingressApplies: true,
        egressApplies: true),
      TypesCase(
        name: "empty ingress list and egress rules",
        rules: "ingress: []\n  egress: [{action: Allow}]",
        ingressApplies: false, egressApplies: true),
      TypesCase(
        name: "empty egress list", rules: "egress: []", ingressApplies: true, egressApplies: false),
    ])
  func calicoTypes(_ c: TypesCase) throws {
    let result = apps.load(
      """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: web}
      spec:
        selector: app == 'web'
        \(c.rules)
      """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    let policy = try #require(result.cluster.policies.first)
    #expect(policy.appliesToIngress == c.ingressApplies)
    #expect(policy.appliesToEgress == c.egressApplies)
  }

  @Test("an Egress-only Calico policy leaves ingress open")
  func egressOnlyLeavesIngress() {
    let result = apps.load(
      """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: web}
      spec:
        selector: app == 'web'
        ingress: []
        egress:
        - action: Deny
      """)
    #expect(verdict(result, "prod/client", "prod/web") == .allow)
    #expect(verdict(result, "prod/web", "prod/client") == .deny)
  }

  // Brief: a Calico ICMP rule never matches a TCP probe.
  @Test("an ICMP rule never matches TCP")
  func icmpNeverMatchesTCP() throws {
    let result = apps.load(
      """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: web}
      spec:
        selector: app == 'web'
        ingress:
        - action: Allow
          protocol: ICMP
      """)
    let trace = try #require(cell(result, "prod/client", "prod/web"))
    #expect(trace.outcome == .denied)
    #expect(
      trace.ingress.steps.contains { step in
        if case .rule(_, false, .ipProtocol?) = step { true } else { false }
      })
  }

  // SEMANTICS 5: Calico ports: numbers and "start:end" ranges, protocol required.
  @Test(
    "Calico port ranges",
    arguments: [
      ("tcp/79", Verdict.deny), ("tcp/80", .allow), ("tcp/85", .allow), ("tcp/90", .allow),
      ("udp/80", .deny),
    ])
  func calicoPortRange(_ probeText: String, _ expected: Verdict) {
    let result = apps.load(
      """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: web}
      spec:
        selector: app == 'web'
        ingress:
        - action: Allow
          protocol: TCP
          destination:
            ports: ["80:90"]
      """)
    #expect(verdict(result, "prod/client", "prod/web", probeText) == expected)
  }

  // SEMANTICS 5: nets and notNets match pod addresses.
  @Test(
    "nets and notNets match the source address",
    arguments: [
      ("nets: [10.0.2.0/24]", ["dev/client", "dev/other"]),
      ("notNets: [10.0.2.0/24]", ["prod/client", "prod/other"]),
      ("{nets: [10.0.0.0/16], notNets: [10.0.1.2/32]}", ["prod/other", "dev/client", "dev/other"]),
      ("nets: [192.168.0.0/16]", []),
    ] as [(String, Set<String>)])
  func nets(_ source: String, _ allowed: Set<String>) {
    let result = apps.load(
      """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: web}
      spec:
        selector: app == 'web'
        ingress:
        - action: Allow
          source:
            \(source)
      """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(allowedInto("prod/web", result) == allowed)
  }

  // SEMANTICS 5: serviceAccounts.selector matches the service account's labels (pcsa.).
  @Test("serviceAccounts selector matches the service account's labels")
  func serviceAccountSelector() {
    let result = Inventory()
      .namespace("prod")
      .with(
        """
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: robot, namespace: prod, labels: {trusted: "yes"}}
        """
      )
      .pod("prod/web", labels: ["app": "web"], ip: "10.0.1.1")
      .pod("prod/bot", ip: "10.0.1.2", serviceAccount: "robot")
      .pod("prod/human", ip: "10.0.1.3")
      .load(
        """
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: web, namespace: prod}
        spec:
          selector: app == 'web'
          ingress:
          - action: Allow
            source:
              serviceAccounts:
                selector: trusted == 'yes'
        """)
    #expect(allowedInto("prod/web", result) == ["prod/bot"])
  }
}

// MARK: - 5. Network Policy API

/// Namespaces x (house=x) and y (house=y), one pod each.
let houses = Inventory()
  .namespace("x", labels: ["house": "x"])
  .namespace("y", labels: ["house": "y"])
  .pod("x/a", labels: ["app": "a"], ip: "10.0.1.1")
  .pod("y/b", labels: ["app": "b"], ip: "10.0.2.1")

/// An AdminNetworkPolicy on namespace x with one ingress rule from namespace y.
func anp(_ name: String, priority: Int, action: String) -> String {
  """
  apiVersion: policy.networking.k8s.io/v1alpha1
  kind: AdminNetworkPolicy
  metadata: {name: \(name)}
  spec:
    priority: \(priority)
    subject: {namespaces: {matchLabels: {house: x}}}
    ingress:
    - name: from-y
      action: \(action)
      from: [{namespaces: {matchLabels: {house: y}}}]
  """
}

/// The BaselineAdminNetworkPolicy: ingress into x from y with `action`.
func banp(action: String) -> String {
  """
  apiVersion: policy.networking.k8s.io/v1alpha1
  kind: BaselineAdminNetworkPolicy
  metadata: {name: default}
  spec:
    subject: {namespaces: {matchLabels: {house: x}}}
    ingress:
    - action: \(action)
      from: [{namespaces: {matchLabels: {house: y}}}]
  """
}

/// A Kubernetes NetworkPolicy in x: allows ingress from y, or (allowY false) from x only.
func xPolicy(allowY: Bool) -> String {
  """
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: x-ingress, namespace: x}
  spec:
    podSelector: {}
    ingress:
    - from: [{namespaceSelector: {matchLabels: {house: \(allowY ? "y" : "x")}}}]
  """
}

@Suite("5. Network Policy API")
struct NetworkPolicyAPITests {
  // SEMANTICS 5: priority lower first; an ANP Allow is final even against a denying NP.
  @Test(
    "AdminNetworkPolicy priority: lower runs first",
    arguments: [(10, 20, Verdict.deny), (20, 10, Verdict.allow)])
  func anpPriority(_ denyPriority: Int, _ allowPriority: Int, _ expected: Verdict) {
    let result = houses.load(
      [
        anp("deny-y", priority: denyPriority, action: "Deny"),
        anp("allow-y", priority: allowPriority, action: "Allow"),
        xPolicy(allowY: false),
      ].joined(separator: "\n---\n"))
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(verdict(result, "y/b", "x/a") == expected)
  }

  struct PassCase: Sendable, CustomTestStringConvertible {
    var name: String
    var networkPolicy: Bool?
    var baseline: String?
    var expected: Verdict
    var testDescription: String { name }
  }

  // SEMANTICS 5: Pass skips to the next tier: the NetworkPolicies, then the baseline.
  @Test(
    "Pass hands the packet to the default tier, then to the baseline",
    arguments: [
      PassCase(
        name: "NetworkPolicy allows", networkPolicy: true, baseline: "Deny", expected: .allow),
      PassCase(
        name: "NetworkPolicy selects but does not allow", networkPolicy: false, baseline: "Allow",
        expected: .deny),
      PassCase(
        name: "no NetworkPolicy: baseline Deny", networkPolicy: nil, baseline: "Deny",
        expected: .deny),
      PassCase(
        name: "no NetworkPolicy: baseline Allow", networkPolicy: nil, baseline: "Allow",
        expected: .allow),
      PassCase(name: "nothing else: profiles", networkPolicy: nil, baseline: nil, expected: .allow),
    ])
  func passToNextTier(_ c: PassCase) {
    var documents = [
      anp("pass-y", priority: 1, action: "Pass"), anp("deny-y", priority: 2, action: "Deny"),
    ]
    if let allowY = c.networkPolicy { documents.append(xPolicy(allowY: allowY)) }
    if let action = c.baseline { documents.append(banp(action: action)) }
    let result = houses.load(documents.joined(separator: "\n---\n"))
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(verdict(result, "y/b", "x/a") == c.expected)
  }

  // SEMANTICS 1: BaselineAdminNetworkPolicy sits in kube-baseline, after the NetworkPolicies.
  @Test("the baseline applies only where no NetworkPolicy selects the pod")
  func baseline() throws {
    let alone = houses.load(banp(action: "Deny"))
    let denied = try #require(cell(alone, "y/b", "x/a"))
    #expect(decidingTier(denied.ingress.decider) == "kube-baseline")
    #expect(denied.outcome == .denied)
    let overridden = houses.load(banp(action: "Deny") + "\n---\n" + xPolicy(allowY: true))
    #expect(verdict(overridden, "y/b", "x/a") == .allow)
  }

  // SEMANTICS 1: ClusterNetworkPolicy tier Admin runs before NetworkPolicies, Baseline after.
  @Test(
    "ClusterNetworkPolicy Admin overrides a NetworkPolicy, Baseline does not",
    arguments: [("Admin", Verdict.deny, "kube-admin"), ("Baseline", Verdict.allow, "default")])
  func clusterNetworkPolicy(_ tierName: String, _ expected: Verdict, _ decidingTierName: String)
    throws
  {
    let result = houses.load(
      """
      apiVersion: policy.networking.k8s.io/v1alpha2
      kind: ClusterNetworkPolicy
      metadata: {name: deny-y}
      spec:
        tier: \(tierName)
        priority: 10
        subject: {namespaces: {matchLabels: {house: x}}}
        ingress:
        - name: deny-from-y
          action: Deny
          from: [{namespaces: {matchLabels: {house: y}}}]
      ---
      \(xPolicy(allowY: true))
      """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    let trace = try #require(cell(result, "y/b", "x/a"))
    #expect(trace.outcome.verdict == expected)
    #expect(decidingTier(trace.ingress.decider) == decidingTierName)
  }

  // SEMANTICS 5: a peer type that cannot be evaluated fails closed: an Allow rule matches
  // nothing, a Deny rule denies everything.
  @Test(
    "unsupported peers fail closed",
    arguments: [("Allow", Verdict.deny), ("Deny", Verdict.deny)])
  func failClosed(_ action: String, _ expected: Verdict) throws {
    // The rule's only peer is of a kind the matrix cannot evaluate (a newer API's, as the spec
    // foresees); x/a -> y/b is pod traffic.
    let result = houses.load(
      """
      apiVersion: policy.networking.k8s.io/v1alpha1
      kind: AdminNetworkPolicy
      metadata: {name: to-nodes}
      spec:
        priority: 1
        subject: {namespaces: {matchLabels: {house: x}}}
        egress:
        - name: future
          action: \(action)
          to: [{futurePeers: {matchLabels: {role: node}}}]
      ---
      apiVersion: policy.networking.k8s.io/v1alpha1
      kind: AdminNetworkPolicy
      metadata: {name: deny-all-egress}
      spec:
        priority: 2
        subject: {namespaces: {matchLabels: {house: x}}}
        egress:
        - name: all
          action: Deny
          to: [{namespaces: {}}]
      """)
    #expect(
      result.diagnostics.contains { $0.severity == .warning && $0.message.contains("fails closed") }
    )
    let trace = try #require(cell(result, "x/a", "y/b"))
    #expect(trace.outcome.verdict == expected)
    // Allow matches nothing, so the next policy decides; Deny decides at once.
    #expect(
      decidingPolicy(trace.egress.decider) == (action == "Allow" ? "deny-all-egress" : "to-nodes"))
  }

  // SEMANTICS 3 / the lesson: Network Policy API subjects never select host endpoints.
  @Test("an AdminNetworkPolicy never selects a host endpoint")
  func anpNeverSelectsHosts() {
    let result = hostInventory(profiles: ["projectcalico-default-allow"]).load(
      """
      apiVersion: policy.networking.k8s.io/v1alpha1
      kind: AdminNetworkPolicy
      metadata: {name: deny-everything}
      spec:
        priority: 1
        subject: {namespaces: {}}
        ingress:
        - action: Deny
          from: [{namespaces: {}}]
      """)
    #expect(verdict(result, "prod/client", "host/host-a") == .allow)
    #expect(verdict(result, "prod/client", "prod/web") == .deny)
  }
}

// MARK: - 6. Staged policies

/// A staged or enforced Calico NetworkPolicy `web-lockdown` in prod that denies ingress to web.
func lockdown(kind: String = "NetworkPolicy", stagedAction: String? = nil) -> String {
  """
  apiVersion: projectcalico.org/v3
  kind: \(kind)
  metadata: {name: web-lockdown, namespace: prod}
  spec:
  \(stagedAction.map { "  stagedAction: \($0)" } ?? "")
    selector: app == 'web'
    types: [Ingress]
    ingress:
    - action: Deny
  """
}

@Suite("6. Staged policies")
struct StagedPolicyTests {
  // SEMANTICS 6: staged policies are never enforced; pending treats them as enforced.
  @Test("a staged policy changes only the pending view")
  func stagedOnlyPending() {
    let result = apps.load(lockdown(kind: "StagedNetworkPolicy"))
    #expect(verdict(result, "prod/client", "prod/web", view: .enforced) == .allow)
    #expect(verdict(result, "prod/client", "prod/web", view: .pending) == .deny)
  }

  @Test("a StagedKubernetesNetworkPolicy replaces its enforced twin in pending")
  func stagedKubernetesReplaces() {
    let result = apps.load(
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: web, namespace: prod}
      spec:
        podSelector: {matchLabels: {app: web}}
        policyTypes: [Ingress]
      ---
      apiVersion: projectcalico.org/v3
      kind: StagedKubernetesNetworkPolicy
      metadata: {name: web, namespace: prod}
      spec:
        podSelector: {matchLabels: {app: web}}
        ingress:
        - from: [{podSelector: {matchLabels: {app: client}}}]
      """)
    #expect(verdict(result, "prod/client", "prod/web", view: .enforced) == .deny)
    #expect(verdict(result, "prod/client", "prod/web", view: .pending) == .allow)
    #expect(verdict(result, "prod/other", "prod/web", view: .pending) == .deny)
  }

  // SEMANTICS 6: `stagedAction: Delete` removes the enforced policy of the same name.
  @Test("stagedAction Delete removes the enforced twin in pending")
  func stagedDelete() {
    let result = apps.load(
      lockdown() + "\n---\n" + lockdown(kind: "StagedNetworkPolicy", stagedAction: "Delete"))
    #expect(verdict(result, "prod/client", "prod/web", view: .enforced) == .deny)
    #expect(verdict(result, "prod/client", "prod/web", view: .pending) == .allow)
  }

  // SEMANTICS 6: a tier whose selecting policies are all staged is skipped when enforced.
  @Test("a tier with only staged policies is skipped when enforced")
  func stagedOnlyTierSkipped() throws {
    let result = apps.load(
      tier("audit", order: 100) + "\n---\n"
        + """
        apiVersion: projectcalico.org/v3
        kind: StagedGlobalNetworkPolicy
        metadata: {name: audit-web}
        spec:
          tier: audit
          selector: app == 'web'
          types: [Ingress]
        """)
    let enforced = try #require(cell(result, "prod/client", "prod/web", view: .enforced))
    #expect(enforced.outcome == .allowed)
    #expect(
      !enforced.ingress.steps.contains {
        if case .tier(let t) = $0 { t.name == "audit" } else { false }
      })
    let pending = try #require(cell(result, "prod/client", "prod/web", view: .pending))
    #expect(
      fact(pending)
        == "deny by ingress tier audit default Deny after StagedGlobalNetworkPolicy/audit-web")
  }
}

// MARK: - Trap

@Suite("The trap what-if")
struct TrapTests {
  static let firewall = """
    apiVersion: projectcalico.org/v3
    kind: GlobalNetworkPolicy
    metadata: {name: web-firewall}
    spec:
      selector: app == 'web'
      ingress:
      - action: Allow
        source:
          selector: app == 'client'
      - action: Deny
        source:
          selector: app == 'other'
    """

  // Brief: the trap replaces the peers of each Allow rule by all().
  @Test("the trap widens Allow rules to all()")
  func widensAllowRules() throws {
    let result = apps.load(Self.firewall)
    #expect(verdict(result, "dev/other", "prod/web") == .deny)
    let (trapped, report) = try result.cluster.applyingTrap("web-firewall").get()
    #expect(report.summary == "web-firewall ingress[0] source -> all()")
    #expect(report.widened == ["ingress[0] source"])
    let after = LoadResult(cluster: trapped, diagnostics: [])
    #expect(verdict(after, "dev/other", "prod/web") == .allow)
    // The Deny rule is untouched, but the widened Allow comes first.
    #expect(verdict(after, "prod/other", "prod/web") == .allow)
  }

  @Test("the trap on a Kubernetes policy opens it to all pods in all namespaces")
  func kubernetesTrap() throws {
    let result = apps.load(webPolicy("from: [{podSelector: {matchLabels: {app: client}}}]"))
    #expect(verdict(result, "dev/other", "prod/web") == .deny)
    let (trapped, report) = try result.cluster.applyingTrap("NetworkPolicy/prod/web").get()
    #expect(report.policy == PolicyID(kind: .networkPolicy, namespace: "prod", name: "web"))
    #expect(
      verdict(LoadResult(cluster: trapped, diagnostics: []), "dev/other", "prod/web") == .allow)
  }

  @Test("a policy with no Allow peers reports that nothing was widened")
  func nothingToWiden() throws {
    let result = apps.load(webIngress("deny-only", order: 1, action: "Deny"))
    let (_, report) = try result.cluster.applyingTrap("deny-only").get()
    #expect(report.summary == "deny-only no Allow rule with peers to widen")
  }

  @Test("an unknown policy name is an error")
  func notFound() {
    let result = apps.load(Self.firewall)
    #expect(throws: TrapError.notFound("nope")) { try result.cluster.applyingTrap("nope").get() }
    #expect(TrapError.notFound("nope").description == "no policy named `nope`")
  }

  @Test("a name shared by two policies is ambiguous; Kind/namespace/name picks one")
  func ambiguous() throws {
    let twins = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: same, namespace: prod}
      spec: {podSelector: {}}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: same, namespace: dev}
      spec: {podSelector: {}}
      """
    let result = apps.load(twins)
    let ids = [
      PolicyID(kind: .networkPolicy, namespace: "dev", name: "same"),
      PolicyID(kind: .networkPolicy, namespace: "prod", name: "same"),
    ]
    #expect(throws: TrapError.ambiguous("same", ids)) {
      try result.cluster.applyingTrap("same").get()
    }
    #expect(
      TrapError.ambiguous("same", ids).description.contains(
        "use `Kind/name` or `Kind/namespace/name`"))
    let (_, report) = try result.cluster.applyingTrap("NetworkPolicy/dev/same").get()
    #expect(report.policy == ids[0])
  }

  @Test("the trap prefers the enforced policy over its staged twin")
  func prefersEnforced() throws {
    let result = apps.load(lockdown() + "\n---\n" + lockdown(kind: "StagedNetworkPolicy"))
    let (_, report) = try result.cluster.applyingTrap("web-lockdown").get()
    #expect(report.policy.kind == .calicoNetworkPolicy)
  }
}

// MARK: - 1. Names and legacy tiers

@Suite("1. Tier names")
struct TierNameTests {
  // SEMANTICS 1: crd.projectcalico.org/v1 names carry the tier as a prefix, which is removed.
  @Test(
    "crd.projectcalico.org/v1 policy names lose their tier prefix",
    arguments: [
      ("security", "security.deny-web", "deny-web"), ("default", "default.deny-web", "deny-web"),
      ("security", "other.deny-web", "other.deny-web"),
    ])
  func crdPrefix(_ tierName: String, _ written: String, _ expected: String) throws {
    let result = apps.load(
      tier("security", order: 100) + "\n---\n"
        + """
        apiVersion: crd.projectcalico.org/v1
        kind: GlobalNetworkPolicy
        metadata: {name: \(written)}
        spec:
          tier: \(tierName)
          selector: app == 'web'
          ingress:
          - action: Deny
        """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    let policy = try #require(result.cluster.policies.first)
    #expect(policy.id.name == expected)
    #expect(policy.tier == tierName)
    #expect(verdict(result, "prod/client", "prod/web") == .deny)
  }

  // SEMANTICS 1: the 3.29-3.31 tier names are the same tiers as kube-admin and kube-baseline.
  @Test(
    "legacy tier names map to kube-admin and kube-baseline",
    arguments: [
      ("adminnetworkpolicy", "kube-admin"), ("baselineadminnetworkpolicy", "kube-baseline"),
    ])
  func legacyTierNames(_ legacy: String, _ current: String) throws {
    let result = apps.load(
      """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: legacy}
      spec:
        tier: \(legacy)
        selector: app == 'web'
        ingress:
        - action: Deny
      """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(result.cluster.policies.first?.tier == current)
    #expect(result.cluster.tiers[legacy] == nil)
    let trace = try #require(cell(result, "prod/client", "prod/web"))
    #expect(decidingTier(trace.ingress.decider) == current)
  }

  @Test("a Tier manifest with a legacy name does not add a tier")
  func legacyTierManifest() {
    let result = apps.load(tier("adminnetworkpolicy", order: 1000, defaultAction: "Pass"))
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(Set(result.cluster.tiers.keys) == ["kube-admin", "default", "kube-baseline"])
  }

  // SEMANTICS 1: the built-in tiers.
  @Test("built-in tiers have their documented order and default action")
  func builtInTiers() {
    let tiers = apps.load().cluster.tiers
    #expect(tiers["kube-admin"]?.order == 1_000)
    #expect(tiers["kube-admin"]?.defaultAction == .pass)
    #expect(tiers["default"]?.order == 1_000_000)
    #expect(tiers["default"]?.defaultAction == .deny)
    #expect(tiers["kube-baseline"]?.order == 10_000_000)
    #expect(tiers["kube-baseline"]?.defaultAction == .pass)
  }
}
