/// How much of a row or column of space one part of a layout takes (ratatui's `Constraint`).
enum Constraint: Hashable, Sendable {
  /// Exactly this many cells.
  case length(Int)
  /// This percentage of the whole space (rounded down).
  case percentage(Int)
  /// At least this many cells; grows like `fill(1)` when space is left.
  case min(Int)
  /// A share of the space left after the other constraints, by weight.
  case fill(Int)
}

extension Rect {
  /// Splits into rows, top to bottom, one per constraint.
  ///
  /// Fixed sizes are taken first, then the space left is shared by `fill` and `min` weights
  /// (remainders go to the earliest). When the constraints ask for more than there is, earlier
  /// parts win and later ones shrink, down to empty. Always returns `constraints.count` rects.
  func rows(_ constraints: [Constraint], spacing: Int = 0) -> [Rect] {
    Layout.sizes(constraints, total: height, spacing: spacing).map {
      Rect(x: x, y: y + $0.offset, width: width, height: $0.size)
    }
  }

  /// Splits into columns, left to right, one per constraint (see `rows(_:spacing:)`).
  func columns(_ constraints: [Constraint], spacing: Int = 0) -> [Rect] {
    Layout.sizes(constraints, total: width, spacing: spacing).map {
      Rect(x: x + $0.offset, y: y, width: $0.size, height: height)
    }
  }
}

/// The one-dimensional solver behind `Rect.rows` and `Rect.columns`.
enum Layout {
  /// Offsets and sizes along one axis of length `total`.
  static func sizes(
    _ constraints: [Constraint], total: Int, spacing: Int = 0
  ) -> [(offset: Int, size: Int)] {
    let total = Swift.max(0, total)
    let gap = Swift.max(0, spacing)
    let gaps = gap * Swift.max(0, constraints.count - 1)
    var sizes = constraints.map { constraint -> Int in
      switch constraint {
      case .length(let n), .min(let n): return Swift.max(0, n)
      case .percentage(let p): return total * Swift.min(Swift.max(0, p), 100) / 100
      case .fill: return 0
      }
    }
    let weights = constraints.map { constraint -> Int in
      switch constraint {
      case .fill(let w): return Swift.max(0, w)
      case .min: return 1
      default: return 0
      }
    }
    let left = total - gaps - sizes.reduce(0, +)
    let weightSum = weights.reduce(0, +)
    if left > 0, weightSum > 0 {
      var given = 0
      for i in sizes.indices where weights[i] > 0 {
        let share = left * weights[i] / weightSum
        sizes[i] += share
        given += share
      }
      var extra = left - given
      for i in sizes.indices where weights[i] > 0 && extra > 0 {
        sizes[i] += 1
        extra -= 1
      }
    }
    var result: [(offset: Int, size: Int)] = []
    var position = 0
    for (i, size) in sizes.enumerated() {
      let start = Swift.min(position, total)
      let clamped = Swift.min(size, total - start)
      result.append((start, clamped))
      position = start + clamped + (i < sizes.count - 1 ? gap : 0)
    }
    return result
  }
}
