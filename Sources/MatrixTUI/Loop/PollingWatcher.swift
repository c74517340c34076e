import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Watches manifests by comparing modification time, size and inode on a timer: the fallback
/// where inotify is unavailable (or exhausted), with the same relevance rules.
///
/// It has no descriptor; `EventLoop` calls `drainEvents()` at least every `pollIntervalMs`,
/// and the scan itself runs at most once per `interval` seconds of `clock` time. A file
/// replaced by a rename (new inode) is reported as `.renamed`, a changed one as `.modified`.
final class PollingWatcher: FileWatcher {
  /// Minimum seconds between two scans.
  let interval: Double
  private let clock: Clock
  private var targets = WatchTargets()
  private var snapshot: [String: Stamp] = [:]
  private var rootsPresent: Set<String> = []
  private var lastScan = -Double.infinity

  /// What is compared between scans.
  private struct Stamp: Equatable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var seconds: Int
    var nanoseconds: Int
  }

  init(clock: Clock, interval: Double = 0.5) {
    self.clock = clock
    self.interval = interval
  }

  var fileDescriptor: Int32? { nil }

  func watch(paths: [String]) throws {
    targets = try WatchTargets.resolve(paths)
    (snapshot, rootsPresent) = scan()
    lastScan = clock.now
  }

  func drainEvents() -> [FileChange] {
    let now = clock.now
    guard now - lastScan >= interval else { return [] }
    lastScan = now
    let (current, roots) = scan()
    var changes: [FileChange] = []
    for path in Set(snapshot.keys).union(current.keys).sorted() {
      switch (snapshot[path], current[path]) {
      case (nil, .some):
        changes.append(FileChange(path: path, kind: .created))
      case (.some, nil):
        changes.append(FileChange(path: path, kind: .deleted))
      case (.some(let old), .some(let new)) where old != new:
        let replaced = old.inode != new.inode || old.device != new.device
        changes.append(FileChange(path: path, kind: replaced ? .renamed : .modified))
      default:
        break
      }
    }
    for root in rootsPresent.subtracting(roots).sorted() {
      changes.append(FileChange(path: root, kind: .deleted))
    }
    snapshot = current
    rootsPresent = roots
    return changes
  }

  // MARK: - Scanning

  private func scan() -> ([String: Stamp], Set<String>) {
    var result: [String: Stamp] = [:]
    var seen = Set<String>()
    for file in targets.files where result[file.argument] == nil {
      if let stamp = stamp(file.argument) { result[file.argument] = stamp }
    }
    var roots = Set<String>()
    for root in targets.directories where WatchTargets.isDirectory(root) {
      roots.insert(root)
      walk(root, into: &result, seen: &seen)
    }
    return (result, roots)
  }

  private func walk(
    _ directory: String, into result: inout [String: Stamp], seen: inout Set<String>
  ) {
    // Guard against symlink loops: each real directory is read once.
    let real = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
    guard seen.insert(real).inserted else { return }
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    for name in names.sorted() {
      let path = WatchTargets.join(directory, name)
      if WatchTargets.isDirectory(path) {
        if !WatchTargets.skippedDirectoryNames.contains(name) {
          walk(path, into: &result, seen: &seen)
        }
      } else if WatchTargets.isManifestName(name), let stamp = stamp(path) {
        result[path] = stamp
      }
    }
  }

  private func stamp(_ path: String) -> Stamp? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return Stamp(
      device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
      seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec))
  }
}
