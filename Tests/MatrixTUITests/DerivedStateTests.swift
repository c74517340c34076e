import PolicyKit
import Testing

@testable import MatrixTUI

/// What the views draw from: the header's counts and the selected cell's trace are worked out
/// once per change, as the state is updated, and drawing only reads them.
@Suite struct DerivedStateTests {
  static let lessons = [
    "host-firewall", "calico-tiers", "cluster-guardrails", "default-deny", "egress-lockdown",
    "namespace-isolation", "staged-rollout",
  ]

  /// The header's counts the slow way: every pair of different endpoints, one at a time.
  static func walkedCounts(_ state: AppState) -> (allowed: Int, some: Int, denied: Int) {
    var counts = (allowed: 0, some: 0, denied: 0)
    let count = state.endpoints.count
    for source in 0..<count {
      for destination in 0..<count where source != destination {
        switch state.mark(source, destination) {
        case .allowed: counts.allowed += 1
        case .some: counts.some += 1
        default: counts.denied += 1
        }
      }
    }
    return counts
  }

  /// Whether the state's counts are those of a walk over every pair, and its trace (and the
  /// lines the pane shows) those of the selected cell worked out now.
  static func isUpToDate(_ state: AppState, _ comment: Comment) {
    let walked = walkedCounts(state)
    let counts = state.markCounts
    #expect(
      counts.allowed == walked.allowed && counts.some == walked.some && counts.denied == walked.denied,
      "\(comment): counts \(counts) but a walk over every pair gives \(walked)")
    guard let evaluator = state.evaluator, let cell = state.selectedCell else {
      #expect(state.selectedTrace == nil, comment)
      return
    }
    let trace = evaluator.trace(from: cell.source, to: cell.destination, probe: state.traceProbe)
    #expect(state.selectedTrace == trace, comment)
    #expect(state.traceLines == TraceText(evaluator: evaluator).lines(trace), comment)
    #expect(state.tracePaneLines.count >= state.traceLines.count, comment)
  }

  static func type(_ text: String, on state: inout AppState) {
    _ = AppFixtures.press(text.map { .char($0) } + [.enter], on: &state)
  }

  @Test(arguments: lessons)
  func countsFromClassPairsEqualTheWalkOverEveryPair(_ lesson: String) {
    var state = AppFixtures.state([AppFixtures.lesson(lesson)])
    Self.isUpToDate(state, "\(lesson) tcp/80")
    _ = state.reduce(.key(.char("p")))
    Self.type("any", on: &state)
    #expect(state.isAnyProbe)
    Self.isUpToDate(state, "\(lesson) any")
    _ = state.reduce(.key(.char("v")))
    Self.isUpToDate(state, "\(lesson) any, pending")
  }

  @Test func countsFromClassPairsEqualTheWalkOnAGeneratedCluster() throws {
    let yaml = GeneratedCluster.yaml(pods: 240, namespaces: 6, policies: 24, seed: 7)
    var state = AppFixtures.state(width: 120, height: 40)
    _ = state.reduce(.loaded(AppFixtures.loaded(yaml), nil))
    #expect(state.endpoints.count == 240)
    let evaluator = try #require(state.evaluator)
    // Classes with several members: the weights matter.
    #expect(evaluator.classes.count < 200)
    Self.isUpToDate(state, "generated tcp/80")
    _ = state.reduce(.key(.char("p")))
    Self.type("any", on: &state)
    let counts = state.markCounts
    #expect(counts.allowed > 0 && counts.some > 0 && counts.denied > 0, "\(counts)")
    Self.isUpToDate(state, "generated any")
    let connections = try #require(state.connections)
    let classCounts = connections.counts
    #expect(classCounts.all + classCounts.some + classCounts.none == 240 * 239)
  }

  @Test func countsAndTraceFollowEveryChange() throws {
    var state = AppFixtures.state()
    _ = state.reduce(.select(source: "prod/backend", destination: "host/node-worker"))
    Self.isUpToDate(state, "selected")
    let denied = state.markCounts.denied
    // A trap: the header counts the widened policy's cells.
    _ = state.reduce(.key(.char("t")))
    #expect(state.trap != nil)
    #expect(state.markCounts.denied == denied - 2)
    #expect(state.tracePaneLines.contains { $0.text.hasPrefix("trap: ") })
    Self.isUpToDate(state, "trap")
    _ = state.reduce(.key(.char("t")))
    #expect(state.markCounts.denied == denied)
    Self.isUpToDate(state, "trap off")
    // Another probe, then `any`, then the pending view.
    _ = state.reduce(.key(.char("]")))
    Self.isUpToDate(state, "next probe")
    _ = state.reduce(.key(.char("p")))
    Self.type("any", on: &state)
    #expect(state.tracePaneLines.first?.text.hasPrefix("any: ") == true)
    Self.isUpToDate(state, "any")
    _ = state.reduce(.key(.char("v")))
    Self.isUpToDate(state, "pending view")
    // The cursor moves: a new trace.
    state.focus = .grid
    let before = state.selectedTrace
    _ = AppFixtures.press([.char("j"), .char("l")], on: &state)
    #expect(state.selectedTrace != before)
    Self.isUpToDate(state, "moved")
    // A filter: fewer rows, the same counts (the header counts every endpoint).
    _ = state.reduce(.key(.char("/")))
    Self.type("prod", on: &state)
    #expect(state.rows.count < state.endpoints.count)
    Self.isUpToDate(state, "filter")
  }

  @Test func aLiveEditUpdatesTheCountsAndTheTrace() throws {
    let edited = GeneratedCluster.yaml(pods: 60, namespaces: 3, policies: 8, seed: 2)
    var state = AppFixtures.state(width: 120, height: 40)
    _ = state.reduce(
      .loaded(AppFixtures.loaded(GeneratedCluster.yaml(pods: 60, namespaces: 3, policies: 8, seed: 1)), nil))
    _ = state.reduce(.key(.char("p")))
    Self.type("any", on: &state)
    let before = state.markCounts
    Self.isUpToDate(state, "first load")
    _ = state.reduce(.loaded(AppFixtures.loaded(edited), nil))
    #expect(state.status?.text.hasPrefix("reload: ") == true)
    let after = state.markCounts
    #expect(before != after)
    Self.isUpToDate(state, "after the edit")
  }

  @Test func drawingReadsTheTraceTheStateHoldsNotTheEvaluator() throws {
    var state = AppFixtures.state()
    _ = state.reduce(.select(source: "prod/backend", destination: "host/node-worker"))
    let drawn = Screen.render(state).plainText
    #expect(drawn.contains("prod/backend -> host/node-worker  TCP/80  DENY"))
    // An evaluator of the same endpoints without any policy: a pane that traced while
    // drawing would show its verdict instead.
    let cluster = try #require(state.cluster)
    var bare = cluster
    bare.policies = []
    let evaluator = Evaluator(cluster: bare, view: .enforced)
    let cell = try #require(state.selectedCell)
    let bareTrace = evaluator.trace(from: cell.source, to: cell.destination, probe: state.probe)
    #expect(TraceText(evaluator: evaluator).lines(bareTrace) != state.traceLines)
    state.evaluator = evaluator
    #expect(Screen.render(state).plainText == drawn)
  }
}

/// A seeded cluster of pods in namespaces, with Kubernetes and Calico policies on a few
/// ports and port ranges (a smaller cousin of benchmarks/gen_cluster.py).
enum GeneratedCluster {
  static func yaml(pods: Int, namespaces: Int, policies: Int, seed: UInt64) -> String {
    var random = SeededGenerator(seed: seed)
    // No policy selects `batch` pods: they allow everything in.
    let apps = ["web", "api", "db", "cache", "queue"]
    var documents: [String] = []
    for index in 0..<namespaces {
      documents.append(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\(index)\n  labels: {team: t\(index % 2)}")
    }
    for index in 0..<pods {
      let app = (apps + ["batch"]).randomElement(using: &random)!
      let tier = ["front", "back"].randomElement(using: &random)!
      documents.append(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: pod\(index), namespace: ns\(Int.random(in: 0..<namespaces, using: &random)), labels: {app: \(app), tier: \(tier)}}
        spec: {containers: [{name: c, ports: [{name: http, containerPort: \(app == "web" ? 8080 : 80)}]}]}
        """)
    }
    for index in 0..<policies {
      let namespace = "ns\(index % namespaces)"
      let app = apps.randomElement(using: &random)!
      let peer = apps.randomElement(using: &random)!
      let port = [80, 443, 5432, 8080].randomElement(using: &random)!
      if index % 3 == 2 {
        documents.append(
          """
          apiVersion: projectcalico.org/v3
          kind: GlobalNetworkPolicy
          metadata: {name: gnp\(index)}
          spec:
            order: \(index)
            selector: app == '\(app)'
            types: [Ingress]
            ingress:
            - {action: Deny, protocol: UDP, source: {selector: app == '\(peer)'}}
            - {action: Allow, protocol: TCP, source: {selector: tier == 'front'}, destination: {ports: [\(port), "8000:8100", http]}}
          """)
      } else {
        documents.append(
          """
          apiVersion: networking.k8s.io/v1
          kind: NetworkPolicy
          metadata: {name: np\(index), namespace: \(namespace)}
          spec:
            podSelector: {matchLabels: {app: \(app)}}
            policyTypes: [Ingress]
            ingress:
            - from:
              - namespaceSelector: {matchLabels: {team: t\(index % 2)}}
                podSelector: {matchLabels: {app: \(peer)}}
              ports:
              - {protocol: TCP, port: \(port)}
              - {protocol: TCP, port: 9000, endPort: 9100}
          """)
      }
    }
    return documents.joined(separator: "\n---\n") + "\n"
  }
}
