import Foundation
import PolicyKit

/// Everything one load produced: the cluster, diagnostics, and the files it came from.
struct LoadedManifests {
  var result: LoadResult
  var files: [String]
  /// Files that were read empty (no bytes, or only whitespace): caught mid-save, perhaps.
  var emptyFiles: Set<String> = []

  /// Reads and loads `paths`.
  static func load(_ paths: [String], options: LoadOptions = LoadOptions()) -> LoadedManifests {
    var cache = ManifestCache()
    return load(paths, options: options, cache: &cache)
  }

  /// Reads `paths` and loads them, decoding only the files that changed since `cache` was
  /// filled.
  static func load(
    _ paths: [String], options: LoadOptions = LoadOptions(), cache: inout ManifestCache
  ) -> LoadedManifests {
    var unused = ReadCache()
    return load(paths, options: options, cache: &cache, reading: &unused)
  }

  /// Reads `paths` (only the files `reading` cannot vouch for, or only those in `changed`
  /// when it is given) and loads them, decoding only the files that changed since `cache`
  /// was filled.
  static func load(
    _ paths: [String], options: LoadOptions, cache: inout ManifestCache, reading: inout ReadCache,
    changed: Set<String>? = nil
  ) -> LoadedManifests {
    let input = ManifestInput(paths: paths)
    let (files, pathDiagnostics) = input.read(cache: &reading, changed: changed)
    var result = ManifestLoader.load(files, options: options, cache: &cache)
    result.diagnostics = pathDiagnostics + result.diagnostics
    let empty = files.filter { file in file.bytes.allSatisfy { [0x20, 0x09, 0x0A, 0x0D].contains($0) } }
    return LoadedManifests(
      result: result, files: files.map(\.path), emptyFiles: Set(empty.map(\.path)))
  }
}

/// Loads the same paths again and again (the explorer's reloads), decoding only the files
/// whose bytes changed since the last load.
final class ManifestSession {
  let options: LoadOptions
  private var cache = ManifestCache()
  private var reading = ReadCache()

  init(options: LoadOptions) {
    self.options = options
  }

  /// Reads and loads `paths`. `changes`, when given, are all the changes the watcher saw
  /// since the last load: files it does not name are taken as they were, and the
  /// directories are not searched again unless a file appeared or went.
  func load(_ paths: [String], changes: [FileChange]? = nil) -> LoadedManifests {
    LoadedManifests.load(
      paths, options: options, cache: &cache, reading: &reading, changed: changes.flatMap(Self.changedFiles))
  }

  /// The files `changes` rewrote in place or replaced, or nil when a file may have appeared
  /// or gone (or events were lost): then every file is looked at.
  static func changedFiles(_ changes: [FileChange]) -> Set<String>? {
    var paths: Set<String> = []
    for change in changes {
      switch change.kind {
      case .modified, .renamed, .created: paths.insert(change.path)
      case .deleted, .rescan: return nil
      }
    }
    return paths
  }

  /// How many files the last load decoded.
  var lastDecoded: Int { cache.lastDecoded }
  /// How many files the last load read from the disk.
  var lastRead: Int { reading.lastRead }
  /// Whether the last load searched the directories again.
  var lastSearched: Bool { reading.lastListing == .searched }
}
