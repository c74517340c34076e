/// Reports changes to the manifests the app shows (a port: `InotifyWatcher`,
/// `PollingWatcher`, and `FakeWatcher` in tests).
///
/// Paths are command-line arguments: a file argument is watched by name in its directory (so
/// saves by rename and re-creation are seen); a directory argument covers every `*.yaml`,
/// `*.yml` and `*.json` below it, including directories created later.
protocol FileWatcher: AnyObject {
  /// Readable when changes are waiting (poll it in the event loop); nil for watchers the
  /// loop must call on a timer.
  var fileDescriptor: Int32? { get }
  /// Starts watching `paths`, replacing whatever was watched before.
  func watch(paths: [String]) throws
  /// The changes since the last call, one per path, without blocking.
  func drainEvents() -> [FileChange]
}
