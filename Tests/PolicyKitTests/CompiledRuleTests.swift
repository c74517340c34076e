import Foundation
import Testing

@testable import PolicyKit

/// A compiled rule's class sets must say, for every endpoint, what the scalar matchers
/// (`EndpointSelector.matches`, CIDR containment) say of that endpoint itself: the per-cell
/// explanation and the kernel both read the class sets, so this is the guard that classes and
/// the class index are right about rule ends.
@Suite struct CompiledRuleTests {
  /// Whether `entity`'s criteria other than ports hold for `endpoint`, checked one endpoint at
  /// a time (the reference).
  static func scalarAccepts(_ entity: EntityMatch, _ endpoint: Endpoint, _ cluster: Cluster) -> Bool {
    let address = endpoint.address
    func inside(_ cidrs: [CIDR]) -> Bool { address.map { address in cidrs.contains { $0.contains(address) } } ?? false }
    if let peers = entity.peers {
      let any = peers.contains { peer in
        switch peer {
        case .endpoints(let selector):
          return selector.matches(endpoint, namespaceLabels: { cluster.namespaceLabels($0) }, asPeer: true)
        case .block(let cidr, let except):
          return inside([cidr]) && !inside(except)
        case .nodes(_, let nodes):
          return inside(nodes.addresses)
        }
      }
      if !any { return false }
    }
    if let nets = entity.nets, !inside(nets) { return false }
    if inside(entity.notNets) { return false }
    if let notSelector = entity.notSelector,
      notSelector.matches(endpoint, namespaceLabels: { cluster.namespaceLabels($0) }, asPeer: true)
    {
      return false
    }
    return true
  }

  @Test func compiledEndsAgreeWithTheScalarMatchersOnEveryEndpoint() throws {
    var checked = 0
    for (name, urls) in KernelAgreementTests.manifestSets() {
      let files = try urls.map { SourceFile(path: $0.path, bytes: [UInt8](try Data(contentsOf: $0))) }
      let cluster = ManifestLoader.load(files).cluster
      for view in PolicyView.allCases {
        let evaluator = Evaluator(cluster: cluster, view: view)
        let rules =
          evaluator.compiled.flatMap { $0.rules.joined() }
          + evaluator.profiles.values.flatMap { $0.rules.joined() }
        for rule in rules {
          for (position, endpoint) in cluster.endpoints.enumerated() {
            let cls = Int(evaluator.classes.classOf[position])
            let version =
              rule.rule.ipVersion.map { version in
                endpoint.address.map { ($0.isIPv4 ? 4 : 6) == version } ?? true
              } ?? true
            let expected = [
              Self.scalarAccepts(rule.rule.source, endpoint, cluster),
              Self.scalarAccepts(rule.rule.destination, endpoint, cluster), version,
            ]
            let actual = [rule.source.accepted[cls], rule.destination.accepted[cls], rule.versionSources[cls]]
            checked += 1
            if expected != actual {
              Issue.record(
                "\(name) \(view) \(rule.rule.label) at \(endpoint.id): compiled \(actual), scalar \(expected)")
              return
            }
          }
        }
      }
    }
    #expect(checked > 10_000)
  }
}
