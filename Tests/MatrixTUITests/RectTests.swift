import Testing

@testable import MatrixTUI

@Suite struct RectTests {
  @Test func basics() {
    let rect = Rect(x: 2, y: 3, width: 4, height: 5)
    #expect(rect.maxX == 6 && rect.maxY == 8 && rect.area == 20)
    #expect(rect.contains(x: 2, y: 3))
    #expect(rect.contains(x: 5, y: 7))
    #expect(!rect.contains(x: 6, y: 3))
    #expect(!rect.contains(x: 1, y: 3))
    #expect(Rect(x: 0, y: 0, width: -1, height: 4).isEmpty)
    #expect(Rect(width: 3, height: 0).isEmpty)
    #expect(!rect.isEmpty)
  }

  @Test func insetNeverGoesNegative() {
    let rect = Rect(x: 0, y: 0, width: 10, height: 4)
    #expect(rect.inset(by: 1) == Rect(x: 1, y: 1, width: 8, height: 2))
    #expect(rect.inset(by: 3).height == 0)
    #expect(rect.inset(top: 1, left: 2) == Rect(x: 2, y: 1, width: 8, height: 3))
    #expect(Rect(width: 1, height: 1).inset(by: 5).isEmpty)
  }

  @Test func intersection() {
    let a = Rect(x: 0, y: 0, width: 5, height: 5)
    #expect(
      a.intersection(Rect(x: 3, y: 4, width: 5, height: 5)) == Rect(x: 3, y: 4, width: 2, height: 1)
    )
    #expect(a.intersection(Rect(x: 6, y: 0, width: 2, height: 2)).isEmpty)
  }

  @Test func splitAtColumnAndRow() {
    let rect = Rect(x: 1, y: 1, width: 10, height: 6)
    let (left, right) = rect.split(atColumn: 4)
    #expect(left == Rect(x: 1, y: 1, width: 4, height: 6))
    #expect(right == Rect(x: 5, y: 1, width: 6, height: 6))
    let (top, bottom) = rect.split(atRow: -1)
    #expect(top == Rect(x: 1, y: 1, width: 10, height: 5))
    #expect(bottom == Rect(x: 1, y: 6, width: 10, height: 1))
    #expect(rect.split(atColumn: 99).right.isEmpty)
    #expect(rect.split(atColumn: -99).left.isEmpty)
  }

  @Test func rowAndCentered() {
    let rect = Rect(x: 2, y: 2, width: 10, height: 4)
    #expect(rect.row(1) == Rect(x: 2, y: 3, width: 10, height: 1))
    #expect(rect.row(4).isEmpty)
    #expect(rect.centered(width: 4, height: 2) == Rect(x: 5, y: 3, width: 4, height: 2))
    #expect(rect.centered(width: 40, height: 40) == rect)
  }
}
