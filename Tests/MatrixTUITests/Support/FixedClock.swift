@testable import MatrixTUI

/// A clock for tests that only moves when told to.
final class FixedClock: MatrixTUI.Clock {
  var now: Double

  init(now: Double = 1000) {
    self.now = now
  }

  /// Moves time forward by `seconds`.
  func advance(by seconds: Double) { now += seconds }
}
