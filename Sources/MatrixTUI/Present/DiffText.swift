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
  /// Which of the newer version's endpoints `--from` and `--to` keep.
  let keepSource: (Int) -> Bool
  let keepDestination: (Int) -> Bool
  private let olderCells: MatrixText.CellCache?
  private let newerCells: MatrixText.CellCache?
  /// The changed pairs of groups whose cells allow more now.
  private let opensByGroups: ClassPairBits
  /// Changed cells per pair of endpoint groups (hosts, namespaces, networks), in the
  /// explorer's order, counted from the groups.
  let groupCounts: [(source: EndpointGroup, destination: EndpointGroup, opened: Int, closed: Int)]

  init(
    older: Side, newer: Side, diff: MatrixDiff,
    keepSource: @escaping (Int) -> Bool = { _ in true }, keepDestination: @escaping (Int) -> Bool = { _ in true }
  ) {
    self.older = older
    self.newer = newer
    self.diff = diff
    self.keepSource = keepSource
    self.keepDestination = keepDestination
    olderCells = older.matrix.map { MatrixText.CellCache(evaluator: older.evaluator, probe: $0.probe) }
    newerCells = newer.matrix.map { MatrixText.CellCache(evaluator: newer.evaluator, probe: $0.probe) }
    opensByGroups = Self.opens(older, newer, diff)
    groupCounts = Self.counts(newer, diff, opensByGroups, keepSource, keepDestination)
  }

  /// Which changed pairs of groups allow more now, each judged from one of its cells.
  private static func opens(_ older: Side, _ newer: Side, _ diff: MatrixDiff) -> ClassPairBits {
    let changed = diff.changed
    var first = [Int](repeating: -1, count: changed.groupCount)
    var second = [Int](repeating: -1, count: changed.groupCount)
    for (index, group) in changed.groupOf.enumerated() where group >= 0 {
      if first[Int(group)] < 0 {
        first[Int(group)] = index
      } else if second[Int(group)] < 0 {
        second[Int(group)] = index
      }
    }
    var opens = ClassPairBits(classCount: changed.groupCount)
    for (a, b) in changed.pairs.pairs {
      let source = first[a]
      let destination = a == b ? second[b] : first[b]
      guard source >= 0, destination >= 0 else { continue }
      let opened: Bool
      if let matrix = newer.matrix {
        opened = matrix.outcome(source, destination) == .allowed
      } else if let before = older.connections, let after = newer.connections {
        opened = Self.opens(
          from: before.connections(diff.olderIndex(of: source), diff.olderIndex(of: destination)),
          to: after.connections(source, destination))
      } else {
        opened = false
      }
      if opened { opens.insert(a, b) }
    }
    return opens
  }

  /// Changed cells per pair of endpoint groups: each changed pair of classes' groups counted by
  /// how many of its endpoints sit in each namespace (and pass the filters).
  private static func counts(
    _ newer: Side, _ diff: MatrixDiff, _ opens: ClassPairBits,
    _ keepSource: (Int) -> Bool, _ keepDestination: (Int) -> Bool
  ) -> [(source: EndpointGroup, destination: EndpointGroup, opened: Int, closed: Int)] {
    struct Members { var group: Int, sources = 0, destinations = 0, both = 0 }
    let changed = diff.changed
    let endpoints = newer.evaluator.cluster.endpoints
    var groups: [EndpointGroup] = []
    var groupIndex: [EndpointGroup: Int] = [:]
    // Per group of the diff: its endpoints, by namespace group.
    var members = [[Members]](repeating: [], count: changed.groupCount)
    for (index, group) in changed.groupOf.enumerated() where group >= 0 {
      let (source, destination) = (keepSource(index), keepDestination(index))
      guard source || destination else { continue }
      let endpointGroup = EndpointGroup(endpoints[index])
      let number: Int
      if let known = groupIndex[endpointGroup] {
        number = known
      } else {
        number = groups.count
        groupIndex[endpointGroup] = number
        groups.append(endpointGroup)
      }
      var list = members[Int(group)]
      let slot = list.firstIndex { $0.group == number } ?? list.count
      if slot == list.count { list.append(Members(group: number)) }
      if source { list[slot].sources += 1 }
      if destination { list[slot].destinations += 1 }
      if source && destination { list[slot].both += 1 }
      members[Int(group)] = list
    }
    let width = groups.count
    var opened = [Int](repeating: 0, count: width * width)
    var closed = [Int](repeating: 0, count: width * width)
    for (a, b) in changed.pairs.pairs {
      let opens = opens.contains(a, b)
      for sources in members[a] {
        for destinations in members[b] {
          let selfCells = a == b && sources.group == destinations.group ? sources.both : 0
          let cells = sources.sources * destinations.destinations - selfCells
          if opens {
            opened[sources.group * width + destinations.group] += cells
          } else {
            closed[sources.group * width + destinations.group] += cells
          }
        }
      }
    }
    let order = groups.indices.sorted { groups[$0] < groups[$1] }
    var counts: [(source: EndpointGroup, destination: EndpointGroup, opened: Int, closed: Int)] = []
    for a in order {
      for b in order where opened[a * width + b] + closed[a * width + b] > 0 {
        counts.append((groups[a], groups[b], opened[a * width + b], closed[a * width + b]))
      }
    }
    return counts
  }

  /// The changed cells shown, opened and closed.
  var totals: (opened: Int, closed: Int) {
    groupCounts.reduce((0, 0)) { ($0.0 + $1.opened, $0.1 + $1.closed) }
  }

  /// Calls `body` with each changed cell `wanted` accepts (true), worked out, in the newer
  /// version's row and column order; stops when `wanted` says nil or `body` returns false.
  func forEachRow(wanted: (MatrixDiff.Change) -> Bool? = { _ in true }, _ body: (Row) -> Bool) {
    let endpoints = newer.evaluator.cluster.endpoints
    diff.forEachChange(keepSource: keepSource, keepDestination: keepDestination) { change in
      guard let take = wanted(change) else { return false }
      guard take else { return true }
      let groups = (EndpointGroup(endpoints[change.newer.source]), EndpointGroup(endpoints[change.newer.destination]))
      let opens = opensByGroups.contains(change.groups.source, change.groups.destination)
      if let olderCells, let newerCells {
        let before = olderCells.cell(change.older.source, change.older.destination)
        let after = newerCells.cell(change.newer.source, change.newer.destination)
        return body(
          Row(
            source: change.source, destination: change.destination,
            before: before.outcome.verdict.rawValue, after: after.outcome.verdict.rawValue, opens: opens,
            reasonBefore: DecisionText.reason(before), reasonAfter: DecisionText.reason(after),
            decidedByBefore: MatrixText.decidedByJSON(before), decidedByAfter: MatrixText.decidedByJSON(after),
            atBefore: Self.location(before, older.evaluator.cluster),
            atAfter: Self.location(after, newer.evaluator.cluster), groups: groups))
      }
      let before = older.connections?.connections(change.older.source, change.older.destination) ?? ConnectionSet()
      let after = newer.connections?.connections(change.newer.source, change.newer.destination) ?? ConnectionSet()
      return body(
        Row(
          source: change.source, destination: change.destination, before: before.description,
          after: after.description, opens: opens, groups: groups))
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

  var view: PolicyView { newer.evaluator.view }

  /// `3 cells changed (1 allowed now, 2 denied now); endpoints: 1 added, 0 removed`.
  var headline: String {
    let (opened, closed) = totals
    let cells = opened + closed
    let (now, then) = newer.matrix != nil ? ("allowed now", "denied now") : ("allow more", "allow less")
    var text = "\(probeText)  \(view.rawValue)  "
    text +=
      cells == 0
      ? "no cell changed" : "\(cells) \(cells == 1 ? "cell" : "cells") changed (\(opened) \(now), \(closed) \(then))"
    text += "; endpoints: \(diff.added.count) added, \(diff.removed.count) removed"
    return text
  }

  /// The pending view and the trap, said in every format.
  var whatIfLines: [String] {
    var lines: [String] = []
    if view == .pending {
      lines.append("view: pending (staged policies as if enforced, not what the cluster does now)")
    }
    if let trap = newer.trap { lines.append("trap: \(trap.summary) (a what-if, in memory only)") }
    return lines
  }

  // MARK: - Formats

  /// One block per changed cell: the pair, before and after, and what decided each side,
  /// written as it is made.
  func table(to out: ByteWriter) {
    var lines = [headline] + whatIfLines
    if !diff.added.isEmpty { lines.append("added: " + diff.added.map(\.visible).joined(separator: ", ")) }
    if !diff.removed.isEmpty { lines.append("removed: " + diff.removed.map(\.visible).joined(separator: ", ")) }
    out.write(lines.joined(separator: "\n") + "\n")
    forEachRow { row in
      var text =
        "\n\(row.source.visible) -> \(row.destination.visible)  \(row.before.uppercased()) -> \(row.after.uppercased())\n"
      if let reason = row.reasonBefore { text += "  before: \(reason.visible)\(Self.at(row.atBefore))\n" }
      if let reason = row.reasonAfter { text += "  after:  \(reason.visible)\(Self.at(row.atAfter))\n" }
      out.write(text)
      return true
    }
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
    text += "total\t\(totals.opened)\t\(totals.closed)\n"
    return text
  }

  /// `{"probe", "view", "added", "removed", "changes": [...]}`, written as it is made.
  func json(to out: ByteWriter) {
    var entries: [(String, JSON)] = [
      ("probe", MatrixText.probeJSON(newer.matrix?.probe)), ("view", .string(view.rawValue)),
    ]
    if let trap = newer.trap {
      entries.append(
        (
          "trap",
          .object([("policy", .string(trap.policy.description)), ("widened", .array(trap.widened.map(JSON.string)))])
        ))
    }
    entries.append(("added", .array(diff.added.map(JSON.string))))
    entries.append(("removed", .array(diff.removed.map(JSON.string))))
    var head = JSON.object(entries).text
    head.removeLast()
    out.write(head)
    out.write(#","changes":["#)
    var first = true
    forEachRow { row in
      if !first { out.write(",") }
      first = false
      out.write(Self.rowJSON(row).text)
      return true
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

  /// What a pull request comment shows at most (a comment holds 65,536 characters): the
  /// counts of this many namespace pairs, and the first cells of the first pairs.
  static let markdownPairs = 60
  static let markdownDetailedPairs = 8
  static let markdownCellsPerPair = 10

  /// A pull request comment: the headline, a table of counts per namespace pair, and the first
  /// pairs' first cells folded under it (`--format table` lists every cell).
  func markdown() -> String {
    var text = "### matrix-tui diff: \(probeText) (\(view.rawValue))\n\n"
    text += Self.markdownEscaped(headline) + "\n"
    for line in whatIfLines { text += "\n> " + Self.markdownEscaped(line) + "\n" }
    if !diff.added.isEmpty { text += "\nAdded: " + Self.codeList(diff.added) + "\n" }
    if !diff.removed.isEmpty { text += "\nRemoved: " + Self.codeList(diff.removed) + "\n" }
    let counts = groupCounts
    guard !counts.isEmpty else { return text }
    let (opened, closed) = newer.matrix != nil ? ("allowed now", "denied now") : ("allow more", "allow less")
    text += "\n| source | destination | \(opened) | \(closed) |\n|---|---|---:|---:|\n"
    for (source, destination, up, down) in counts.prefix(Self.markdownPairs) {
      text += "| \(Self.code(source.name)) | \(Self.code(destination.name)) | \(up) | \(down) |\n"
    }
    if counts.count > Self.markdownPairs {
      text +=
        "\n\(counts.count - Self.markdownPairs) more pairs of namespaces (`matrix-tui diff --format summary` counts them all).\n"
    }
    let detailed = counts.prefix(Self.markdownDetailedPairs).map { [$0.source, $0.destination] }
    let rows = firstRows(of: Set(detailed))
    for (source, destination, up, down) in counts.prefix(Self.markdownDetailedPairs) {
      let total = up + down
      text +=
        "\n<details><summary>\(Self.htmlEscaped(source.name)) → \(Self.htmlEscaped(destination.name)): \(total) \(total == 1 ? "cell" : "cells")</summary>\n\n"
      text += "| from | to | before | after | decided before | decided after |\n|---|---|---|---|---|---|\n"
      let lines = rows[[source, destination]] ?? []
      text += lines.joined()
      if total > lines.count {
        text += "\n\(total - lines.count) more (`matrix-tui diff --format table` lists every cell).\n"
      }
      text += "\n</details>\n"
    }
    return text
  }

  /// The first cells of each namespace pair in `pairs`, as Markdown table rows, from one walk
  /// that ends when every pair has its share.
  private func firstRows(of pairs: Set<[EndpointGroup]>) -> [[EndpointGroup]: [String]] {
    let endpoints = newer.evaluator.cluster.endpoints
    var rows: [[EndpointGroup]: [String]] = [:]
    var full = 0
    forEachRow(wanted: { change in
      guard full < pairs.count else { return nil }
      let key = [EndpointGroup(endpoints[change.newer.source]), EndpointGroup(endpoints[change.newer.destination])]
      return pairs.contains(key) && rows[key, default: []].count < Self.markdownCellsPerPair
    }) { row in
      let cells = [
        Self.code(row.source), Self.code(row.destination), Self.markdownEscaped(row.before),
        "**\(Self.markdownEscaped(row.after))**",
        Self.markdownEscaped((row.reasonBefore ?? "") + Self.at(row.atBefore)),
        Self.markdownEscaped((row.reasonAfter ?? "") + Self.at(row.atAfter)),
      ]
      let key = [row.groups.source, row.groups.destination]
      rows[key, default: []].append("| " + cells.joined(separator: " | ") + " |\n")
      if rows[key]!.count == Self.markdownCellsPerPair { full += 1 }
      return true
    }
    return rows
  }

  /// Ids in backticks, the first 20 and a count of the rest.
  private static func codeList(_ ids: [String]) -> String {
    let shown = ids.prefix(20).map(code).joined(separator: ", ")
    return ids.count > 20 ? shown + " and \(ids.count - 20) more" : shown
  }

  /// Text in backticks, safe in a table cell.
  private static func code(_ text: String) -> String {
    "`" + text.visible.replacingOccurrences(of: "`", with: "'").replacingOccurrences(of: "|", with: "\\|") + "`"
  }

  /// Text safe in a Markdown table cell and in a comment that renders HTML.
  private static func markdownEscaped(_ text: String) -> String {
    htmlEscaped(text.visible).replacingOccurrences(of: "|", with: "\\|")
  }

  /// Text safe in HTML, XML (JUnit) and Markdown that renders HTML, control characters shown
  /// escaped and line breaks kept.
  static func htmlEscaped(_ text: String) -> String {
    MarkupEscaping.html(text, keepingNewlines: true)
  }

  /// One JUnit test case per changed cell, failing: the change is there to be looked at.
  var changeCases: [(name: String, failure: String?)] {
    var cases: [(String, String?)] = []
    forEachRow { row in
      cases.append(
        ("\(row.source) -> \(row.destination)", "\(row.before) -> \(row.after): \(row.reasonAfter ?? row.after)"))
      return true
    }
    return cases
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
