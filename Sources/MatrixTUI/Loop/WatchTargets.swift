import Foundation

/// The command-line paths to watch, sorted into files and directory trees.
///
/// Shared by both watchers so they agree on what is relevant: a file argument by its exact
/// name, and under a directory argument every manifest name (`isManifestName`), skipping
/// version-control directories.
struct WatchTargets: Equatable {
  /// A file argument: watched as `name` inside `directory`.
  struct FileTarget: Equatable {
    /// The argument as given; reported as the change's path.
    var argument: String
    var directory: String
    var name: String
  }

  var files: [FileTarget] = []
  /// Directory arguments as given, without a trailing slash.
  var directories: [String] = []

  /// Directory names never descended into.
  static let skippedDirectoryNames: Set<String> = [".git", ".hg", ".svn"]

  /// Sorts `paths` into files and directories.
  ///
  /// A path that does not exist is watched as a file if its directory exists (it may be
  /// created later). A symlinked file is also watched at its target, reported under the
  /// argument. Throws `WatchError.notFound` when not even the directory exists.
  static func resolve(_ paths: [String]) throws -> WatchTargets {
    var targets = WatchTargets()
    for raw in paths {
      let path = trimmed(raw)
      if isDirectory(path) {
        if !targets.directories.contains(path) { targets.directories.append(path) }
        continue
      }
      let (directory, name) = split(path)
      guard isDirectory(directory) else { throw WatchError.notFound(path: raw) }
      targets.files.append(FileTarget(argument: raw, directory: directory, name: name))
      if let target = symlinkTarget(path) {
        let (realDirectory, realName) = split(target)
        if isDirectory(realDirectory) {
          targets.files.append(
            FileTarget(argument: raw, directory: realDirectory, name: realName))
        }
      }
    }
    return targets
  }

  /// Whether a file under a directory argument is a manifest: `*.yaml`, `*.yml` or `*.json`
  /// (any case), excluding Emacs lock files (`.#name.yaml`).
  static func isManifestName(_ name: String) -> Bool {
    if name.hasPrefix(".#") { return false }
    let lower = name.lowercased()
    return lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || lower.hasSuffix(".json")
  }

  /// `directory/name`, without doubling a slash.
  static func join(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
  }

  /// The directory and last component of `path` (`.` for a bare name).
  static func split(_ path: String) -> (directory: String, name: String) {
    guard let slash = path.lastIndex(of: "/") else { return (".", path) }
    let name = String(path[path.index(after: slash)...])
    let directory = String(path[..<slash])
    return (directory.isEmpty ? "/" : directory, name)
  }

  /// Whether `path` is a directory, following symlinks.
  static func isDirectory(_ path: String) -> Bool {
    var isDir: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
  }

  private static func trimmed(_ path: String) -> String {
    var result = path
    while result.count > 1, result.hasSuffix("/") { result.removeLast() }
    return result
  }

  private static func symlinkTarget(_ path: String) -> String? {
    guard
      let attributes = try? FileManager.default.attributesOfItem(atPath: path),
      attributes[.type] as? FileAttributeType == .typeSymbolicLink
    else { return nil }
    let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    return resolved == path ? nil : resolved
  }
}
