import Foundation
import PolicyKit

/// Reads manifests as a git revision holds them, for comparing a change with what was
/// committed (`diff --git REV PATH...`, the explorer's `--against-git REV`).
///
/// A revision and a path are data, never a command: `git` is started without a shell, each of
/// them one argument, after `--end-of-options` or `--` wherever git takes one, and a revision
/// that starts with `-` is refused before git sees it.
struct GitRevision {
  /// The revision as the user wrote it (`origin/main`, `HEAD~1`, a commit id).
  let revision: String

  /// What went wrong, worded for the user.
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// The manifest files `paths` (files or directories, as for `eval`) stood for at the
  /// revision, named `REV:path` as given, in the order a directory is searched. Each path is
  /// looked up in the repository that holds it.
  func files(_ paths: [String]) -> Result<[SourceFile], Failure> {
    guard !revision.isEmpty, !revision.hasPrefix("-") else {
      return .failure(Failure(description: "--git: `\(revision)` is not a revision (it must not start with `-`)"))
    }
    var files: [SourceFile] = []
    for path in paths {
      switch filesOfOnePath(path) {
      case .success(let found): files += found
      case .failure(let failure): return .failure(failure)
      }
    }
    return .success(files)
  }

  private func filesOfOnePath(_ path: String) -> Result<[SourceFile], Failure> {
    let absolute = Self.absolute(path)
    guard let directory = Self.nearestDirectory(of: absolute) else {
      return .failure(Failure(description: "--git: cannot find a folder for `\(path)`"))
    }
    guard case .success(let top) = Self.git(in: directory, ["rev-parse", "--show-toplevel"]),
      let root = String(decoding: top, as: UTF8.self).split(separator: "\n").first.map(String.init)
    else {
      return .failure(Failure(description: "--git: `\(path)` is not in a git repository"))
    }
    guard
      case .success = Self.git(
        in: root, ["rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"])
    else {
      return .failure(Failure(description: "--git: unknown revision `\(revision)` in \(root)"))
    }
    let relative = Self.relative(absolute, to: Self.resolved(root))
    let listing = Self.git(
      in: root,
      ["ls-tree", "-r", "-z", "--name-only", "--end-of-options", revision, "--", relative.isEmpty ? "." : relative])
    guard case .success(let names) = listing else {
      return .failure(Failure(description: "--git: cannot list `\(path)` at \(revision)"))
    }
    let all = names.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    let isFile = all == [relative]
    let wanted =
      isFile
      ? all
      : all.filter { name in
        let base = name.split(separator: "/").last.map(String.init) ?? name
        return ManifestInput.isManifest(base) && !name.split(separator: "/").contains { $0.hasPrefix(".") }
      }.sorted()
    guard !wanted.isEmpty else {
      return .failure(Failure(description: "--git: `\(path)` has no manifest files at \(revision)"))
    }
    var files: [SourceFile] = []
    for name in wanted {
      guard case .success(let bytes) = Self.git(in: root, ["cat-file", "blob", "\(revision):\(name)"]) else {
        return .failure(Failure(description: "--git: cannot read `\(name)` at \(revision)"))
      }
      let shown =
        isFile
        ? path
        : (path.hasSuffix("/") ? path : path + "/") + String(name.dropFirst(relative.isEmpty ? 0 : relative.count + 1))
      files.append(SourceFile(path: "\(revision):\(shown)", bytes: bytes))
    }
    return .success(files)
  }

  /// Runs `git -C directory arguments...` (no shell) and returns its standard output, or
  /// failure when it cannot start or exits non-zero.
  static func git(in directory: String, _ arguments: [String]) -> Result<[UInt8], Failure> {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-C", directory] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      return .failure(Failure(description: "cannot run git: \(error)"))
    }
    let bytes = [UInt8](output.fileHandleForReading.readDataToEndOfFile())
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return .failure(Failure(description: "git failed")) }
    return .success(bytes)
  }

  private static func absolute(_ path: String) -> String {
    let joined = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    return (joined as NSString).standardizingPath
  }

  /// The path with symbolic links resolved where it exists (git prints resolved paths).
  private static func resolved(_ path: String) -> String {
    (path as NSString).resolvingSymlinksInPath
  }

  /// The path itself when it is a directory, else its nearest existing parent folder.
  private static func nearestDirectory(of path: String) -> String? {
    var candidate = path
    while !candidate.isEmpty {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue {
        return candidate
      }
      let parent = (candidate as NSString).deletingLastPathComponent
      if parent == candidate { return nil }
      candidate = parent
    }
    return nil
  }

  /// `path` relative to `root` ("" for the root itself), with links resolved in the part
  /// that exists.
  private static func relative(_ path: String, to root: String) -> String {
    var existing = path
    var rest: [String] = []
    while !FileManager.default.fileExists(atPath: existing), existing != "/" {
      rest.insert((existing as NSString).lastPathComponent, at: 0)
      existing = (existing as NSString).deletingLastPathComponent
    }
    let full = ([resolved(existing)] + rest).joined(separator: "/")
    guard full.hasPrefix(root) else { return full }
    return String(full.dropFirst(root.count).drop { $0 == "/" })
  }
}
