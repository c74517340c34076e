import Foundation
import PolicyKit
import Testing

@testable import MatrixTUI

/// `eval --probe any --format json`: every cell says what the connection matrix says, in row
/// and column order, however the rows are batched and whichever part of the matrix is shown.
struct MatrixTextTests {
  /// 120 pods in four namespaces (more rows than one batch of text holds), with policies that
  /// leave every kind of cell: all, none, and some ports.
  static let cluster: String = {
    var documents: [String] = []
    for namespace in 0..<4 {
      documents.append("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\(namespace)")
    }
    for pod in 0..<120 {
      documents.append(
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: pod-\(pod)
          namespace: ns\(pod % 4)
          labels: {app: app\(pod % 7)}
        spec:
          containers:
          - name: c
            ports: [{name: http, containerPort: \(8000 + pod % 3)}]
        status: {podIP: 10.0.\(pod / 200).\(pod % 200 + 1)}
        """)
    }
    documents.append(
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: deny, namespace: ns0}
      spec: {podSelector: {}, policyTypes: [Ingress]}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: some-ports, namespace: ns1}
      spec:
        podSelector: {matchLabels: {app: app1}}
        ingress:
        - ports: [{port: 80}, {port: 8080, endPort: 8090}, {port: http}, {protocol: UDP, port: 53}]
      """)
    return documents.joined(separator: "\n---\n")
  }()

  /// The `allowed` of a cell as JSON would read back: "all", or ports per protocol.
  static func expected(_ set: ConnectionSet) -> String {
    if set.isAll { return "all" }
    return IPProtocol.allCases.compactMap { ipProtocol in
      guard let ranges = set.ports[ipProtocol], !ranges.isEmpty else { return nil }
      return "\(ipProtocol.rawValue)=\(ranges.texts.joined(separator: ","))"
    }.joined(separator: ";")
  }

  static func actual(_ allowed: Any) -> String {
    if let text = allowed as? String { return text }
    guard let ports = allowed as? [String: [String]] else { return "?" }
    return ports.keys.sorted().map { "\($0)=\(ports[$0]!.joined(separator: ","))" }.joined(separator: ";")
  }

  @Test(arguments: [false, true])
  func connectionCellsAreTheMatrixsSets(part: Bool) throws {
    let loaded = AppFixtures.loaded(Self.cluster)
    #expect(!loaded.result.diagnostics.hasErrors, "\(loaded.result.diagnostics)")
    let evaluator = Evaluator(cluster: loaded.result.cluster)
    let connections = ConnectionMatrix(evaluator: evaluator)
    var text = MatrixText(evaluator: evaluator, connections: connections)
    if part {
      text.rows = Array(stride(from: 5, to: evaluator.count, by: 2))
      text.columns = Array(stride(from: 0, to: 90, by: 3))
    }
    let object = try JSONSerialization.jsonObject(with: Data(text.json(trap: nil).utf8)) as? [String: Any]
    let cells = try #require(object?["cells"] as? [[String: Any]])
    #expect(cells.count == text.rows.count * text.columns.count)
    var kinds: Set<String> = []
    for (index, cell) in cells.enumerated() {
      let (row, column) = (text.rows[index / text.columns.count], text.columns[index % text.columns.count])
      let set = connections.connections(row, column)
      #expect(cell["from"] as? String == evaluator.ids[row])
      #expect(cell["to"] as? String == evaluator.ids[column])
      #expect(cell["verdict"] as? String == (set.isEmpty ? "deny" : "allow"))
      #expect(
        Self.actual(cell["allowed"] as Any) == Self.expected(set), "\(evaluator.ids[row]) -> \(evaluator.ids[column])")
      kinds.insert(set.isAll ? "all" : set.isEmpty ? "none" : "some")
    }
    #expect(kinds == ["all", "none", "some"])
  }
}
