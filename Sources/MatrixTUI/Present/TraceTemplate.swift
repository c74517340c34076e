import PolicyKit

/// Cell traces as a page stores them: each distinct trace once, with the cell's two endpoints
/// left as markers that the page's script fills in for the cell shown.
///
/// The cells of a pair of endpoint classes have the same trace but for the endpoints' own
/// words (id, summary, labels, address, at known places of the text), so a trace worked out
/// for one pair of members, with those words replaced by markers, is the trace of every cell
/// of the pair. A marker is `\u{1}` and a letter: `a`/`b` the source's and destination's id,
/// `c`/`d` their summaries, `e`/`f` their labels, `g`/`h` their addresses. Control characters
/// never reach the text otherwise (`visible`), so a marker cannot come from a manifest.
enum TraceTemplate {
  /// `[verdict, reason, headline tail, lines]` for a page: the verdict `a` (allowed), `d`
  /// (denied) or `x` (self), the one-line reason, what the headline says after the two ids,
  /// and, with `lines`, the trace's lines as `[indent, tone, text, location]` (null without);
  /// markers in place of the endpoints' words.
  static func json(_ cell: CellTrace, evaluator: Evaluator, lines withLines: Bool) -> String {
    let endpoints = evaluator.cluster.endpoints
    guard let s = evaluator.index[cell.source], let d = evaluator.index[cell.destination] else { return "[]" }
    let words = Words(source: endpoints[s], destination: endpoints[d])
    let tail = "  \(TraceText.probe(cell))  \(DecisionText.verdictWord(cell.outcome)) (\(evaluator.view.rawValue))"
    let verdict = cell.outcome == .allowed ? "a" : cell.outcome == .denied ? "d" : "x"
    var parts = [
      "\"\(verdict)\"", MarkupEscaping.scriptJSON(words.reason(cell)), MarkupEscaping.scriptJSON(tail.visible),
    ]
    guard withLines else { return "[" + parts.joined(separator: ",") + ",null]" }
    var lines: [String] = []
    var section: Direction = .egress
    for line in TraceText(evaluator: evaluator).lines(cell).dropFirst() {
      if line.indent == 1 { section = line.text.hasPrefix("ingress") ? .ingress : .egress }
      let text = words.marked(line.text.visible, indent: line.indent, section: section)
      let location = line.location.map { MarkupEscaping.scriptJSON($0.shortDescription.visible) } ?? "null"
      lines.append("[\(line.indent),\"\(tone(line.tone))\",\(MarkupEscaping.scriptJSON(text)),\(location)]")
    }
    parts.append("[" + lines.joined(separator: ",") + "]")
    return "[" + parts.joined(separator: ",") + "]"
  }

  private static func tone(_ tone: Tone) -> String {
    switch tone {
    case .heading: "h"
    case .normal: "n"
    case .muted: "m"
    case .good: "a"
    case .bad: "d"
    }
  }

  /// The words of a cell's two endpoints, and where a trace line says them.
  private struct Words {
    var sourceID: String
    var destinationID: String
    var source: Endpoint
    var destination: Endpoint

    init(source: Endpoint, destination: Endpoint) {
      self.source = source
      self.destination = destination
      sourceID = source.id.visible
      destinationID = destination.id.visible
    }

    func reason(_ cell: CellTrace) -> String {
      let text = DecisionText.reason(cell).visible
      for (id, marker) in [(sourceID, "\u{1}a"), (destinationID, "\u{1}b")] {
        for direction in ["egress", "ingress"] where text.hasPrefix("\(direction) at \(id): ") {
          return "\(direction) at \(marker): " + text.dropFirst("\(direction) at \(id): ".count)
        }
      }
      return text
    }

    /// A line with the endpoints' words replaced by markers: the side headings, and the peer
    /// a rule's mismatch names (the destination in the egress section, the source in ingress).
    func marked(_ text: String, indent: Int, section: Direction) -> String {
      if indent == 1 {
        for (direction, endpoint, id, markers) in [
          ("egress", source, sourceID, ("\u{1}a", "\u{1}c")),
          ("ingress", destination, destinationID, ("\u{1}b", "\u{1}d")),
        ] where text == "\(direction) at \(id) (\(endpoint.summary.visible))" {
          return "\(direction) at \(markers.0) (\(markers.1))"
        }
        return text
      }
      let peer = section == .egress ? destination : source
      let (id, label, address) = section == .egress ? ("\u{1}b", "\u{1}f", "\u{1}h") : ("\u{1}a", "\u{1}e", "\u{1}g")
      let peerID = peer.id.visible
      let endings: [(String, String)] = [
        (" does not match " + "\(peer.id) (\(DecisionText.labels(peer)))".visible, " does not match \(id) (\(label))"),
        (" do not contain \(peer.address?.description ?? "an address")", " do not contain \(address)"),
        ("notNets contain \(peer.address?.description ?? "the address")", "notNets contain \(address)"),
        (" matches \(peerID)", " matches \(id)"),
      ]
      for (ending, replacement) in endings where text.hasSuffix(ending) {
        return String(text.dropLast(ending.count)) + replacement
      }
      return text
    }
  }
}
