import PolicyKit

/// The parts of `diff --format html` that follow the grid (`HTMLPage` with the change): the
/// endpoints that came and went, the changed cells counted per pair of groups, then every
/// changed cell with its verdict (or allowed set) before and after and what decided each side,
/// written as the cells are found. Plain HTML, every name escaped.
struct DiffPage {
  let text: DiffText
  /// The expectations broken by the change (and before it), with `--expect`.
  var expectations: String? = nil

  func writeSections(to out: ByteWriter) {
    let e = { MarkupEscaping.html($0) }
    var html = "<section id=\"change\">\n"
    for (word, ids) in [("added", text.diff.added), ("removed", text.diff.removed)] where !ids.isEmpty {
      html += "<p class=\"ids\">\(word): " + ids.map { "<code>\(e($0))</code>" }.joined(separator: ", ") + "</p>\n"
    }
    let (opened, closed) = text.newer.matrix != nil ? ("allowed now", "denied now") : ("allow more", "allow less")
    let glyphs = Glyphs.unicode
    html += "<h2>changed cells per pair</h2>\n<table class=\"list\" id=\"pairs\"><thead><tr><th>source</th>"
    html += "<th>destination</th><th class=\"opened\">\(glyphs.opened) \(opened)</th>"
    html += "<th class=\"closed\">\(glyphs.closed) \(closed)</th></tr></thead><tbody>\n"
    for (source, destination, up, down) in text.groupCounts {
      html += "<tr><td>\(e(source.name))</td><td>\(e(destination.name))</td><td class=\"n\">\(up)</td>"
      html += "<td class=\"n\">\(down)</td></tr>\n"
    }
    html += "<tr><th colspan=\"2\">total</th><td class=\"n\">\(text.totals.opened)</td>"
    html += "<td class=\"n\">\(text.totals.closed)</td></tr></tbody></table>\n"
    if let expectations {
      html += "<h2>expectations</h2>\n<pre class=\"list\" id=\"expectations\">\(e(expectations))</pre>\n"
    }
    out.write(html)
    writeCells(to: out)
    out.write("</section>\n")
  }

  /// Every changed cell, one row each, in the newer version's row and column order.
  private func writeCells(to out: ByteWriter) {
    let e = { MarkupEscaping.html($0) }
    let glyphs = Glyphs.unicode
    var html = "<h2>changed cells</h2>\n<table class=\"list\" id=\"changes\"><thead><tr><th></th><th>from</th>"
    html += "<th>to</th><th>before</th><th>after</th>"
    if text.newer.matrix != nil { html += "<th>decided before</th><th>decided after</th>" }
    out.write(html + "</tr></thead><tbody>\n")
    text.forEachRow { row in
      let (mark, kind) = row.opens ? (glyphs.opened, "opened") : (glyphs.closed, "closed")
      var line = "<tr class=\"\(kind)\"><td>\(mark)</td><td>\(e(row.source))</td><td>\(e(row.destination))</td>"
      line += "<td>\(e(row.before))</td><td>\(e(row.after))</td>"
      if let before = row.reasonBefore, let after = row.reasonAfter {
        line += "<td>\(e(before))\(Self.at(row.atBefore))</td><td>\(e(after))\(Self.at(row.atAfter))</td>"
      }
      out.write(line + "</tr>\n")
      return true
    }
    out.write("</tbody></table>\n")
  }

  private static func at(_ location: SourceLocation?) -> String {
    location.map { " <span class=\"loc\">\(MarkupEscaping.html($0.shortDescription))</span>" } ?? ""
  }
}
