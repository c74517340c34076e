import PolicyKit
import Testing

@testable import MatrixTUI

@Suite struct ReducerTests {
  let cell = "prod/backend -> host/node-worker"

  @Test func opensOnTheFirstCellBetweenTwoEndpoints() {
    let state = AppFixtures.state()
    #expect(AppFixtures.selected(state) == "host/node-control-plane -> host/node-worker")
    #expect(state.matrix?.counts.allowed == 28)
    #expect(state.matrix?.counts.denied == 2)
  }

  @Test func arrowsAndVimKeysMoveAndStopAtTheEdges() {
    var state = AppFixtures.state()
    _ = AppFixtures.press([.char("G"), .left, .char("h"), .char("h")], on: &state)
    #expect(AppFixtures.selected(state) == "prod/backend -> host/node-control-plane")
    _ = AppFixtures.press([.char("l"), .down, .char("j")], on: &state)
    #expect(AppFixtures.selected(state) == cell)
    _ = AppFixtures.press([.char("g"), .up, .end], on: &state)
    #expect(AppFixtures.selected(state) == "host/node-control-plane -> prod/backend")
    _ = AppFixtures.press([.home], on: &state)
    #expect(state.cursorColumn == 0)
  }

  @Test func selectOpensTheCellWithItsTraceFocused() {
    var state = AppFixtures.state()
    _ = state.reduce(.select(source: "prod/backend", destination: "host/node-worker"))
    #expect(AppFixtures.selected(state) == cell)
    #expect(state.focus == .trace)
    #expect(state.selectedTrace?.outcome == .denied)
  }

  @Test func unknownSelectionSaysSo() {
    var state = AppFixtures.state()
    _ = state.reduce(.select(source: "prod/nope", destination: "host/node-worker"))
    #expect(state.status?.text.contains("no cell") == true)
  }

  @Test func trapWidensTheDecidingPolicyAndRestores() throws {
    var state = AppFixtures.state()
    _ = state.reduce(.select(source: "prod/backend", destination: "host/node-worker"))
    _ = state.reduce(.key(.char("t")))
    let trap = try #require(state.trap)
    #expect(trap.report.policy.name == "node-host-firewall")
    #expect(state.selectedTrace?.outcome == .allowed)
    #expect(
      state.status?.text
        == "trap: node-host-firewall ingress[0] source -> all(): 2 cells flipped: +2 allowed, +0 denied")
    #expect(state.isFlipped(state.selectedCell!.source, state.selectedCell!.destination))
    _ = state.reduce(.key(.char("t")))
    #expect(state.trap == nil)
    #expect(state.selectedTrace?.outcome == .denied)
  }

  @Test func trapWidensThePolicyOfTheLineUnderTheTraceCursorAsDrawn() throws {
    // Two policies on db's ingress: the first matches nothing, the second allows web.
    let yaml =
      AppFixtures.webAndDB + """

        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: first, namespace: prod}
        spec:
          order: 10
          selector: app == 'db'
          ingress: [{action: Allow, source: {selector: app == 'nobody'}}]
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: second, namespace: prod}
        spec:
          order: 20
          selector: app == 'db'
          ingress: [{action: Allow, source: {selector: app == 'web'}}]
        """
    var state = AppState(paths: ["cluster.yaml"], isWatching: false)
    _ = state.reduce(.resize(width: 120, height: 40))
    _ = state.reduce(.loaded(AppFixtures.loaded(yaml), nil))
    // With `any`, the pane shows what the cell allows above the trace, and the cursor's line
    // must be the one drawn: the last line of `first`, right before `second`'s.
    _ = AppFixtures.press([.char("p")] + "any".map { .char($0) } + [.enter], on: &state)
    _ = state.reduce(.select(source: "prod/web", destination: "prod/db"))
    let lines = state.tracePaneLines
    let index = try #require(
      lines.indices.dropLast().first { lines[$0].policy?.name == "first" && lines[$0 + 1].policy?.name == "second" })
    _ = AppFixtures.press(Array(repeating: .char("j"), count: index), on: &state)
    #expect(state.traceCursor == index)
    _ = state.reduce(.key(.char("t")))
    let trap = try #require(state.trap)
    #expect(trap.report.policy.name == "first")
  }

  @Test func trapOnACellNoPolicyDecidedExplainsWhy() {
    var state = AppFixtures.state()
    // calico-node -> dev/frontend: both sides are decided by kns profiles.
    _ = state.reduce(.select(source: "calico-system/calico-node", destination: "dev/frontend"))
    _ = state.reduce(.key(.char("t")))
    #expect(state.trap == nil)
    #expect(state.status?.text.contains("no policy decided") == true)
  }

  @Test func flipsFadeAfterTheHighlightTime() {
    var state = AppFixtures.state()
    _ = state.reduce(.select(source: "prod/backend", destination: "host/node-worker"))
    _ = state.reduce(.key(.char("t")))
    let (s, d) = (state.selectedCell!.source, state.selectedCell!.destination)
    #expect(state.isFlipped(s, d))
    _ = state.reduce(.tick(now: state.now + state.flipHighlightSeconds + 0.1))
    #expect(!state.isFlipped(s, d))
  }

  @Test func probePromptAcceptsGoodProbesAndExplainsBadOnes() {
    var state = AppFixtures.state()
    _ = AppFixtures.press([.char("p")] + "udp/53".map { .char($0) } + [.enter], on: &state)
    #expect(state.probe == Probe(.udp, 53))
    #expect(state.overlay == nil)
    _ = AppFixtures.press([.char("p"), .ctrl("u")] + "tcp/".map { .char($0) } + [.enter], on: &state)
    guard case .prompt(let prompt)? = state.overlay else {
      Issue.record("the prompt should stay open on a bad probe")
      return
    }
    #expect(prompt.error != nil)
    _ = state.reduce(.key(.escape))
    #expect(state.overlay == nil)
    #expect(state.probe == Probe(.udp, 53))
  }

  @Test func failsafePortKeepsHostsOpen() {
    var state = AppFixtures.state()
    _ = AppFixtures.press([.char("p"), .ctrl("u")] + "tcp/22".map { .char($0) } + [.enter], on: &state)
    _ = state.reduce(.select(source: "prod/backend", destination: "host/node-worker"))
    guard case .failsafe? = state.selectedTrace.map({ $0.ingress.decider }) else {
      Issue.record("tcp/22 to a host should be decided by the failsafe")
      return
    }
  }

  @Test func bracketsCycleThroughTheProbesThePoliciesMention() throws {
    var state = AppFixtures.state([AppFixtures.lesson("egress-lockdown")])
    let mentioned = try #require(state.cluster.map(AppState.probes(in:)))
    #expect(mentioned.count > 1)
    _ = state.reduce(.key(.char("]")))
    #expect(state.probe == mentioned[(mentioned.firstIndex(of: Probe(.tcp, 80)) ?? 0) + 1])
    _ = state.reduce(.key(.char("[")))
    #expect(state.probe == Probe(.tcp, 80))
  }

  @Test func filterBySubstringAndBySelector() {
    var state = AppFixtures.state()
    _ = AppFixtures.press([.char("/")] + "host/".map { .char($0) } + [.enter], on: &state)
    #expect(state.rows.map { state.endpoints[$0].id } == ["host/node-control-plane", "host/node-worker"])
    _ = AppFixtures.press([.char("/"), .ctrl("u")] + "app == 'backend'".map { .char($0) } + [.enter], on: &state)
    #expect(state.rows.map { state.endpoints[$0].id } == ["prod/backend"])
    _ = AppFixtures.press([.char("/"), .ctrl("u")] + "app == ".map { .char($0) } + [.enter], on: &state)
    guard case .prompt(let prompt)? = state.overlay else {
      Issue.record("a bad selector keeps the prompt open")
      return
    }
    #expect(prompt.error?.contains("column") == true)
  }

  @Test func pendingViewMarksTheCellsThatWouldChange() {
    var state = AppFixtures.state([AppFixtures.lesson("staged-rollout")])
    _ = state.reduce(.key(.char("v")))
    #expect(state.view == .pending)
    #expect(state.enforcedMatrix != nil)
    #expect(state.status?.text.contains("would change") == true)
    let count = state.endpoints.count
    let differing = (0..<count).flatMap { s in (0..<count).map { (s, $0) } }.filter {
      state.differsFromEnforced($0.0, $0.1)
    }
    #expect(!differing.isEmpty)
    _ = state.reduce(.key(.char("v")))
    #expect(state.enforcedMatrix == nil)
  }

  @Test func brokenReloadKeepsTheLastGoodMatrixAndShowsTheError() {
    var state = AppFixtures.state()
    let before = state.matrix?.counts.allowed
    let broken = AppFixtures.loaded(
      "kind: GlobalNetworkPolicy\napiVersion: projectcalico.org/v3\nmetadata: {name: x}\nspec:\n  selector: app ==\n",
      file: "policy.yaml")
    _ = state.reduce(.loaded(broken, nil))
    #expect(state.matrix?.counts.allowed == before)
    #expect(state.endpoints.count == 6)
    #expect(state.errors.first?.description.hasPrefix("policy.yaml:5:") == true)
    // Fixing the files clears the error bar.
    _ = state.reduce(.loaded(LoadedManifests.load([AppFixtures.lesson("host-firewall")]), nil))
    #expect(state.errors.isEmpty)
  }

  @Test func fileChangesAreDebounced() {
    var state = AppFixtures.state()
    let a = FileChange(path: "a.yaml", kind: .modified)
    let b = FileChange(path: "b.yaml", kind: .renamed)
    // What changed is known from the reload on (the load before it looked at every file).
    #expect(state.reduce(.reload) == [.reload(changes: nil)])
    #expect(state.reduce(.filesChanged([a], now: 200)).isEmpty)
    #expect(state.reduce(.filesChanged([b], now: 200.05)).isEmpty)
    #expect(state.reduce(.tick(now: 200.1)).isEmpty)
    // The reload is told everything the burst changed, and the next one starts afresh.
    #expect(state.reduce(.tick(now: 200.2)) == [.reload(changes: [a, b])])
    #expect(state.reduce(.tick(now: 200.3)).isEmpty)
    #expect(state.reduce(.filesChanged([b], now: 201)).isEmpty)
    #expect(state.reduce(.tick(now: 201.2)) == [.reload(changes: [b])])
  }

  @Test func aReloadAskedForLooksAtEveryFile() {
    var state = AppFixtures.state()
    _ = state.reduce(.filesChanged([FileChange(path: "a.yaml", kind: .modified)], now: 200))
    #expect(state.reduce(.key(.char("r"))) == [.reload(changes: nil)])
    // The changes went with it.
    #expect(state.reduce(.tick(now: 200.2)) == [.reload(changes: [])])
  }

  @Test func aFileWaitedForIsLookedForAmongEveryFile() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    try dir.write("a.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
    var state = AppState(paths: [dir.path], isWatching: true)
    _ = state.reduce(.reload)
    _ = state.reduce(.loaded(LoadedManifests.load([dir.path]), nil))
    try dir.write("a.yaml", "")
    _ = state.reduce(.filesChanged([FileChange(path: dir.at("a.yaml"), kind: .modified)], now: 1))
    #expect(state.reduce(.tick(now: 1.2)) == [.reload(changes: [FileChange(path: dir.at("a.yaml"), kind: .modified)])])
    _ = state.reduce(.loaded(LoadedManifests.load([dir.path]), nil))
    #expect(state.pendingReloadAt != nil)
    _ = state.reduce(.filesChanged([FileChange(path: dir.at("b.yaml"), kind: .modified)], now: 1.3))
    #expect(state.reduce(.tick(now: 3)) == [.reload(changes: nil)])
  }

  @Test func notWatchingIgnoresFileChanges() {
    var state = AppFixtures.state()
    state.isWatching = false
    _ = state.reduce(.filesChanged([FileChange(path: "a.yaml", kind: .modified)], now: 200))
    #expect(state.pendingReloadAt == nil)
  }

  @Test func reloadKeepsTheCursorOnTheSameCell() {
    var state = AppFixtures.state()
    _ = state.reduce(.select(source: "prod/backend", destination: "host/node-worker"))
    _ = state.reduce(.loaded(LoadedManifests.load([AppFixtures.lesson("host-firewall")]), nil))
    #expect(AppFixtures.selected(state) == cell)
  }

  @Test func checklistJumpsToAnExpectationsCell() throws {
    var state = AppFixtures.state()
    #expect(!state.checklist.isEmpty)
    let allHold = state.checklist.allSatisfy { $0.holds }
    #expect(allHold)
    _ = state.reduce(.key(.char("o")))
    let index = try #require(state.checklist.firstIndex { $0.expectation.trap != nil })
    state.overlay = .checklist(selected: index)
    _ = state.reduce(.key(.enter))
    #expect(state.trap != nil)
    #expect(state.overlay == nil)
    let expectation = state.checklist[index].expectation
    #expect(AppFixtures.selected(state) == "\(expectation.source) -> \(expectation.destination)")
  }

  @Test func quizRevealsAndAdvances() throws {
    var state = AppFixtures.state()
    let quiz = try #require(state.lesson?.quiz)
    _ = state.reduce(.key(.char("Q")))
    #expect(state.overlay == .quiz(index: 0, chosen: nil, revealed: false))
    _ = state.reduce(.key(.char("1")))
    _ = state.reduce(.key(.enter))
    #expect(state.overlay == .quiz(index: 0, chosen: 0, revealed: true))
    _ = state.reduce(.key(.enter))
    #expect(state.overlay == (quiz.count > 1 ? .quiz(index: 1, chosen: nil, revealed: false) : nil))
    _ = state.reduce(.key(.escape))
    #expect(state.overlay == nil)
  }

  @Test func helpTogglesAndQuitQuits() {
    var state = AppFixtures.state()
    _ = state.reduce(.key(.char("?")))
    #expect(state.overlay == .help(scroll: 0))
    _ = state.reduce(.key(.char("j")))
    #expect(state.overlay == .help(scroll: 1))
    #expect(state.cursorRow == 0)
    _ = state.reduce(.key(.char("q")))
    #expect(state.overlay == nil)
    #expect(!state.hasQuit)
    #expect(state.reduce(.key(.char("q"))) == [.quit])
    #expect(state.hasQuit)
  }

  @Test func ctrlCQuitsEvenFromAPrompt() {
    var state = AppFixtures.state()
    _ = state.reduce(.key(.char("/")))
    #expect(state.reduce(.key(.ctrl("c"))) == [.quit])
  }

  @Test func everyBoundKeyDispatchesItsCommand() {
    for binding in KeyMap.bindings {
      for key in binding.keys {
        #expect(KeyMap.command(for: key) == binding.command, "\(key.displayName)")
      }
    }
  }
}

@Suite struct AnyProbeTests {
  @Test func anyShowsAllSomeOrNoConnectionsAndTracesAnAllowedOne() throws {
    var state = AppFixtures.state([AppFixtures.lesson("egress-lockdown")])
    _ = AppFixtures.press([.char("p")] + "any".map { .char($0) } + [.enter], on: &state)
    #expect(state.isAnyProbe)
    #expect(state.connections != nil)
    let counts = state.markCounts
    #expect(counts.some > 0)
    // Find a "some ports" cell: its trace explains the first allowed connection.
    let count = state.endpoints.count
    let pair = try #require(
      (0..<count).flatMap { s in (0..<count).map { (s, $0) } }.first { state.mark($0.0, $0.1) == .some })
    _ = state.reduce(.select(source: state.endpoints[pair.0].id, destination: state.endpoints[pair.1].id))
    #expect(state.selectedTrace?.outcome == .allowed)
    #expect(Screen.render(state).plainText.contains("any: "))
    // A single probe again.
    _ = AppFixtures.press([.char("p")] + "tcp/80".map { .char($0) } + [.enter], on: &state)
    #expect(!state.isAnyProbe)
  }
}

@Suite struct ZoomTests {
  @Test func zoomOutCountsPairsPerGroupAndEnterZoomsIn() throws {
    var state = AppFixtures.state()
    _ = state.reduce(.select(source: "prod/backend", destination: "host/node-worker"))
    state.focus = .grid
    _ = state.reduce(.key(.char("z")))
    let zoomed = try #require(state.groupMatrix)
    #expect(zoomed.groups.map(\.name) == ["hosts", "calico-system", "dev", "kube-system", "prod"])
    #expect(zoomed.groups[state.groupCursorRow].name == "prod")
    #expect(zoomed.groups[state.groupCursorColumn].name == "hosts")
    // prod/backend -> the two hosts on tcp/80: its own node's (defaultEndpointToHostAction
    // Accept) allowed, the other one's denied.
    let cell = zoomed.cell(state.groupCursorRow, state.groupCursorColumn)
    #expect(cell.allowed == 1 && cell.denied == 1)
    // hosts -> hosts: two pairs, both allowed.
    #expect(zoomed.cell(0, 0).allowed == 2)
    // Every pair of different endpoints is counted once.
    let total = zoomed.cells.reduce(0) { $0 + $1.total }
    #expect(total == 6 * 5)
    _ = state.reduce(.key(.enter))
    #expect(state.groupMatrix == nil)
    #expect(state.rows.map { state.endpoints[$0].id } == ["prod/backend"])
    #expect(state.columns.map { state.endpoints[$0].id } == ["host/node-control-plane", "host/node-worker"])
    _ = state.reduce(.key(.escape))
    #expect(state.groupMatrix != nil)
    _ = state.reduce(.key(.char("z")))
    #expect(state.groupMatrix == nil)
    #expect(state.rows.count == 6)
  }

  @Test func aReloadOrATrapKeepsTheZoomedOutView() throws {
    var state = AppFixtures.state()
    _ = state.reduce(.key(.char("z")))
    let before = try #require(state.groupMatrix)
    let paths = [AppFixtures.lesson("host-firewall")]
    _ = state.reduce(.loaded(LoadedManifests.load(paths), nil))
    #expect(state.groupMatrix?.groups.map(\.name) == before.groups.map(\.name))
    // A broken load keeps the last good matrix, zoomed out as it was.
    _ = state.reduce(.loaded(AppFixtures.loaded("kind: [broken"), nil))
    #expect(!state.errors.isEmpty)
    #expect(state.groupMatrix != nil)
    _ = state.reduce(.trap("node-host-firewall"))
    #expect(state.trap != nil)
    // The trap flips class pairs: the counts are adjusted, and equal counting afresh.
    let adjusted = try #require(state.groupMatrix)
    #expect(state.status?.text.contains("2 cells flipped") == true)
    #expect(adjusted.cells == GroupMatrix(state: state).cells)
    #expect(adjusted.cells != before.cells)
  }

  @Test func theErrorBarSaysWhichMatrixIsOnScreen() {
    // A first load with errors shows what loaded; the policy with errors is left out.
    let good =
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n"
      + "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\n"
    // Two errors: the bar has a line to say it.
    let broken = ["x", "y"].map {
      "---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\n"
        + "metadata: {name: \($0)}\nspec:\n  selector: app ==\n"
    }.joined()
    var state = AppState(paths: ["cluster.yaml"], isWatching: true)
    _ = state.reduce(.resize(width: 120, height: 40))
    _ = state.reduce(.loaded(AppFixtures.loaded(good + broken), nil))
    #expect(state.endpoints.map(\.id) == ["a/p"])
    #expect(!state.clusterIsFromEarlierLoad)
    var text = Screen.render(state).plainText
    #expect(text.contains("cluster.yaml:13:19: error: invalid selector"), "\(text)")
    #expect(text.contains("what has errors is left out of the matrix"))
    #expect(!text.contains("last good matrix"))
    // Mended, then broken again: the matrix of the mended load stays.
    _ = state.reduce(.loaded(AppFixtures.loaded(good), nil))
    #expect(state.errors.isEmpty)
    _ = state.reduce(
      .loaded(AppFixtures.loaded(good.replacingOccurrences(of: "name: p,", with: "name: q,") + broken), nil))
    #expect(state.clusterIsFromEarlierLoad)
    #expect(state.endpoints.map(\.id) == ["a/p"])
    text = Screen.render(state).plainText
    #expect(text.contains("the last good matrix stays on screen"))
    #expect(!text.contains("left out of the matrix"))
  }

  @Test func anEditOfEndpointsAdjustsTheZoomedOutCounts() throws {
    var state = AppFixtures.state()
    _ = state.reduce(.key(.char("z")))
    let folder = AppFixtures.lesson("host-firewall")
    let inventory = try String(contentsOfFile: folder + "/00-inventory.yaml", encoding: .utf8)
    let policy = try String(contentsOfFile: folder + "/10-host-firewall.yaml", encoding: .utf8)
    func load(_ inventory: String) {
      let files = [SourceFile(path: "inventory.yaml", text: inventory), SourceFile(path: "policy.yaml", text: policy)]
      _ = state.reduce(.loaded(LoadedManifests(result: ManifestLoader.load(files), files: files.map(\.path)), nil))
    }
    load(inventory)
    let before = try #require(state.groupMatrix)
    // prod/backend takes a label the host firewall lets in: a class of its own, cells flip.
    load(inventory.replacingOccurrences(of: "    app: backend\n", with: "    app: backend\n    tier: control-plane\n"))
    #expect(state.matrix?.isIncremental == true)
    #expect(state.status?.text.contains("1 cell flipped") == true)
    let edited = try #require(state.groupMatrix)
    #expect(edited.cells == GroupMatrix(state: state).cells)
    #expect(edited.cells != before.cells)
    // Back as it was, then a trap (an edit of policies on the classes the edits left).
    load(inventory)
    #expect(state.groupMatrix?.cells == before.cells)
    _ = state.reduce(.trap("node-host-firewall"))
    #expect(state.status?.text.contains("cells flipped") == true)
    #expect(state.groupMatrix?.cells == GroupMatrix(state: state).cells)
  }

  @Test func bigClustersOpenZoomedOut() {
    var state = AppState(paths: [AppFixtures.lesson("host-firewall")], isWatching: false)
    state.zoomOutAbove = 3
    _ = state.reduce(.resize(width: 120, height: 40))
    let paths = [AppFixtures.lesson("host-firewall")]
    _ = state.reduce(.loaded(LoadedManifests.load(paths), nil))
    #expect(state.groupMatrix != nil)
    assertSnapshot(
      AppFixtures.portable(Screen.render(state).plainText), named: "zoomed-out-120x40", suite: "ViewSnapshotTests")
  }
}
