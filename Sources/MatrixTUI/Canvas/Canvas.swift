/// A width x height grid of glyphs that views draw into (modelled on ratatui's `Buffer`).
///
/// Drawing is pure and clipped: nothing is ever written outside the canvas or outside an
/// optional clip rectangle, and text is passed through `VisibleText` so control characters
/// are stored as visible escapes, never raw. Every glyph takes one column; callers should stick
/// to ASCII and narrow Unicode (box drawing, arrows, check marks).
///
/// Only the terminal presenter turns a canvas into output. Tests compare `plainText` or `dump`.
struct Canvas: Equatable, Sendable {
  /// Number of columns.
  let width: Int
  /// Number of rows.
  let height: Int
  /// Row-major cells, `width * height` of them.
  private(set) var glyphs: [Glyph]

  /// A canvas of blank glyphs; negative sizes count as zero.
  init(width: Int, height: Int) {
    self.width = max(0, width)
    self.height = max(0, height)
    glyphs = Array(repeating: .blank, count: self.width * self.height)
  }

  /// The whole canvas as a rectangle.
  var bounds: Rect { Rect(width: width, height: height) }

  /// The glyph at column `x`, row `y`, or nil outside the canvas.
  subscript(x: Int, y: Int) -> Glyph? {
    guard x >= 0, x < width, y >= 0, y < height else { return nil }
    return glyphs[y * width + x]
  }

  /// Stores `glyph` at column `x`, row `y` if that cell exists.
  ///
  /// The character is stored as given (it must be a single, visible, one-column character).
  /// Use `draw` for text that may contain anything.
  mutating func set(_ glyph: Glyph, x: Int, y: Int) {
    guard x >= 0, x < width, y >= 0, y < height else { return }
    glyphs[y * width + x] = glyph
  }

  /// Resets every cell to `Glyph.blank`.
  mutating func clear() {
    for i in glyphs.indices { glyphs[i] = .blank }
  }

  /// Writes `text` on row `y` starting at column `x`, one column per character.
  ///
  /// Characters that fall outside the canvas or outside `clip` are skipped (text may start
  /// left of the visible area). Control characters are written as visible escapes (see
  /// `VisibleText`). Returns the number of cells actually written.
  @discardableResult
  mutating func draw(
    _ text: String, at x: Int, y: Int, style: Style = .plain, clip: Rect? = nil
  ) -> Int {
    let area = clip.map { $0.intersection(bounds) } ?? bounds
    guard y >= area.y, y < area.maxY, x < area.maxX else { return 0 }
    var column = x
    var written = 0
    for char in VisibleText.cells(text) {
      if column >= area.maxX { break }
      if column >= area.x {
        glyphs[y * width + column] = Glyph(char: char, style: style)
        written += 1
      }
      column += 1
    }
    return written
  }

  /// Sets every cell of `rect` (clipped to the canvas) to `char` in `style`.
  ///
  /// `char` is expected to be one visible column; a control character is replaced by a space.
  mutating func fill(_ rect: Rect, char: Character = " ", style: Style = .plain) {
    let area = rect.intersection(bounds)
    let cells = VisibleText.cells(String(char))
    let safe: Character = cells.count == 1 ? cells[0] : " "
    for row in area.y..<area.maxY {
      for column in area.x..<area.maxX {
        glyphs[row * width + column] = Glyph(char: safe, style: style)
      }
    }
  }

  /// Changes the style of every cell in `rect` (clipped), keeping the characters.
  ///
  /// For example, highlight a selected row: `canvas.setStyle(row) { $0.reverse = true }`.
  mutating func setStyle(_ rect: Rect, _ transform: (inout Style) -> Void) {
    let area = rect.intersection(bounds)
    for row in area.y..<area.maxY {
      for column in area.x..<area.maxX {
        transform(&glyphs[row * width + column].style)
      }
    }
  }

  /// Draws a border around `rect` with an optional title on the top edge; returns the inside.
  ///
  /// The title is written as ` Title ` after the top-left corner and cut with `…` when the box
  /// is too narrow. A rectangle smaller than 2x2 draws nothing and has an empty inside. The
  /// inside is not cleared.
  @discardableResult
  mutating func box(
    _ rect: Rect, title: String? = nil, style: Style = .plain, titleStyle: Style? = nil,
    border: BorderSet = .light
  ) -> Rect {
    guard rect.width >= 2, rect.height >= 2 else {
      return Rect(x: rect.x, y: rect.y, width: 0, height: 0)
    }
    let right = rect.maxX - 1
    let bottom = rect.maxY - 1
    for column in (rect.x + 1)..<right {
      set(Glyph(char: border.horizontal, style: style), x: column, y: rect.y)
      set(Glyph(char: border.horizontal, style: style), x: column, y: bottom)
    }
    for row in (rect.y + 1)..<bottom {
      set(Glyph(char: border.vertical, style: style), x: rect.x, y: row)
      set(Glyph(char: border.vertical, style: style), x: right, y: row)
    }
    set(Glyph(char: border.topLeft, style: style), x: rect.x, y: rect.y)
    set(Glyph(char: border.topRight, style: style), x: right, y: rect.y)
    set(Glyph(char: border.bottomLeft, style: style), x: rect.x, y: bottom)
    set(Glyph(char: border.bottomRight, style: style), x: right, y: bottom)
    if let title, !title.isEmpty, rect.width > 4 {
      let room = rect.width - 4
      let text = " " + VisibleText.truncated(title, toWidth: room) + " "
      let edge = Rect(x: rect.x + 1, y: rect.y, width: rect.width - 2, height: 1)
      draw(text, at: rect.x + 1, y: rect.y, style: titleStyle ?? style, clip: edge)
    }
    return rect.inset(by: 1)
  }

  /// The cells that differ from `previous`, row by row; every cell when `previous` is nil or
  /// has another size. This is what a terminal presenter redraws.
  func changes(since previous: Canvas?) -> [(x: Int, y: Int, glyph: Glyph)] {
    var result: [(x: Int, y: Int, glyph: Glyph)] = []
    let sameSize = previous.map { $0.width == width && $0.height == height } ?? false
    for row in 0..<height {
      for column in 0..<width {
        let index = row * width + column
        let glyph = glyphs[index]
        if sameSize, let previous, previous.glyphs[index] == glyph { continue }
        result.append((column, row, glyph))
      }
    }
    return result
  }

  /// A copy with every character mapped to ASCII by `AsciiFallback` (for `--ascii`).
  func asciiOnly() -> Canvas {
    var copy = self
    for i in copy.glyphs.indices where AsciiFallback.needsMapping(copy.glyphs[i].char) {
      copy.glyphs[i].char = AsciiFallback.map(copy.glyphs[i].char)
    }
    return copy
  }

  /// The characters of one row, trailing spaces removed.
  func line(_ y: Int) -> String {
    guard y >= 0, y < height else { return "" }
    var text = String(glyphs[(y * width)..<(y * width + width)].map(\.char))
    while text.last == " " { text.removeLast() }
    return text
  }

  /// All rows joined with newlines, trailing spaces removed from each row.
  var plainText: String {
    (0..<height).map(line).joined(separator: "\n")
  }

  /// `plainText`, then a `-- styles --` line, then one line per run of equally styled cells
  /// that is not `Style.plain`: `x,y,len fg bg attrs` (attrs like `bold,reverse`, or `-`).
  ///
  /// Runs never wrap across rows. This is the format of the view snapshots.
  var dump: String {
    var lines = [plainText, "-- styles --"]
    for row in 0..<height {
      var column = 0
      while column < width {
        let style = glyphs[row * width + column].style
        var end = column + 1
        while end < width, glyphs[row * width + end].style == style { end += 1 }
        if !style.isPlain {
          lines.append(
            "\(column),\(row),\(end - column) \(style.fg.name) \(style.bg.name) "
              + style.attributesDescription)
        }
        column = end
      }
    }
    return lines.joined(separator: "\n")
  }
}
