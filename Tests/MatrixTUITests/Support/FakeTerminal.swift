@testable import MatrixTUI

/// A terminal for tests: a fixed size, scripted input, and every presented canvas kept.
///
/// Each `readInput()` returns the next scripted step; a `.resize` step changes `size` first.
/// It has no descriptor, so `EventLoop` returns its input without waiting.
final class FakeTerminal: Terminal {
  /// One scripted `readInput()` result.
  enum Step: Hashable {
    case keys([Key])
    case resize(width: Int, height: Int)
  }

  private(set) var size: (width: Int, height: Int)
  private var script: [Step]
  /// Every canvas passed to `present`, oldest first.
  private(set) var presented: [Canvas] = []
  private(set) var suspendCount = 0
  private(set) var restoreCount = 0

  init(width: Int = 80, height: Int = 24, script: [Step] = []) {
    size = (width, height)
    self.script = script
  }

  /// Convenience: one step per key.
  convenience init(width: Int = 80, height: Int = 24, keys: [Key]) {
    self.init(width: width, height: height, script: keys.map { .keys([$0]) })
  }

  /// The last presented canvas.
  var screen: Canvas? { presented.last }

  var inputFD: Int32? { nil }

  /// Appends steps to the script.
  func enqueue(_ steps: Step...) { script += steps }

  func readInput() -> [Key] {
    guard !script.isEmpty else { return [] }
    switch script.removeFirst() {
    case .keys(let keys):
      return keys
    case .resize(let width, let height):
      size = (width, height)
      return [.resize]
    }
  }

  func present(_ canvas: Canvas) { presented.append(canvas) }
  func suspend() { suspendCount += 1 }
  func restore() { restoreCount += 1 }
}
