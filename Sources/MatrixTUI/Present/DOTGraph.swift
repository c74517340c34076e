import PolicyKit

/// `eval --format dot`: a Graphviz graph of what is allowed. With few endpoints a node per
/// endpoint, boxed by group, and an edge per allowed pair; otherwise a node per group
/// (namespace, host endpoints, network sets) and an edge per pair of groups with some cell
/// allowed, labelled with the count. Every name is a quoted, escaped DOT string.
struct DOTGraph {
  let picture: MatrixPicture
  /// Above this many endpoints the graph shows groups.
  static let endpointLimit = 40

  var showsGroups: Bool { picture.shown.count > Self.endpointLimit }

  func write(to out: ByteWriter) {
    let q = MarkupEscaping.dot
    var head =
      "digraph matrix {\n  label=\(q(([picture.text.headline] + picture.text.whatIfLines).joined(separator: "; ")));\n"
    head += "  labelloc=t;\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\", fontsize=10];\n"
    head += "  edge [color=\"#2da44e\", fontname=\"monospace\", fontsize=9];\n"
    out.write(head)
    if showsGroups { writeGroups(to: out) } else { writeEndpoints(to: out) }
    out.write("}\n")
  }

  private func writeEndpoints(to out: ByteWriter) {
    let q = MarkupEscaping.dot
    for (number, group) in picture.groups.enumerated() {
      var text = "  subgraph cluster_\(number) {\n    label=\(q(group.name));\n    style=rounded;\n"
      for (at, index) in picture.shown.enumerated() where picture.groupOf[at] == number {
        text += "    e\(at) [label=\(q(picture.endpoints[index].id))];\n"
      }
      out.write(text + "  }\n")
    }
    for row in picture.rows {
      var text = ""
      for column in picture.columns {
        guard let mark = picture.mark(row, column), mark != .denied else { continue }
        if mark == .some, let set = picture.text.connections?.connections(picture.shown[row], picture.shown[column]) {
          text += "  e\(row) -> e\(column) [style=dashed, color=\"#d4a72c\", label=\(q(set.description))];\n"
        } else {
          text += "  e\(row) -> e\(column);\n"
        }
      }
      out.write(text)
    }
  }

  private func writeGroups(to out: ByteWriter) {
    let q = MarkupEscaping.dot
    let count = picture.groups.count
    var text = ""
    for (number, group) in picture.groups.enumerated() {
      let members = picture.groupOf.filter { $0 == number }.count
      text += "  g\(number) [label=\(q("\(group.name) (\(members))"))];\n"
    }
    out.write(text)
    let tallies = picture.tallies()
    for a in 0..<count {
      text = ""
      for b in 0..<count {
        let tally = tallies[a * count + b]
        let allowed = tally.allowed + tally.some
        guard allowed > 0 else { continue }
        let style = allowed == tally.total ? "" : ", style=dashed"
        text += "  g\(a) -> g\(b) [label=\"\(allowed)/\(tally.total)\"\(style)];\n"
      }
      out.write(text)
    }
  }
}
