import Foundation
import PolicyKit
import Testing

@testable import MatrixTUI

/// Finding and reading manifest files: limits on huge trees and files, things that are not
/// regular files, and reasons for what cannot be read.
@Suite struct ManifestInputTests {
  @Test func aHugeTreeIsSearchedOnceAndQuickly() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    for team in 0..<50 {
      for app in 0..<40 {
        try dir.mkdir("t\(team)/a\(app)")
      }
      try dir.write("t\(team)/policy.yaml", "")
    }
    let clock = ContinuousClock()
    let start = clock.now
    let (files, diagnostics) = ManifestInput(paths: [dir.path]).expand()
    #expect(clock.now - start < .seconds(10))
    #expect(diagnostics.isEmpty)
    #expect(files.count == 50)
    #expect(files == files.sorted())
  }

  @Test func tooManyFilesOrDirectoriesStopTheSearchWithAnError() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    for index in 0..<12 { try dir.write("d\(index)/p.yaml", "") }
    var input = ManifestInput(paths: [dir.path])
    input.maxFiles = 5
    let (files, diagnostics) = input.expand()
    #expect(files.count == 5)
    #expect(diagnostics.map(\.message) == ["more than 5 manifest files to read; the rest are skipped"])
    input = ManifestInput(paths: [dir.path])
    input.maxDirectories = 4
    let (some, problems) = input.expand()
    #expect(some.count == 3)
    #expect(problems.map(\.message) == ["more than 4 directories to search; the rest are skipped"])
  }

  @Test func aRereadTakesOnlySettledUnchangedFilesFromTheCache() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    try dir.write("old.yaml", "kind: A\n")
    try dir.write("new.yaml", "kind: B\n")
    let hourAgo = Date(timeIntervalSinceNow: -3600)
    try FileManager.default.setAttributes([.modificationDate: hourAgo], ofItemAtPath: dir.at("old.yaml"))
    let input = ManifestInput(paths: [dir.path])
    var cache = ReadCache()
    let first = input.read(cache: &cache).files
    #expect(first.map { String(decoding: $0.bytes, as: UTF8.self) } == ["kind: B\n", "kind: A\n"])
    #expect(cache.entries[dir.at("old.yaml")]?.isSettled == true)
    #expect(cache.entries[dir.at("new.yaml")]?.isSettled == false, "written just now: read again next time")

    // Rewritten with the same size and its old modification time put back: the change time
    // still tells, so it is read again.
    try dir.write("old.yaml", "kind: C\n")
    try FileManager.default.setAttributes([.modificationDate: hourAgo], ofItemAtPath: dir.at("old.yaml"))
    try dir.write("new.yaml", "kind: D\n")
    let second = input.read(cache: &cache).files
    #expect(second.map { String(decoding: $0.bytes, as: UTF8.self) } == ["kind: D\n", "kind: C\n"])

    // A file that went away leaves the cache.
    try FileManager.default.removeItem(atPath: dir.at("new.yaml"))
    #expect(input.read(cache: &cache).files.count == 1)
    #expect(cache.entries.count == 1)
  }

  @Test func aFileThatNeverEndsIsCutOff() {
    var input = ManifestInput(paths: ["/dev/zero"])
    input.maxFileBytes = 1_048_576
    let (files, diagnostics) = input.read()
    #expect(files.isEmpty)
    #expect(diagnostics.map(\.message) == ["`/dev/zero` is larger than 1 MiB; it is skipped"])
  }

  @Test func specialFilesInATreeAreSkipped() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    try dir.write("a.yaml", "")
    #expect(mkfifo(dir.at("pipe.yaml"), 0o644) == 0)
    try FileManager.default.createSymbolicLink(atPath: dir.at("null.yaml"), withDestinationPath: "/dev/null")
    try FileManager.default.createSymbolicLink(atPath: dir.at("gone.yaml"), withDestinationPath: dir.at("nowhere"))
    let (files, diagnostics) = ManifestInput(paths: [dir.path]).expand()
    #expect(files == [dir.at("a.yaml")])
    #expect(diagnostics.isEmpty)
  }

  @Test func aDirectoryWithoutManifestsIsAWarning() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    try dir.write("notes.txt", "")
    let loaded = LoadedManifests.load([dir.path])
    #expect(
      loaded.result.diagnostics.map(\.description) == [
        "matrix-tui: warning: no manifest files (*.yaml, *.yml, *.json) under `\(dir.path)`"
      ])
  }

  @Test func emptyFilesAreNamedForTheExplorer() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let empty = try dir.write("empty.yaml", " \n\t\r\n")
    let full = try dir.write("full.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
    let loaded = LoadedManifests.load([empty, full])
    #expect(loaded.emptyFiles == [empty])
    #expect(loaded.files == [empty, full])
  }
}
