@testable import MatrixTUI

/// A file watcher for tests: records what it was asked to watch and returns queued changes.
final class FakeWatcher: FileWatcher {
  private(set) var watchedPaths: [[String]] = []
  private var batches: [[FileChange]] = []
  /// Thrown by the next `watch(paths:)`, then cleared.
  var nextWatchError: Error?

  init(batches: [[FileChange]] = []) {
    self.batches = batches
  }

  var fileDescriptor: Int32? { nil }

  /// Queues one batch, returned by one `drainEvents()` call.
  func enqueue(_ changes: FileChange...) { batches.append(changes) }

  func watch(paths: [String]) throws {
    if let error = nextWatchError {
      nextWatchError = nil
      throw error
    }
    watchedPaths.append(paths)
  }

  func drainEvents() -> [FileChange] {
    batches.isEmpty ? [] : batches.removeFirst()
  }
}
