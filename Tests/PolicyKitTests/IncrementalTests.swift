import Foundation
import Testing

@testable import PolicyKit

/// After an edit, the cached loader and the re-evaluation that redoes only what the edit can
/// affect must give exactly what loading and evaluating from scratch gives.
@Suite struct IncrementalTests {
  // MARK: - Loading

  static let namespaces = """
    apiVersion: v1
    kind: Namespace
    metadata: {name: prod, labels: {env: prod}}
    ---
    apiVersion: v1
    kind: Namespace
    metadata: {name: dev, labels: {env: dev}}
    """
  static let pods = """
    apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: prod, labels: {app: web}}
    spec: {nodeName: node-1, containers: [{name: web, ports: [{name: http, containerPort: 8080}]}]}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: db, namespace: prod, labels: {app: db}}
    spec: {nodeName: node-1, containers: [{name: db}]}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: dev, labels: {app: web}}
    spec: {nodeName: node-1, containers: [{name: web}]}
    """
  /// A host endpoint whose addresses come from a Node defined in a later file.
  static let host = """
    apiVersion: projectcalico.org/v3
    kind: HostEndpoint
    metadata: {name: node-1-eth0, labels: {role: node}}
    spec: {node: node-1, interfaceName: eth0, profiles: [projectcalico-default-allow]}
    """
  static let nodes = """
    apiVersion: v1
    kind: Node
    metadata: {name: node-1}
    status: {addresses: [{type: InternalIP, address: 192.168.1.10}]}
    """
  static func denyIngress(_ namespace: String, name: String = "deny") -> String {
    """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: \(name), namespace: \(namespace)}
    spec: {podSelector: {}, policyTypes: [Ingress]}
    """
  }
  static let allowWeb = """
    apiVersion: projectcalico.org/v3
    kind: GlobalNetworkPolicy
    metadata: {name: allow-web}
    spec:
      order: 10
      selector: app == 'web'
      ingress: [{action: Allow, protocol: TCP, destination: {ports: [http, 80]}}]
    """

  static func files(_ contents: [(String, String)]) -> [SourceFile] {
    contents.map { SourceFile(path: $0.0, text: $0.1) }
  }

  /// The parts of two loads that must agree.
  static func expectSame(_ cached: LoadResult, _ fresh: LoadResult, _ context: String) {
    #expect(cached.cluster.endpoints == fresh.cluster.endpoints, "\(context): endpoints")
    #expect(cached.cluster.policies == fresh.cluster.policies, "\(context): policies")
    #expect(cached.cluster.namespaces == fresh.cluster.namespaces, "\(context): namespaces")
    #expect(cached.cluster.tiers == fresh.cluster.tiers, "\(context): tiers")
    #expect(cached.cluster.profiles == fresh.cluster.profiles, "\(context): profiles")
    #expect(cached.cluster.felix == fresh.cluster.felix, "\(context): felix")
    #expect(cached.cluster.leftOut == fresh.cluster.leftOut, "\(context): left out")
    #expect(cached.diagnostics == fresh.diagnostics, "\(context): diagnostics")
  }

  @Test func aCachedLoadEqualsAFreshLoadAfterEveryKindOfEdit() {
    var contents: [(String, String)] = [
      ("a-namespaces.yaml", Self.namespaces), ("b-pods.yaml", Self.pods), ("c-host.yaml", Self.host),
      ("d-nodes.yaml", Self.nodes), ("e-deny.yaml", Self.denyIngress("prod")),
      ("f-allow.yaml", Self.allowWeb),
    ]
    var cache = ManifestCache()
    let first = ManifestLoader.load(Self.files(contents), cache: &cache)
    Self.expectSame(first, ManifestLoader.load(Self.files(contents)), "first load")
    #expect(cache.lastDecoded == 6)
    #expect(
      first.cluster.endpoint("host/node-1-eth0")?.addresses.map(\.description) == ["192.168.1.10"],
      "a Node in a later file still gives the host endpoint its address")

    // Edits: (file index, new content, whether the inventory can be kept, how many of its
    // endpoints are made again, what).
    // Pods edited one detail at a time.
    let pods = Self.pods
    let labelled = pods.replacingOccurrences(of: "app: db", with: "app: cache")
    let accounted = labelled.replacingOccurrences(
      of: "containers: [{name: web, ports", with: "serviceAccountName: api, containers: [{name: web, ports")
    let ported = accounted.replacingOccurrences(of: "containerPort: 8080", with: "containerPort: 9090")
    let moved = ported.replacingOccurrences(
      of: "nodeName: node-1, containers: [{name: db}]", with: "nodeName: node-2, containers: [{name: db}]")
    let edits: [(Int, String, Bool, Int?, String)] = [
      (4, Self.denyIngress("dev"), true, nil, "a policy moves to another namespace"),
      (5, Self.allowWeb.replacingOccurrences(of: "order: 10", with: "order: 5"), true, nil, "a policy's order"),
      (5, Self.denyIngress("prod"), true, nil, "a duplicate of a policy in another file"),
      (4, Self.denyIngress("ghost"), false, nil, "a policy in an undeclared namespace"),
      (4, "kind: [broken", false, nil, "a file that does not parse (ghost is no longer made up)"),
      (4, Self.denyIngress("prod"), true, nil, "a policy file mended"),
      (1, labelled, true, 1, "a pod's labels"),
      (1, accounted, true, 1, "a pod's service account"),
      (1, ported, true, 1, "a pod's named port"),
      (1, moved, true, 1, "a pod's node"),
      (
        1, "# a comment moves every pod a line down\n" + moved, true, 0,
        "a line added before the pods (only places move)"
      ),
      (1, moved + "\n---\n" + Self.pod("cache", "prod"), true, 1, "a pod added (the others a line up again)"),
      (1, moved, true, 0, "the pod removed again"),
      (
        1, moved.replacingOccurrences(of: "name: db,", with: "name: database,"), true, 1,
        "a pod renamed: one gone, one new"
      ),
      (1, pods + "\nstatus: {podIP: 10.9.9.9}", false, nil, "a pod given an address"),
      (
        1, pods + "\n---\n" + pods.replacingOccurrences(of: "app: web", with: "app: copy"), false, nil, "duplicate pods"
      ),
      (
        1, pods + "\n---\n" + pods.replacingOccurrences(of: "app: web", with: "app: other"), false, nil,
        "duplicate pods edited (the duplicates' places may have moved)"
      ),
      (1, pods, false, nil, "the duplicates gone"),
      (2, Self.host.replacingOccurrences(of: "role: node", with: "role: edge"), true, 1, "a host endpoint's labels"),
      (
        2, Self.host.replacingOccurrences(of: "[projectcalico-default-allow]", with: "[missing]"), false, nil,
        "a host endpoint naming a profile nobody declared (a new warning)"
      ),
      (2, Self.host, false, nil, "mended (the warning was in the edited file)"),
      (
        2,
        Self.host.replacingOccurrences(
          of: "interfaceName: eth0,", with: "interfaceName: eth0, expectedIPs: [192.168.1.99],"),
        false, nil, "a host endpoint given its own address"
      ),
      (0, Self.namespaces + "\n---\n" + Self.namespaces, false, nil, "duplicate namespaces"),
      (3, "", false, nil, "the Node is gone"),
    ]
    for (index, text, keepsInventory, patched, what) in edits {
      contents[index].1 = text
      let cached = ManifestLoader.load(Self.files(contents), cache: &cache)
      Self.expectSame(cached, ManifestLoader.load(Self.files(contents)), what)
      #expect(cache.lastDecoded == 1, "\(what): only the edited file is decoded")
      #expect(cache.lastReusedInventory == keepsInventory, "\(what)")
      #expect(cache.lastPatchedEndpoints?.count == patched, "\(what)")
    }
    // A policy file added: decoded alone, the inventory kept.
    contents.append(("g-new.yaml", Self.denyIngress("dev", name: "new")))
    let added = ManifestLoader.load(Self.files(contents), cache: &cache)
    Self.expectSame(added, ManifestLoader.load(Self.files(contents)), "a policy file added")
    #expect(cache.lastDecoded == 1)
    #expect(cache.lastReusedInventory)
    // Nothing changed: nothing decoded, the inventory kept; a file dropped: forgotten.
    _ = ManifestLoader.load(Self.files(contents), cache: &cache)
    #expect(cache.lastDecoded == 0)
    #expect(cache.lastReusedInventory)
    contents.remove(at: 5)
    let fewer = ManifestLoader.load(Self.files(contents), cache: &cache)
    Self.expectSame(fewer, ManifestLoader.load(Self.files(contents)), "a file removed")
    #expect(cache.count == contents.count)
  }

  @Test func anEditedBigFileDecodesOnlyThePiecesThatChanged() throws {
    // About 120 KB of pods: pieces of about 16 KB.
    let pods = (0..<600).map { n in
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: pod-\(n)
        namespace: prod
        labels:
          app: app-\(n % 7)
      spec:
        containers:
        - name: main
      """
    }
    let text = pods.joined(separator: "\n---\n") + "\n"
    var cache = ManifestCache()
    _ = ManifestLoader.load(Self.files([("pods.yaml", text)]), cache: &cache)
    #expect(try #require(cache.entries["pods.yaml"]).pieces.count >= 4)
    let line = "name: pod-300\n  annotations: {a: b}\n"
    let edits = [
      // A value changed in place: every other piece is taken over.
      ("a label value", text.replacingOccurrences(of: "name: pod-300\n", with: "name: pod-30x\n"), 1),
      // A line more: the pieces after it are taken over too, their lines numbered on.
      ("a line added", text.replacingOccurrences(of: "name: pod-300\n", with: line), 1),
      ("the line removed", text, 1),
      // A document more: the documents after it are numbered on.
      (
        "a pod added",
        text.replacingOccurrences(
          of: pods[300], with: pods[300].replacingOccurrences(of: "pod-300", with: "pod-new") + "\n---\n" + pods[300]),
        1
      ),
      // Two edits far apart: the pieces from one to the other are cut again.
      (
        "two lines added far apart",
        text.replacingOccurrences(of: "name: pod-200\n", with: "name: pod-200\n  annotations: {a: b}\n")
          .replacingOccurrences(of: "name: pod-400\n", with: "name: pod-400\n  annotations: {a: b}\n"), 2
      ),
      ("both removed", text, 2),
      ("a line added at the top", "# pods\n" + text, 1),
      ("a line added at the end", "# pods\n" + text + "# the end\n", 1),
      // Broken in the middle: the file is read whole, with its error.
      ("a broken line", text.replacingOccurrences(of: "name: pod-300\n", with: "name: [pod-300\n"), nil),
      ("back as it was", text, nil),
    ]
    for (what, edited, decodedAgain) in edits as [(String, String, Int?)] {
      let before = try #require(cache.entries["pods.yaml"]).pieces.count
      let cached = ManifestLoader.load(Self.files([("pods.yaml", edited)]), cache: &cache)
      let fresh = ManifestLoader.load(Self.files([("pods.yaml", edited)]))
      Self.expectSame(cached, fresh, what)
      if let decodedAgain {
        #expect(before > 3, "\(what): the version before was cut in pieces")
        let expected = decodedAgain == 1 ? (before - 1)...(before - 1) : 1...max(1, before - decodedAgain)
        #expect(
          expected.contains(cache.lastReusedPieces), "\(what): \(cache.lastReusedPieces) of \(before) pieces taken over"
        )
      }
      if what == "a broken line" {
        #expect(cache.entries["pods.yaml"]?.pieces.isEmpty == true, "the broken version is read whole, and kept whole")
      }
    }
  }

  /// Random edits of a big file of every kind of object, each loaded with the cache of the
  /// one before: the pieces taken over, moved or not, load as a fresh load does, places,
  /// document numbers and diagnostics included.
  @Test func randomEditsOfABigFileLoadAsFreshLoadsDo() {
    let units = (0..<40).map { n in
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: pod-\(n), namespace: prod, labels: {app: app-\(n % 5)}}
      spec: {nodeName: node-1, containers: [{name: web, ports: [{name: http, containerPort: 8080}]}]}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: policy-\(n)}
      spec:
        order: \(n)
        selector: app == 'app-\(n % 5)'
        ingress:
        - action: Allow
          protocol: TCP
          source: {selector: app == 'app-\((n + 1) % 5)'}
          destination: {ports: [http]}
        - action: Deny
      ---
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: host-\(n), labels: {role: node}}
      spec: {node: node-1, interfaceName: eth\(n), expectedIPs: [192.168.\(n / 200).\(n % 200 + 1)], profiles: [missing-\(n % 3)]}
      ---
      apiVersion: example.com/v1
      kind: Widget
      metadata: {name: w-\(n)}
      ---
      apiVersion: projectcalico.org/v3
      kind: Profile
      metadata: {name: profile-\(n)}
      spec: {ingress: [{action: Allow}], egress: [{action: Deny, protocol: UDP}]}
      """
    }
    let header = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: prod}
      ---
      apiVersion: projectcalico.org/v3
      kind: FelixConfiguration
      metadata: {name: default}
      spec: {failsafeInboundHostPorts: [{protocol: TCP, port: 22}]}
      ---

      """
    var lines = (header + units.joined(separator: "\n---\n") + "\n").split(
      separator: "\n", omittingEmptySubsequences: false
    ).map(String.init)
    var options = LoadOptions()
    options.pieceSize = 2048
    var generator = SeededGenerator(seed: 5)
    var cache = ManifestCache()
    _ = ManifestLoader.load(Self.files([("all.yaml", lines.joined(separator: "\n"))]), options: options, cache: &cache)
    var reused = 0
    // The lines before an edit that may break the file: undone at the next step.
    var broken: [String]?
    for step in 0..<80 {
      let at = Int.random(in: 0..<lines.count, using: &generator)
      let markers = lines.indices.filter { lines[$0] == "---" }
      let marker = markers.randomElement(using: &generator) ?? 0
      let what: String
      if let before = broken {
        lines = before
        broken = nil
        what = "the edit before undone"
      } else {
        switch Int.random(in: 0..<7, using: &generator) {
        case 0:
          lines.insert("# a comment", at: at)
          what = "a comment line added at line \(at + 1)"
        case 1:
          lines.insert(
            contentsOf: ["---", "apiVersion: v1", "kind: Pod", "metadata: {name: new-\(step), namespace: prod}"],
            at: marker)
          what = "a document added at line \(marker + 1)"
        case 2:
          let end = markers.first { $0 > marker } ?? lines.count
          lines.removeSubrange(marker..<end)
          what = "the document at line \(marker + 1) removed"
        case 3:
          let labelled = lines.indices.filter { lines[$0].contains("app-") }.randomElement(using: &generator) ?? at
          lines[labelled] = lines[labelled].replacingOccurrences(of: "app-", with: "tier-")
          what = "line \(labelled + 1) relabelled"
        case 4:
          lines.insert("", at: at)
          what = "a blank line added at line \(at + 1)"
        case 5:
          broken = lines
          lines.removeSubrange(at..<min(lines.count, at + 2))
          what = "lines \(at + 1) and \(at + 2) removed (perhaps breaking a document)"
        default:
          broken = lines
          lines.insert("  - [unclosed", at: at)
          what = "a broken line added at line \(at + 1)"
        }
      }
      let text = lines.joined(separator: "\n")
      let cached = ManifestLoader.load(Self.files([("all.yaml", text)]), options: options, cache: &cache)
      let fresh = ManifestLoader.load(Self.files([("all.yaml", text)]), options: options)
      Self.expectSame(cached, fresh, "step \(step): \(what)")
      reused += cache.lastReusedPieces
    }
    #expect(reused > 80 * 10, "pieces are taken over after most edits (\(reused) in all)")
  }

  @Test func duplicateErrorsPointAtTheLaterFileWhicheverWasEdited() {
    var contents = [
      ("a.yaml", Self.namespaces), ("b.yaml", Self.denyIngress("prod")), ("c.yaml", Self.denyIngress("prod")),
    ]
    var cache = ManifestCache()
    _ = ManifestLoader.load(Self.files(contents), cache: &cache)
    contents[1].1 = Self.denyIngress("prod") + "\n"
    let result = ManifestLoader.load(Self.files(contents), cache: &cache)
    let duplicates = result.diagnostics.filter { $0.message.hasPrefix("duplicate") }
    #expect(duplicates.map { $0.location?.file } == ["c.yaml"])
    #expect(duplicates.first?.notes.first?.location?.file == "b.yaml")
  }

  // MARK: - Re-evaluation

  /// Edits of a cluster's policies that a user makes while exploring.
  static func edits(of cluster: Cluster) -> [(String, Cluster)] {
    var result: [(String, Cluster)] = []
    let policies = cluster.policies
    let picked = Array(policies.prefix(4)) + (policies.count > 4 ? [policies[policies.count - 1]] : [])
    for policy in picked {
      if case .success(let (trapped, _)) = cluster.applyingTrap(policy.id.description) {
        result.append(("trap \(policy.id)", trapped))
      }
      var removed = cluster
      removed.policies.removeAll { $0.id == policy.id }
      result.append(("remove \(policy.id)", removed))
      var flipped = cluster
      if let index = flipped.policies.firstIndex(where: { $0.id == policy.id }) {
        for list in [\Policy.ingress, \Policy.egress] where !flipped.policies[index][keyPath: list].isEmpty {
          let action = flipped.policies[index][keyPath: list][0].action
          flipped.policies[index][keyPath: list][0].action = action == .allow ? .deny : .allow
        }
        flipped.policies[index].order = (flipped.policies[index].order ?? 1000) + 1
      }
      result.append(("flip actions and order of \(policy.id)", flipped))
    }
    var tiers = cluster
    for (name, tier) in tiers.tiers where tier.defaultAction == .deny && name != "default" {
      tiers.tiers[name]?.defaultAction = .pass
    }
    result.append(("tier defaults", tiers))
    return result
  }

  /// The first cell where two matrices of the same endpoints differ, described (nil: none).
  static func firstDifference(_ updated: ConnectivityMatrix, _ fresh: ConnectivityMatrix) -> String? {
    for source in 0..<fresh.count {
      for destination in 0..<fresh.count
      where updated.outcome(source, destination) != fresh.outcome(source, destination) {
        return
          "\(fresh.endpoints[source]) -> \(fresh.endpoints[destination]): updated \(updated.outcome(source, destination)), fresh \(fresh.outcome(source, destination))"
      }
    }
    return nil
  }

  /// The same for connection sets.
  static func firstDifference(_ updated: ConnectionMatrix, _ fresh: ConnectionMatrix) -> String? {
    for source in 0..<fresh.count {
      for destination in 0..<fresh.count
      where updated.connections(source, destination) != fresh.connections(source, destination) {
        return
          "\(fresh.endpoints[source]) -> \(fresh.endpoints[destination]): updated \(updated.connections(source, destination)), fresh \(fresh.connections(source, destination))"
      }
    }
    return nil
  }

  /// Every demo, scenario and conformance cluster, loaded.
  static func clusters() throws -> [(name: String, cluster: Cluster)] {
    try KernelAgreementTests.manifestSets().map { name, urls in
      let files = try urls.map { SourceFile(path: $0.path, bytes: [UInt8](try Data(contentsOf: $0))) }
      return (name, ManifestLoader.load(files).cluster)
    }
  }

  @Test func anUpdatedMatrixEqualsAFreshOneOnEveryCell() throws {
    var incremental = 0
    var fallbacks = 0
    var touchedOnly = 0
    for (name, cluster) in try Self.clusters() {
      for view in PolicyView.allCases {
        let base = Evaluator(cluster: cluster, view: view)
        for text in ["tcp/80", "udp/53", "tcp/http"] {
          let probe = try #require(Probe(parsing: text))
          let before = ConnectivityMatrix(evaluator: base, probe: probe)
          for (what, edited) in Self.edits(of: cluster) {
            let reused = Evaluator(cluster: edited, view: view, reusing: base)
            let updated = ConnectivityMatrix(
              evaluator: reused, probe: probe, updating: before, reportingChanges: true)
            let freshEvaluator = Evaluator(cluster: edited, view: view)
            let fresh = ConnectivityMatrix(evaluator: freshEvaluator, probe: probe)
            // The tiers and policies that apply, whether worked out again for the classes the
            // edit touched only or for all.
            #expect(reused.appliedDescription() == freshEvaluator.appliedDescription(), "\(name) \(view) \(what)")
            if reused.touchedClasses != nil { touchedOnly += 1 }
            if updated.isIncremental { incremental += 1 } else { fallbacks += 1 }
            if let difference = Self.firstDifference(updated, fresh) {
              Issue.record("\(name) \(view) \(text) \(what): \(difference)")
              return
            }
            #expect(updated.counts == fresh.counts, "\(name) \(what)")
            let changes = fresh.changes(from: before)
            #expect(updated.changes(from: before) == changes, "\(name) \(what)")
            if let pairs = updated.changedClassPairs(from: before) {
              #expect(
                Self.expand(pairs, updated.classOf, updated.endpoints)
                  == Set(changes.map { "\($0.source) -> \($0.destination)" }), "\(name) \(what)")
            }
            // The cells the update itself reports flipped (from the rows and columns it redid,
            // or by comparing) are those that differ cell by cell.
            let reported = try #require(updated.changesSincePrevious, "\(name) \(what)")
            #expect(
              Set(
                reported.endpointPairs().map {
                  "\(updated.endpoints[$0.source]) -> \(updated.endpoints[$0.destination])"
                })
                == Set(changes.map { "\($0.source) -> \($0.destination)" }), "\(name) \(view) \(text) \(what)")
            // `before` is still held here: its rows were copied, not changed.
            #expect(!updated.updatedInPlace)
          }
        }
      }
    }
    #expect(incremental > 1000, "most edits keep the classes")
    #expect(touchedOnly > 500, "edits of a policy in place work out only the classes it selects")
    #expect(fallbacks > 0, "an edit that changes the CIDRs rules name starts over")
  }

  /// The endpoint pairs (`a -> b`, self pairs left out) of a set of class pairs.
  static func expand(_ pairs: ClassPairBits, _ classOf: [Int32], _ ids: [String]) -> Set<String> {
    var members = [[Int]](repeating: [], count: pairs.classCount)
    for (index, cls) in classOf.enumerated() { members[Int(cls)].append(index) }
    var result: Set<String> = []
    for (source, destination) in pairs.pairs {
      for s in members[source] {
        for d in members[destination] where s != d { result.insert("\(ids[s]) -> \(ids[d])") }
      }
    }
    return result
  }

  @Test func updatedConnectionSetsEqualFreshOnesAndTheirChangesAreFoundPerClassPair() throws {
    var checked = 0
    var incremental = 0
    for (name, cluster) in try Self.clusters() {
      let base = Evaluator(cluster: cluster)
      let before = ConnectionMatrix(evaluator: base)
      for (what, edited) in Self.edits(of: cluster) {
        let reused = Evaluator(cluster: edited, reusing: base)
        let after = ConnectionMatrix(evaluator: reused, updating: before)
        let fresh = ConnectionMatrix(evaluator: Evaluator(cluster: edited))
        if reused.changedClasses != nil { incremental += 1 }
        if let difference = Self.firstDifference(after, fresh) {
          Issue.record("\(name) \(what): \(difference)")
          return
        }
        var expected: Set<String> = []
        for s in 0..<after.count {
          for d in 0..<after.count where s != d && after.connections(s, d) != before.connections(s, d) {
            expected.insert("\(after.endpoints[s]) -> \(after.endpoints[d])")
          }
        }
        // Nil when the edit changed the classes (a CIDR rule removed): then ids are compared.
        guard let pairs = after.changedClassPairs(from: before) else { continue }
        checked += 1
        #expect(Self.expand(pairs, after.classOf, after.endpoints) == expected, "\(name) \(what)")
      }
    }
    #expect(checked > 50)
    #expect(incremental > 300)
  }

  /// Edits of a cluster's endpoints: one goes, one is relabelled like another, one comes.
  static func endpointEdits(of cluster: Cluster) -> [(String, Cluster)] {
    let workloads = cluster.endpoints.indices.filter { cluster.endpoints[$0].isWorkload }
    guard let first = workloads.first, let last = workloads.last, first != last else { return [] }
    var removed = cluster
    removed.endpoints.remove(at: first)
    var relabelled = cluster
    relabelled.endpoints[first].selectorLabels = cluster.endpoints[last].selectorLabels
    var added = cluster
    var copy = cluster.endpoints[last]
    copy.id += "-copy"
    copy.selectorLabels["extra"] = "yes"
    added.endpoints.insert(copy, at: 0)
    return [
      ("remove \(cluster.endpoints[first].id)", removed), ("relabel \(cluster.endpoints[first].id)", relabelled),
      ("add \(copy.id)", added),
    ]
  }

  @Test func changedCellsAcrossEndpointEditsAreThoseThatDifferCellByCell() throws {
    var compared = 0
    var regrouped = 0
    for (name, cluster) in try Self.clusters() {
      let before = ConnectivityMatrix(evaluator: Evaluator(cluster: cluster), probe: Probe(.tcp, 80))
      let beforeSets = ConnectionMatrix(evaluator: Evaluator(cluster: cluster))
      for (what, edited) in Self.endpointEdits(of: cluster) {
        let evaluator = Evaluator(cluster: edited)
        let after = ConnectivityMatrix(evaluator: evaluator, probe: Probe(.tcp, 80))
        let afterSets = ConnectionMatrix(evaluator: evaluator)
        // Cell by cell, by ids, over the endpoints both have.
        let olderIndex = Dictionary(uniqueKeysWithValues: before.endpoints.enumerated().map { ($1, $0) })
        var verdicts: Set<String> = []
        var sets: Set<String> = []
        for s in 0..<after.count {
          for d in 0..<after.count where s != d {
            guard let os = olderIndex[after.endpoints[s]], let od = olderIndex[after.endpoints[d]] else { continue }
            let cell = "\(after.endpoints[s]) -> \(after.endpoints[d])"
            if after.outcome(s, d) != before.outcome(os, od) { verdicts.insert(cell) }
            if afterSets.connections(s, d) != beforeSets.connections(os, od) { sets.insert(cell) }
          }
        }
        let changed = after.changedCells(from: before)
        if !changed.groupsAreClasses { regrouped += 1 }
        #expect(
          Set(changed.endpointPairs().map { "\(after.endpoints[$0.source]) -> \(after.endpoints[$0.destination])" })
            == verdicts, "\(name) \(what)")
        #expect(changed.cellCount == verdicts.count, "\(name) \(what)")
        #expect(
          Set(after.changes(from: before).map { "\($0.source) -> \($0.destination)" }) == verdicts, "\(name) \(what)")
        // The same edit taken as the explorer takes it: the classes keep their numbers, and
        // the update reports the cells that changed.
        let base = Evaluator(cluster: cluster)
        let reused = ConnectivityMatrix(
          evaluator: Evaluator(cluster: edited, reusing: base), probe: Probe(.tcp, 80),
          updating: ConnectivityMatrix(evaluator: base, probe: Probe(.tcp, 80)), reportingChanges: true)
        let reported = try #require(reused.changesSincePrevious, "\(name) \(what)")
        #expect(
          Set(reported.endpointPairs().map { "\(reused.endpoints[$0.source]) -> \(reused.endpoints[$0.destination])" })
            == verdicts, "\(name) \(what): reported by the update")
        #expect(reported.cellCount == verdicts.count, "\(name) \(what)")
        let changedSets = afterSets.changedCells(from: beforeSets)
        #expect(
          Set(changedSets.endpointPairs().map { "\(after.endpoints[$0.source]) -> \(after.endpoints[$0.destination])" })
            == sets, "\(name) \(what)")
        compared += 1
      }
    }
    #expect(compared > 30)
    #expect(regrouped > 20, "most endpoint edits change the classes")
  }

  /// Edits of endpoints' own details that keep every endpoint (ids, places, kinds), each
  /// made on the cluster the one before made: a workload takes another's labels (it joins that
  /// class), gets a label of its own (a new class), loses its named ports, two change at once,
  /// and the first is put back as it was.
  static func endpointDetailEdits(of cluster: Cluster) -> [(String, Cluster)] {
    let workloads = cluster.endpoints.indices.filter { cluster.endpoints[$0].isWorkload }
    guard let first = workloads.first, let last = workloads.last, first != last else { return [] }
    var result: [(String, Cluster)] = []
    var current = cluster
    func step(_ what: String, _ change: (inout Cluster) -> Void) {
      change(&current)
      result.append((what, current))
    }
    let (a, b) = (cluster.endpoints[first].id, cluster.endpoints[last].id)
    step("\(a) takes \(b)'s labels") { $0.endpoints[first].selectorLabels = cluster.endpoints[last].selectorLabels }
    step("\(a) gets a label of its own") { $0.endpoints[first].selectorLabels["edited"] = "yes" }
    step("\(b) loses its named ports") { $0.endpoints[last].namedPorts = [] }
    step("\(a) and \(b) change together") {
      $0.endpoints[first].selectorLabels["edited"] = "again"
      $0.endpoints[last].selectorLabels["edited"] = "again"
    }
    step("\(a) put back") { $0.endpoints[first] = cluster.endpoints[first] }
    return result
  }

  /// What applies to each endpoint, as text (class numbers differ between evaluators).
  static func appliedByEndpoint(_ evaluator: Evaluator) -> [String] {
    (0..<evaluator.count).map { endpoint in
      Direction.allCases.map { direction in
        evaluator.appliedPolicies(endpoint, direction)
          .map { tier, policies in "\(tier.name): \(policies.map(\.id.description))" }.joined(separator: "; ")
      }.joined(separator: " | ")
    }
  }

  /// `cluster` with `copies` more workloads, copies of its own with a label each of their own:
  /// classes enough that a new one lands past the first words of a row.
  static func withCopies(_ cluster: Cluster, _ copies: Int) -> Cluster {
    let workloads = cluster.endpoints.filter(\.isWorkload)
    guard !workloads.isEmpty else { return cluster }
    var result = cluster
    for number in 0..<copies {
      var copy = workloads[number % workloads.count]
      copy.id += "-copy\(number)"
      copy.name += "-copy\(number)"
      copy.selectorLabels["copy"] = "\(number)"
      result.endpoints.append(copy)
    }
    return result
  }

  @Test func anEditOfEndpointsAddsClassesAndEqualsAFreshEvaluation() throws {
    var grown = 0
    var newClasses = 0
    var pastFirstWord = 0
    let all = try Self.clusters()
    // A few clusters again with more than two words of classes.
    let wide = all.filter { $0.name.hasPrefix("demo/") }.prefix(4).map {
      ("\($0.name) with copies", Self.withCopies($0.cluster, 150))
    }
    for (name, cluster) in all + wide {
      for view in PolicyView.allCases {
        let probes = try ["tcp/80", "udp/53", "tcp/http"].map { try #require(Probe(parsing: $0)) }
        var evaluator = Evaluator(cluster: cluster, view: view)
        var matrices = probes.map { ConnectivityMatrix(evaluator: evaluator, probe: $0) }
        var sets = view == .enforced ? ConnectionMatrix(evaluator: evaluator) : nil
        for (what, edited) in Self.endpointDetailEdits(of: cluster) {
          let context = "\(name) \(view) \(what)"
          let reused = Evaluator(cluster: edited, view: view, reusing: evaluator)
          let fresh = Evaluator(cluster: edited, view: view)
          // (An edit that changed nothing, like removing ports there were none of, keeps all.)
          let changed = edited.endpoints != evaluator.cluster.endpoints
          #expect((reused.previousClassCount == evaluator.classes.count) == changed, "\(context)")
          if reused.previousClassCount != nil { grown += 1 }
          if reused.classes.count > 128, reused.classes.count > evaluator.classes.count { pastFirstWord += 1 }
          newClasses += reused.classes.count - evaluator.classes.count
          // The lists of what applies, worked out for the new classes alone, equal a scan of
          // every subject and, endpoint by endpoint, a fresh evaluator's.
          #expect(reused.appliedDescription() == reused.appliedByScan(), "\(context)")
          #expect(Self.appliedByEndpoint(reused) == Self.appliedByEndpoint(fresh), "\(context)")
          for (position, probe) in probes.enumerated() {
            let updated = ConnectivityMatrix(evaluator: reused, probe: probe, updating: matrices[position])
            let freshMatrix = ConnectivityMatrix(evaluator: fresh, probe: probe)
            #expect(updated.isIncremental, "\(context)")
            if let difference = Self.firstDifference(updated, freshMatrix) {
              Issue.record("\(context) \(probe): \(difference)")
              return
            }
            #expect(updated.counts == freshMatrix.counts, "\(context)")
            #expect(
              updated.changes(from: matrices[position]) == freshMatrix.changes(from: matrices[position]), "\(context)")
            matrices[position] = updated
          }
          if let before = sets {
            let updated = ConnectionMatrix(evaluator: reused, updating: before)
            let freshSets = ConnectionMatrix(evaluator: fresh)
            if let difference = Self.firstDifference(updated, freshSets) {
              Issue.record("\(context): \(difference)")
              return
            }
            sets = updated
          }
          evaluator = reused
        }
      }
    }
    #expect(grown > 300, "edits of endpoints' details take the classes over")
    #expect(newClasses > 100, "and add classes for new keys")
    #expect(pastFirstWord > 10, "some past the first words of a row")
  }

  /// `text` with the first `target` replaced.
  static func replacingFirst(_ target: String, with replacement: String, in text: String) -> String {
    guard let range = text.range(of: target) else { return text }
    return text.replacingCharacters(in: range, with: replacement)
  }

  /// A pod manifest, with labels and an address when given.
  static func pod(_ name: String, _ namespace: String, labels: String = "app: \"x\"", ip: String? = nil) -> String {
    """
    apiVersion: v1
    kind: Pod
    metadata: {name: \(name), namespace: \(namespace), labels: {\(labels)}}
    spec: {containers: [{name: c}]}
    """ + (ip.map { "\nstatus: {podIP: \($0)}" } ?? "")
  }

  /// Two pods whose made-up addresses would be the same: the first in the file gets it, so
  /// swapping them gives them each other's addresses, as a fresh load does.
  @Test func podsSwappedKeepTheAddressesAFreshLoadGives() throws {
    var options = LoadOptions()
    options.podCIDR = CIDR(address: IPAddress(ipv4: 0x0A00_0000), prefix: 28)
    let names = (0..<40).map { "p\($0)" }
    let first = { (name: String) in fnv1a("prod/\(name)") % 14 }
    let (a, b) = try #require(
      names.lazy.flatMap { a in names.lazy.filter { $0 > a && first($0) == first(a) }.map { (a, $0) } }.first)
    func files(_ order: [String]) -> [SourceFile] {
      Self.files([
        ("a-namespaces.yaml", Self.namespaces),
        ("b-pods.yaml", order.map { Self.pod($0, "prod") }.joined(separator: "\n---\n")),
      ])
    }
    var cache = ManifestCache()
    _ = ManifestLoader.load(files([a, b]), options: options, cache: &cache)
    let swapped = ManifestLoader.load(files([b, a]), options: options, cache: &cache)
    Self.expectSame(swapped, ManifestLoader.load(files([b, a]), options: options), "swapped")
  }

  /// Pods added, removed and relabelled at random where made-up addresses collide often (a
  /// pool of 14): a patched inventory equals a fresh load, addresses included, or the load
  /// starts over.
  @Test func podsAddedAndRemovedPatchTheInventoryAsAFreshLoadWouldBuildIt() {
    var options = LoadOptions()
    options.podCIDR = CIDR(address: IPAddress(ipv4: 0x0A00_0000), prefix: 28)
    var generator = SeededGenerator(seed: 7)
    var pods: [(name: String, text: String)] = (0..<6).map { ("p\($0)", Self.pod("p\($0)", "prod")) }
    var cache = ManifestCache()
    var patched = 0
    var rebuilt = 0
    var next = 6
    func files() -> [SourceFile] {
      Self.files([
        ("a-namespaces.yaml", Self.namespaces), ("b-pods.yaml", pods.map(\.text).joined(separator: "\n---\n")),
      ])
    }
    _ = ManifestLoader.load(files(), options: options, cache: &cache)
    var listEdits = 0
    for step in 0..<100 {
      let count = pods.count
      switch Int.random(in: 0..<4, using: &generator) {
      case 0 where pods.count > 1:
        pods.remove(at: Int.random(in: 0..<pods.count, using: &generator))
      case 1 where pods.count < 11:
        let ip = Bool.random(using: &generator) ? "10.0.0.\(Int.random(in: 1...14, using: &generator))" : nil
        pods.insert(
          (name: "q\(next)", text: Self.pod("q\(next)", next % 2 == 0 ? "prod" : "dev", ip: ip)),
          at: Int.random(in: 0...pods.count, using: &generator))
        next += 1
      default:
        let index = Int.random(in: 0..<pods.count, using: &generator)
        pods[index].text = Self.pod(
          pods[index].name, pods[index].text.contains("namespace: dev") ? "dev" : "prod", labels: "app: \"v\(step)\"")
      }
      let cached = ManifestLoader.load(files(), options: options, cache: &cache)
      Self.expectSame(cached, ManifestLoader.load(files(), options: options), "step \(step)")
      if cache.lastPatchedEndpoints != nil { patched += 1 } else { rebuilt += 1 }
      if cache.lastPatchedEndpoints != nil, pods.count != count { listEdits += 1 }
    }
    #expect(patched > 20, "most edits patch the inventory")
    #expect(listEdits > 10, "pods added and removed among them")
    #expect(rebuilt > 3, "some would move another pod's address and start over")
  }

  /// The explorer's way through edits of a pod in a file: loads with a cache (the inventory
  /// patched, the evaluator told which endpoints changed), each matrix updated from the last.
  @Test func podEditsLoadedWithACacheGiveFreshMatrices() throws {
    let folder = testsDirectory().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
      "demo/host-firewall")
    let inventory = try String(contentsOf: folder.appendingPathComponent("00-inventory.yaml"), encoding: .utf8)
    let policy = try String(contentsOf: folder.appendingPathComponent("10-host-firewall.yaml"), encoding: .utf8)
    let labelled = inventory.replacingOccurrences(
      of: "    app: backend\n", with: "    app: backend\n    tier: control-plane\n")
    let renamed = inventory.replacingOccurrences(of: "    app: backend\n", with: "    app: api\n")
    var cache = ManifestCache()
    var evaluator: Evaluator?
    var matrix: ConnectivityMatrix?
    let added = inventory + "\n---\n" + Self.pod("backend-2", "prod", labels: "tier: control-plane")
    let edge = policy.replacingOccurrences(of: "    role: node\n", with: "    role: edge\n")
    let steps = [
      ("first", inventory, policy), ("a label added", labelled, policy), ("put back", inventory, policy),
      ("relabelled", renamed, policy), ("labelled", labelled, policy), ("put back again", inventory, policy),
      ("a pod added", added, policy), ("removed again", inventory, policy),
      (
        "lines moved",
        Self.replacingFirst(
          "\n---\napiVersion: v1\nkind: Pod\n", with: "\n---\n# a line more\napiVersion: v1\nkind: Pod\n", in: inventory
        ), policy
      ),
      ("host endpoints relabelled", inventory, edge),
    ]
    for (step, text, policy) in steps {
      let files = [SourceFile(path: "inventory.yaml", text: text), SourceFile(path: "policy.yaml", text: policy)]
      let cluster = ManifestLoader.load(files, cache: &cache).cluster
      let next = Evaluator(cluster: cluster, reusing: evaluator)
      let updated = ConnectivityMatrix(evaluator: next, probe: Probe(.tcp, 80), updating: matrix)
      let fresh = ConnectivityMatrix(
        evaluator: Evaluator(cluster: ManifestLoader.load(files).cluster), probe: Probe(.tcp, 80))
      if step == "lines moved" {
        // Only places in the file: everything is taken over, and traces point at the new lines.
        #expect(next.sameEndpoints && next.previousClassCount == nil && updated.recomputedClasses == 0)
        #expect(next.cluster.endpoints.map(\.location) == ManifestLoader.load(files).cluster.endpoints.map(\.location))
      } else if step != "first" {
        #expect(next.previousClassCount != nil, "\(step)")
      }
      if let difference = Self.firstDifference(updated, fresh) { Issue.record("\(step): \(difference)") }
      #expect(updated.counts == fresh.counts, "\(step)")
      evaluator = next
      matrix = updated
    }
  }

  @Test func onlyTheClassesAnEditedPolicySelectsAreRedone() throws {
    let result = ManifestLoader.load(
      Self.files([("a.yaml", Self.namespaces), ("b.yaml", Self.pods), ("c.yaml", Self.denyIngress("prod"))]))
    let base = Evaluator(cluster: result.cluster)
    let probe = Probe(.tcp, 80)
    let before = ConnectivityMatrix(evaluator: base, probe: probe)
    #expect(!before.isIncremental)

    // The edit touches prod's pods only: dev/web's rows are kept.
    let edited = ManifestLoader.load(
      Self.files([
        ("a.yaml", Self.namespaces), ("b.yaml", Self.pods),
        (
          "c.yaml",
          Self.denyIngress("prod").replacingOccurrences(
            of: "podSelector: {}", with: "podSelector: {matchLabels: {app: db}}")
        ),
      ]))
    let reused = Evaluator(cluster: edited.cluster, reusing: base)
    let updated = ConnectivityMatrix(evaluator: reused, probe: probe, updating: before)
    #expect(updated.isIncremental)
    let prod = result.cluster.endpoints.filter { $0.namespace == "prod" }.count
    #expect(updated.recomputedClasses == prod)
    #expect(
      updated.changes(from: before).map { "\($0.source) -> \($0.destination)" } == [
        "dev/web -> prod/web", "prod/db -> prod/web",
      ])

    // The same cluster again: nothing is redone.
    let again = ConnectivityMatrix(
      evaluator: Evaluator(cluster: edited.cluster, reusing: reused), probe: probe, updating: updated)
    #expect(again.isIncremental && again.recomputedClasses == 0)
    // A matrix from another evaluator, or for another probe, is not taken as a base.
    #expect(
      !ConnectivityMatrix(evaluator: Evaluator(cluster: edited.cluster, reusing: base), probe: probe, updating: updated)
        .isIncremental)
    #expect(
      !ConnectivityMatrix(
        evaluator: Evaluator(cluster: edited.cluster, reusing: reused), probe: Probe(.udp, 53), updating: updated
      ).isIncremental)
  }
}
