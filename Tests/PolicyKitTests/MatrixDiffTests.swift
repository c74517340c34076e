import Testing

@testable import PolicyKit

/// Comparing two versions of a matrix: the cells that differ among the endpoints both have,
/// each with its place in both versions, and the endpoints that came and went.
@Suite struct MatrixDiffTests {
  static let namespaces = """
    apiVersion: v1
    kind: Namespace
    metadata: {name: prod}

    """

  static func pod(_ name: String, _ app: String) -> String {
    "---\napiVersion: v1\nkind: Pod\nmetadata: {name: \(name), namespace: prod, labels: {app: \(app)}}\nspec: {containers: [{name: c}]}\n"
  }

  static let denyToDB = """
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: db, namespace: prod}
    spec:
      podSelector: {matchLabels: {app: db}}
      ingress: [{from: [{podSelector: {matchLabels: {app: api}}}]}]
    """

  static func matrix(_ yaml: String) -> ConnectivityMatrix {
    let result = load(yaml)
    #expect(!result.diagnostics.contains { $0.severity == .error }, "\(describe(result.diagnostics))")
    return ConnectivityMatrix(evaluator: Evaluator(cluster: result.cluster), probe: probe("tcp/80"))
  }

  @Test func aPolicyAddedChangesTheCellsItDenies() {
    let pods = Self.namespaces + Self.pod("api", "api") + Self.pod("db", "db") + Self.pod("web", "web")
    let diff = MatrixDiff(older: Self.matrix(pods), newer: Self.matrix(pods + Self.denyToDB))
    #expect(diff.added.isEmpty && diff.removed.isEmpty)
    #expect(diff.changes.map { "\($0.source) -> \($0.destination)" } == ["prod/web -> prod/db"])
    #expect(MatrixDiff(older: Self.matrix(pods), newer: Self.matrix(pods)).isEmpty)
  }

  @Test func endpointsThatCameAndWentAndThePlacesOfTheRest() throws {
    let older = Self.matrix(Self.namespaces + Self.pod("api", "api") + Self.pod("db", "db") + Self.pod("old", "web"))
    let newer = Self.matrix(
      Self.namespaces + Self.pod("a-new", "web") + Self.pod("api", "api") + Self.pod("db", "db") + Self.denyToDB)
    let diff = MatrixDiff(older: older, newer: newer)
    #expect(diff.added == ["prod/a-new"])
    #expect(diff.removed == ["prod/old"])
    // Only cells both versions have are compared: api and db kept their verdict.
    #expect(diff.changes.isEmpty)
    let widened = Self.matrix(
      Self.namespaces + Self.pod("a-new", "web") + Self.pod("api", "web") + Self.pod("db", "db") + Self.denyToDB)
    let change = MatrixDiff(older: older, newer: widened).changes.first
    #expect(change?.source == "prod/api" && change?.destination == "prod/db")
    #expect(change.map { older.endpoints[$0.older.source] } == "prod/api")
    #expect(change.map { widened.endpoints[$0.newer.source] } == "prod/api")
    #expect(change.map { older.endpoints[$0.older.destination] } == "prod/db")
  }
}
