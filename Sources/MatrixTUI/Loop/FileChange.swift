/// One change to a watched manifest, as reported by a `FileWatcher`.
struct FileChange: Hashable, Sendable, CustomStringConvertible {
  /// What happened at `path`.
  enum Kind: Hashable, Sendable {
    /// A new file appeared.
    case created
    /// The file was written and closed.
    case modified
    /// The file (or a watched directory) is gone, removed or moved away.
    case deleted
    /// Another file was renamed onto this path: how editors save atomically.
    case renamed
    /// Events were lost (the kernel queue overflowed): reload everything. `path` is empty.
    case rescan
  }

  /// For a file argument, the argument exactly as given; for files found under a directory
  /// argument, that argument joined with the relative path (`manifests/team-a/np.yaml`).
  var path: String
  var kind: Kind

  /// The change that asks for a full reload.
  static let rescan = FileChange(path: "", kind: .rescan)

  var description: String { "\(kind) \(path)" }

  /// `changes` with one entry per path, in order of first appearance.
  ///
  /// Kinds combine as what happened overall: created then written is `created`; gone then
  /// back is `modified`; created then gone is `deleted`; otherwise the later kind wins.
  /// `rescan` appears at most once, first.
  static func coalesced(_ changes: [FileChange]) -> [FileChange] {
    var order: [String] = []
    var kinds: [String: Kind] = [:]
    var needsRescan = false
    for change in changes {
      if change.kind == .rescan {
        needsRescan = true
        continue
      }
      guard let existing = kinds[change.path] else {
        order.append(change.path)
        kinds[change.path] = change.kind
        continue
      }
      kinds[change.path] = combine(existing, change.kind)
    }
    let merged = order.compactMap { path in kinds[path].map { FileChange(path: path, kind: $0) } }
    return needsRescan ? [.rescan] + merged : merged
  }

  private static func combine(_ earlier: Kind, _ later: Kind) -> Kind {
    switch (earlier, later) {
    case (.created, .modified), (.created, .renamed): return .created
    case (.deleted, .created), (.deleted, .modified), (.deleted, .renamed): return .modified
    case (.created, .deleted): return .deleted
    case (.renamed, .modified): return .renamed
    default: return later
    }
  }
}
