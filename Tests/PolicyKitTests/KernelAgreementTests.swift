import Foundation
import Testing

@testable import PolicyKit

/// The row-at-a-time matrix kernel must say what the per-cell evaluator (the reference, which
/// also writes the traces) says, for every cell of every case, probe and view we have.
@Suite struct KernelAgreementTests {
  static let probes = ["tcp/80", "tcp/81", "udp/53", "sctp/80", "tcp/22", "tcp/http", "udp/dns"]

  /// Every manifest set in the repository and the conformance corpus.
  static func manifestSets() -> [(String, [URL])] {
    let manager = FileManager.default
    var sets: [(String, [URL])] = []
    let root = testsDirectory().deletingLastPathComponent().deletingLastPathComponent()
    let demo = root.appendingPathComponent("demo")
    for lesson in (try? manager.contentsOfDirectory(atPath: demo.path))?.sorted() ?? [] {
      let folder = demo.appendingPathComponent(lesson)
      let files = ((try? manager.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        .filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".json")) && $0 != "expect.yaml" && $0 != "quiz.json" }
        .map { folder.appendingPathComponent($0) }
      if !files.isEmpty { sets.append(("demo/\(lesson)", files)) }
    }
    let scenarios = testsDirectory().appendingPathComponent("Scenarios")
    for name in (try? manager.contentsOfDirectory(atPath: scenarios.path))?.sorted() ?? [] {
      let file = scenarios.appendingPathComponent(name).appendingPathComponent("manifests.yaml")
      if manager.fileExists(atPath: file.path) { sets.append(("scenario/\(name)", [file])) }
    }
    let corpus = conformanceDirectory()
    for source in (try? manager.contentsOfDirectory(atPath: corpus.path))?.sorted() ?? [] {
      let folder = corpus.appendingPathComponent(source)
      for name in (try? manager.contentsOfDirectory(atPath: folder.path))?.sorted() ?? [] {
        let file = folder.appendingPathComponent(name).appendingPathComponent("manifests.yaml")
        if manager.fileExists(atPath: file.path) { sets.append(("\(source)/\(name)", [file])) }
      }
    }
    return sets
  }

  @Test func kernelAgreesWithTheEvaluatorOnEveryCell() throws {
    let sets = Self.manifestSets()
    #expect(sets.count > 60, "expected the demos, scenarios and conformance cases")
    var cellsChecked = 0
    for (name, urls) in sets {
      let files = try urls.map { SourceFile(path: $0.path, bytes: [UInt8](try Data(contentsOf: $0))) }
      var cluster = ManifestLoader.load(files).cluster
      // Widening a policy changes classes and peers: check a trapped variant too.
      var variants = [cluster]
      if let first = cluster.policies.first,
        case .success(let (trapped, _)) = cluster.applyingTrap(first.id.description)
      {
        variants.append(trapped)
      }
      for variant in variants {
        cluster = variant
        for view in PolicyView.allCases {
          let evaluator = Evaluator(cluster: cluster, view: view)
          if evaluator.appliedDescription() != evaluator.appliedByScan() {
            Issue.record("\(name) \(view): the indexed policy lists differ from a scan of every subject")
            return
          }
          for text in Self.probes {
            let probe = try #require(Probe(parsing: text))
            let matrix = ConnectivityMatrix(evaluator: evaluator, probe: probe)
            for source in 0..<evaluator.count {
              for destination in 0..<evaluator.count {
                let expected = evaluator.outcome(from: source, to: destination, probe: probe)
                let actual = matrix.outcome(source, destination)
                cellsChecked += 1
                if expected != actual {
                  Issue.record(
                    "\(name) \(view) \(text): \(cluster.endpoints[source].id) -> \(cluster.endpoints[destination].id): kernel \(actual), evaluator \(expected)"
                  )
                  return
                }
              }
            }
          }
        }
      }
    }
    #expect(cellsChecked > 10_000)
  }
}

/// Connection sets (`--probe any`) agree with single probes on every port where a verdict can
/// change, on both sides of each cut, and on a few other ports.
@Suite struct ConnectionSetAgreementTests {
  @Test func connectionSetsAgreeWithSingleProbes() throws {
    var checked = 0
    for (name, urls) in KernelAgreementTests.manifestSets() {
      let files = try urls.map { SourceFile(path: $0.path, bytes: [UInt8](try Data(contentsOf: $0))) }
      let cluster = ManifestLoader.load(files).cluster
      let evaluator = Evaluator(cluster: cluster, view: .enforced)
      let connections = ConnectionMatrix(evaluator: evaluator)
      for ipProtocol in IPProtocol.allCases {
        var ports: Set<Int> = [1, 80, 443, 1024, 65535]
        for cut in connections.cuts[ipProtocol] ?? [] { ports.formUnion([cut - 1, cut, cut + 1]) }
        for port in ports.sorted() where (1...65535).contains(port) {
          let probe = Probe(ipProtocol, port)
          for source in 0..<evaluator.count {
            for destination in 0..<evaluator.count where source != destination {
              let single = evaluator.outcome(from: source, to: destination, probe: probe) == .allowed
              let set = connections.connections(source, destination).allows(ipProtocol, port)
              checked += 1
              if single != set {
                Issue.record(
                  "\(name) \(probe): \(cluster.endpoints[source].id) -> \(cluster.endpoints[destination].id): set says \(set), single probe \(single)"
                )
                return
              }
            }
          }
        }
      }
    }
    #expect(checked > 10_000)
  }

  /// Rules with `ipVersion` tell an IPv4 pod from an IPv6 one even where no rule names a CIDR:
  /// they are not one class, and the kernel says what the evaluator says.
  @Test func podsOfEachIPVersionAreClassesOfTheirOwn() throws {
    let text = """
      apiVersion: v1
      kind: Pod
      metadata: {name: four, namespace: prod, labels: {app: web}}
      status: {podIP: 10.0.0.4}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: six, namespace: prod, labels: {app: web}}
      status: {podIP: "fd00::6"}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: client, namespace: prod, labels: {app: client}}
      status: {podIP: 10.0.0.9}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: v6-out-only}
      spec:
        selector: app == "web"
        types: [Egress]
        egress: [{action: Allow, ipVersion: 6}]
      """
    let cluster = ManifestLoader.load([SourceFile(path: "v.yaml", text: text)]).cluster
    let evaluator = Evaluator(cluster: cluster)
    let four = try #require(evaluator.index["prod/four"])
    let six = try #require(evaluator.index["prod/six"])
    let client = try #require(evaluator.index["prod/client"])
    #expect(evaluator.classes.classOf[four] != evaluator.classes.classOf[six])
    let matrix = ConnectivityMatrix(evaluator: evaluator, probe: Probe(.tcp, 80))
    for source in [four, six] {
      #expect(matrix.outcome(source, client) == evaluator.outcome(from: source, to: client, probe: Probe(.tcp, 80)))
    }
    #expect(matrix.outcome(four, client) == .denied)
  }
}
