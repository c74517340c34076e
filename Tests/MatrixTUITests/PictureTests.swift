import Foundation
import PolicyKit
import Testing

@testable import MatrixTUI

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// `eval --format html`, `svg` and `dot`: every cell carried and drawn as the matrix says,
/// traces that read as `matrix-tui trace` reads, and names from manifests that stay text in
/// every format.
struct PictureTests {
  static let hostile = AppFixtures.root.appendingPathComponent("Tests/Browser/hostile").path

  static func text(_ paths: [String], any: Bool = false, probe: Probe = Probe(.tcp, 80)) -> MatrixText {
    let loaded = LoadedManifests.load(paths)
    let evaluator = Evaluator(cluster: loaded.result.cluster)
    if any { return MatrixText(evaluator: evaluator, connections: ConnectionMatrix(evaluator: evaluator)) }
    return MatrixText(evaluator: evaluator, matrix: ConnectivityMatrix(evaluator: evaluator, probe: probe))
  }

  static func page(_ text: MatrixText) -> String {
    ByteWriter.collect { HTMLPage(picture: MatrixPicture(text), traceArguments: "--probe tcp/80 x").write(to: $0) }
  }

  /// The JSON the page's script reads.
  static func data(_ page: String) throws -> [String: Any] {
    let start = try #require(page.range(of: #"<script type="application/json" id="data">"#))
    let end = try #require(page.range(of: "</script>", range: start.upperBound..<page.endIndex))
    let json = String(page[start.upperBound..<end.lowerBound])
    return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
  }

  /// The entry of a cell, decoded as the script decodes it.
  static func entry(_ data: [String: Any], _ row: Int, _ column: Int) throws -> [Any] {
    let digits = Array(try #require(data["digits"] as? String))
    let width = try #require(data["width"] as? Int)
    let endpoints = try #require(data["endpoints"] as? [[Any]])
    let classes = try #require(data["classes"] as? Int)
    let (codes, at) =
      row == column
      ? (try #require(data["self"] as? String), row)
      : (try #require(data["cells"] as? String), (endpoints[row][2] as! Int) * classes + (endpoints[column][2] as! Int))
    let characters = Array(codes)
    var code = 0
    for place in 0..<width { code = code * 64 + digits.firstIndex(of: characters[at * width + place])! }
    return try #require((data["entries"] as? [[Any]])?[code])
  }

  /// A template's markers filled in for a cell, as the script fills them.
  static func fill(_ text: String, _ source: [Any], _ destination: [Any]) -> String {
    var out = ""
    var marker = false
    for character in text {
      if marker {
        let endpoint = "aceg".contains(character) ? source : destination
        switch character {
        case "a", "b": out += endpoint[0] as! String
        case "c", "d": out += endpoint[3] as! String
        case "e", "f": out += endpoint[4] as! String
        default: out += (endpoint[5] as? String) ?? "an address"
        }
        marker = false
      } else if character == "\u{1}" {
        marker = true
      } else {
        out.append(character)
      }
    }
    return out
  }

  @Test func sha256MatchesKnownDigests() {
    let hex = { (text: String) in SHA256.digest(Array(text.utf8)).map { String(format: "%02x", $0) }.joined() }
    #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(hex(String(repeating: "a", count: 1000)).hasPrefix("41edece42d63e8d9bf515a9ba6932e1c"))
    #expect(SHA256.cspSource("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='")
  }

  @Test func escapingKeepsMarkupAsText() throws {
    #expect(MarkupEscaping.html("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;")
    #expect(MarkupEscaping.html(#"it's "q" & <b>"#) == "it&#39;s &quot;q&quot; &amp; &lt;b&gt;")
    #expect(MarkupEscaping.html("a\u{1B}[31m") == "a\\e[31m")
    #expect(MarkupEscaping.dot(#""]; injected -> x [label=""#) == #""\"]; injected -> x [label=\"""#)
    #expect(MarkupEscaping.dot("end\\") == #""end\\""#)
    #expect(MarkupEscaping.dot("a &lt; b") == #""a &amp;lt; b""#)
    let script = MarkupEscaping.scriptJSON("</script><!-- & \u{2028}")
    #expect(!script.contains("<") && !script.contains(">") && !script.contains("&"))
    let decoded = try JSONSerialization.jsonObject(with: Data(script.utf8), options: .fragmentsAllowed) as? String
    #expect(decoded == "</script><!-- & \u{2028}")
  }

  @Test func hostilePageRunsOnlyItsOwnScript() throws {
    let text = Self.text([Self.hostile])
    let page = Self.page(text)
    for raw in ["<img", "<svg", "<b>", "</script><script"] {
      #expect(!page.contains(raw), "\(raw) reached the page unescaped")
    }
    #expect(page.components(separatedBy: "<script").count == 3)
    #expect(page.contains("<script>\(HTMLPageAssets.script)</script>"))
    #expect(page.contains("<style>\(HTMLPageAssets.style)</style>"))
    #expect(page.contains("content=\"\(HTMLPage.contentSecurityPolicy)\""))
    #expect(HTMLPage.contentSecurityPolicy.hasPrefix("default-src 'none'; script-src 'sha256-"))
    let data = try Self.data(page)
    let ids = try #require(data["endpoints"] as? [[Any]]).map { $0[0] as? String }
    #expect(ids == text.evaluator.cluster.endpoints.map(\.id))
    #expect(ids.contains("<img src=x onerror=alert(1)>/<img src=x onerror=document.title='pwned'>"))
  }

  @Test func hostileSVGParsesAsXMLWithTheNamesAsText() throws {
    let svg = ByteWriter.collect { SVGPicture(picture: MatrixPicture(Self.text([Self.hostile]))).write(to: $0) }
    #expect(!svg.contains("<img") && !svg.contains("<script"))
    final class Texts: NSObject, XMLParserDelegate {
      var text = ""
      var elements: Set<String> = []
      func parser(_: XMLParser, foundCharacters string: String) { text += string }
      func parser(
        _: XMLParser, didStartElement name: String, namespaceURI _: String?, qualifiedName _: String?,
        attributes _: [String: String] = [:]
      ) { elements.insert(name) }
    }
    let parser = XMLParser(data: Data(svg.utf8))
    let texts = Texts()
    parser.delegate = texts
    #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
    #expect(texts.text.contains("<img src=x onerror=alert(1)>/plain & simple </svg>"))
    #expect(texts.elements.isSubset(of: ["svg", "rect", "text", "g", "title"]))
  }

  @Test func hostileDOTKeepsNamesInsideTheirStrings() throws {
    let text = Self.text([Self.hostile])
    let dot = ByteWriter.collect { DOTGraph(picture: MatrixPicture(text)).write(to: $0) }
    // Outside quoted strings only the graph's own words remain, and one edge per allowed pair.
    var outside = ""
    var labels: [String] = []
    var inString = false
    var escaped = false
    var current = ""
    for character in dot {
      if inString {
        if escaped {
          current.append(character)
          escaped = false
        } else if character == "\\" {
          escaped = true
        } else if character == "\"" {
          inString = false
          labels.append(current)
        } else {
          current.append(character)
        }
      } else if character == "\"" {
        inString = true
        current = ""
      } else {
        outside.append(character)
      }
    }
    #expect(!inString)
    #expect(!outside.contains("injected") && !outside.contains("<"))
    let allowed = text.counts().allowed
    #expect(outside.components(separatedBy: "->").count - 1 == allowed)
    for id in text.evaluator.cluster.endpoints.map(\.id) {
      #expect(labels.contains(id.replacingOccurrences(of: "&", with: "&amp;")))
    }
  }

  /// Every cell of every lesson: the page's entry has the matrix's verdict, and its trace,
  /// markers filled in, is `matrix-tui trace`'s, line by line.
  @Test func pageCarriesEveryCellAndItsTrace() throws {
    let lessons = try FileManager.default.contentsOfDirectory(
      atPath: AppFixtures.root.appendingPathComponent("demo").path
    )
    .filter { !$0.hasSuffix(".md") }.sorted()
    #expect(lessons.count >= 5)
    for lesson in lessons {
      let text = Self.text([AppFixtures.lesson(lesson)])
      let data = try Self.data(Self.page(text))
      let endpoints = try #require(data["endpoints"] as? [[Any]])
      let evaluator = text.evaluator
      let traceText = TraceText(evaluator: evaluator)
      for row in endpoints.indices {
        for column in endpoints.indices {
          let entry = try Self.entry(data, row, column)
          let outcome = text.matrix!.outcome(row, column)
          #expect(entry[0] as? String == (outcome == .allowed ? "a" : outcome == .denied ? "d" : "x"))
          let trace = evaluator.trace(from: row, to: column, probe: text.matrix!.probe)
          let lines = try #require(entry[3] as? [[Any]])
          let filled = lines.map { line in
            String(repeating: "  ", count: line[0] as! Int)
              + Self.fill(line[2] as! String, endpoints[row], endpoints[column])
              + ((line[3] as? String).map { "   " + $0 } ?? "")
          }
          let expected = traceText.lines(trace).dropFirst().map(\.plain)
          #expect(filled == Array(expected), "\(lesson): \(trace.source) -> \(trace.destination)")
          let headline = trace.source + " -> " + trace.destination + (entry[2] as! String)
          #expect(headline == traceText.headline(trace))
          #expect(Self.fill(entry[1] as! String, endpoints[row], endpoints[column]) == DecisionText.reason(trace))
        }
      }
    }
  }

  /// With `--probe any` each cell carries the allowed set; above 150 endpoints the page opens
  /// zoomed out, with counts per pair of groups that add up to the matrix's.
  @Test func anyProbePageAndZoomedOutCounts() throws {
    let loaded = AppFixtures.loaded(MatrixTextTests.cluster)
    let evaluator = Evaluator(cluster: loaded.result.cluster)
    let connections = ConnectionMatrix(evaluator: evaluator)
    let text = MatrixText(evaluator: evaluator, connections: connections)
    let data = try Self.data(Self.page(text))
    #expect(data["zoomOut"] as? Bool == false)
    for row in stride(from: 0, to: evaluator.count, by: 7) {
      for column in stride(from: 1, to: evaluator.count, by: 5) where row != column {
        let set = connections.connections(row, column)
        let entry = try Self.entry(data, row, column)
        #expect(entry[0] as? String == (set.isAll ? "a" : set.isEmpty ? "d" : "s"))
        #expect(entry[1] as? String == set.description)
      }
    }
    var bigger = MatrixTextTests.cluster
    for pod in 120..<200 {
      bigger += "\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: extra-\(pod), namespace: ns1}\n"
      bigger += "status: {podIP: 10.1.0.\(pod - 100)}"
    }
    let large = Evaluator(cluster: AppFixtures.loaded(bigger).result.cluster)
    let matrix = ConnectivityMatrix(evaluator: large, probe: Probe(.tcp, 80))
    let largeData = try Self.data(Self.page(MatrixText(evaluator: large, matrix: matrix)))
    #expect(largeData["zoomOut"] as? Bool == true)
    let tallies = try #require(largeData["tallies"] as? [Int])
    let allowed = stride(from: 0, to: tallies.count, by: 3).map { tallies[$0] }.reduce(0, +)
    let denied = stride(from: 2, to: tallies.count, by: 3).map { tallies[$0] }.reduce(0, +)
    #expect(allowed == matrix.counts.allowed && denied == matrix.counts.denied)
  }

  /// Large matrices make a picture of the pairs of groups, with counts.
  @Test func largeSVGShowsGroupPairs() throws {
    let evaluator = Evaluator(cluster: AppFixtures.loaded(MatrixTextTests.cluster).result.cluster)
    let text = MatrixText(
      evaluator: evaluator, matrix: ConnectivityMatrix(evaluator: evaluator, probe: Probe(.tcp, 80)))
    let svg = ByteWriter.collect { SVGPicture(picture: MatrixPicture(text)).write(to: $0) }
    #expect(XMLParser(data: Data(svg.utf8)).parse())
    #expect(svg.contains(">ns0</text>") && svg.contains(">ns3</text>"))
    // 30 pods a namespace: 870 cells within one, 900 between two.
    #expect(svg.contains("/870</text>") && svg.contains("/900</text>"))
  }

  /// `diff --format html`: the newer version's grid with the changed cells carried (position,
  /// opened, the verdict before), the hostile names as text, then a row per changed cell.
  @Test func diffPageMarksTheChangedCells() throws {
    let yaml = try String(contentsOfFile: Self.hostile + "/cluster.yaml", encoding: .utf8)
    let withoutPolicy = try #require(yaml.components(separatedBy: "---\napiVersion: networking.k8s.io/v1").first)
    let probe = Probe(.tcp, 80)
    let sides = [yaml, withoutPolicy].map { text in
      let evaluator = Evaluator(cluster: AppFixtures.loaded(text).result.cluster)
      return DiffText.Side(evaluator: evaluator, matrix: ConnectivityMatrix(evaluator: evaluator, probe: probe))
    }
    let diff = MatrixDiff(older: sides[0].matrix!, newer: sides[1].matrix!)
    let change = DiffText(older: sides[0], newer: sides[1], diff: diff)
    let newer = MatrixText(evaluator: sides[1].evaluator, matrix: sides[1].matrix!)
    let page = ByteWriter.collect {
      HTMLPage(picture: MatrixPicture(newer), traceArguments: "", change: change).write(to: $0)
    }
    #expect(!page.contains("<img") && !page.contains("<svg"))
    #expect(page.components(separatedBy: "<script").count == 3)
    #expect(change.totals.opened == 1 && change.totals.closed == 0)
    let changes = try #require(try Self.data(page)["changes"] as? [[Any]])
    #expect(changes.count == 1)
    for item in changes {
      let (row, column) = (item[0] as! Int, item[1] as! Int)
      #expect(newer.matrix!.outcome(row, column) == .allowed)
      #expect(item[2] as? Int == 1 && item[3] as? String == "deny")
      #expect((item[4] as? String)?.contains("cluster.yaml:") == true)
    }
    #expect(page.components(separatedBy: "<tr class=\"opened\">").count - 1 == 1)
    #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;/plain &amp; simple &lt;/svg&gt;"))
  }

  /// Above 4,096 pairs of classes the page carries each cell's verdict and reason (found by
  /// its decision, on every core) without the lines: every cell reads as the trace's reason,
  /// with a port name resolved per destination.
  @Test func largerPageCarriesEveryCellsReason() throws {
    let evaluator = Evaluator(cluster: AppFixtures.loaded(MatrixTextTests.cluster).result.cluster)
    let probe = try #require(Probe(parsing: "tcp/http"))
    let text = MatrixText(evaluator: evaluator, matrix: ConnectivityMatrix(evaluator: evaluator, probe: probe))
    let data = try Self.data(Self.page(text))
    #expect(data["traces"] as? Bool == false)
    let endpoints = try #require(data["endpoints"] as? [[Any]])
    let traceText = TraceText(evaluator: evaluator)
    for row in stride(from: 0, to: evaluator.count, by: 3) {
      for column in stride(from: 0, to: evaluator.count, by: 2) {
        let entry = try Self.entry(data, row, column)
        let cell = evaluator.cell(from: row, to: column, probe: probe)
        #expect(entry[3] is NSNull)
        #expect(Self.fill(entry[1] as! String, endpoints[row], endpoints[column]) == DecisionText.reason(cell))
        #expect(cell.source + " -> " + cell.destination + (entry[2] as! String) == traceText.headline(cell))
      }
    }
  }

  /// Above 40 endpoints the graph has a node per namespace and an edge per pair with some
  /// cell allowed, labelled `allowed/all`; the labels add up to the matrix's counts. With
  /// `any`, an edge of some ports allowed is dashed and says which.
  @Test func graphsByNamespaceAndWithPorts() throws {
    let evaluator = Evaluator(cluster: AppFixtures.loaded(MatrixTextTests.cluster).result.cluster)
    let matrix = ConnectivityMatrix(evaluator: evaluator, probe: Probe(.tcp, 80))
    let text = MatrixText(evaluator: evaluator, matrix: matrix)
    let dot = ByteWriter.collect { DOTGraph(picture: MatrixPicture(text)).write(to: $0) }
    let edges = dot.split(separator: "\n").filter { $0.contains(" -> g") }
    var allowed = 0
    for edge in edges {
      let label = try #require(edge.split(separator: "\"").dropFirst().first)
      let parts = label.split(separator: "/").compactMap { Int($0) }
      #expect(parts.count == 2 && parts[0] > 0 && parts[0] <= parts[1], "\(edge)")
      allowed += parts.first ?? 0
    }
    #expect(allowed == matrix.counts.allowed)
    #expect(dot.contains("g0 [label=\"ns0 (30)\"]"))

    var small = MatrixText(evaluator: evaluator, connections: ConnectionMatrix(evaluator: evaluator))
    small.rows = [0, 1, 5, 9]
    small.columns = small.rows
    let anyDOT = ByteWriter.collect { DOTGraph(picture: MatrixPicture(small)).write(to: $0) }
    let connections = try #require(small.connections)
    for (r, row) in small.rows.enumerated() {
      for (c, column) in small.columns.enumerated() where row != column {
        let set = connections.connections(row, column)
        let edge = "  e\(r) -> e\(c)"
        if set.isEmpty {
          #expect(!anyDOT.contains(edge + ";") && !anyDOT.contains(edge + " ["))
        } else if set.isAll {
          #expect(anyDOT.contains(edge + ";\n"))
        } else {
          #expect(anyDOT.contains(edge + " [style=dashed, color=\"#d4a72c\", label=\"\(set.description)\"];"))
        }
      }
    }
  }
}
