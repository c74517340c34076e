import Testing

@testable import PolicyKit

// The API server's schemas for the Network Policy API (kubernetes-sigs/network-policy-api,
// config/crd: `minProperties: 1` and `maxProperties: 1` on a subject, a peer and a port) and
// Calico's: what the API server would refuse is an error at the offending line, and the
// policy is not applied.

private let namespaces = """
  apiVersion: v1
  kind: Namespace
  metadata: {name: x}
  ---
  apiVersion: v1
  kind: Pod
  metadata: {name: a, namespace: x, labels: {app: a}}
  spec: {containers: [{name: c, image: i}]}
  ---
  apiVersion: v1
  kind: Pod
  metadata: {name: b, namespace: x, labels: {app: b}}
  spec: {containers: [{name: c, image: i}]}
  ---

  """

private func anp(name: String = "p", priority: Int = 10, _ body: String) -> String {
  """
  apiVersion: policy.networking.k8s.io/v1alpha1
  kind: AdminNetworkPolicy
  metadata: {name: \(name)}
  spec:
    priority: \(priority)
  \(body)
  """
}

struct SchemaCase: Sendable, CustomTestStringConvertible {
  var name: String
  var yaml: String
  var fragment: String
  var testDescription: String { name }
}

let schemaCases: [SchemaCase] = [
  SchemaCase(
    name: "a subject with both namespaces and pods",
    yaml: anp(
      """
        subject:
          namespaces: {}
          1️⃣pods: {namespaceSelector: {}, podSelector: {}}
        ingress:
        - action: Deny
          from: [{namespaces: {}}]
      """),
    fragment: "`subject` must set exactly one of `namespaces` or `pods`, not `namespaces` and `pods`"),
  SchemaCase(
    name: "an empty subject",
    yaml: anp(
      """
        subject: 1️⃣{}
        ingress:
        - action: Deny
          from: [{namespaces: {}}]
      """),
    fragment: "`subject` must set exactly one of `namespaces` or `pods`; it sets none"),
  SchemaCase(
    name: "a subject with no value",
    yaml: anp(
      """
        subject:1️⃣
        ingress:
        - action: Deny
          from: [{namespaces: {}}]
      """),
    fragment: "`subject` must set exactly one of `namespaces` or `pods`; it sets none"),
  SchemaCase(
    name: "a peer with two fields",
    yaml: anp(
      """
        subject: {namespaces: {}}
        egress:
        - action: Deny
          to:
          - namespaces: {}
            1️⃣networks: [10.0.0.0/8]
      """),
    fragment:
      "a `to` peer must set exactly one of `namespaces`, `pods`, `nodes` or `networks`, not `namespaces` and `networks`"
  ),
  SchemaCase(
    name: "an empty peer",
    yaml: anp(
      """
        subject: {namespaces: {}}
        ingress:
        - action: Allow
          from: [1️⃣{}]
      """),
    fragment: "a `from` peer must set exactly one of `namespaces` or `pods`; it sets none"),
  SchemaCase(
    name: "a node peer in an ingress rule",
    yaml: anp(
      """
        subject: {namespaces: {}}
        ingress:
        - action: Allow
          from: [{1️⃣nodes: {}}]
      """),
    fragment: "`nodes` is not a `from` peer"),
  SchemaCase(
    name: "a port with a number and a name",
    yaml: anp(
      """
        subject: {namespaces: {}}
        ingress:
        - action: Allow
          from: [{namespaces: {}}]
          ports:
          - portNumber: {port: 80}
            1️⃣namedPort: http
      """),
    fragment:
      "a port must set exactly one of `portNumber`, `namedPort` or `portRange`, not `portNumber` and `namedPort`"),
  SchemaCase(
    name: "a port with a number and a range",
    yaml: anp(
      """
        subject: {namespaces: {}}
        ingress:
        - action: Allow
          from: [{namespaces: {}}]
          ports:
          - portRange: {start: 80, end: 90}
            1️⃣portNumber: {port: 80}
      """),
    fragment:
      "a port must set exactly one of `portNumber`, `namedPort` or `portRange`, not `portRange` and `portNumber`"),
  SchemaCase(
    name: "more than 25 networks",
    yaml: anp(
      """
        subject: {namespaces: {}}
        egress:
        - action: Deny
          to:
          - networks: 1️⃣[\((1...26).map { "10.0.\($0).0/24" }.joined(separator: ", "))]
      """),
    fragment: "`networks` has 26 CIDRs; at most 25 are allowed"),
  SchemaCase(
    name: "a ClusterNetworkPolicy protocol item with two protocols",
    yaml: """
      apiVersion: policy.networking.k8s.io/v1alpha2
      kind: ClusterNetworkPolicy
      metadata: {name: p}
      spec:
        tier: Admin
        priority: 3
        subject: {namespaces: {}}
        ingress:
        - action: Accept
          from: [{namespaces: {}}]
          protocols:
          - tcp: {destinationPort: {number: 80}}
            1️⃣udp: {destinationPort: {number: 53}}
      """,
    fragment: "a `protocols` item must set exactly one protocol or named port"),
  SchemaCase(
    name: "a Calico policy naming a missing tier",
    yaml: """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: g}
      spec:
        tier: 1️⃣security
        selector: all()
        ingress:
        - action: Deny
      """,
    fragment: "GlobalNetworkPolicy `g` names tier `security`, which does not exist; the policy is not applied"),
]

@Suite("Validation parity with the API server")
struct ValidationParityTests {
  @Test("what the API server refuses is an error at its line, and the policy is not applied", arguments: schemaCases)
  func refused(_ c: SchemaCase) throws {
    let fixture = marked(namespaces + c.yaml)
    let result = load(fixture.text, file: "p.yaml")
    let position = fixture["1️⃣"]
    let diagnostic = try #require(
      result.diagnostics.first { $0.message.contains(c.fragment) }, "\(describe(result.diagnostics))")
    #expect(diagnostic.severity == .error)
    #expect(
      diagnostic.location?.line == position.line && diagnostic.location?.column == position.column,
      "expected \(position.line):\(position.column), got \(diagnostic)")
    #expect(result.cluster.policies.isEmpty, "the policy was applied")
    #expect(result.cluster.endpoint("x/a") != nil)
  }

  @Test("every error of a policy is reported, not only the subject's")
  func everyError() {
    let result = load(
      namespaces
        + anp(
          """
            subject: {}
            ingress:
            - action: Allow
              from: [{namespaces: {}, pods: {namespaceSelector: {}, podSelector: {}}}]
          """))
    let errors = result.diagnostics.filter { $0.severity == .error }.map(\.message)
    #expect(errors.count == 2, "\(errors)")
    #expect(errors.contains { $0.contains("`subject`") })
    #expect(errors.contains { $0.contains("a `from` peer") })
    #expect(result.diagnostics.contains { $0.severity == .note && $0.message.contains("is not applied") })
  }

  @Test("two AdminNetworkPolicies with the same priority: a warning, and the order by name")
  func samePriority() throws {
    let fixture = marked(
      namespaces
        + """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: zeta}
        spec:
          priority: 1️⃣7
          subject: {namespaces: {}}
          ingress:
          - action: Deny
            from: [{namespaces: {}}]
        ---
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: alpha}
        spec:
          priority: 2️⃣7
          subject: {namespaces: {}}
          ingress:
          - action: Allow
            from: [{namespaces: {}}]
        """)
    let result = load(fixture.text)
    let warning = try #require(result.diagnostics.first { $0.message.contains("priority 7") })
    #expect(warning.severity == .warning)
    #expect(
      warning.message
        == "AdminNetworkPolicy `zeta` has priority 7, as AdminNetworkPolicy `alpha` does: the Network Policy API leaves their order undefined; Calico orders them by name, and so does the matrix (`alpha` first)"
    )
    #expect(warning.location?.line == fixture["1️⃣"].line)
    #expect(warning.notes.first?.location?.line == fixture["2️⃣"].line)
    // alpha (Allow) comes first, as the warning says.
    let trace = try #require(cell(result, "x/a", "x/b"))
    #expect(trace.outcome.verdict == .allow)
    #expect(decidingPolicy(trace.ingress.decider) == "alpha")
  }

  @Test("the same policy twice at one priority (an ANP and its CNP twin) gives no warning")
  func twins() {
    let cnp = """
      apiVersion: policy.networking.k8s.io/v1alpha2
      kind: ClusterNetworkPolicy
      metadata: {name: deny-b}
      spec:
        tier: Admin
        priority: 4
        subject: {namespaces: {}}
        ingress:
        - action: Deny
          from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: b}}}}]
      """
    let twin = anp(
      name: "deny-b-anp", priority: 4,
      """
        subject: {namespaces: {}}
        ingress:
        - action: Deny
          from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: b}}}}]
      """)
    let result = load(namespaces + cnp + "\n---\n" + twin)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    let different = load(namespaces + cnp + "\n---\n" + twin.replacingOccurrences(of: "app: b", with: "app: a"))
    #expect(different.diagnostics.contains { $0.message.contains("leaves their order undefined") })
  }

  @Test("different priorities, or a baseline, give no warning")
  func distinctPriorities() {
    let result = load(
      namespaces + anp(name: "one", priority: 1, "  subject: {namespaces: {}}")
        + "\n---\n" + anp(name: "two", priority: 2, "  subject: {namespaces: {}}"))
    #expect(!result.diagnostics.contains { $0.message.contains("leaves their order undefined") })
  }
}
