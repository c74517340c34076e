import Foundation
import Testing

@testable import PolicyKit

// Bad input becomes a diagnostic at the exact place (marked `1️⃣` in the fixture), and the good
// documents of the same file still load.

/// A good document appended to every bad fixture: it must load whatever came before.
let goodDocument = """
  ---
  apiVersion: v1
  kind: Namespace
  metadata: {name: good}
  """

struct BadInput: Sendable, CustomTestStringConvertible {
  var name: String
  var yaml: String
  var fragment: String
  var severity: Diagnostic.Severity = .error
  var testDescription: String { name }
}

let badInputs: [BadInput] = [
  BadInput(
    name: "YAML syntax error",
    yaml: """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: a1️⃣: b
      """,
    fragment: "invalid YAML: mapping values are not allowed"),
  BadInput(
    name: "tab indentation",
    yaml: "apiVersion: v1\nkind: Namespace\nmetadata:\n1️⃣\tname: a\n",
    fragment: "tabs cannot indent YAML; use spaces"),
  BadInput(
    name: "a document that is a list",
    yaml: """
      1️⃣- apiVersion: v1
        kind: Namespace
        metadata: {name: a}
      """,
    fragment: "a manifest must be a mapping with `apiVersion` and `kind`, not a list"),
  BadInput(
    name: "a document that is a scalar",
    yaml: """
      apiVersion: v1
      kind: Namespace
      metadata: {name: first}
      ---
      1️⃣just some text
      """,
    fragment: "a manifest must be a mapping with `apiVersion` and `kind`, not a string"),
  BadInput(
    name: "missing kind",
    yaml: """
      1️⃣apiVersion: v1
      metadata: {name: a}
      """,
    fragment: "missing `kind`"),
  BadInput(
    name: "order that is not a number",
    yaml: """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: p}
      spec:
        order: 1️⃣"abc"
      """,
    fragment: "`spec.order` must be a number, not `abc`"),
  BadInput(
    name: "Kubernetes port -1",
    yaml: """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: p, namespace: good}
      spec:
        podSelector: {}
        ingress:
        - ports:
          - port: 1️⃣-1
      """,
    fragment: "`port` must be between 1 and 65535, not -1"),
  BadInput(
    name: "Kubernetes port 70000",
    yaml: """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: p, namespace: good}
      spec:
        podSelector: {}
        ingress:
        - ports: [{port: 1️⃣70000}]
      """,
    fragment: "`port` must be between 1 and 65535, not 70000"),
  BadInput(
    name: "Calico port -1",
    yaml: """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: p}
      spec:
        ingress:
        - action: Allow
          protocol: TCP
          destination:
            ports: [80, 1️⃣-1]
      """,
    fragment: "port -1 is out of range (0-65535)"),
  BadInput(
    name: "endPort below port",
    yaml: """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: p, namespace: good}
      spec:
        podSelector: {}
        ingress:
        - ports:
          - port: 90
            endPort: 1️⃣80
      """,
    fragment: "`endPort` 80 is below `port` 90"),
  BadInput(
    name: "Calico reversed range",
    yaml: """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: p}
      spec:
        ingress:
        - action: Allow
          protocol: TCP
          destination:
            ports: [1️⃣"90:80"]
      """,
    fragment: "port range `90:80` is reversed"),
  BadInput(
    name: "unknown Calico protocol",
    yaml: """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: p}
      spec:
        ingress:
        - action: Allow
          protocol: 1️⃣FOO
      """,
    fragment: "unknown protocol `FOO`"),
  BadInput(
    name: "unknown Kubernetes protocol",
    yaml: """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: p, namespace: good}
      spec:
        podSelector: {}
        ingress:
        - ports: [{protocol: 1️⃣ICMP, port: 1}]
      """,
    fragment: "unknown protocol `ICMP` (expected TCP, UDP or SCTP)"),
  BadInput(
    name: "invalid CIDR",
    yaml: """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: p}
      spec:
        ingress:
        - action: Allow
          source:
            nets:
            - 10.0.0.0/8
            - 1️⃣10.0.0.0/33
      """,
    fragment: "invalid CIDR `10.0.0.0/33`"),
  BadInput(
    name: "except outside its cidr",
    yaml: """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: p, namespace: good}
      spec:
        podSelector: {}
        ingress:
        - from:
          - ipBlock:
              cidr: 10.0.0.0/24
              except: [1️⃣10.1.0.0/24]
      """,
    fragment: "`except` entry `10.1.0.0/24` is not strictly inside `10.0.0.0/24`"),
  BadInput(
    name: "unknown action",
    yaml: """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: p}
      spec:
        ingress:
        - action: 1️⃣Maybe
      """,
    fragment: "unknown action `Maybe` (expected Allow, Deny, Pass or Log)"),
  BadInput(
    name: "bad selector, quoted: the column of the offending character",
    yaml: """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: p}
      spec:
        selector: "app == 'web' && tier 1️⃣= 'x'"
      """,
    fragment: "invalid selector in `spec.selector`: expected `==`, found a single `=`"),
  BadInput(
    name: "bad selector after a character of two scalars: columns count scalars as libyaml's do",
    yaml: """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: p}
      spec:
        selector: "app == '👍🏽' && tier 1️⃣= 'x'"
      """,
    fragment: "invalid selector in `spec.selector`: expected `==`, found a single `=`"),
  BadInput(
    name: "bad selector, plain: the column of the offending character",
    yaml: """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: p}
      spec:
        selector: all()
        ingress:
        - action: Allow
          source:
            selector: app == 'web' 1️⃣@ b
      """,
    fragment: "invalid selector in `source.selector`: unexpected character `@`"),
  BadInput(
    name: "bad selector, unquoted value",
    yaml: """
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: p, namespace: good}
      spec:
        selector: "tier == 1️⃣web"
      """,
    fragment: "expected a quoted string after `==`"),
  BadInput(
    name: "unknown matchExpressions operator",
    yaml: """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: p, namespace: good}
      spec:
        podSelector:
          matchExpressions:
          - {key: app, operator: 1️⃣Maybe, values: [a]}
      """,
    fragment: "unknown operator `Maybe` in match expression"),
  BadInput(
    name: "BaselineAdminNetworkPolicy not named default",
    yaml: """
      apiVersion: policy.networking.k8s.io/v1alpha1
      kind: BaselineAdminNetworkPolicy
      metadata:
        name: 1️⃣baseline
      spec:
        subject: {namespaces: {}}
        ingress:
        - {action: Deny, from: [{namespaces: {}}]}
      """,
    fragment: "a BaselineAdminNetworkPolicy must be named `default`, not `baseline`"),
  BadInput(
    name: "priority out of range",
    yaml: """
      apiVersion: policy.networking.k8s.io/v1alpha1
      kind: AdminNetworkPolicy
      metadata: {name: a}
      spec:
        priority: 1️⃣1001
        subject: {namespaces: {}}
        ingress:
        - {action: Deny, from: [{namespaces: {}}]}
      """,
    fragment: "`spec.priority` must be between 0 and 1000, not 1001"),
  BadInput(
    name: "policy in a tier that does not exist",
    yaml: """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: p}
      spec:
        tier: 1️⃣nowhere
        selector: all()
      """,
    fragment:
      "GlobalNetworkPolicy `p` names tier `nowhere`, which does not exist; the policy is not applied"
  ),
  BadInput(
    name: "unknown field",
    yaml: """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: p}
      spec:
        selector: all()
        1️⃣ingres:
        - action: Deny
      """,
    fragment: "unknown field `ingres` in GlobalNetworkPolicy spec is ignored",
    severity: .warning),
  BadInput(
    name: "unknown field in a rule",
    yaml: """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: p}
      spec:
        ingress:
        - action: Allow
          1️⃣sourc:
            selector: app == 'a'
      """,
    fragment: "unknown field `sourc` in a rule is ignored",
    severity: .warning),
  BadInput(
    name: "alias bomb",
    yaml: """
      a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
      b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
      c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
      d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
      e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
      f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
      g: &g [*f,*f,1️⃣*f,*f,*f,*f,*f,*f,*f]
      h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
      i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
      """,
    fragment: "aliases expand this document past 2000000 nodes"),
  BadInput(
    name: "deep nesting",
    yaml: "a: " + String(repeating: "[", count: 256) + "1️⃣" + String(repeating: "[", count: 44)
      + String(repeating: "]", count: 300) + "\n",
    fragment: "nesting is deeper than 256 levels"),
]

@Suite("Diagnostics")
struct DiagnosticTests {
  @Test("bad input is reported at the marker and good documents still load", arguments: badInputs)
  func badInput(_ c: BadInput) throws {
    let fixture = marked(c.yaml + "\n" + goodDocument)
    let result = load(fixture.text, file: "bad.yaml")
    let position = fixture["1️⃣"]
    let found = result.diagnostics.first { $0.message.contains(c.fragment) }
    let diagnostic = try #require(
      found, "no diagnostic containing «\(c.fragment)»:\n\(describe(result.diagnostics))")
    #expect(diagnostic.severity == c.severity)
    #expect(diagnostic.location?.file == "bad.yaml")
    #expect(
      diagnostic.location?.line == position.line && diagnostic.location?.column == position.column,
      "expected \(position.line):\(position.column), got \(diagnostic)")
    #expect(result.cluster.namespaces["good"] != nil, "the good document did not load")
  }

  @Test("an object with an error is not applied, and the reason says so")
  func invalidPolicyIsNotApplied() {
    let result = load(
      """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: broken}
      spec:
        ingress:
        - action: Maybe
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: fine}
      spec:
        ingress:
        - action: Allow
      """)
    #expect(result.cluster.policies.map(\.id.name) == ["fine"])
    #expect(
      result.diagnostics.contains {
        $0.message == "GlobalNetworkPolicy `broken` is not applied because of its errors"
          && $0.location?.line == 1
      })
  }

  @Test("a policy in a missing tier is not applied")
  func missingTierNotApplied() {
    let result = load(
      """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: p}
      spec:
        tier: nowhere
        selector: all()
      """)
    #expect(result.cluster.policies.isEmpty)
    #expect(result.diagnostics.hasErrors)
  }

  @Test("a duplicate across two files is an error with a note at the first definition")
  func duplicateAcrossFiles() throws {
    let first = marked(
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: prod}
      ---
      1️⃣apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: deny, namespace: prod}
      spec: {podSelector: {}}
      """)
    let second = marked(
      """
      1️⃣apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: deny, namespace: prod}
      spec:
        podSelector: {}
        policyTypes: [Egress]
      """)
    let result = load(files: [("a.yaml", first.text), ("b.yaml", second.text)])
    #expect(result.diagnostics.count == 1, "\(describe(result.diagnostics))")
    let duplicate = try #require(result.diagnostics.first)
    #expect(duplicate.severity == .error)
    #expect(
      duplicate.message
        == "duplicate NetworkPolicy `prod/deny`: it is already defined, this one is ignored")
    #expect(
      duplicate.location
        == SourceLocation(file: "b.yaml", line: second["1️⃣"].line, column: second["1️⃣"].column))
    let note = try #require(duplicate.notes.first)
    #expect(note.message == "first defined here")
    #expect(
      note.location
        == SourceLocation(
          file: "a.yaml", line: first["1️⃣"].line, column: first["1️⃣"].column, document: 1))
    // The first one is kept.
    #expect(result.cluster.policies.count == 1)
    #expect(result.cluster.policies.first?.appliesToEgress == false)
  }

  @Test("the same name under Kubernetes and Calico NetworkPolicy is not a duplicate")
  func sameNameDifferentKind() {
    let result = load(
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: prod}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: p, namespace: prod}
      spec: {podSelector: {}}
      ---
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: p, namespace: prod}
      spec: {selector: all()}
      """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(result.cluster.policies.count == 2)
  }

  @Test("an empty file loads nothing and reports nothing")
  func emptyFile() {
    for text in ["", "\n\n", "---\n", "# only a comment\n"] {
      let result = load(text)
      #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
      #expect(result.cluster.endpoints.isEmpty)
      #expect(result.cluster.namespaces.isEmpty)
    }
  }

  static let plain = """
    apiVersion: v1
    kind: Namespace
    metadata: {name: first}
    ---
    apiVersion: projectcalico.org/v3
    kind: GlobalNetworkPolicy
    metadata: {name: p}
    spec:
      order: 1️⃣"abc"
    """

  @Test(
    "UTF-8 BOM and CRLF files load, with the same positions",
    arguments: [("BOM", true, false), ("CRLF", false, true), ("BOM and CRLF", true, true)])
  func bomAndCRLF(_ name: String, _ bom: Bool, _ crlf: Bool) throws {
    let fixture = marked(Self.plain)
    var text = fixture.text
    if crlf { text = text.replacingOccurrences(of: "\n", with: "\r\n") }
    var bytes = Array(text.utf8)
    if bom { bytes = [0xEF, 0xBB, 0xBF] + bytes }
    let result = ManifestLoader.load([SourceFile(path: "win.yaml", bytes: bytes)])
    #expect(result.cluster.namespaces["first"] != nil)
    let error = try #require(result.diagnostics.first { $0.message.contains("must be a number") })
    #expect(error.location?.line == fixture["1️⃣"].line)
    #expect(error.location?.column == fixture["1️⃣"].column)
    #expect(result.diagnostics.count == 2, "\(describe(result.diagnostics))")
  }

  // Inside a single-quoted YAML scalar each `''` stands for one quote; the column counts both.
  @Test("a selector error in a single-quoted scalar with escaped quotes")
  func singleQuotedSelectorColumn() throws {
    let fixture = marked(
      """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: p}
      spec:
        selector: 'app == ''web'' && tier 1️⃣= ''x'''
      """)
    let result = load(fixture.text)
    let error = try #require(result.diagnostics.first { $0.message.contains("invalid selector") })
    #expect(error.location?.line == fixture["1️⃣"].line)
    #expect(error.location?.column == fixture["1️⃣"].column)
  }

  @Test("diagnostics come sorted by file position")
  func sorted() {
    let result = load(
      """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: p}
      spec:
        ingress:
        - action: Maybe
        - action: Nope
      """)
    let lines = result.diagnostics.compactMap(\.location?.line)
    #expect(lines == lines.sorted())
    #expect(result.diagnostics.count == 3)
  }

  @Test("the description reads like a compiler's")
  func description() {
    let diagnostic = Diagnostic(
      .error, "duplicate Tier `t`", at: SourceLocation(file: "b.yaml", line: 3, column: 1),
      notes: [.init("first defined here", at: SourceLocation(file: "a.yaml", line: 1, column: 1))])
    #expect(
      diagnostic.description
        == "b.yaml:3:1: error: duplicate Tier `t`\na.yaml:1:1: note: first defined here")
  }
}

@Suite("Markers")
struct MarkerTests {
  @Test("markers are removed and located by line and column")
  func markers() {
    let fixture = marked("ab1️⃣c\nd2️⃣e\n")
    #expect(fixture.text == "abc\nde\n")
    #expect(fixture["1️⃣"] == (1, 3))
    #expect(fixture["2️⃣"] == (2, 2))
  }
}
