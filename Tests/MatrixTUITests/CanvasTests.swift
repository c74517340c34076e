import Testing

@testable import MatrixTUI

@Suite struct CanvasTests {
  @Test func drawWritesTextAndReturnsColumns() {
    var canvas = Canvas(width: 10, height: 2)
    let written = canvas.draw("hello", at: 2, y: 1, style: Style.plain.fg(.red))
    #expect(written == 5)
    #expect(canvas.plainText == "\n  hello")
    #expect(canvas[2, 1] == Glyph(char: "h", style: Style(fg: .red)))
    #expect(canvas[1, 1] == .blank)
    #expect(canvas[10, 0] == nil)
  }

  @Test func drawClipsAtCanvasEdges() {
    var canvas = Canvas(width: 5, height: 2)
    #expect(canvas.draw("abcdef", at: 2, y: 0) == 3)
    #expect(canvas.draw("xyz", at: -2, y: 1) == 1)
    #expect(canvas.draw("never", at: 0, y: 2) == 0)
    #expect(canvas.draw("never", at: 0, y: -1) == 0)
    #expect(canvas.draw("never", at: 5, y: 0) == 0)
    #expect(canvas.plainText == "  abc\nz")
  }

  @Test func drawClipsInsideClipRect() {
    var canvas = Canvas(width: 10, height: 3)
    let clip = Rect(x: 3, y: 1, width: 4, height: 1)
    #expect(canvas.draw("0123456789", at: 0, y: 1, clip: clip) == 4)
    #expect(canvas.draw("outside", at: 3, y: 0, clip: clip) == 0)
    #expect(canvas.plainText == "\n   3456\n")
  }

  @Test func controlCharactersAreNeverStoredRaw() {
    var canvas = Canvas(width: 40, height: 1)
    let written = canvas.draw("a\u{1B}[31mb\u{07}\tc\r\n\u{7F}\u{9B}d", at: 0, y: 0)
    #expect(canvas.line(0) == #"a\e[31mb\x07\tc\r\n\x7f\x9bd"#)
    #expect(written == canvas.line(0).count)
    for glyph in canvas.glyphs {
      for scalar in glyph.char.unicodeScalars {
        #expect(scalar.value >= 0x20 && !(0x7F...0x9F).contains(scalar.value))
      }
    }
  }

  @Test func invisibleFormatCharactersAreShownByCodePoint() {
    #expect(String(VisibleText.cells("ab\u{202E}cd")) == #"ab\u202ecd"#)
    #expect(String(VisibleText.cells("x\u{200B}y")) == #"x\u200by"#)
    #expect(VisibleText.width("é✓─") == 3)
    #expect(VisibleText.width("\u{1B}") == 2)
  }

  @Test func theScreenAndTheTextOutputsEscapeNamesAlike() {
    for name in ["evil\u{1B}[2J\u{7}\u{202E}", "tab\there", "bom\u{FEFF}x", "c1\u{9B}31m", "line\u{2028}sep"] {
      var canvas = Canvas(width: 60, height: 1)
      canvas.draw(name, at: 0, y: 0)
      #expect(canvas.line(0).hasPrefix(name.visible), "\(name.visible)")
      #expect(VisibleText.width(name) == name.visible.count)
    }
    #expect("evil\u{1B}[2J\u{7}\u{202E}".visible == #"evil\e[2J\x07\u202e"#)
  }

  @Test func truncationAndPadding() {
    #expect(VisibleText.truncated("namespace", toWidth: 6) == "names…")
    #expect(VisibleText.truncated("short", toWidth: 6) == "short")
    #expect(VisibleText.truncated("abc", toWidth: 1) == "a")
    #expect(VisibleText.padded("ab", toWidth: 4) == "ab  ")
    #expect(VisibleText.padded("abcdef", toWidth: 4) == "abcd")
  }

  @Test func fillAndStylePatching() {
    var canvas = Canvas(width: 6, height: 3)
    canvas.fill(Rect(x: 1, y: 1, width: 10, height: 5), char: ".", style: Style(fg: .blue))
    canvas.setStyle(Rect(x: 0, y: 1, width: 3, height: 1)) { $0.reverse = true }
    #expect(canvas.plainText == "\n .....\n .....")
    #expect(canvas[0, 1]?.style == Style(reverse: true))
    #expect(canvas[1, 1] == Glyph(char: ".", style: Style(fg: .blue, reverse: true)))
    #expect(canvas[3, 1]?.style == Style(fg: .blue))
    canvas.fill(canvas.bounds, char: "\u{07}")
    #expect(canvas.plainText == "\n\n")
  }

  @Test func boxDrawsBorderAndTitle() {
    var canvas = Canvas(width: 12, height: 4)
    let inner = canvas.box(Rect(width: 12, height: 4), title: "Matrix", style: Style(fg: .cyan))
    #expect(inner == Rect(x: 1, y: 1, width: 10, height: 2))
    #expect(
      canvas.plainText == """
        ┌ Matrix ──┐
        │          │
        │          │
        └──────────┘
        """)
    #expect(canvas[0, 0]?.style == Style(fg: .cyan))
  }

  @Test func boxTitleIsCutAndTinyBoxesDrawNothing() {
    var canvas = Canvas(width: 8, height: 3)
    canvas.box(canvas.bounds, title: "Connectivity")
    #expect(canvas.line(0) == "┌ Con… ┐")
    var tiny = Canvas(width: 3, height: 3)
    let inner = tiny.box(Rect(width: 1, height: 3), title: "x")
    #expect(inner.isEmpty)
    #expect(tiny.plainText == "\n\n")
  }

  @Test func plainTextTrimsTrailingSpaces() {
    var canvas = Canvas(width: 5, height: 3)
    canvas.draw("a  ", at: 0, y: 0)
    canvas.draw("b", at: 4, y: 2)
    #expect(canvas.plainText == "a\n\n    b")
  }

  @Test func dumpListsStyledRuns() {
    var canvas = Canvas(width: 6, height: 2)
    canvas.draw("ab", at: 0, y: 0, style: Style(fg: .red, bold: true))
    canvas.draw("cd", at: 2, y: 0, style: Style(fg: .red, bold: true))
    canvas.draw("x", at: 5, y: 0, style: Style(bg: .brightBlue, reverse: true, underline: true))
    canvas.setStyle(Rect(x: 0, y: 1, width: 6, height: 1)) { $0.dim = true }
    #expect(
      canvas.dump == """
        abcd x

        -- styles --
        0,0,4 red default bold
        5,0,1 default brightBlue reverse,underline
        0,1,6 default default dim
        """)
  }

  @Test func asciiModeMapsBoxDrawing() {
    var canvas = Canvas(width: 10, height: 3)
    canvas.box(canvas.bounds, title: "é→", border: .light)
    canvas.draw("✓ ✗ █ …", at: 1, y: 1)
    let ascii = canvas.asciiOnly()
    #expect(
      ascii.plainText == """
        + ?> ----+
        |+ x # . |
        +--------+
        """)
    #expect(ascii.glyphs.allSatisfy { $0.char.isASCII })
    #expect(AsciiFallback.map("┼") == "+")
    #expect(AsciiFallback.map("║") == "|")
    #expect(AsciiFallback.map("━") == "-")
  }

  @Test func changesSincePreviousCanvas() {
    var old = Canvas(width: 4, height: 2)
    old.draw("ab", at: 0, y: 0)
    var new = old
    new.draw("X", at: 1, y: 0)
    new.setStyle(Rect(x: 3, y: 1, width: 1, height: 1)) { $0.bold = true }
    let changes = new.changes(since: old)
    #expect(changes.map { "\($0.x),\($0.y)" } == ["1,0", "3,1"])
    #expect(new.changes(since: nil).count == 8)
    #expect(new.changes(since: Canvas(width: 3, height: 2)).count == 8)
  }

  @Test func negativeSizesAreEmpty() {
    var canvas = Canvas(width: -3, height: 2)
    #expect(canvas.width == 0)
    #expect(canvas.draw("x", at: 0, y: 0) == 0)
    canvas.fill(Rect(width: 5, height: 5))
    canvas.box(Rect(width: 5, height: 5))
    #expect(canvas.plainText == "\n")
  }

  @Test func snapshotOfComposedScreen() {
    var canvas = Canvas(width: 40, height: 12)
    let (main, status) = canvas.bounds.split(atRow: -1)
    let (left, right) = main.split(atColumn: -14)
    let panes = [left, right]
    let matrix = canvas.box(
      panes[0], title: "Matrix", style: Style(fg: .cyan), titleStyle: Style(bold: true))
    canvas.draw("from\\to  web  db", at: matrix.x, y: matrix.y, style: Style(bold: true))
    canvas.draw("web      ✓    ✓", at: matrix.x, y: matrix.y + 1)
    canvas.draw("api      ✗    ✓", at: matrix.x, y: matrix.y + 2)
    canvas.setStyle(matrix.row(2)) { $0.reverse = true }
    canvas.setStyle(Rect(x: matrix.x + 9, y: matrix.y + 2, width: 1, height: 1)) { $0.fg = .red }
    let trace = canvas.box(panes[1], title: "Trace", border: .rounded)
    canvas.draw("deny-all", at: trace.x, y: trace.y, style: Style(fg: .yellow), clip: trace)
    canvas.draw("default deny", at: trace.x, y: trace.y + 1, clip: trace)
    canvas.fill(status, style: Style(bg: .blue))
    canvas.draw(" q quit  ? help", at: status.x, y: status.y, style: Style(fg: .white, bg: .blue))
    assertSnapshot(canvas.dump, named: "composed-40x12")
  }
}
