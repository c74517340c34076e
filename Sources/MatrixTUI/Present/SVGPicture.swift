import PolicyKit

/// `eval --format svg`: a static picture of the grid for a slide, or of the pairs of groups
/// (namespaces, host endpoints, network sets) with their counts when there are many
/// endpoints; the explorer's colours and marks, and a legend. Names are escaped for XML.
struct SVGPicture {
  let picture: MatrixPicture
  /// Above this many endpoints the picture shows pairs of groups.
  static let gridLimit = 80
  /// The largest size on a slide; the picture keeps its proportions within it.
  static let slide = (width: 1600.0, height: 900.0)

  private static let charWidth = 6.6
  private static let colours = (allowed: "#2da44e", denied: "#cf222e", some: "#d4a72c", selfCell: "#d0d7de")

  var showsGroups: Bool { picture.shown.count > Self.gridLimit }

  func write(to out: ByteWriter) {
    let labels = showsGroups ? picture.groups.map(\.name) : picture.shown.map { picture.endpoints[$0].id }
    let rowLabels = (showsGroups ? Array(picture.groups.indices) : picture.rows).map { Self.clipped(labels[$0]) }
    let columnLabels = (showsGroups ? Array(picture.groups.indices) : picture.columns).map { Self.clipped(labels[$0]) }
    let cell = showsGroups ? 56.0 : 16.0
    let left = 12 + Self.charWidth * Double(rowLabels.map(\.count).max() ?? 0)
    let top = 48 + Self.charWidth * Double(columnLabels.map(\.count).max() ?? 0)
    let headline = 16 + 8 * Double(picture.text.headline.count)
    let width = max(left + cell * Double(columnLabels.count) + 12, 560, headline)
    let height = top + cell * Double(rowLabels.count) + 56
    let scale = min(Self.slide.width / width, Self.slide.height / height)
    var head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    head += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.number(width * scale))\" "
    head += "height=\"\(Self.number(height * scale))\" viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" "
    head += "font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"11\">\n"
    head += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
    head += "<text x=\"8\" y=\"18\" font-size=\"13\" font-weight=\"bold\">\(e(picture.text.headline))</text>\n"
    for (at, line) in picture.text.whatIfLines.enumerated() {
      head += "<text x=\"8\" y=\"\(32 + 12 * at)\" fill=\"#9a6700\">\(e(line))</text>\n"
    }
    out.write(head)
    for (at, label) in columnLabels.enumerated() {
      let x = left + cell * Double(at) + cell / 2 + 4
      out.write(
        "<text transform=\"translate(\(Self.number(x)),\(Self.number(top - 4))) rotate(-90)\">\(e(label))</text>\n")
    }
    for (at, label) in rowLabels.enumerated() {
      let y = top + cell * Double(at) + cell / 2 + 4
      out.write("<text x=\"\(Self.number(left - 6))\" y=\"\(Self.number(y))\" text-anchor=\"end\">\(e(label))</text>\n")
    }
    if showsGroups {
      writeGroups(left: left, top: top, cell: cell, to: out)
    } else {
      writeGrid(left: left, top: top, to: out)
    }
    writeLegend(y: height - 20, to: out)
    out.write("</svg>\n")
  }

  private func e(_ text: String) -> String { MarkupEscaping.html(text) }

  private func writeGrid(left: Double, top: Double, to out: ByteWriter) {
    let glyphs = Glyphs.unicode
    let ids = picture.shown.map { picture.endpoints[$0].id }
    for (y, row) in picture.rows.enumerated() {
      var line = "<g transform=\"translate(\(Self.number(left)),\(Self.number(top + 16 * Double(y))))\">"
      for (x, column) in picture.columns.enumerated() {
        let mark = picture.mark(row, column)
        let (fill, sign, word) =
          mark.map { (colour($0), glyph($0), picture.word($0)) } ?? (Self.colours.selfCell, glyphs.selfCell, "self")
        line += "<g transform=\"translate(\(16 * x),0)\"><title>\(e(ids[row])) → \(e(ids[column])): \(word)</title>"
        line += "<rect width=\"15\" height=\"15\" fill=\"\(fill)\"/>"
        let ink = mark == nil ? "#57606a" : "#ffffff"
        line += "<text x=\"7.5\" y=\"11.5\" text-anchor=\"middle\" fill=\"\(ink)\">\(sign)</text></g>"
      }
      out.write(line + "</g>\n")
    }
  }

  private func writeGroups(left: Double, top: Double, cell: Double, to out: ByteWriter) {
    let tallies = picture.tallies()
    let count = picture.groups.count
    for a in 0..<count {
      var line = "<g transform=\"translate(\(Self.number(left)),\(Self.number(top + cell * Double(a))))\">"
      for b in 0..<count {
        let tally = tallies[a * count + b]
        let x = Self.number(cell * Double(b))
        guard tally.total > 0 else {
          line += "<rect x=\"\(x)\" width=\"\(cell - 1)\" height=\"\(cell - 1)\" fill=\"#f6f8fa\"/>"
          continue
        }
        let mark: MatrixPicture.Mark =
          tally.allowed == tally.total ? .allowed : tally.denied == tally.total ? .denied : .some
        let names = "\(e(picture.groups[a].name)) → \(e(picture.groups[b].name))"
        line += "<g transform=\"translate(\(x),0)\"><title>\(names): \(tally.allowed + tally.some) of \(tally.total) "
        line += "allowed</title><rect width=\"\(cell - 1)\" height=\"\(cell - 1)\" fill=\"\(colour(mark))\"/>"
        line +=
          "<text x=\"\(cell / 2)\" y=\"\(cell / 2 - 4)\" text-anchor=\"middle\" fill=\"#ffffff\">\(glyph(mark))</text>"
        line +=
          "<text x=\"\(cell / 2)\" y=\"\(cell / 2 + 12)\" text-anchor=\"middle\" fill=\"#ffffff\" font-size=\"10\">"
        line += "\(tally.allowed + tally.some)/\(tally.total)</text></g>"
      }
      out.write(line + "</g>\n")
    }
  }

  private func writeLegend(y: Double, to out: ByteWriter) {
    var entries: [(String, String, String)] = [
      (Self.colours.allowed, glyph(.allowed), picture.word(.allowed)),
      (Self.colours.denied, glyph(.denied), picture.word(.denied)),
    ]
    if picture.isAny || showsGroups {
      entries.append((Self.colours.some, glyph(.some), showsGroups ? "some cells allowed (n/total)" : "some ports"))
    }
    entries.append((Self.colours.selfCell, Glyphs.unicode.selfCell, "self"))
    var x = 8.0
    var line = "<g transform=\"translate(0,\(Self.number(y)))\">"
    for (fill, mark, word) in entries {
      line += "<rect x=\"\(Self.number(x))\" y=\"-11\" width=\"15\" height=\"15\" fill=\"\(fill)\"/>"
      let ink = fill == Self.colours.selfCell ? "#57606a" : "#ffffff"
      line += "<text x=\"\(Self.number(x + 7.5))\" y=\"1\" text-anchor=\"middle\" fill=\"\(ink)\">\(mark)</text>"
      line += "<text x=\"\(Self.number(x + 20))\" y=\"1\">\(e(word))</text>"
      x += 34 + Self.charWidth * Double(word.count)
    }
    out.write(line + "</g>\n")
  }

  private func colour(_ mark: MatrixPicture.Mark) -> String {
    switch mark {
    case .allowed: Self.colours.allowed
    case .denied: Self.colours.denied
    case .some: Self.colours.some
    }
  }

  private func glyph(_ mark: MatrixPicture.Mark) -> String {
    let glyphs = Glyphs.unicode
    switch mark {
    case .allowed: return glyphs.allowed
    case .denied: return glyphs.denied
    case .some: return glyphs.some
    }
  }

  private static func clipped(_ text: String) -> String {
    let visible = text.visible
    return visible.count <= 40 ? visible : String(visible.prefix(39)) + "…"
  }

  private static func number(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
  }
}
