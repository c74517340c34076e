import Testing

@testable import MatrixTUI

@Suite struct FileChangeTests {
  @Test func coalescesPerPathInFirstSeenOrder() {
    let changes: [FileChange] = [
      FileChange(path: "b.yaml", kind: .created),
      FileChange(path: "a.yaml", kind: .modified),
      FileChange(path: "b.yaml", kind: .modified),
      FileChange(path: "c.yaml", kind: .deleted),
      FileChange(path: "c.yaml", kind: .created),
      FileChange(path: "d.yaml", kind: .created),
      FileChange(path: "d.yaml", kind: .deleted),
      .rescan,
      .rescan,
    ]
    #expect(
      FileChange.coalesced(changes) == [
        .rescan,
        FileChange(path: "b.yaml", kind: .created),
        FileChange(path: "a.yaml", kind: .modified),
        FileChange(path: "c.yaml", kind: .modified),
        FileChange(path: "d.yaml", kind: .deleted),
      ])
  }

  @Test func manifestNames() {
    #expect(WatchTargets.isManifestName("np.yaml"))
    #expect(WatchTargets.isManifestName("NP.YML"))
    #expect(WatchTargets.isManifestName("x.json"))
    #expect(!WatchTargets.isManifestName("np.yaml.swp"))
    #expect(!WatchTargets.isManifestName(".#np.yaml"))
    #expect(!WatchTargets.isManifestName("README.md"))
  }

  @Test func splitsPaths() {
    #expect(WatchTargets.split("a.yaml") == (".", "a.yaml"))
    #expect(WatchTargets.split("dir/sub/a.yaml") == ("dir/sub", "a.yaml"))
    #expect(WatchTargets.split("/a.yaml") == ("/", "a.yaml"))
    #expect(WatchTargets.join("/", "a") == "/a")
    #expect(WatchTargets.join("d", "a") == "d/a")
  }
}
