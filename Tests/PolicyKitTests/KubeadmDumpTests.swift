import Foundation
import Testing

@testable import PolicyKit

/// The dump of a kubeadm cluster running Calico (`Scenarios/kubeadm-calico`, see its README):
/// what loads, what is left out, and the cells its `expect.yaml` lists.
@Suite("A kubeadm cluster's dump")
struct KubeadmDumpTests {
  static let folder = testsDirectory().appendingPathComponent("Scenarios/kubeadm-calico")

  /// The dump's files as `name` paths (the expectations and the README aside).
  static func files() throws -> [SourceFile] {
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
      .filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".json")) && $0 != "expect.yaml" }
    return try names.map { SourceFile(path: $0, bytes: Array(try Data(contentsOf: folder.appendingPathComponent($0)))) }
  }

  static func load() throws -> LoadResult { ManifestLoader.load(try files()) }

  @Test("it loads with one warning: the policy that selects only the host-networked API server")
  func loads() throws {
    let result = try Self.load()
    #expect(
      result.diagnostics.map(\.description) == [
        "networkpolicies.yaml:65:3: warning: NetworkPolicy `kube-system/apiserver-ingress` selects only host-networked pods (`kube-system/kube-apiserver-kubeadm-cp`): their traffic is their node's, which no policy on their labels governs, so it applies to nothing"
      ])
    #expect(
      result.cluster.leftOut.map { "\($0.namespace)/\($0.name): \($0.reason)" } == [
        "shop/migrate-9fz2c: finished (phase Succeeded)"
      ])
    #expect(result.cluster.ipPools.map(\.cidr.description) == ["192.168.0.0/16"])
    #expect(result.cluster.endpoints.count == 16)
  }

  @Test("the host-networked pods keep their rows, with their node's address")
  func hostNetworkedRows() throws {
    let cluster = try Self.load().cluster
    let hostNetworked = cluster.endpoints.filter(\.isHostNetworked)
    #expect(
      hostNetworked.map(\.id) == [
        "kube-system/calico-node-h2w6d", "kube-system/calico-node-p9t3n", "kube-system/calico-node-z5j8f",
        "kube-system/etcd-kubeadm-cp", "kube-system/kube-apiserver-kubeadm-cp", "kube-system/kube-proxy-c8v5r",
        "kube-system/kube-proxy-m4q9z", "kube-system/kube-proxy-x7k2p",
      ])
    for endpoint in hostNetworked {
      let node = try #require(endpoint.node.flatMap { cluster.nodes[$0] })
      #expect(endpoint.address == node.addresses.first, "\(endpoint.id)")
    }
  }

  @Test("every cell of expect.yaml holds")
  func expectations() throws {
    let url = Self.folder.appendingPathComponent("expect.yaml")
    let (expectations, problems) = ExpectationFile.parse(
      SourceFile(path: "expect.yaml", bytes: Array(try Data(contentsOf: url))))
    #expect(problems.isEmpty)
    #expect(expectations.count == 17)
    var checker = ExpectationChecker(cluster: try Self.load().cluster)
    for expectation in expectations {
      let result = checker.check(expectation)
      #expect(result.holds, "\(expectation.summary): \(result.problem ?? "")")
    }
  }

  // Edits that change what a host-networked pod stands for (its node's host endpoint), the
  // pod itself, or the pool: a reload with the cache gives the matrix a fresh load gives.
  @Test("edits of host endpoints, host-networked pods and pools give fresh matrices")
  func incrementalEdits() throws {
    let originals = try Self.files()
    func text(_ name: String) -> String {
      originals.first { $0.path == name }.map { String(decoding: $0.bytes, as: UTF8.self) } ?? ""
    }
    func replaced(_ name: String, _ old: String, _ new: String) -> [SourceFile] {
      originals.map {
        $0.path == name ? SourceFile(path: name, text: text(name).replacingOccurrences(of: old, with: new)) : $0
      }
    }
    let steps: [(String, [SourceFile])] = [
      ("first", originals),
      (
        "a host endpoint leaves the firewall",
        replaced(
          "calico-hostendpoints.yaml",
          "      projectcalico.org/created-by: calico-kube-controllers\n    name: kubeadm-worker-2-auto-hep",
          "    name: kubeadm-worker-2-auto-hep")
      ),
      ("put back", originals),
      ("a host-networked pod relabelled", replaced("pods.json", #""k8s-app":"kube-proxy""#, #""k8s-app":"proxy""#)),
      ("no outgoing NAT", replaced("calico-ippools.yaml", "natOutgoing: true", "natOutgoing: false")),
      ("put back again", originals),
    ]
    var cache = ManifestCache()
    var evaluator: Evaluator?
    var matrix: ConnectivityMatrix?
    for (step, files) in steps {
      let next = Evaluator(cluster: ManifestLoader.load(files, cache: &cache).cluster, reusing: evaluator)
      let fresh = Evaluator(cluster: ManifestLoader.load(files).cluster)
      for port in [10250, 8080] {
        let updated = ConnectivityMatrix(
          evaluator: next, probe: Probe(.tcp, port), updating: port == 10250 ? matrix : nil)
        let expected = ConnectivityMatrix(evaluator: fresh, probe: Probe(.tcp, port))
        for source in 0..<fresh.count {
          for destination in 0..<fresh.count
          where updated.outcome(source, destination) != expected.outcome(source, destination) {
            Issue.record("\(step): \(fresh.ids[source]) -> \(fresh.ids[destination]) tcp/\(port)")
          }
        }
        if port == 10250 { matrix = updated }
      }
      evaluator = next
    }
  }

  // Without natOutgoing the other node's firewall sees the pod, not a node, and denies it.
  @Test("the cells that rest on outgoing NAT are denied without it")
  func withoutNAT() throws {
    var cluster = try Self.load().cluster
    for index in cluster.ipPools.indices { cluster.ipPools[index].natOutgoing = false }
    let evaluator = Evaluator(cluster: cluster)
    for (source, destination, port) in [
      ("shop/frontend-7d9f8b6c5-2xkqp", "host/kubeadm-worker-2-auto-hep", 10250),
      ("kube-system/coredns-674b8bbfcf-6qzxl", "host/kubeadm-worker-1-auto-hep", 10250),
      ("shop/frontend-7d9f8b6c5-2xkqp", "kube-system/kube-proxy-c8v5r", 10256),
    ] {
      let cell = try #require(evaluator.trace(from: source, to: destination, probe: probe("tcp/\(port)")))
      #expect(cell.outcome == .denied, "\(source) -> \(destination)")
      #expect(fact(cell) == "deny by ingress GlobalNetworkPolicy/node-firewall ingress[2] (Deny) in tier default")
    }
  }
}
