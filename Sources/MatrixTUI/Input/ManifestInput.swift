import Foundation
import PolicyKit

#if canImport(Glibc)
  import Glibc
#endif

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

  /// At most this many directories are searched.
  var maxDirectories = 100_000

  /// The manifest file paths the arguments stand for, in a stable order, with diagnostics for
  /// paths that do not exist or cannot be searched.
  func expand() -> (files: [String], diagnostics: [Diagnostic]) {
    let (files, diagnostics, _) = expandWithSignatures()
    return (files, diagnostics)
  }

  /// `; did you mean `demo/host-firewall`?` for a path that does not exist: the closest name in
  /// its directory (the directory's own name corrected first when it is missing too).
  static func pathSuggestion(_ path: String) -> String {
    guard let corrected = closestPath(path) else { return "" }
    return "; did you mean `\(corrected)`?"
  }

  private static func closestPath(_ path: String) -> String? {
    let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    let slash = trimmed.lastIndex(of: "/")
    let directory = slash.map { String(trimmed[..<$0]) } ?? ""
    let name = slash.map { String(trimmed[trimmed.index(after: $0)...]) } ?? trimmed
    guard !name.isEmpty else { return nil }
    var parent = directory
    if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
      guard let fixed = closestPath(directory) else { return nil }
      parent = fixed
    }
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent.isEmpty ? "." : parent)) ?? []
    guard let match = DidYouMean.closest(to: name, among: entries.sorted()) else {
      return parent == directory ? nil : parent + "/" + name
    }
    return parent.isEmpty ? match : parent + (parent.hasSuffix("/") ? "" : "/") + match
  }

  /// `expand`, with what `stat` said of each file found in a directory (`ReadCache`).
  func expandWithSignatures() -> (files: [String], diagnostics: [Diagnostic], signatures: [String: [Int]]) {
    var walk = Walk(input: self)
    for path in paths {
      if path == "-" {
        walk.found.append(path)
        continue
      }
      var info = stat()
      guard stat(path, &info) == 0 else {
        let code = errno
        let suggestion = code == ENOENT ? Self.pathSuggestion(path) : ""
        walk.diagnostics.append(.error("cannot read `\(path)`: \(Self.reason(code))\(suggestion)", at: nil))
        continue
      }
      if info.st_mode & S_IFMT != S_IFDIR {
        // Named explicitly: read whatever it is (a pipe from `<(kubectl ...)` included).
        walk.found.append(path)
        if info.st_mode & S_IFMT == S_IFREG { walk.signatures[path] = ReadCache.signature(of: info) }
        continue
      }
      let before = walk.found.count
      let problemsBefore = walk.diagnostics.count
      walk.visit(path)
      walk.found[before...].sort()
      if walk.found.count == before, walk.diagnostics.count == problemsBefore {
        walk.diagnostics.append(
          .warning("no manifest files (*.yaml, *.yml, *.json) under `\(path)`", at: nil))
      }
    }
    return (walk.found, walk.diagnostics, walk.signatures)
  }

  /// A recursive search of directory arguments.
  private struct Walk {
    let input: ManifestInput
    var found: [String] = []
    var diagnostics: [Diagnostic] = []
    /// Directories already searched, by device and inode: a symlink back up the tree (or a
    /// second route to the same directory) is searched once.
    var visited: Set<[UInt64]> = []
    /// What `stat` said of each file found.
    var signatures: [String: [Int]] = [:]
    var isFull = false

    init(input: ManifestInput) {
      self.input = input
    }

    mutating func visit(_ directory: String) {
      guard !isFull else { return }
      var info = stat()
      guard stat(directory, &info) == 0 else { return }
      guard visited.insert([UInt64(info.st_dev), UInt64(info.st_ino)]).inserted else { return }
      guard visited.count <= input.maxDirectories else {
        diagnostics.append(
          .error("more than \(input.maxDirectories) directories to search; the rest are skipped", at: nil))
        isFull = true
        return
      }
      let names: [String]
      do {
        names = try FileManager.default.contentsOfDirectory(atPath: directory)
      } catch {
        diagnostics.append(.error("cannot read directory `\(directory)`", at: nil))
        return
      }
      // Entries are looked at relative to the open directory: its path is not walked again
      // for each of thousands of files.
      let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
      defer { if descriptor >= 0 { close(descriptor) } }
      for name in names.sorted() where !name.hasPrefix(".") {
        let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        var entry = stat()
        // Dangling symlinks and entries deleted meanwhile are skipped like other non-files.
        let status = descriptor >= 0 ? fstatat(descriptor, name, &entry, 0) : stat(path, &entry)
        guard status == 0 else { continue }
        switch entry.st_mode & S_IFMT {
        case S_IFDIR:
          visit(path)
        case S_IFREG where ManifestInput.isManifest(name):
          // Only regular files: a FIFO or device named `*.yaml` in a tree would block or never end.
          guard found.count < input.maxFiles else {
            if !isFull {
              diagnostics.append(
                .error("more than \(input.maxFiles) manifest files to read; the rest are skipped", at: nil))
            }
            isFull = true
            return
          }
          found.append(path)
          signatures[path] = ReadCache.signature(of: entry)
        default:
          continue
        }
        if isFull { return }
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
    var unused = ReadCache()
    return read(cache: &unused)
  }

  /// Reads every file, taking the bytes of a file `cache` holds when `stat` says it has not
  /// changed since; `cache` then holds the files read.
  ///
  /// `changed`, when given, names every file that changed since `cache` was filled (what the
  /// watcher saw): the directories are then not searched again when every changed path is a
  /// file already listed, only those files are read again, and the others are taken as they
  /// were without a `stat` (unless they had changed in the second before they were read).
  func read(cache: inout ReadCache, changed: Set<String>? = nil) -> (files: [SourceFile], diagnostics: [Diagnostic]) {
    var paths: [String]
    var diagnostics: [Diagnostic]
    var walked: [String: [Int]] = [:]
    if let changed, let listing = cache.listing, listing.arguments == self.paths,
      changed.allSatisfy({ cache.entries[$0] != nil })
    {
      paths = listing.files
      diagnostics = []
      cache.lastListing = .kept
    } else {
      let expanded = expandWithSignatures()
      (paths, diagnostics, walked) = (expanded.files, expanded.diagnostics, expanded.signatures)
      // A listing with problems is made again every time: they may have been mended.
      cache.listing = diagnostics.isEmpty ? ReadCache.Listing(arguments: self.paths, files: paths) : nil
      cache.lastListing = .searched
    }
    var files: [SourceFile] = []
    var kept: [String: ReadCache.Entry] = [:]
    kept.reserveCapacity(paths.count)
    var readCount = 0
    defer {
      cache.entries = kept
      cache.lastRead = readCount
    }
    for path in paths {
      let isStandardInput = path == "-"
      var signature = isStandardInput ? nil : walked[path]
      if let entry = cache.entries[path], entry.isSettled {
        // Unchanged: the watcher saw no change here, or (when it is not asked) `stat` says so.
        let unchanged: Bool
        if let changed {
          unchanged = !changed.contains(path)
        } else {
          signature = signature ?? ReadCache.signature(path)
          unchanged = signature == entry.signature
        }
        if unchanged {
          files.append(SourceFile(path: path, bytes: entry.bytes))
          kept[path] = entry
          continue
        }
      }
      if !isStandardInput { signature = signature ?? ReadCache.signature(path) }
      readCount += 1
      let readAt = ReadCache.now()
      let name = isStandardInput ? "standard input" : "`\(path)`"
      let descriptor = isStandardInput ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
      guard descriptor >= 0 else {
        diagnostics.append(.error("cannot read \(name): \(Self.reason(errno))", at: nil))
        continue
      }
      defer { if !isStandardInput { close(descriptor) } }
      switch Self.readAll(descriptor, limit: maxFileBytes) {
      case .success(let bytes):
        if isStandardInput && bytes.isEmpty {
          diagnostics.append(.warning("standard input is empty: no manifests were read", at: nil))
        }
        files.append(SourceFile(path: isStandardInput ? "<stdin>" : path, bytes: bytes))
        // Kept only if the file did not change while it was read.
        if let signature, ReadCache.signature(path) == signature {
          kept[path] = ReadCache.Entry(signature: signature, readAt: readAt, bytes: bytes)
        }
      case .failure(.tooLarge):
        diagnostics.append(
          .error("\(name) is larger than \(Self.size(maxFileBytes)); it is skipped", at: nil))
      case .failure(.system(let code)):
        diagnostics.append(.error("cannot read \(name): \(Self.reason(code))", at: nil))
      }
    }
    paths.removeAll()
    return (files, diagnostics)
  }

  /// Why reading failed.
  enum ReadFailure: Error {
    case tooLarge
    case system(Int32)
  }

  /// Reads `descriptor` to its end, refusing more than `limit` bytes (a device or a pipe that
  /// never ends is cut off there instead of filling memory).
  static func readAll(_ descriptor: Int32, limit: Int) -> Result<[UInt8], ReadFailure> {
    var bytes: [UInt8] = []
    // A regular file's size is known: one read usually does (and thousands of small files
    // do not each pay for a large buffer).
    var info = stat()
    let known = fstat(descriptor, &info) == 0 && info.st_mode & S_IFMT == S_IFREG ? Int(info.st_size) : -1
    if known > 0 { bytes.reserveCapacity(min(known, limit)) }
    var chunk = [UInt8](repeating: 0, count: known >= 0 ? min(max(known + 1, 512), 16 << 20) : 64 * 1024)
    while true {
      let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
      if count == 0 { return .success(bytes) }
      if count < 0 {
        if errno == EINTR { continue }
        return .failure(.system(errno))
      }
      guard bytes.count + count <= limit else { return .failure(.tooLarge) }
      bytes.append(contentsOf: chunk[0..<count])
    }
  }

  /// `512 MiB`, or a number of bytes below a mebibyte.
  static func size(_ bytes: Int) -> String {
    bytes >= 1_048_576 ? "\(bytes / 1_048_576) MiB" : "\(bytes) bytes"
  }

  /// The system's reason for `code`, lowercased to read as part of a message.
  static func reason(_ code: Int32) -> String {
    let text = String(cString: strerror(code))
    guard let first = text.first else { return "error \(code)" }
    return first.lowercased() + text.dropFirst()
  }
}
