import PolicyKit

/// Resolves `--from`/`--to` text to endpoints: an endpoint id, a namespace (or `hosts`,
/// `networks`), or a Calico selector on the endpoints' labels.
enum EndpointFilter {
  struct Failure: Error {
    var message: String
  }

  static func resolve(_ text: String, in cluster: Cluster) -> Result<[Int], Failure> {
    let endpoints = cluster.endpoints
    if let index = endpoints.firstIndex(where: { $0.id == text }) { return .success([index]) }
    if text == "hosts" { return .success(endpoints.indices.filter { endpoints[$0].isHost }) }
    if text == "networks" { return .success(endpoints.indices.filter { endpoints[$0].isNetworkSet }) }
    let inNamespace = endpoints.indices.filter { endpoints[$0].namespace == text }
    if !inNamespace.isEmpty || cluster.namespaces[text] != nil { return .success(inNamespace) }
    do {
      let selector = try Selector.parse(text)
      return .success(endpoints.indices.filter { selector.matches(endpoints[$0].selectorLabels) })
    } catch {
      let names = endpoints.map(\.id) + cluster.namespaces.keys.sorted() + ["hosts", "networks"]
      let suggestion = DidYouMean.suffix(text, among: names)
      return .failure(
        Failure(
          message:
            "`\(text)` is not an endpoint, a namespace or a selector (\(error.message) at column \(error.column))\(suggestion)"
        ))
    }
  }
}
