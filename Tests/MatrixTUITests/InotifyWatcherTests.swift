import Foundation
import Testing

@testable import MatrixTUI

/// Drains `watcher` until `done` holds or `timeout` seconds pass, waiting on its descriptor.
private func collect(
  _ watcher: InotifyWatcher, timeout: Double = 2, until done: ([FileChange]) -> Bool
) -> [FileChange] {
  let clock = SystemClock()
  let deadline = clock.now + timeout
  var all = watcher.drainEvents()
  while !done(all) {
    let left = deadline - clock.now
    if left <= 0 { break }
    if let fd = watcher.fileDescriptor {
      _ = Poller.readable([fd], timeoutMs: Int(left * 1000) + 1)
    }
    all += watcher.drainEvents()
  }
  return all
}

private func change(_ path: String, _ kind: FileChange.Kind) -> FileChange {
  FileChange(path: path, kind: kind)
}

@Suite struct InotifyWatcherTests {
  @Test func reportsNewAndWrittenManifestsInADirectory() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let watcher = try InotifyWatcher()
    try watcher.watch(paths: [dir.path])

    try dir.write("a.yaml", "kind: NetworkPolicy\n")
    #expect(collect(watcher) { !$0.isEmpty } == [change(dir.at("a.yaml"), .created)])
    try dir.write("a.yaml", "kind: NetworkPolicy # edited\n")
    #expect(collect(watcher) { !$0.isEmpty } == [change(dir.at("a.yaml"), .modified)])
    try dir.write("notes.txt", "not a manifest")
    try dir.write(".#a.yaml", "emacs lock")
    #expect(watcher.drainEvents() == [])
  }

  @Test func renameOverSaveOfAFileArgument() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let policy = try dir.write("policy.yaml", "v1")
    let watcher = try InotifyWatcher()
    try watcher.watch(paths: [policy])

    try dir.saveByRename("policy.yaml", "v2")
    #expect(collect(watcher) { !$0.isEmpty } == [change(policy, .renamed)])
  }

  @Test func fileArgumentIgnoresSiblingsAndSeesDeleteAndRecreate() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let policy = try dir.write("policy.yaml", "v1")
    let watcher = try InotifyWatcher()
    try watcher.watch(paths: [policy])

    try dir.write("other.yaml", "not watched")
    #expect(watcher.drainEvents() == [])
    try dir.remove("policy.yaml")
    #expect(collect(watcher) { !$0.isEmpty } == [change(policy, .deleted)])
    try dir.write("policy.yaml", "back")
    #expect(collect(watcher) { !$0.isEmpty } == [change(policy, .created)])
  }

  @Test func deleteInADirectoryTree() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    try dir.write("team/a.yml", "x")
    let watcher = try InotifyWatcher()
    try watcher.watch(paths: [dir.path + "/"])
    try dir.remove("team/a.yml")
    #expect(collect(watcher) { !$0.isEmpty } == [change(dir.at("team/a.yml"), .deleted)])
  }

  @Test func newSubdirectoriesAreFollowed() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let watcher = try InotifyWatcher()
    try watcher.watch(paths: [dir.path])

    // Written before the watcher can add the new directories: found by the follow-up scan.
    try dir.write("ns/deeper/x.yaml", "v1")
    let file = dir.at("ns/deeper/x.yaml")
    #expect(
      collect(watcher) { $0.contains(change(file, .created)) }.contains(change(file, .created)))
    #expect(watcher.watchedDirectoryCount == 3)
    // And the new directory is watched from now on.
    try dir.write("ns/deeper/x.yaml", "v2")
    #expect(collect(watcher) { !$0.isEmpty } == [change(file, .modified)])
    try dir.write("ns/y.json", "{}")
    #expect(collect(watcher) { !$0.isEmpty } == [change(dir.at("ns/y.json"), .created)])
  }

  @Test func removedDirectoriesAreReportedAndDoNotBreakTheWatcher() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let root = dir.at("manifests")
    try dir.write("manifests/sub/a.yaml", "x")
    let watcher = try InotifyWatcher()
    try watcher.watch(paths: [root])
    #expect(watcher.watchedDirectoryCount == 2)

    try dir.remove("manifests/sub")
    let first = collect(watcher) { $0.contains(change(root + "/sub", .deleted)) }
    #expect(first.contains(change(root + "/sub/a.yaml", .deleted)))
    #expect(first.contains(change(root + "/sub", .deleted)))

    try dir.remove("manifests")
    let second = collect(watcher) { $0.contains(change(root, .deleted)) }
    #expect(second == [change(root, .deleted)])
    #expect(collect(watcher, timeout: 0.05) { _ in false } == [])
    #expect(watcher.watchedDirectoryCount == 0)
  }

  @Test func directoryMovedAwayIsDeletedAndNoLongerWatched() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    try dir.write("root/sub/a.yaml", "x")
    let watcher = try InotifyWatcher()
    try watcher.watch(paths: [dir.at("root")])
    #expect(rename(dir.at("root/sub"), dir.at("elsewhere")) == 0)
    #expect(collect(watcher) { !$0.isEmpty } == [change(dir.at("root/sub"), .deleted)])
    try dir.write("elsewhere/a.yaml", "edited outside the tree")
    #expect(collect(watcher, timeout: 0.05) { _ in false } == [])
    #expect(watcher.watchedDirectoryCount == 1)
  }

  @Test func skipsVersionControlAndSymlinkLoops() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    try dir.mkdir("a/.git/objects")
    try FileManager.default.createSymbolicLink(
      atPath: dir.at("a/loop"), withDestinationPath: dir.path)
    let watcher = try InotifyWatcher()
    try watcher.watch(paths: [dir.path])
    #expect(watcher.watchedDirectoryCount == 2)
    try dir.write("a/.git/objects/x.yaml", "ignored")
    #expect(watcher.drainEvents() == [])
  }

  @Test func capOnWatchedDirectories() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    try dir.mkdir("a/b/c")
    let watcher = try InotifyWatcher(maxDirectories: 3)
    #expect(throws: WatchError.tooManyDirectories(limit: 3)) {
      try watcher.watch(paths: [dir.path])
    }
    #expect(watcher.watchedDirectoryCount == 0)
  }

  @Test func missingPathsAreErrors() throws {
    let watcher = try InotifyWatcher()
    let missing = "/nonexistent-\(UUID().uuidString)/a.yaml"
    #expect(throws: WatchError.notFound(path: missing)) {
      try watcher.watch(paths: [missing])
    }
  }

  @Test func watchReplacesThePreviousSet() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let a = try dir.write("one/a.yaml", "x")
    let b = try dir.write("two/b.yaml", "x")
    let watcher = try InotifyWatcher()
    try watcher.watch(paths: [a])
    try watcher.watch(paths: [b])
    try dir.write("one/a.yaml", "y")
    try dir.write("two/b.yaml", "y")
    #expect(collect(watcher) { !$0.isEmpty } == [change(b, .modified)])
  }
}
