/// A rectangle of terminal cells: columns `x..<x+width`, rows `y..<y+height`.
///
/// Width and height are never negative (the initializer clamps them to zero). Splitting never
/// produces cells outside the original rectangle: offsets are clamped to its bounds.
struct Rect: Hashable, Sendable, CustomStringConvertible {
  var x: Int
  var y: Int
  var width: Int
  var height: Int

  /// The empty rectangle at the origin.
  static let zero = Rect(x: 0, y: 0, width: 0, height: 0)

  init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = max(0, width)
    self.height = max(0, height)
  }

  /// A rectangle at the origin, e.g. a whole screen.
  init(width: Int, height: Int) {
    self.init(x: 0, y: 0, width: width, height: height)
  }

  /// One past the last column.
  var maxX: Int { x + width }
  /// One past the last row.
  var maxY: Int { y + height }
  /// Whether the rectangle has no cells.
  var isEmpty: Bool { width == 0 || height == 0 }
  /// The number of cells.
  var area: Int { width * height }

  var description: String { "\(x),\(y) \(width)x\(height)" }

  /// Whether the cell at column `x`, row `y` lies inside.
  func contains(x px: Int, y py: Int) -> Bool {
    px >= x && px < maxX && py >= y && py < maxY
  }

  /// The cells in both rectangles; an empty rectangle when they do not overlap.
  func intersection(_ other: Rect) -> Rect {
    let left = max(x, other.x)
    let top = max(y, other.y)
    let right = min(maxX, other.maxX)
    let bottom = min(maxY, other.maxY)
    if right <= left || bottom <= top {
      return Rect(x: left, y: top, width: 0, height: 0)
    }
    return Rect(x: left, y: top, width: right - left, height: bottom - top)
  }

  /// The rectangle shrunk by `amount` cells on every side (a box's inner area for 1).
  func inset(by amount: Int) -> Rect {
    inset(top: amount, left: amount, bottom: amount, right: amount)
  }

  /// The rectangle shrunk on each side; it never grows and never has negative size.
  func inset(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) -> Rect {
    let dx = min(max(0, left), width)
    let dy = min(max(0, top), height)
    return Rect(
      x: x + dx, y: y + dy,
      width: width - dx - max(0, right),
      height: height - dy - max(0, bottom))
  }

  /// Splits into the first `offset` columns and the rest.
  ///
  /// A negative `offset` counts from the right edge: `split(atColumn: -20)` gives a right part
  /// 20 columns wide. The offset is clamped to `0...width`.
  func split(atColumn offset: Int) -> (left: Rect, right: Rect) {
    let cut = Rect.clampedOffset(offset, length: width)
    return (
      Rect(x: x, y: y, width: cut, height: height),
      Rect(x: x + cut, y: y, width: width - cut, height: height)
    )
  }

  /// Splits into the first `offset` rows and the rest.
  ///
  /// A negative `offset` counts from the bottom: `split(atRow: -1)` separates a one-line
  /// status bar. The offset is clamped to `0...height`.
  func split(atRow offset: Int) -> (top: Rect, bottom: Rect) {
    let cut = Rect.clampedOffset(offset, length: height)
    return (
      Rect(x: x, y: y, width: width, height: cut),
      Rect(x: x, y: y + cut, width: width, height: height - cut)
    )
  }

  /// The single row at `offset` from the top (empty if outside).
  func row(_ offset: Int) -> Rect {
    guard offset >= 0, offset < height else { return Rect(x: x, y: y, width: width, height: 0) }
    return Rect(x: x, y: y + offset, width: width, height: 1)
  }

  /// A rectangle of at most the given size centred inside this one (for overlays).
  func centered(width w: Int, height h: Int) -> Rect {
    let cw = min(max(0, w), width)
    let ch = min(max(0, h), height)
    return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
  }

  private static func clampedOffset(_ offset: Int, length: Int) -> Int {
    let raw = offset < 0 ? length + offset : offset
    return min(max(0, raw), length)
  }
}
