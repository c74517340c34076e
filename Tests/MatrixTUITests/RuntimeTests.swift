import Foundation
import PolicyKit
import Testing

@testable import MatrixTUI

/// The real loop, driven by a scripted terminal, a fake watcher and a fixed clock.
@Suite struct RuntimeTests {
  private func runtime(_ terminal: FakeTerminal, _ watcher: FakeWatcher, _ clock: FixedClock, paths: [String])
    -> Runtime
  {
    let state = AppState(paths: paths, isWatching: true)
    return Runtime(
      state: state, terminal: terminal, events: EventLoop(terminal: terminal, watcher: watcher),
      clock: clock, load: { paths, _ in (LoadedManifests.load(paths), Lesson.load(paths)) })
  }

  @Test func keysDriveTheScreenAndQuitEnds() {
    let terminal = FakeTerminal(
      width: 120, height: 40, keys: [.char("G"), .home, .char("l"), .enter, .char("t"), .char("q")])
    let runtime = runtime(terminal, FakeWatcher(), FixedClock(), paths: [AppFixtures.lesson("host-firewall")])
    runtime.run(maxTurns: 50)
    #expect(runtime.state.hasQuit)
    let screens = terminal.presented.map(\.plainText)
    #expect(screens.contains { $0.contains("prod/backend -> host/node-worker  TCP/80  DENY") })
    #expect(screens.contains { $0.contains("TRAP node-host-firewall") })
  }

  @Test func aFileChangeReloadsAfterTheDebounce() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("matrix-runtime-\(UUID().uuidString)")
    try FileManager.default.copyItem(atPath: AppFixtures.lesson("host-firewall"), toPath: directory.path)
    defer { try? FileManager.default.removeItem(at: directory) }
    let policy = directory.appendingPathComponent("10-host-firewall.yaml")
    let text = try String(contentsOf: policy, encoding: .utf8)
    try text.replacingOccurrences(of: "role == 'node' || has(k8s-app) || tier == 'control-plane'", with: "all()")
      .write(to: policy, atomically: false, encoding: .utf8)

    let clock = FixedClock()
    let watcher = FakeWatcher()
    let terminal = FakeTerminal(width: 120, height: 40)
    // The first load sees the widened policy; then the file is put back and the watcher says so.
    var loads = 0
    let runtime = Runtime(
      state: AppState(paths: [directory.path], isWatching: true), terminal: terminal,
      events: EventLoop(terminal: terminal, watcher: watcher), clock: clock,
      load: { paths, _ in
        defer {
          if loads == 0 { try? text.write(to: policy, atomically: false, encoding: .utf8) }
          loads += 1
        }
        return (LoadedManifests.load(paths), Lesson.load(paths))
      })
    watcher.enqueue(FileChange(path: policy.path, kind: .renamed))
    runtime.run(maxTurns: 1)
    let before = try #require(runtime.state.matrix?.counts.allowed)
    #expect(loads == 1)
    #expect(runtime.state.pendingReloadAt != nil)
    clock.advance(by: 0.2)
    runtime.dispatch(.tick(now: clock.now))
    #expect(loads == 2)
    #expect(runtime.state.matrix?.counts.allowed == before - 2)
    #expect(runtime.state.status?.text.contains("2 cells flipped") == true)
  }

  @Test func aSignalEndsTheLoopAndIsKeptForTheExitStatus() {
    let terminal = FakeTerminal(width: 80, height: 24)
    let signals = FakeSignals([[.hangup]])
    let runtime = Runtime(
      state: AppState(paths: [AppFixtures.lesson("host-firewall")], isWatching: false),
      terminal: terminal, events: EventLoop(terminal: terminal, signals: signals),
      clock: FixedClock(), load: { paths, _ in (LoadedManifests.load(paths), nil) })
    runtime.run(maxTurns: 5)
    #expect(runtime.state.hasQuit)
    #expect(runtime.endingSignal == .hangup)
    #expect(runtime.endingSignal?.exitStatus == 129)
  }

  @Test func aPathThatCannotBeWatchedIsRetriedAtTheNextReload() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let missing = dir.at("later/policy.yaml")
    let watcher = FakeWatcher()
    let terminal = FakeTerminal(width: 80, height: 24)
    let runtime = Runtime(
      state: AppState(paths: [AppFixtures.lesson("host-firewall"), missing], isWatching: true),
      terminal: terminal, events: EventLoop(terminal: terminal, watcher: watcher),
      clock: FixedClock(), load: { paths, _ in (LoadedManifests.load(paths), nil) })
    runtime.start()
    // Its directory does not exist: the other path is still watched.
    #expect(watcher.watchedPaths.last == [AppFixtures.lesson("host-firewall")])
    #expect(runtime.unwatchedPaths == [missing])
    #expect(runtime.state.errors.count == 1)
    try dir.write("later/policy.yaml", "")
    runtime.dispatch(.reload)
    #expect(watcher.watchedPaths.last == [AppFixtures.lesson("host-firewall"), missing])
    #expect(runtime.unwatchedPaths.isEmpty)
  }
}
