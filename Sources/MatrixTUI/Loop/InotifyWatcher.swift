import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Watches manifests with Linux inotify; `fileDescriptor` goes into the event loop's `poll()`.
///
/// Inotify watches *directories*, never the files themselves, because editors save by writing
/// a temporary file and renaming it over the original (a watch on the old inode would go
/// quiet). A file argument watches its directory and filters on the name; a directory
/// argument watches every subdirectory (adding new ones as they appear, not following a
/// symlink to a directory it already watches, skipping `.git`) and reports manifest names.
/// A queue overflow is reported as `FileChange.rescan`. Removing a watched directory is
/// reported as `.deleted` for it; the watcher keeps running.
final class InotifyWatcher: FileWatcher {
  /// The most directories watched at once; beyond it `watch(paths:)` throws.
  let maxDirectories: Int
  /// The last error met while following new subdirectories (they are then missed until the
  /// next `watch(paths:)`); `drainEvents` also reports a `rescan` when it happens.
  private(set) var lastError: WatchError?

  private let fd: Int32
  private var directories: [Int32: Directory] = [:]
  private var descriptorByPath: [String: Int32] = [:]
  private var visited: [FileID: String] = [:]
  private var roots: [String] = []
  private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

  /// One watched directory and why it is watched.
  private struct Directory {
    var path: String
    var id: FileID
    /// Inside a directory argument: manifests count and subdirectories are followed.
    var isTree = false
    /// A directory argument itself.
    var isRoot = false
    /// File arguments in this directory: name -> argument.
    var files: [String: String] = [:]
  }

  private struct FileID: Hashable {
    var device: UInt64
    var inode: UInt64
  }

  private enum Mask {
    static let closeWrite: UInt32 = 0x0000_0008
    static let movedFrom: UInt32 = 0x0000_0040
    static let movedTo: UInt32 = 0x0000_0080
    static let create: UInt32 = 0x0000_0100
    static let delete: UInt32 = 0x0000_0200
    static let deleteSelf: UInt32 = 0x0000_0400
    static let moveSelf: UInt32 = 0x0000_0800
    static let unmount: UInt32 = 0x0000_2000
    static let overflow: UInt32 = 0x0000_4000
    static let ignored: UInt32 = 0x0000_8000
    static let onlyDirectory: UInt32 = 0x0100_0000
    static let isDirectory: UInt32 = 0x4000_0000
    static let watched: UInt32 =
      closeWrite | movedFrom | movedTo | create | delete | deleteSelf | moveSelf | onlyDirectory
  }

  /// Opens a non-blocking, close-on-exec inotify instance.
  init(maxDirectories: Int = 4096) throws {
    let descriptor = inotify_init1(Int32(IN_NONBLOCK) | Int32(IN_CLOEXEC))
    guard descriptor >= 0 else { throw WatchError.initFailed(errno: errno) }
    fd = descriptor
    self.maxDirectories = maxDirectories
  }

  deinit { close(fd) }

  var fileDescriptor: Int32? { fd }

  /// The number of directories currently watched.
  var watchedDirectoryCount: Int { directories.count }

  func watch(paths: [String]) throws {
    removeAllWatches()
    let targets = try WatchTargets.resolve(paths)
    do {
      for target in targets.files {
        try addDirectory(target.directory, isTree: false, isRoot: false)
        if let wd = descriptorByPath[target.directory] {
          directories[wd]?.files[target.name] = target.argument
        }
      }
      for root in targets.directories {
        roots.append(root)
        try addTree(root, isRoot: true)
      }
    } catch {
      removeAllWatches()
      throw error
    }
    // Events queued for the old watches are meaningless now.
    _ = readEvents()
  }

  func drainEvents() -> [FileChange] {
    var changes: [FileChange] = []
    for event in readEvents() {
      handle(event, into: &changes)
    }
    return FileChange.coalesced(changes)
  }

  // MARK: - Events

  private struct Event {
    var wd: Int32
    var mask: UInt32
    var name: String
  }

  private func readEvents() -> [Event] {
    var events: [Event] = []
    while true {
      let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      guard count > 0 else { break }
      buffer.withUnsafeBytes { raw in
        var offset = 0
        while offset + 16 <= count {
          let wd = raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)
          let mask = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
          let length = Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
          let nameStart = offset + 16
          let nameEnd = min(nameStart + length, count)
          var bytes = raw[nameStart..<nameEnd]
          if let nul = bytes.firstIndex(of: 0) { bytes = bytes[..<nul] }
          events.append(Event(wd: wd, mask: mask, name: String(decoding: bytes, as: UTF8.self)))
          offset = nameEnd
        }
      }
    }
    return events
  }

  private func handle(_ event: Event, into changes: inout [FileChange]) {
    if event.mask & Mask.overflow != 0 {
      changes.append(.rescan)
      resynchronize(into: &changes)
      return
    }
    guard let directory = directories[event.wd] else { return }
    if event.mask & Mask.ignored != 0 {
      forget(descriptor: event.wd)
      return
    }
    if event.mask & (Mask.deleteSelf | Mask.moveSelf | Mask.unmount) != 0 {
      lost(directory, into: &changes)
      if event.mask & Mask.moveSelf != 0 { removeSubtree(directory.path) }
      return
    }
    guard !event.name.isEmpty else { return }
    let path = WatchTargets.join(directory.path, event.name)
    if event.mask & Mask.isDirectory != 0, let argument = directory.files[event.name] {
      // A directory argument that was missing (watched by name in its parent) came back, or
      // went again: report it, so the runtime can watch it as a tree.
      if event.mask & (Mask.create | Mask.movedTo) != 0 {
        changes.append(FileChange(path: argument, kind: .created))
      } else if event.mask & (Mask.delete | Mask.movedFrom) != 0 {
        changes.append(FileChange(path: argument, kind: .deleted))
      }
      if !directory.isTree { return }
    }
    if event.mask & Mask.isDirectory != 0 {
      guard directory.isTree,
        !WatchTargets.skippedDirectoryNames.contains(event.name)
      else { return }
      if event.mask & (Mask.create | Mask.movedTo) != 0 {
        followNewDirectory(path, into: &changes)
      } else if event.mask & (Mask.delete | Mask.movedFrom) != 0 {
        removeSubtree(path)
        changes.append(FileChange(path: path, kind: .deleted))
      }
      return
    }
    let reported: String
    if let argument = directory.files[event.name] {
      reported = argument
    } else if directory.isTree && WatchTargets.isManifestName(event.name) {
      reported = path
    } else {
      return
    }
    let kind: FileChange.Kind
    if event.mask & Mask.closeWrite != 0 {
      kind = .modified
    } else if event.mask & Mask.movedTo != 0 {
      kind = .renamed
    } else if event.mask & Mask.create != 0 {
      kind = .created
    } else if event.mask & (Mask.delete | Mask.movedFrom) != 0 {
      kind = .deleted
    } else {
      return
    }
    changes.append(FileChange(path: reported, kind: kind))
  }

  /// A watched directory itself was deleted or moved away.
  private func lost(_ directory: Directory, into changes: inout [FileChange]) {
    for argument in directory.files.values.sorted() {
      changes.append(FileChange(path: argument, kind: .deleted))
    }
    if directory.isRoot {
      changes.append(FileChange(path: directory.path, kind: .deleted))
    }
  }

  /// A directory appeared in a tree: watch it, and report the manifests already in it
  /// (they may have been written before the watch existed).
  private func followNewDirectory(_ path: String, into changes: inout [FileChange]) {
    let before = Set(descriptorByPath.keys)
    do {
      try addTree(path, isRoot: false)
    } catch let error as WatchError {
      lastError = error
      changes.append(.rescan)
    } catch {
      changes.append(.rescan)
    }
    let added = Set(descriptorByPath.keys).subtracting(before).sorted()
    for directory in added {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
      for name in names.sorted() where WatchTargets.isManifestName(name) {
        let file = WatchTargets.join(directory, name)
        if !WatchTargets.isDirectory(file) {
          changes.append(FileChange(path: file, kind: .created))
        }
      }
    }
  }

  /// After an overflow: watch directories that appeared while events were lost.
  private func resynchronize(into changes: inout [FileChange]) {
    for root in roots where WatchTargets.isDirectory(root) {
      do {
        try addTree(root, isRoot: true)
      } catch let error as WatchError {
        lastError = error
      } catch {}
    }
  }

  // MARK: - Watches

  private func addTree(_ path: String, isRoot: Bool) throws {
    guard try addDirectory(path, isTree: true, isRoot: isRoot) else { return }
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    for name in names.sorted() where !WatchTargets.skippedDirectoryNames.contains(name) {
      let child = WatchTargets.join(path, name)
      if WatchTargets.isDirectory(child) {
        try addTree(child, isRoot: false)
      }
    }
  }

  /// Watches one directory. Returns false when it was already watched under another path
  /// (a symlink loop or a second route to the same directory), which stops the recursion.
  @discardableResult
  private func addDirectory(_ path: String, isTree: Bool, isRoot: Bool) throws -> Bool {
    var info = stat()
    guard stat(path, &info) == 0 else {
      throw WatchError.addWatchFailed(path: path, errno: errno)
    }
    let id = FileID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    if let known = descriptorByPath[path], var directory = directories[known], directory.id == id {
      let wasTree = directory.isTree
      directory.isTree = directory.isTree || isTree
      directory.isRoot = directory.isRoot || isRoot
      directories[known] = directory
      // Already watched: descend only if it just became part of a tree.
      return isTree && !wasTree
    }
    if visited[id] != nil { return false }
    guard directories.count < maxDirectories else {
      throw WatchError.tooManyDirectories(limit: maxDirectories)
    }
    let wd = inotify_add_watch(fd, path, Mask.watched)
    guard wd >= 0 else { throw WatchError.addWatchFailed(path: path, errno: errno) }
    directories[wd] = Directory(path: path, id: id, isTree: isTree, isRoot: isRoot)
    descriptorByPath[path] = wd
    visited[id] = path
    return true
  }

  private func removeSubtree(_ path: String) {
    let prefix = path.hasSuffix("/") ? path : path + "/"
    let doomed = descriptorByPath.filter { $0.key == path || $0.key.hasPrefix(prefix) }
    for (_, wd) in doomed {
      // The subtree may still hold file arguments' directories; they stay watched.
      if let directory = directories[wd], !directory.files.isEmpty, !directory.isRoot {
        directories[wd]?.isTree = false
        continue
      }
      _ = inotify_rm_watch(fd, wd)
      forget(descriptor: wd)
    }
  }

  private func forget(descriptor wd: Int32) {
    guard let directory = directories.removeValue(forKey: wd) else { return }
    if descriptorByPath[directory.path] == wd { descriptorByPath[directory.path] = nil }
    if visited[directory.id] == directory.path { visited[directory.id] = nil }
  }

  private func removeAllWatches() {
    for wd in directories.keys { _ = inotify_rm_watch(fd, wd) }
    directories = [:]
    descriptorByPath = [:]
    visited = [:]
    roots = []
    lastError = nil
  }
}
