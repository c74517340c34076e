import Foundation
import Testing

@testable import PolicyKit

// Helpers shared by the PolicyKit tests: loading inline YAML, building a small inventory as
// YAML text, reading one cell's verdict, and finding `1️⃣` markers in fixtures.

// MARK: - Loading

/// Loads one manifest file given as text.
func load(_ yaml: String, file: String = "test.yaml", options: LoadOptions = LoadOptions())
  -> LoadResult
{
  ManifestLoader.load([SourceFile(path: file, text: yaml)], options: options)
}

/// Loads several files in order: `(path, text)`.
func load(files: [(String, String)]) -> LoadResult {
  ManifestLoader.load(files.map { SourceFile(path: $0.0, text: $0.1) })
}

/// Parses a probe written as on the command line (`tcp/80`, `udp/53`, `tcp/http`).
func probe(_ text: String) -> Probe {
  guard let probe = Probe(parsing: text) else {
    Issue.record("bad probe in a test: \(text)")
    return Probe(.tcp, 80)
  }
  return probe
}

/// The verdict of one cell, or nil (with a recorded issue) when an endpoint is unknown.
func verdict(
  _ result: LoadResult, _ source: String, _ destination: String, _ probeText: String = "tcp/80",
  view: PolicyView = .enforced
) -> Verdict? {
  cell(result, source, destination, probeText, view: view)?.outcome.verdict
}

/// One cell with both sides traced, or nil (with a recorded issue) when an endpoint is unknown.
func cell(
  _ result: LoadResult, _ source: String, _ destination: String, _ probeText: String = "tcp/80",
  view: PolicyView = .enforced
) -> CellTrace? {
  let evaluator = Evaluator(cluster: result.cluster, view: view)
  guard let trace = evaluator.trace(from: source, to: destination, probe: probe(probeText)) else {
    let known = result.cluster.endpoints.map(\.id).joined(separator: ", ")
    Issue.record("no endpoint \(source) or \(destination); endpoints: \(known)")
    return nil
  }
  return trace
}

/// The errors and warnings of a load, one per line, for failure messages.
func describe(_ diagnostics: [Diagnostic]) -> String {
  diagnostics.isEmpty ? "(no diagnostics)" : diagnostics.map(\.description).joined(separator: "\n")
}

// MARK: - Inventory

/// Builds namespaces, pods, nodes and host endpoints as YAML text, so that a test only writes
/// the policies it is about.
///
///     let yaml = Inventory()
///       .namespace("prod", labels: ["env": "prod"])
///       .pod("prod/web", labels: ["app": "web"], ip: "10.0.0.1")
///       .yaml + policy
struct Inventory {
  private var documents: [String] = []

  init() {}

  /// A Namespace.
  func namespace(_ name: String, labels: [String: String] = [:]) -> Inventory {
    adding(
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: \(name)
      \(labelBlock(labels, indent: 2))
      """)
  }

  /// A running Pod, `namespace/name`. `ports` are named container ports `(name, port, protocol)`.
  func pod(
    _ id: String, labels: [String: String] = [:], ip: String? = nil,
    ports: [(String, Int, String)] = [], node: String? = nil, serviceAccount: String? = nil,
    hostNetwork: Bool = false
  ) -> Inventory {
    let (namespace, name) = split(id)
    var spec = ["spec:"]
    if let node { spec.append("  nodeName: \(node)") }
    if hostNetwork { spec.append("  hostNetwork: true") }
    if let serviceAccount { spec.append("  serviceAccountName: \(serviceAccount)") }
    spec.append("  containers:")
    spec.append("  - name: main")
    spec.append("    image: registry.k8s.io/pause:3.10")
    if !ports.isEmpty {
      spec.append("    ports:")
      for (portName, number, ipProtocol) in ports {
        spec.append("    - {name: \(portName), containerPort: \(number), protocol: \(ipProtocol)}")
      }
    }
    var status: [String] = []
    if let ip { status = ["status:", "  phase: Running", "  podIP: \(ip)"] }
    return adding(
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: \(name)
        namespace: \(namespace)
      \(labelBlock(labels, indent: 2))
      \((spec + status).joined(separator: "\n"))
      """)
  }

  /// A Node with its InternalIP.
  func node(_ name: String, ip: String, labels: [String: String] = [:]) -> Inventory {
    adding(
      """
      apiVersion: v1
      kind: Node
      metadata:
        name: \(name)
      \(labelBlock(labels, indent: 2))
      status:
        addresses:
        - {type: InternalIP, address: \(ip)}
      """)
  }

  /// A Calico HostEndpoint, `interfaceName: "*"`. `expectedIPs: nil` leaves the field out.
  func host(
    _ name: String, node: String, expectedIPs: [String]? = nil, labels: [String: String] = [:],
    profiles: [String] = [], ports: [(String, Int, String)] = []
  ) -> Inventory {
    var spec = ["spec:", "  node: \(node)", "  interfaceName: \"*\""]
    if let expectedIPs {
      spec.append("  expectedIPs: [\(expectedIPs.map { "\"\($0)\"" }.joined(separator: ", "))]")
    }
    if !profiles.isEmpty { spec.append("  profiles: [\(profiles.joined(separator: ", "))]") }
    if !ports.isEmpty {
      spec.append("  ports:")
      for (portName, number, ipProtocol) in ports {
        spec.append("  - {name: \(portName), port: \(number), protocol: \(ipProtocol)}")
      }
    }
    return adding(
      """
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata:
        name: \(name)
      \(labelBlock(labels, indent: 2))
      \(spec.joined(separator: "\n"))
      """)
  }

  /// Any extra YAML documents (policies), appended as they are.
  func with(_ yaml: String) -> Inventory {
    adding(yaml)
  }

  /// The whole inventory as one multi-document YAML text.
  var yaml: String {
    documents.map { "---\n" + $0.trimmingCharacters(in: .newlines) }.joined(separator: "\n") + "\n"
  }

  /// The inventory plus `policies`, loaded.
  func load(_ policies: String = "") -> LoadResult {
    PolicyKitTests.load(with(policies).yaml)
  }

  private func adding(_ document: String) -> Inventory {
    var copy = self
    copy.documents.append(document)
    return copy
  }

  private func split(_ id: String) -> (String, String) {
    let parts = id.split(separator: "/", maxSplits: 1).map(String.init)
    return parts.count == 2 ? (parts[0], parts[1]) : ("default", id)
  }

  private func labelBlock(_ labels: [String: String], indent: Int) -> String {
    guard !labels.isEmpty else { return "" }
    let pad = String(repeating: " ", count: indent)
    let entries = labels.keys.sorted().map { "\(pad)  \($0): \"\(labels[$0] ?? "")\"" }
    return ([pad + "labels:"] + entries).joined(separator: "\n")
  }
}

// MARK: - Trace text

/// One line for what settled a side: `GlobalNetworkPolicy/fw ingress[0] (Allow) in tier t`,
/// `tier t default Deny after GlobalNetworkPolicy/fw`, `profile kns.prod ingress[0]`, `no profile`.
func summary(_ decider: Decider) -> String {
  switch decider {
  case .rule(let policy, let tier, let rule):
    return "\(policy) \(rule.label) (\(rule.action.rawValue)) in tier \(tier)"
  case .tierDefault(let tier, let lastPolicy, let action):
    return "tier \(tier) default \(action.rawValue) after \(lastPolicy)"
  case .profile(let name, let rule):
    return "profile \(name) \(rule.label) (\(rule.action.rawValue))"
  case .noProfileMatched(let profiles):
    return profiles.isEmpty
      ? "no profile" : "no rule matched in profiles \(profiles.joined(separator: ", "))"
  case .failsafe(let port, let direction):
    return "failsafe \(direction == .ingress ? "inbound" : "outbound") \(port)"
  case .external: return "network set, no policy of its own"
  case .unpolicedHost(let node): return "node \(node ?? "-") without a host endpoint"
  case .hostToLocalWorkload: return "host to a pod on its own node"
  case .endpointToHost(let action): return "defaultEndpointToHostAction \(action.rawValue)"
  case .unresolvedPortName(let name): return "the destination has no port named \(name)"
  case .loopback: return "self traffic"
  }
}

/// The fact a cell states: `deny by ingress tier t default Deny after GlobalNetworkPolicy/fw`.
func fact(_ cell: CellTrace) -> String {
  let side = cell.decidingSide
  return "\(cell.outcome.verdict.rawValue) by \(side.direction.rawValue) \(summary(side.decider))"
}

// MARK: - Markers

/// Text with its `1️⃣`, `2️⃣`... markers removed, and where each marker stood.
struct MarkedText {
  /// The text without markers.
  var text: String
  /// Marker (`1️⃣`) to its 1-based (line, column), columns counted in Unicode scalars, the way
  /// libyaml counts them.
  var markers: [String: (line: Int, column: Int)]

  /// The position of `marker`, recording an issue when it is absent.
  subscript(_ marker: String) -> (line: Int, column: Int) {
    guard let position = markers[marker] else {
      Issue.record("marker \(marker) is not in the text")
      return (0, 0)
    }
    return position
  }
}

/// The markers a fixture may use.
let markerNames = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"]

/// Strips the markers from `text` and records their positions (swift-format's MarkedText idea).
func marked(_ text: String) -> MarkedText {
  var output = ""
  var markers: [String: (line: Int, column: Int)] = [:]
  var line = 1
  var column = 1
  var rest = Substring(text)
  while let first = rest.first {
    if let marker = markerNames.first(where: { rest.hasPrefix($0) }) {
      markers[marker] = (line, column)
      rest = rest.dropFirst(marker.count)
      continue
    }
    output.append(first)
    if first == "\n" || first == "\r\n" {
      line += 1
      column = 1
    } else {
      column += first.unicodeScalars.count
    }
    rest = rest.dropFirst()
  }
  return MarkedText(text: output, markers: markers)
}

// MARK: - Files next to the tests

/// The folder of this test target (`Tests/PolicyKitTests`).
func testsDirectory() -> URL {
  // This file is Tests/PolicyKitTests/Support/Fixtures.swift.
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
}

/// Whether goldens should be rewritten instead of compared.
var recordingGoldens: Bool {
  ProcessInfo.processInfo.environment["RECORD_GOLDENS"] == "1"
}
