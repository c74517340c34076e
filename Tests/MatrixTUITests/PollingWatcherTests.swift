import Foundation
import Testing

@testable import MatrixTUI

@Suite struct PollingWatcherTests {
  private func change(_ path: String, _ kind: FileChange.Kind) -> FileChange {
    FileChange(path: path, kind: kind)
  }

  @Test func reportsCreateModifyRenameDeleteOnTheClock() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let clock = FixedClock()
    let watcher = PollingWatcher(clock: clock, interval: 0.5)
    #expect(watcher.fileDescriptor == nil)
    try watcher.watch(paths: [dir.path])

    let file = try dir.write("a.yaml", "v1")
    #expect(watcher.drainEvents() == [])  // too early: the interval has not passed
    clock.advance(by: 0.5)
    #expect(watcher.drainEvents() == [change(file, .created)])

    try dir.write("a.yaml", "version 2")
    clock.advance(by: 1)
    #expect(watcher.drainEvents() == [change(file, .modified)])

    try dir.saveByRename("a.yaml", "version 3")
    clock.advance(by: 1)
    #expect(watcher.drainEvents() == [change(file, .renamed)])

    try dir.write("sub/b.json", "{}")
    try dir.write("sub/notes.txt", "ignored")
    clock.advance(by: 1)
    #expect(watcher.drainEvents() == [change(dir.at("sub/b.json"), .created)])

    try dir.remove("a.yaml")
    clock.advance(by: 1)
    #expect(watcher.drainEvents() == [change(file, .deleted)])
    clock.advance(by: 1)
    #expect(watcher.drainEvents() == [])
  }

  @Test func fileArgumentsAndRemovedRoots() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let clock = FixedClock()
    let policy = try dir.write("p/policy.yaml", "v1")
    try dir.write("tree/x.yaml", "x")
    let watcher = PollingWatcher(clock: clock, interval: 0.5)
    try watcher.watch(paths: [policy, dir.at("tree")])

    try dir.write("p/other.yaml", "not watched")
    try dir.remove("tree")
    clock.advance(by: 1)
    #expect(
      watcher.drainEvents() == [
        change(dir.at("tree/x.yaml"), .deleted), change(dir.at("tree"), .deleted),
      ])
    try dir.remove("p/policy.yaml")
    clock.advance(by: 1)
    #expect(watcher.drainEvents() == [change(policy, .deleted)])
  }

  @Test func symlinkLoopsAreScannedOnce() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    try dir.write("a/x.yaml", "x")
    try FileManager.default.createSymbolicLink(
      atPath: dir.at("a/loop"), withDestinationPath: dir.path)
    let clock = FixedClock()
    let watcher = PollingWatcher(clock: clock)
    try watcher.watch(paths: [dir.path])
    try dir.write("a/x.yaml", "changed")
    clock.advance(by: 1)
    #expect(watcher.drainEvents() == [change(dir.at("a/x.yaml"), .modified)])
  }
}
