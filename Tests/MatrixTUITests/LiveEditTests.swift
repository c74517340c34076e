import Foundation
import PolicyKit
import Testing

@testable import MatrixTUI

/// The explorer while files are being edited: the real inotify watcher and loader, the real
/// runtime and reducer, a scripted terminal and a clock that moves only when told (so the
/// 100 ms debounce is exact, whatever the machine's load).
private final class LiveEdit {
  let dir: TempDirectory
  let clock = FixedClock()
  let terminal = FakeTerminal(width: 120, height: 40)
  let watcher: InotifyWatcher
  var runtime: Runtime!
  /// The explorer's loader: files that did not change are not decoded again.
  let session = ManifestSession(options: LoadOptions())
  private(set) var loads = 0
  /// The endpoint count after every turn: an empty matrix flashing by would show as a 0.
  private(set) var endpointCounts: [Int] = []

  init() throws {
    dir = try TempDirectory()
    watcher = try InotifyWatcher()
  }

  /// Starts the explorer on `paths` (relative to the directory).
  func start(_ paths: [String]) {
    let state = AppState(paths: paths.map { dir.at($0) }, isWatching: true)
    runtime = Runtime(
      state: state, terminal: terminal, events: EventLoop(terminal: terminal, watcher: watcher),
      clock: clock,
      load: { [unowned self] paths, changes in
        loads += 1
        return (self.session.load(paths, changes: changes), nil)
      })
    runtime.start()
  }

  var state: AppState { runtime.state }

  /// Lets the watcher's events in (waiting up to `waitMs` real milliseconds for the first),
  /// then moves the clock by `seconds` and runs one more turn so due reloads fire.
  func settle(after seconds: Double = 0.15, waitMs: Int = 1000) {
    runtime.turn(timeoutMs: waitMs)
    // Whatever else the kernel has queued by now.
    runtime.turn(timeoutMs: 20)
    endpointCounts.append(state.endpoints.count)
    clock.advance(by: seconds)
    runtime.turn(timeoutMs: 0)
    endpointCounts.append(state.endpoints.count)
  }

  /// Moves the clock without waiting for events.
  func pass(_ seconds: Double) {
    clock.advance(by: seconds)
    runtime.turn(timeoutMs: 0)
    endpointCounts.append(state.endpoints.count)
  }

  deinit { dir.remove() }
}

private let inventory = AppFixtures.webAndDB

private func denyAll(_ name: String = "deny-all") -> String {
  """
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: \(name), namespace: prod}
  spec: {podSelector: {}, policyTypes: [Ingress]}
  """
}

@Suite(.serialized) struct LiveEditTests {
  @Test func truncatedThenRewrittenNeverShowsAnEmptyMatrix() throws {
    let edit = try LiveEdit()
    try edit.dir.write("inventory.yaml", inventory)
    try edit.dir.write("policy.yaml", denyAll())
    edit.start(["."])
    #expect(edit.state.matrix?.counts.denied == 2)

    // The editor truncates and closes; the reload that follows reads an empty file.
    try edit.dir.write("inventory.yaml", "")
    edit.settle()
    #expect(edit.loads == 2)
    #expect(edit.state.endpoints.count == 2, "the matrix stays while the file is empty")
    #expect(edit.state.status?.text == "`inventory.yaml` is empty (still being saved?): the matrix waits a moment")
    #expect(edit.state.pendingReloadAt != nil)

    // Then it writes the new content, well within the grace time.
    try edit.dir.write("inventory.yaml", inventory.replacingOccurrences(of: "name: db", with: "name: cache"))
    edit.settle()
    #expect(edit.loads == 3)
    #expect(edit.state.endpoints.map(\.id) == ["prod/cache", "prod/web"])
    #expect(edit.state.emptySince.isEmpty)
    #expect(edit.state.errors.isEmpty)
    #expect(!edit.endpointCounts.contains(0), "\(edit.endpointCounts)")
  }

  @Test func aFileLeftEmptyIsBelievedAfterTheGraceTime() throws {
    let edit = try LiveEdit()
    try edit.dir.write("inventory.yaml", inventory)
    try edit.dir.write("policy.yaml", denyAll())
    edit.start(["."])
    try edit.dir.write("policy.yaml", "\n")
    edit.settle()
    #expect(edit.state.matrix?.counts.denied == 2, "held for a moment")
    edit.pass(edit.state.emptyFileGraceSeconds)
    #expect(edit.loads == 3)
    #expect(edit.state.matrix?.counts.allowed == 2, "the policy is gone: what the user meant")
    #expect(edit.state.status?.text.contains("2 cells flipped") == true)
  }

  @Test func anotherFileSavedMeanwhileDoesNotCutTheWaitShort() throws {
    let edit = try LiveEdit()
    try edit.dir.write("inventory.yaml", inventory)
    try edit.dir.write("policy.yaml", denyAll())
    edit.start(["."])
    try edit.dir.write("policy.yaml", "")
    edit.settle()
    #expect(edit.state.matrix?.counts.denied == 2)
    // A second file written 0.3 s later: its reload still finds policy.yaml empty, too soon.
    edit.pass(0.15)
    try edit.dir.write("other.yaml", denyAll("other"))
    edit.settle()
    #expect(edit.loads == 3)
    #expect(edit.state.cluster?.policies.map(\.id.name) == ["deny-all"], "still the matrix from before")
    // Written at last.
    try edit.dir.write("policy.yaml", denyAll("rewritten"))
    edit.settle()
    #expect(edit.state.cluster?.policies.map(\.id.name).sorted() == ["other", "rewritten"])
    #expect(!edit.endpointCounts.contains(0))
  }

  @Test func replacedByRenameReloadsOnce() throws {
    let edit = try LiveEdit()
    try edit.dir.write("inventory.yaml", inventory)
    try edit.dir.write("policy.yaml", denyAll())
    edit.start(["inventory.yaml", "policy.yaml"])
    try edit.dir.saveByRename("policy.yaml", denyAll("renamed"))
    edit.settle()
    #expect(edit.loads == 2)
    #expect(edit.state.cluster?.policies.map(\.id.name) == ["renamed"])
  }

  @Test func deletedFiles() throws {
    let edit = try LiveEdit()
    try edit.dir.write("manifests/inventory.yaml", inventory)
    try edit.dir.write("manifests/policy.yaml", denyAll())
    try edit.dir.write("lone.yaml", denyAll("lone"))
    edit.start(["manifests", "lone.yaml"])
    #expect(edit.state.cluster?.policies.count == 2)

    // Deleted under a directory argument: it is simply no longer there.
    try edit.dir.remove("manifests/policy.yaml")
    edit.settle()
    #expect(edit.state.errors.isEmpty)
    #expect(edit.state.cluster?.policies.map(\.id.name) == ["lone"])

    // A file argument deleted: an error, and the last good matrix stays.
    try edit.dir.remove("lone.yaml")
    edit.settle()
    #expect(
      edit.state.errors.map(\.message) == ["cannot read `\(edit.dir.at("lone.yaml"))`: no such file or directory"])
    #expect(edit.state.cluster?.policies.map(\.id.name) == ["lone"])
    #expect(edit.state.status?.text == "1 error: the last good matrix stays on screen")

    // Written again: back to normal.
    try edit.dir.write("lone.yaml", denyAll("back"))
    edit.settle()
    #expect(edit.state.errors.isEmpty)
    #expect(edit.state.cluster?.policies.map(\.id.name) == ["back"])
  }

  @Test func directoryRemovedThenMadeAgainIsWatchedAgain() throws {
    let edit = try LiveEdit()
    try edit.dir.write("manifests/inventory.yaml", inventory)
    try edit.dir.write("manifests/policy.yaml", denyAll())
    edit.start(["manifests"])

    try edit.dir.remove("manifests")
    edit.settle()
    #expect(
      edit.state.errors.map(\.message) == ["cannot read `\(edit.dir.at("manifests"))`: no such file or directory"])
    #expect(edit.state.endpoints.count == 2, "the last good matrix stays")

    // Made again (a branch switch): noticed, and watched as a directory again.
    try edit.dir.write("manifests/inventory.yaml", inventory)
    edit.settle()
    #expect(edit.state.errors.isEmpty)
    #expect(edit.state.cluster?.policies.isEmpty == true)
    try edit.dir.write("manifests/policy.yaml", denyAll("again"))
    edit.settle()
    #expect(edit.state.cluster?.policies.map(\.id.name) == ["again"])
  }

  @Test func aPolicyEditRedoesOnlyTheRowsItCanChange() throws {
    let edit = try LiveEdit()
    try edit.dir.write("inventory.yaml", inventory)
    try edit.dir.write("policy.yaml", denyAll())
    edit.start(["."])
    #expect(edit.state.matrix?.isIncremental == false)

    // The policy now selects db only: web's rows are kept, db's redone, web opens up.
    try edit.dir.write(
      "policy.yaml",
      denyAll().replacingOccurrences(of: "podSelector: {}", with: "podSelector: {matchLabels: {app: db}}"))
    edit.settle()
    #expect(edit.state.matrix?.isIncremental == true)
    #expect(edit.state.matrix?.recomputedClasses == 2)
    // Nothing but the session held the matrix on screen: its rows were changed where they
    // were, not copied.
    #expect(edit.state.matrix?.updatedInPlace == true)
    #expect(edit.state.matrix?.counts.allowed == 1)
    #expect(edit.state.status?.text == "reload: 1 cell flipped: +1 allowed, +0 denied")
    #expect(edit.state.endpoints.map(\.id) == ["prod/db", "prod/web"])
    #expect(edit.state.isFlipped(0, 1) && !edit.state.isFlipped(1, 0))

    // A pod's labels change: db takes web's labels and joins its class, whose rows are kept
    // (none is worked out again), and the cell that flipped a moment ago is still
    // highlighted with the one that flips now.
    try edit.dir.write("inventory.yaml", inventory.replacingOccurrences(of: "app: db", with: "app: web"))
    edit.settle()
    #expect(edit.state.matrix?.isIncremental == true)
    #expect(edit.state.matrix?.recomputedClasses == 0)
    #expect(edit.state.matrix?.counts.allowed == 2)
    #expect(edit.state.status?.text == "reload: 1 cell flipped: +1 allowed, +0 denied")
    #expect(edit.state.isFlipped(0, 1) && edit.state.isFlipped(1, 0))
    edit.pass(edit.state.flipHighlightSeconds)
    #expect(!edit.state.isFlipped(0, 1) && !edit.state.isFlipped(1, 0))
  }

  @Test func podsRelabelledAddedAndRemovedGiveTheMatrixOfAFreshLoad() throws {
    let edit = try LiveEdit()
    let folder = AppFixtures.lesson("host-firewall")
    let inventory = try String(contentsOfFile: folder + "/00-inventory.yaml", encoding: .utf8)
    let policy = try String(contentsOfFile: folder + "/10-host-firewall.yaml", encoding: .utf8)
    try edit.dir.write("00-inventory.yaml", inventory)
    try edit.dir.write("10-host-firewall.yaml", policy)
    edit.start(["."])
    let labelled = inventory.replacingOccurrences(
      of: "    app: backend\n", with: "    app: backend\n    tier: control-plane\n")
    let added =
      inventory + """

        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: backend-2, namespace: prod, labels: {tier: control-plane}}
        spec: {containers: [{name: c}]}
        """
    for text in [labelled, inventory, labelled, inventory, added, inventory] {
      try edit.dir.write("00-inventory.yaml", text)
      edit.settle()
      let fresh = ManifestLoader.load([
        SourceFile(path: edit.dir.at("00-inventory.yaml"), text: text),
        SourceFile(path: edit.dir.at("10-host-firewall.yaml"), text: policy),
      ])
      let expected = ConnectivityMatrix(evaluator: Evaluator(cluster: fresh.cluster), probe: Probe(.tcp, 80))
      #expect(edit.state.matrix?.isIncremental == true)
      #expect(edit.state.matrix?.counts.allowed == expected.counts.allowed)
      #expect(edit.state.endpoints.map(\.id) == expected.endpoints)
      #expect(edit.state.longestEndpointID == expected.endpoints.map(\.count).max())
    }
  }

  @Test func aSavedFileIsTheOnlyOneLookedAtAgain() throws {
    let edit = try LiveEdit()
    try edit.dir.write("inventory.yaml", inventory)
    for n in 0..<5 { try edit.dir.write("policies/p\(n).yaml", denyAll("p\(n)")) }
    // Written long ago, as files are when the explorer opens on them.
    let past = Date(timeIntervalSinceNow: -60)
    for name in ["inventory.yaml"] + (0..<5).map({ "policies/p\($0).yaml" }) {
      try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: edit.dir.at(name))
    }
    edit.start(["."])
    #expect(edit.session.lastRead == 6 && edit.session.lastSearched)

    // Saved: the watcher named it, so it alone is read, and the folders are not searched.
    try edit.dir.write("policies/p2.yaml", denyAll("q2"))
    edit.settle()
    #expect(edit.session.lastRead == 1 && !edit.session.lastSearched)
    #expect(edit.state.cluster?.policies.map(\.id.name) == ["p0", "p1", "p3", "p4", "q2"])

    // A new file: the folders are searched again, and the file just saved, too fresh to be
    // trusted by its times alone, is read again with it.
    try edit.dir.write("policies/p5.yaml", denyAll("p5"))
    edit.settle()
    #expect(edit.session.lastRead == 2 && edit.session.lastSearched)
    #expect(edit.state.cluster?.policies.count == 6)

    // Gone: searched again, no error.
    try edit.dir.remove("policies/p0.yaml")
    edit.settle()
    #expect(edit.session.lastSearched)
    #expect(edit.state.errors.isEmpty)
    #expect(edit.state.cluster?.policies.map(\.id.name) == ["p1", "p3", "p4", "p5", "q2"])

    // Saved by rename (a new inode at the same path): read alone again.
    try edit.dir.saveByRename("policies/p3.yaml", denyAll("r3"))
    edit.settle()
    #expect(!edit.session.lastSearched)
    #expect(edit.state.cluster?.policies.map(\.id.name) == ["p1", "p4", "p5", "q2", "r3"])

    // `r` looks at everything.
    edit.runtime.dispatch(.key(.char("r")))
    #expect(edit.session.lastSearched)
  }

  @Test func aThousandEventsInABurstAreOneReload() throws {
    let edit = try LiveEdit()
    try edit.dir.write("inventory.yaml", inventory)
    edit.start(["."])
    #expect(edit.loads == 1)
    // Ten bursts of 100 writes, 50 ms of clock apart: each postpones the reload.
    for burst in 0..<10 {
      for write in 0..<100 {
        try edit.dir.write("policy-\(write % 10).yaml", denyAll("p\(write % 10)-\(burst)"))
      }
      edit.runtime.turn(timeoutMs: 1000)
      edit.pass(0.05)
    }
    #expect(edit.loads == 1, "no reload while events keep coming")
    edit.settle(waitMs: 50)
    #expect(edit.loads == 2)
    #expect(edit.state.cluster?.policies.map(\.id.name).sorted() == (0..<10).map { "p\($0)-9" })
  }
}
