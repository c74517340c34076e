import PolicyKit

/// The words for `matrix-tui diff`: every changed cell with its verdict (or allowed set) before
/// and after and what decided it on each side, the endpoints that came and went, and counts per
/// namespace pair, as a table, JSON, Markdown (a pull request comment), a summary or JUnit.
///
/// Only the changed cells are explained, each with the cell traces of both versions (cached per
/// pair of classes), so the output follows the change, not the size of the matrix.
struct DiffText {
  /// One version of the cluster: its evaluator and matrix (one probe) or connection sets.
  struct Side {
    var evaluator: Evaluator
    var matrix: ConnectivityMatrix?
    var connections: ConnectionMatrix?
    var trap: TrapReport?
  }

  /// One changed cell, worked out for every format.
  struct Row {
    var source: String
    var destination: String
    /// `allow`/`deny`, or the allowed set (`TCP 80; UDP 53`, `all`, `none`) for `any`.
    var before: String
    var after: String
    /// Whether the change allows more (a denied cell allowed, or a larger allowed set).
    var opens: Bool
    /// The deciding side and rule (one probe only).
    var reasonBefore: String?
    var reasonAfter: String?
    var decidedByBefore: JSON?
    var decidedByAfter: JSON?
    /// Where the deciding rule (or the policy whose tier ended it) is written.
    var atBefore: SourceLocation?
    var atAfter: SourceLocation?
    /// The namespace pair the cell is counted in.
    var groups: (source: EndpointGroup, destination: EndpointGroup)
  }

  let older: Side
  let newer: Side
  let diff: MatrixDiff
  /// The changed cells shown (all of them, or those `--from`/`--to` keep).
  let rows: [Row]

  init(older: Side, newer: Side, diff: MatrixDiff, keep: (MatrixDiff.Change) -> Bool = { _ in true }) {
    self.older = older
    self.newer = newer
    self.diff = diff
    let olderCells = older.matrix.map { MatrixText.CellCache(evaluator: older.evaluator, probe: $0.probe) }
    let newerCells = newer.matrix.map { MatrixText.CellCache(evaluator: newer.evaluator, probe: $0.probe) }
    let endpoints = newer.evaluator.cluster.endpoints
    rows = diff.changes.filter(keep).map { change in
      let groups = (EndpointGroup(endpoints[change.newer.source]), EndpointGroup(endpoints[change.newer.destination]))
      if let olderCells, let newerCells {
        let before = olderCells.cell(change.older.source, change.older.destination)
        let after = newerCells.cell(change.newer.source, change.newer.destination)
        return Row(
          source: change.source, destination: change.destination,
          before: before.outcome.verdict.rawValue, after: after.outcome.verdict.rawValue,
          opens: after.outcome.verdict == .allow,
          reasonBefore: DecisionText.reason(before), reasonAfter: DecisionText.reason(after),
          decidedByBefore: MatrixText.decidedByJSON(before), decidedByAfter: MatrixText.decidedByJSON(after),
          atBefore: Self.location(before, older.evaluator.cluster),
          atAfter: Self.location(after, newer.evaluator.cluster), groups: groups)
      }
      let before = older.connections?.connections(change.older.source, change.older.destination) ?? ConnectionSet()
      let after = newer.connections?.connections(change.newer.source, change.newer.destination) ?? ConnectionSet()
      return Row(
        source: change.source, destination: change.destination, before: before.description,
        after: after.description, opens: Self.opens(from: before, to: after), groups: groups)
    }
  }

  /// Where what decided `cell` is written: the rule, or the last policy of a tier that ended
  /// in its default action.
  static func location(_ cell: CellTrace, _ cluster: Cluster) -> SourceLocation? {
    switch cell.decidingSide.decider {
    case .rule(_, _, let rule), .profile(_, let rule): return rule.location
    case .tierDefault(_, let last, _): return cluster.policies.first { $0.id == last }?.location
    default: return nil
    }
  }

  /// Whether going from `before` to `after` allows something more (and, when it also takes
  /// something away, more than it takes: compared by what is allowed of a few common ports).
  static func opens(from before: ConnectionSet, to after: ConnectionSet) -> Bool {
    if before.isEmpty { return true }
    if after.isEmpty { return false }
    let probes = IPProtocol.allCases.flatMap { ipProtocol in [22, 53, 80, 443, 8080].map { (ipProtocol, $0) } }
    let gained = probes.filter { after.allows($0.0, $0.1) && !before.allows($0.0, $0.1) }.count
    let lost = probes.filter { before.allows($0.0, $0.1) && !after.allows($0.0, $0.1) }.count
    return gained >= lost
  }

  // MARK: - Headline and counts

  /// `TCP/80`, or `any`.
  var probeText: String { newer.matrix.map { $0.probe.argument.uppercased() } ?? "any" }

  var view: View { newer.evaluator.view }

  /// `3 cells changed (1 allowed now, 2 denied now); endpoints: 1 added, 0 removed`.
  var headline: String {
    let opened = rows.filter(\.opens).count
    let (now, then) = newer.matrix != nil ? ("allowed now", "denied now") : ("allow more", "allow less")
    var text = "\(probeText)  \(view.rawValue)  "
    text += rows.isEmpty ? "no cell changed" : "\(rows.count) \(rows.count == 1 ? "cell" : "cells") changed (\(opened) \(now), \(rows.count - opened) \(then))"
    text += "; endpoints: \(diff.added.count) added, \(diff.removed.count) removed"
    return text
  }

  /// The pending view and the trap, said in every format.
  var whatIfLines: [String] {
    var lines: [String] = []
    if view == .pending { lines.append("view: pending (staged policies as if enforced, not what the cluster does now)") }
    if let trap = newer.trap { lines.append("trap: \(trap.summary) (a what-if, in memory only)") }
    return lines
  }

  /// Changed cells per pair of groups (host endpoints, namespaces, network sets), in the
  /// explorer's order: (source, destination, opened, closed).
  var groupCounts: [(EndpointGroup, EndpointGroup, opened: Int, closed: Int)] {
    var counts: [[EndpointGroup]: (Int, Int)] = [:]
    for row in rows {
      var count = counts[[row.groups.source, row.groups.destination], default: (0, 0)]
      if row.opens { count.0 += 1 } else { count.1 += 1 }
      counts[[row.groups.source, row.groups.destination]] = count
    }
    return counts.keys.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }.map { key in
      (key[0], key[1], counts[key]!.0, counts[key]!.1)
    }
  }

  // MARK: - Formats

  /// One block per changed cell: the pair, before and after, and what decided each side.
  func table() -> String {
    var lines = [headline] + whatIfLines
    if !diff.added.isEmpty { lines.append("added: " + diff.added.map(\.visible).joined(separator: ", ")) }
    if !diff.removed.isEmpty { lines.append("removed: " + diff.removed.map(\.visible).joined(separator: ", ")) }
    for row in rows {
      lines.append("")
      lines.append("\(row.source.visible) -> \(row.destination.visible)  \(row.before.uppercased()) -> \(row.after.uppercased())")
      if let reason = row.reasonBefore { lines.append("  before: \(reason.visible)\(Self.at(row.atBefore))") }
      if let reason = row.reasonAfter { lines.append("  after:  \(reason.visible)\(Self.at(row.atAfter))") }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private static func at(_ location: SourceLocation?) -> String {
    location.map { "  (\($0.shortDescription.visible))" } ?? ""
  }

  /// Changed cells per namespace pair, then the totals.
  func summary() -> String {
    var text = ([headline] + whatIfLines).joined(separator: "\n") + "\n\n"
    let (opened, closed) = newer.matrix != nil ? ("allowed now", "denied now") : ("allow more", "allow less")
    text += "source -> destination\t\(opened)\t\(closed)\n"
    for (source, destination, up, down) in groupCounts {
      text += "\(source.name.visible) -> \(destination.name.visible)\t\(up)\t\(down)\n"
    }
    let up = rows.filter(\.opens).count
    text += "total\t\(up)\t\(rows.count - up)\n"
    return text
  }

  /// `{"probe", "view", "added", "removed", "changes": [...]}`, written as it is made.
  func json(to out: ByteWriter) {
    var probe: [(String, JSON)] = []
    if let matrix = newer.matrix {
      probe.append(("protocol", .string(matrix.probe.ipProtocol.rawValue)))
      switch matrix.probe.port {
      case .number(let port): probe.append(("port", .number(port)))
      case .name(let name): probe.append(("port", .string(name)))
      }
    } else {
      probe.append(("protocol", .string("any")))
    }
    var entries: [(String, JSON)] = [("probe", .object(probe)), ("view", .string(view.rawValue))]
    if let trap = newer.trap {
      entries.append(("trap", .object([("policy", .string(trap.policy.description)), ("widened", .array(trap.widened.map(JSON.string)))])))
    }
    entries.append(("added", .array(diff.added.map(JSON.string))))
    entries.append(("removed", .array(diff.removed.map(JSON.string))))
    var head = JSON.object(entries).text
    head.removeLast()
    out.write(head)
    out.write(#","changes":["#)
    for (index, row) in rows.enumerated() {
      if index > 0 { out.write(",") }
      out.write(Self.rowJSON(row).text)
    }
    out.write("]}\n")
  }

  static func rowJSON(_ row: Row) -> JSON {
    func located(_ decided: JSON?, _ location: SourceLocation?) -> JSON {
      guard case .object(var fields) = decided else { return .null }
      fields.append(("at", .optional(location?.shortDescription)))
      return .object(fields)
    }
    return .object([
      ("from", .string(row.source)),
      ("to", .string(row.destination)),
      ("before", .string(row.before)),
      ("after", .string(row.after)),
      ("reasonBefore", .optional(row.reasonBefore)),
      ("reasonAfter", .optional(row.reasonAfter)),
      ("decidedByBefore", located(row.decidedByBefore, row.atBefore)),
      ("decidedByAfter", located(row.decidedByAfter, row.atAfter)),
    ])
  }

  /// A pull request comment: the headline, a table of counts per namespace pair, and each
  /// pair's cells folded under it.
  func markdown() -> String {
    var text = "### matrix-tui diff: \(probeText) (\(view.rawValue))\n\n"
    text += Self.markdownEscaped(headline) + "\n"
    for line in whatIfLines { text += "\n> " + Self.markdownEscaped(line) + "\n" }
    if !diff.added.isEmpty { text += "\nAdded: " + diff.added.map(Self.code).joined(separator: ", ") + "\n" }
    if !diff.removed.isEmpty { text += "\nRemoved: " + diff.removed.map(Self.code).joined(separator: ", ") + "\n" }
    guard !rows.isEmpty else { return text }
    let (opened, closed) = newer.matrix != nil ? ("allowed now", "denied now") : ("allow more", "allow less")
    text += "\n| source | destination | \(opened) | \(closed) |\n|---|---|---:|---:|\n"
    let counts = groupCounts
    for (source, destination, up, down) in counts {
      text += "| \(Self.code(source.name)) | \(Self.code(destination.name)) | \(up) | \(down) |\n"
    }
    for (source, destination, up, down) in counts {
      text += "\n<details><summary>\(Self.htmlEscaped(source.name)) → \(Self.htmlEscaped(destination.name)): \(up + down) \(up + down == 1 ? "cell" : "cells")</summary>\n\n"
      text += "| from | to | before | after | decided before | decided after |\n|---|---|---|---|---|---|\n"
      for row in rows where row.groups.source == source && row.groups.destination == destination {
        let cells = [
          Self.code(row.source), Self.code(row.destination), Self.markdownEscaped(row.before),
          "**\(Self.markdownEscaped(row.after))**",
          Self.markdownEscaped((row.reasonBefore ?? "") + Self.at(row.atBefore)),
          Self.markdownEscaped((row.reasonAfter ?? "") + Self.at(row.atAfter)),
        ]
        text += "| " + cells.joined(separator: " | ") + " |\n"
      }
      text += "\n</details>\n"
    }
    return text
  }

  /// Text in backticks, safe in a table cell.
  private static func code(_ text: String) -> String {
    "`" + text.visible.replacingOccurrences(of: "`", with: "'").replacingOccurrences(of: "|", with: "\\|") + "`"
  }

  /// Text safe in a Markdown table cell and in a comment that renders HTML.
  private static func markdownEscaped(_ text: String) -> String {
    htmlEscaped(text.visible).replacingOccurrences(of: "|", with: "\\|")
  }

  static func htmlEscaped(_ text: String) -> String {
    var out = ""
    for scalar in text.visibleKeepingNewlines.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// One JUnit test case per changed cell, failing: the change is there to be looked at.
  var changeCases: [(name: String, failure: String?)] {
    rows.map { row in
      ("\(row.source) -> \(row.destination)", "\(row.before) -> \(row.after): \(row.reasonAfter ?? row.after)")
    }
  }

  /// JUnit XML of `cases` (a name, and a failure message for those that fail).
  func junit(_ cases: [(name: String, failure: String?)]) -> String {
    let failures = cases.filter { $0.failure != nil }.count
    let suite = Self.htmlEscaped("matrix-tui diff \(probeText) \(view.rawValue)")
    var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    xml += "<testsuites tests=\"\(cases.count)\" failures=\"\(failures)\">\n"
    xml += "  <testsuite name=\"\(suite)\" tests=\"\(cases.count)\" failures=\"\(failures)\">\n"
    for (name, failure) in cases {
      xml += "    <testcase classname=\"\(suite)\" name=\"\(Self.htmlEscaped(name))\""
      if let failure {
        xml += ">\n      <failure message=\"\(Self.htmlEscaped(failure))\"/>\n    </testcase>\n"
      } else {
        xml += "/>\n"
      }
    }
    xml += "  </testsuite>\n</testsuites>\n"
    return xml
  }
}
