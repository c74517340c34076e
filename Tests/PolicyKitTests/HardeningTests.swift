import Foundation
import Testing

@testable import PolicyKit

// Hostile and broken files: binary data, unclosed quotes, absurd lines and nesting, YAML tags,
// huge documents. Each is a diagnostic at the exact place (and the rest of the file loads),
// in bounded time and memory, never a crash. DiagnosticTests has the mistakes in values and
// objects; this file has what a stranger's or a half-saved file can hold.

/// Stands for a byte that is not UTF-8 in a fixture (a Swift string); written as 0xE9, the
/// Latin-1 `é`.
let notUTF8 = "\u{F8FF}"

/// Bytes for a fixture: UTF-8, with each `notUTF8` stand-in replaced by 0xE9.
func fixtureBytes(_ text: String) -> [UInt8] {
  let standIn = Array(notUTF8.utf8)
  var bytes: [UInt8] = []
  let source = Array(text.utf8)
  var index = 0
  while index < source.count {
    if source[index] == standIn[0], Array(source[index..<min(index + 3, source.count)]) == standIn {
      bytes.append(0xE9)
      index += 3
    } else {
      bytes.append(source[index])
      index += 1
    }
  }
  return bytes
}

struct HostileInput: Sendable, CustomTestStringConvertible {
  var name: String
  /// The fixture: `1️⃣` marks the diagnostic, `2️⃣` its note (when it has one).
  var yaml: String
  var fragment: String
  var severity: Diagnostic.Severity = .error
  /// Where the diagnostic is, when a generated fixture is easier to describe than to mark.
  var at: (line: Int, column: Int)? = nil
  /// Whether `goodDocument` is appended (cases that end inside something open carry it).
  var appendsGood = true
  /// Namespaces besides `good` that must load too.
  var alsoLoads: [String] = []
  var testDescription: String { name }
}

let nestingLimit = "nesting is deeper than 256 levels"
let oneMegabyte = String(repeating: "a", count: 1_000_000)

let hostileInputs: [HostileInput] = [
  HostileInput(
    name: "a binary file",
    yaml: "1️⃣\u{7F}ELF\u{2}\u{1}\u{1}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{3}\u{0}>\u{0}",
    fragment: "invalid YAML: control character U+007F is not allowed (is this a binary file?)"),
  HostileInput(
    name: "binary data after a good document: both good documents load",
    yaml: """
      apiVersion: v1
      kind: Namespace
      metadata: {name: before}
      ---
      \u{1}\u{2}\u{0}\u{0}garbage
      """,
    fragment: "control character U+0001", at: (5, 1), alsoLoads: ["before"]),
  HostileInput(
    name: "a NUL byte inside a quoted name",
    yaml: """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: "a1️⃣\u{0}b"
      """,
    fragment: "control character U+0000 is not allowed"),
  HostileInput(
    name: "a raw escape sequence in a plain scalar",
    yaml: """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: x
        labels: {app: 1️⃣\u{1B}[2J}
      """,
    fragment: "control character U+001B is not allowed"),
  HostileInput(
    name: "a Latin-1 file (not UTF-8)",
    yaml: """
      apiVersion: v1
      kind: Namespace
      metadata: {name: caf1️⃣\(notUTF8)}
      """,
    fragment: "invalid YAML: the text is not valid UTF-8 here (is this a binary file?)"),
  HostileInput(
    name: "an unclosed double quote: the next document still loads",
    yaml: """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: 2️⃣"unclosed
      1️⃣---
      apiVersion: v1
      kind: Namespace
      metadata: {name: good}
      """,
    fragment: "invalid YAML: found unexpected document indicator while scanning a quoted scalar",
    appendsGood: false),
  HostileInput(
    name: "an unclosed single quote over several lines",
    yaml: """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: x
        labels: {a: 2️⃣'it is
          still going
      1️⃣---
      apiVersion: v1
      kind: Namespace
      metadata: {name: good}
      """,
    fragment: "found unexpected document indicator while scanning a quoted scalar",
    appendsGood: false),
  HostileInput(
    name: "an unclosed flow sequence",
    yaml: """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: 2️⃣[a, b
      1️⃣---
      apiVersion: v1
      kind: Namespace
      metadata: {name: good}
      """,
    fragment: "did not find expected ',' or ']' while parsing a flow sequence",
    appendsGood: false),
  HostileInput(
    name: "a 1 MB line: the column past it is exact",
    yaml: """
      apiVersion: v1
      kind: Namespace
      metadata: {name: long, labels: {k: "\(oneMegabyte)", j: 1️⃣[x]}}
      """,
    fragment: "`metadata.labels.j` must be a string, not a list"),
  HostileInput(
    name: "a 1 MB key",
    yaml: oneMegabyte + "1️⃣: x",
    fragment: "invalid YAML: mapping values are not allowed in this context"),
  HostileInput(
    name: "10,000 nested flow sequences (libyaml's own limit, met first)",
    yaml: "a: [1️⃣" + String(repeating: "[", count: 9_999) + String(repeating: "]", count: 10_000),
    fragment: nestingLimit),
  HostileInput(
    name: "10,000 nested flow mappings (libyaml looks 1024 characters ahead)",
    yaml: "a: " + String(repeating: "{a: ", count: 10_000) + "x" + String(repeating: "}", count: 10_000),
    fragment: nestingLimit, at: (1, 1025)),
  HostileInput(
    name: "10,000 nested block sequences on one line",
    yaml: "a:\n  " + String(repeating: "- ", count: 10_000) + "x",
    fragment: nestingLimit, at: (2, 3 + 2 * 256)),
  HostileInput(
    name: "2,000 levels of indentation",
    yaml: "a:\n" + (1..<2_000).map { String(repeating: " ", count: $0) + "k:\n" }.joined(),
    fragment: nestingLimit, at: (257, 257)),
  HostileInput(
    name: "a selector nested 10,000 parentheses deep: the column inside the selector",
    yaml: """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: p}
      spec:
        selector: "\(String(repeating: "(", count: 128))1️⃣\(String(repeating: "(", count: 9_872))all()\(String(repeating: ")", count: 10_000))"
      """,
    fragment: "invalid selector in `spec.selector`: selector is nested more than 128 levels deep"),
  HostileInput(
    name: "an `!include` tag is data, not an include",
    yaml: """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: x
        labels: {source: 1️⃣!include /etc/passwd}
      """,
    fragment: "YAML tag `!include` is ignored: manifests are read as plain data", severity: .warning),
  HostileInput(
    name: "a `!!python/object` tag constructs nothing",
    yaml: """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: x
        annotations: 1️⃣!!python/object:os.system {args: [rm]}
      """,
    fragment: "YAML tag `!!python/object:os.system` is ignored", severity: .warning),
  HostileInput(
    name: "an unsupported YAML version",
    yaml: "1️⃣%YAML 2.0\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: x}",
    fragment: "invalid YAML: found incompatible YAML document"),
  HostileInput(
    name: "an alias to an anchor that does not exist",
    yaml: """
      apiVersion: v1
      kind: Namespace
      metadata: {name: x, labels: 1️⃣*nowhere}
      """,
    fragment: "unknown alias `*nowhere`"),
  HostileInput(
    name: "a key written twice (a half-edited file)",
    yaml: """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: p, namespace: good}
      spec:
        podSelector: {}
        2️⃣ingress: []
        1️⃣ingress:
        - {}
      """,
    fragment: "duplicate key `ingress`: only the first value is read"),
  HostileInput(
    name: "a merge key with a scalar",
    yaml: """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: x
        <<: 1️⃣oops
      """,
    fragment: "a merge key `<<` needs a mapping or a list of mappings, not a string"),
]

@Suite("Hardening: hostile and broken YAML")
struct HardeningTests {
  @Test("hostile input is reported at its place and the rest of the file loads", arguments: hostileInputs)
  func hostileInput(_ c: HostileInput) throws {
    let fixture = marked(c.appendsGood ? c.yaml + "\n" + goodDocument : c.yaml)
    let result = ManifestLoader.load([SourceFile(path: "bad.yaml", bytes: fixtureBytes(fixture.text))])
    let found = result.diagnostics.first { $0.message.contains(c.fragment) }
    let diagnostic = try #require(
      found, "no diagnostic containing «\(c.fragment)»:\n\(describe(result.diagnostics).prefix(2000))")
    let position = c.at ?? fixture["1️⃣"]
    #expect(diagnostic.severity == c.severity)
    #expect(diagnostic.location?.file == "bad.yaml")
    #expect(
      diagnostic.location?.line == position.line && diagnostic.location?.column == position.column,
      "expected \(position.line):\(position.column), got \(diagnostic.description.prefix(300))")
    if let note = fixture.markers["2️⃣"] {
      #expect(
        diagnostic.notes.first.map { ($0.location?.line, $0.location?.column) } ?? (nil, nil)
          == (note.line, note.column),
        "expected a note at \(note.line):\(note.column), got \(diagnostic.description.prefix(300))")
    }
    for name in ["good"] + c.alsoLoads {
      #expect(result.cluster.namespaces[name] != nil, "`\(name)` did not load")
    }
  }

  @Test("an unclosed quote names where it was opened")
  func unclosedQuoteNote() throws {
    let result = load("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: 'open\n")
    let error = try #require(result.diagnostics.first)
    #expect(
      error.description == """
        test.yaml:5:1: error: invalid YAML: found unexpected end of stream while scanning a quoted scalar
        test.yaml:4:9: note: the quoted scalar starts here
        """)
  }

  @Test("a document past the default node limit is refused; the next one loads")
  func hugeDocument() throws {
    // 1.2 million scalars in one list: about 2.4 MB of text.
    let huge = "huge: [" + String(repeating: "0,", count: 1_200_000) + "0]\n"
    let result = load(huge + goodDocument)
    let error = try #require(result.diagnostics.first)
    #expect(error.message == "this document is too large: it has more than 1000000 nodes")
    #expect(error.location?.line == 1)
    #expect(result.cluster.namespaces["good"] != nil)
  }

  @Test("the node limit counts one list item at a time, so a big cluster dump loads")
  func nodeLimitPerListItem() {
    var options = LoadOptions()
    options.limits.maxDocumentNodes = 200
    let items = (0..<500).map { "- {apiVersion: v1, kind: Namespace, metadata: {name: ns\($0)}}" }
    let result = load(
      "apiVersion: v1\nkind: List\nitems:\n" + items.joined(separator: "\n") + "\n",
      options: options)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(result.cluster.namespaces.count == 500)
    let tooBig = load(
      "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: a, labels: {"
        + (0..<300).map { "k\($0): v" }.joined(separator: ", ") + "}}}\n",
      options: options)
    #expect(tooBig.diagnostics.map(\.message) == ["this document is too large: it has more than 200 nodes"])
  }

  @Test("nothing is expanded or included: `${VAR}`, `$(cmd)` and tags are plain text")
  func onlyData() throws {
    let result = load(
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: ${HOME}
        labels:
          shell: $(id -u)
          include: !include /etc/passwd
          binary: !!binary aGk=
          quoted: !!str 80
      """)
    let namespace = try #require(result.cluster.namespaces["${HOME}"])
    #expect(namespace.labels["shell"] == "$(id -u)")
    #expect(namespace.labels["include"] == "/etc/passwd")
    #expect(namespace.labels["binary"] == "aGk=")
    #expect(namespace.labels["quoted"] == "80")
    #expect(result.diagnostics.map(\.severity) == [.warning, .warning])
  }

  @Test("core schema tags keep their meaning: `!!int` is a number, `!!str` is not")
  func typedTags() {
    let policy = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: p}
      spec:
        podSelector: {}
        ingress:
        - ports: [{port: PORT, endPort: !!int "90"}]
      """
    let number = load(policy.replacingOccurrences(of: "PORT", with: "!!int 80"))
    #expect(number.diagnostics.filter { $0.severity == .error }.isEmpty, "\(describe(number.diagnostics))")
    let text = load(policy.replacingOccurrences(of: "PORT", with: "!!str 80"))
    #expect(text.diagnostics.hasErrors, "a string port is a port name, and `80` is not a valid one")
  }

  @Test("merge keys merge as Kubernetes does: explicit keys win, earlier mappings win")
  func mergeKeys() throws {
    let result = load(
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: b
        annotations: &base {team: core, tier: web}
        labels:
          <<: [*base, {zone: eu, team: other}]
          tier: db
      """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    let b = try #require(result.cluster.namespaces["b"])
    #expect(b.labels["team"] == "core")
    #expect(b.labels["tier"] == "db")
    #expect(b.labels["zone"] == "eu")
  }

  @Test("anchors do not reach across the items of a list (each item is read on its own)")
  func anchorsPerListItem() throws {
    let result = load(
      """
      apiVersion: v1
      kind: List
      items:
      - {apiVersion: v1, kind: Namespace, metadata: {name: a, labels: &base {team: core}}}
      - {apiVersion: v1, kind: Namespace, metadata: {name: b, labels: 1️⃣*base}}
      """.replacingOccurrences(of: "1️⃣", with: ""))
    #expect(result.diagnostics.map(\.description) == ["test.yaml:5:65: error: unknown alias `*base`"])
    #expect(result.cluster.namespaces["a"] != nil)
  }

  @Test("old Mac line endings (CR only) load, a line counted at each CR")
  func carriageReturnsOnly() throws {
    let text =
      "apiVersion: v1\rkind: Namespace\rmetadata: {name: a}\r---\rapiVersion: v1\rkind: Namespace\rmetadata: {name: b, labels: {x: [y]}}\r"
    let result = load(text)
    #expect(result.cluster.namespaces["a"] != nil)
    let error = try #require(result.diagnostics.first)
    #expect(error.location?.line == 7)
    #expect(error.location?.column == 33)
  }

  @Test("a UTF-16 file is decoded by libyaml (it has a byte order mark)")
  func utf16() {
    let text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: wide}\n"
    var bytes: [UInt8] = [0xFF, 0xFE]
    for unit in text.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
    let result = ManifestLoader.load([SourceFile(path: "wide.yaml", bytes: bytes)])
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(result.cluster.namespaces["wide"] != nil)
  }

  @Test("many broken documents cost linear time, each reported once")
  func manyBrokenDocuments() {
    let broken = (0..<2_000).map { "---\na: [\($0)\n" }.joined()
    let clock = ContinuousClock()
    let start = clock.now
    let result = load(broken + goodDocument)
    #expect(clock.now - start < .seconds(20))
    #expect(result.diagnostics.count == 2_000)
    #expect(result.cluster.namespaces["good"] != nil)
  }

  @Test("a binary file with control characters everywhere is one error per document")
  func binaryEverywhere() {
    var bytes: [UInt8] = []
    var seed: UInt32 = 7
    for _ in 0..<100_000 {
      seed = seed &* 1_103_515_245 &+ 12345
      bytes.append(UInt8(truncatingIfNeeded: seed >> 16))
    }
    let result = ManifestLoader.load([SourceFile(path: "noise.bin", bytes: bytes)])
    #expect(result.diagnostics.hasErrors)
    #expect(result.diagnostics.allSatisfy { ($0.location?.line ?? 0) >= 1 })
    #expect(result.cluster.namespaces.isEmpty)
  }
}
