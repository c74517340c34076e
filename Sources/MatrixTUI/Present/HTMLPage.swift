import PolicyKit

/// `eval --format html`: one page that works offline, written as it is made. The grid is the
/// explorer's (same order and groups, colours and marks), drawn by the page's own script from
/// data carried in the page: each distinct cell entry (verdict, reason, whole trace) once, and
/// per pair of endpoint classes the number of its entry. A large matrix opens zoomed out to
/// pairs of groups; one too large to carry cell by cell carries the counts only.
///
/// Every text from the manifests reaches the page escaped (`MarkupEscaping`) and is drawn as
/// text; a Content Security Policy lets nothing load and nothing run but the page's script.
struct HTMLPage {
  let picture: MatrixPicture
  /// What follows `matrix-tui trace --from A --to B` to trace a cell of this page (the probe,
  /// view, trap and paths), shown when the page carries a cell's reason but not its trace.
  var traceArguments: String
  /// With `diff --format html`: the change, whose cells the grid marks (▲ allowed now, ▼
  /// denied now; with `any`, ◆) and whose counts and list follow the grid.
  var change: DiffText? = nil
  /// With `diff --expect`: the expectations the change broke, as `diff` words them.
  var expectations: String? = nil
  /// Pages with more endpoints than this open zoomed out to pairs of groups.
  static let zoomOutAbove = 150

  /// The Content Security Policy: nothing fetched, connected or framed; only this page's own
  /// style sheet and script, named by their hashes.
  static var contentSecurityPolicy: String {
    "default-src 'none'; script-src \(SHA256.cspSource(HTMLPageAssets.script)); "
      + "style-src \(SHA256.cspSource(HTMLPageAssets.style)); img-src 'none'; connect-src 'none'; "
      + "font-src 'none'; form-action 'none'; base-uri 'none'"
  }

  func write(to out: ByteWriter) {
    writeHead(to: out)
    if let change { DiffPage(text: change, expectations: expectations).writeSections(to: out) }
    out.write(#"<script type="application/json" id="data">"#)
    writeData(to: out)
    out.write("</script>\n<script>")
    out.write(HTMLPageAssets.script)
    out.write("</script>\n</body>\n</html>\n")
  }

  /// The document's head and the parts of the body that do not change: the headline, the
  /// what-if lines, the legend, the filter box and the places of the grid and the trace.
  private func writeHead(to out: ByteWriter) {
    let text = picture.text
    let e = { MarkupEscaping.html($0) }
    var html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    html += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(Self.contentSecurityPolicy)\">\n"
    html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    html += "<meta name=\"generator\" content=\"matrix-tui\">\n"
    html += "<title>matrix-tui: \(e(picture.probeText)) \(picture.view.rawValue)</title>\n"
    html += "<style>\(HTMLPageAssets.style)</style>\n</head>\n<body>\n<header>\n"
    if let change {
      html += "<h1 id=\"headline\">\(e(change.headline))</h1>\n<p>now: \(e(text.headline))</p>\n"
    } else {
      html += "<h1 id=\"headline\">\(e(text.headline))</h1>\n"
    }
    for line in text.whatIfLines { html += "<p class=\"whatif\">\(e(line))</p>\n" }
    let glyphs = Glyphs.unicode
    html += "<div class=\"legend\"><span class=\"v-allow\">\(glyphs.allowed) \(picture.word(.allowed))</span>"
    html += "<span class=\"v-deny\">\(glyphs.denied) \(picture.word(.denied))</span>"
    let some = picture.isAny ? "some ports" : "some cells (namespace pairs)"
    html += "<span class=\"v-some\">\(glyphs.some) \(some)</span>"
    html += "<span class=\"self\">\(glyphs.selfCell) self</span>"
    if change != nil {
      let marks =
        picture.isAny
        ? "\(glyphs.changed) allows other connections than before"
        : "\(glyphs.opened) allowed now, \(glyphs.closed) denied now"
      html += "<span class=\"changed\">\(marks)</span>"
    }
    html += "<span>arrows move, Enter opens, Escape closes, z zooms, / filters</span></div>\n"
    html += "<div class=\"tools\"><input id=\"filter\" type=\"search\" autocomplete=\"off\" "
    html += "placeholder=\"/ filter: part of an id, or a selector (app == 'web')\" aria-label=\"filter\">"
    html += "<span id=\"filter-note\"></span><button id=\"zoom\" type=\"button\"></button>"
    html += "<span id=\"where\"></span></div>\n"
    html += "<div id=\"status\" role=\"status\"></div>\n</header>\n"
    html += "<main><div id=\"grid\" tabindex=\"0\"></div><aside id=\"trace\" hidden></aside></main>\n"
    out.write(html)
  }

  /// The data the script draws from, as JSON (every string escaped for a script element).
  private func writeData(to out: ByteWriter) {
    let s = MarkupEscaping.scriptJSON
    let fits = PageCells.fits(picture)
    out.write(
      "{\"any\":\(picture.isAny),\"probe\":\(s(picture.text.matrix?.probe.argument ?? "any")),"
        + "\"paths\":\(s(traceArguments)),\"zoomOut\":\(picture.shown.count > Self.zoomOutAbove || !fits),"
        + "\"digits\":\(s(String(decoding: PageCells.alphabet, as: UTF8.self))),\"groups\":["
        + picture.groups.map { s($0.name.visible) }.joined(separator: ",") + "],\"endpoints\":[")
    writeEndpoints(to: out)
    out.write("],\"rows\":[\(picture.rows.map(String.init).joined(separator: ","))]")
    out.write(",\"cols\":[\(picture.columns.map(String.init).joined(separator: ","))],\"tallies\":[")
    out.write(picture.tallies().map { "\($0.allowed),\($0.some),\($0.denied)" }.joined(separator: ","))
    writeChanges(to: out)
    guard fits else {
      out.write("],\"classes\":0,\"width\":1,\"cells\":\"\",\"self\":\"\",\"entries\":[]}")
      return
    }
    let cells = PageCells(picture)
    let width = cells.width
    out.write("],\"classes\":\(picture.classCount),\"width\":\(width),\"traces\":\(cells.hasTraces),\"cells\":\"")
    PageCells.write(cells.codes, width: width, to: out)
    out.write("\",\"self\":\"")
    PageCells.write(cells.selfCodes, width: width, to: out)
    out.write("\",\"entries\":[\n")
    for (at, entry) in cells.entries.enumerated() {
      out.write(at == 0 ? entry : ",\n" + entry)
    }
    out.write("]}")
  }

  /// `],"changes":[[row, column, opens, before, reason before]...` for the changed cells
  /// (positions among the shown endpoints; `opens` 1 when the cell allows more now), written
  /// as the change finds them.
  private func writeChanges(to out: ByteWriter) {
    out.write("],\"changes\":[")
    guard let change else { return }
    let s = MarkupEscaping.scriptJSON
    let evaluator = picture.text.evaluator
    var position: [Int: Int] = [:]
    for (at, index) in picture.shown.enumerated() { position[index] = at }
    var first = true
    change.forEachRow { row in
      guard let source = evaluator.index[row.source].flatMap({ position[$0] }),
        let destination = evaluator.index[row.destination].flatMap({ position[$0] })
      else { return true }
      let reason = row.reasonBefore.map { s($0.visible + (row.atBefore.map { "  (\($0.shortDescription))" } ?? "")) }
      out.write(
        (first ? "" : ",") + "[\(source),\(destination),\(row.opens ? 1 : 0),\(s(row.before)),\(reason ?? "null")]")
      first = false
      return true
    }
  }

  /// `[id, group, class, summary, labels, address, {selector labels}]` per shown endpoint.
  private func writeEndpoints(to out: ByteWriter) {
    let s = MarkupEscaping.scriptJSON
    for (at, index) in picture.shown.enumerated() {
      let endpoint = picture.endpoints[index]
      let labels = endpoint.selectorLabels.sorted { $0.key < $1.key }.map { "\(s($0.key)):\(s($0.value))" }
      var line = at == 0 ? "" : ",\n"
      line += "[\(s(endpoint.id.visible)),\(picture.groupOf[at]),\(picture.classOf[at]),"
      line += "\(s(endpoint.summary.visible)),\(s(DecisionText.labels(endpoint))),"
      line += endpoint.address.map { s($0.description) } ?? "null"
      line += ",{" + labels.joined(separator: ",") + "}]"
      out.write(line)
    }
  }

  /// The arguments `matrix-tui trace` needs after `--from` and `--to` to trace a cell like
  /// the page's: the probe, the view, the trap and the paths, quoted for a shell.
  static func traceArguments(probe: Probe?, options: EvaluationOptions) -> String {
    var words = ["--probe", probe?.argument ?? "any"]
    if options.view == .pending { words += ["--view", "pending"] }
    if let trap = options.trap { words += ["--trap", trap] }
    words += options.paths
    return words.map(shellQuoted).joined(separator: " ")
  }

  private static func shellQuoted(_ word: String) -> String {
    let plain = word.unicodeScalars.allSatisfy {
      $0.properties.isAlphabetic || "0123456789-_./=:@%+,".unicodeScalars.contains($0)
    }
    return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
