import Foundation
import PolicyKit

/// Turns the paths a user gave into manifest files: files as given, directories searched
/// recursively for `*.yaml`, `*.yml` and `*.json`, `-` for standard input.
///
/// Inside a directory, a lesson's `expect.yaml` and `quiz.json` are not manifests and are
/// left out; hidden files and folders are skipped; symlink loops are followed once.
struct ManifestInput {
  /// The paths as given.
  var paths: [String]
  /// Files larger than this are refused (a diagnostic), so a stray dump cannot exhaust memory.
  var maxFileBytes = 512 * 1024 * 1024
  /// At most this many files are read from directories.
  var maxFiles = 100_000

  /// Names in a lesson folder that are not manifests.
  static let lessonFiles: Set<String> = ["expect.yaml", "expect.yml", "quiz.json"]

  /// The manifest file paths the arguments stand for, in a stable order, with diagnostics for
  /// paths that do not exist.
  func expand() -> (files: [String], diagnostics: [Diagnostic]) {
    var files: [String] = []
    var diagnostics: [Diagnostic] = []
    var visited: Set<String> = []
    let manager = FileManager.default
    for path in paths {
      if path == "-" {
        files.append(path)
        continue
      }
      var isDirectory: ObjCBool = false
      guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
        diagnostics.append(.error("cannot read `\(path)`: no such file or directory", at: nil))
        continue
      }
      if !isDirectory.boolValue {
        files.append(path)
        continue
      }
      var found: [String] = []
      walk(path, into: &found, visited: &visited, diagnostics: &diagnostics)
      files.append(contentsOf: found.sorted())
    }
    return (files, diagnostics)
  }

  private func walk(
    _ directory: String, into found: inout [String], visited: inout Set<String>,
    diagnostics: inout [Diagnostic]
  ) {
    let real = (directory as NSString).resolvingSymlinksInPath
    guard visited.insert(real).inserted else { return }
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
      diagnostics.append(.error("cannot read directory `\(directory)`", at: nil))
      return
    }
    for name in names.sorted() where !name.hasPrefix(".") {
      let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
      if isDirectory.boolValue {
        walk(path, into: &found, visited: &visited, diagnostics: &diagnostics)
      } else if Self.isManifest(name) {
        guard found.count < maxFiles else {
          diagnostics.append(.error("more than \(maxFiles) manifest files under `\(directory)`; the rest are skipped", at: nil))
          return
        }
        found.append(path)
      }
    }
  }

  /// Whether a file in a directory is read as manifests.
  static func isManifest(_ name: String) -> Bool {
    guard !lessonFiles.contains(name) else { return false }
    return name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.hasSuffix(".json")
  }

  /// Reads every file; unreadable ones become diagnostics.
  func read() -> (files: [SourceFile], diagnostics: [Diagnostic]) {
    var (paths, diagnostics) = expand()
    var files: [SourceFile] = []
    for path in paths {
      if path == "-" {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        files.append(SourceFile(path: "<stdin>", bytes: [UInt8](data)))
        continue
      }
      if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
        let size = attributes[.size] as? Int, size > maxFileBytes
      {
        diagnostics.append(.error("`\(path)` is larger than \(maxFileBytes / 1_048_576) MiB; it is skipped", at: nil))
        continue
      }
      guard let data = FileManager.default.contents(atPath: path) else {
        diagnostics.append(.error("cannot read `\(path)`", at: nil))
        continue
      }
      files.append(SourceFile(path: path, bytes: [UInt8](data)))
    }
    paths.removeAll()
    return (files, diagnostics)
  }
}

/// Everything one load produced: the cluster, diagnostics, and the files it came from.
struct LoadedManifests {
  var result: LoadResult
  var files: [String]

  /// Reads and loads `paths`.
  static func load(_ paths: [String], options: LoadOptions = LoadOptions()) -> LoadedManifests {
    let input = ManifestInput(paths: paths)
    let (files, pathDiagnostics) = input.read()
    var result = ManifestLoader.load(files, options: options)
    result.diagnostics = pathDiagnostics + result.diagnostics
    return LoadedManifests(result: result, files: files.map(\.path))
  }
}
