@testable import MatrixTUI

/// A signal source for tests: returns queued signals.
final class FakeSignals: SignalSource {
  private var batches: [[SignalKind]]

  init(_ batches: [[SignalKind]] = []) {
    self.batches = batches
  }

  var fileDescriptor: Int32? { nil }

  func enqueue(_ kinds: SignalKind...) { batches.append(kinds) }

  func drainSignals() -> [SignalKind] {
    batches.isEmpty ? [] : batches.removeFirst()
  }
}
