import Foundation
import PolicyKit

/// The whole matrix (or a part of it) as text, in every output format of `matrix-tui eval`.
///
/// With a single probe each cell is allowed or denied; with `--probe any` each cell is the set
/// of allowed connections, shown as all, none or some ports.
struct MatrixText {
  let evaluator: Evaluator
  /// The single-probe matrix, or nil with `--probe any`.
  let matrix: ConnectivityMatrix?
  /// The connection sets, with `--probe any`.
  let connections: ConnectionMatrix?
  /// The endpoints shown as rows and as columns (indexes into the cluster's endpoints).
  var rows: [Int]
  var columns: [Int]
  var glyphs = Glyphs.unicode
  /// The trap applied, said in every format (JSON as a `trap` object, the others in words).
  var trap: TrapReport?

  /// What makes this matrix other than the cluster's enforced one: the pending view and the
  /// trap, one line each (none for the enforced view without a trap).
  var whatIfLines: [String] {
    var lines: [String] = []
    if (matrix?.view ?? connections?.view) == .pending {
      lines.append("view: pending (staged policies as if enforced, not what the cluster does now)")
    }
    if let trap { lines.append("trap: \(trap.summary) (a what-if, in memory only)") }
    return lines
  }

  init(evaluator: Evaluator, matrix: ConnectivityMatrix) {
    self.init(evaluator, matrix, nil)
  }

  init(evaluator: Evaluator, connections: ConnectionMatrix) {
    self.init(evaluator, nil, connections)
  }

  private init(_ evaluator: Evaluator, _ matrix: ConnectivityMatrix?, _ connections: ConnectionMatrix?) {
    self.evaluator = evaluator
    self.matrix = matrix
    self.connections = connections
    rows = Array(evaluator.cluster.endpoints.indices)
    columns = rows
  }

  private var endpoints: [Endpoint] { evaluator.cluster.endpoints }

  private var probeText: String { matrix.map { $0.probe.description } ?? "any" }

  /// Cells are worked out once per pair of endpoint classes (members are indistinguishable
  /// to every policy) and then named after the actual endpoints.
  final class CellCache {
    let evaluator: Evaluator
    let probe: Probe
    private var cache: [Int: CellTrace] = [:]

    init(evaluator: Evaluator, probe: Probe) {
      self.evaluator = evaluator
      self.probe = probe
    }

    func cell(_ source: Int, _ destination: Int) -> CellTrace {
      let classes = evaluator.classes
      guard source != destination else {
        return evaluator.cell(from: source, to: destination, probe: probe)
      }
      let (a, b) = (Int(classes.classOf[source]), Int(classes.classOf[destination]))
      let key = a * classes.count + b
      var cell: CellTrace
      if let cached = cache[key] {
        cell = cached
      } else {
        let members = classes.members[a]
        let target = a == b ? members[1] : classes.members[b][0]
        cell = evaluator.cell(from: members[0], to: target, probe: probe)
        cache[key] = cell
      }
      let ids = (evaluator.cluster.endpoints[source].id, evaluator.cluster.endpoints[destination].id)
      cell.source = ids.0
      cell.destination = ids.1
      cell.egress.endpointID = ids.0
      cell.ingress.endpointID = ids.1
      return cell
    }
  }

  /// The mark of one cell.
  func mark(_ source: Int, _ destination: Int) -> String {
    if source == destination { return glyphs.selfCell }
    // (Optional chaining reads the matrix in place; `if let` would copy it for every cell.)
    if let outcome = matrix?.outcome(source, destination) { return glyphs.mark(outcome) }
    guard let set = connections?.connections(source, destination) else { return "?" }
    return set.isAll ? glyphs.allowed : (set.isEmpty ? glyphs.denied : glyphs.some)
  }

  /// Cell counts: all allowed, some ports (with `any`), denied.
  /// What a pair of classes allows, for counting.
  private enum Verdict { case allowed, someAllowed, denied }

  struct Tally: Hashable, Sendable {
    var allowed = 0
    var some = 0
    var denied = 0

    var total: Int { allowed + some + denied }
  }

  /// Counts the shown cells (self cells left out) per pair of `key`s of their endpoints, a
  /// pair of endpoint classes at a time: a class lies in one group, as namespaces are part of
  /// what makes classes differ.
  func tallies<Key: Hashable>(by key: (Endpoint) -> Key) -> GroupTallies<Key> {
    let classCount = matrix?.classCount ?? connections?.classCount ?? 0
    let classOf = matrix?.classOf ?? connections?.classOf ?? []
    var keys: [Key] = []
    var position: [Key: Int] = [:]
    var classGroup = [Int](repeating: -1, count: classCount)
    var rowCount = [Int](repeating: 0, count: classCount)
    var columnCount = [Int](repeating: 0, count: classCount)
    var both = [Int](repeating: 0, count: classCount)
    func group(_ endpoint: Int) -> Int {
      let cls = Int(classOf[endpoint])
      if classGroup[cls] < 0 {
        let value = key(endpoints[endpoint])
        if let known = position[value] {
          classGroup[cls] = known
        } else {
          position[value] = keys.count
          classGroup[cls] = keys.count
          keys.append(value)
        }
      }
      return cls
    }
    let columnSet = Set(columns)
    for row in rows {
      let cls = group(row)
      rowCount[cls] += 1
      if columnSet.contains(row) { both[cls] += 1 }
    }
    for column in columns { columnCount[group(column)] += 1 }
    let groups = keys.count
    var tallies = [Tally](repeating: Tally(), count: groups * groups)
    let sourceClasses = (0..<classCount).filter { rowCount[$0] > 0 }
    let destinationClasses = (0..<classCount).filter { columnCount[$0] > 0 }
    // (The matrix is unwrapped once: unwrapping it for each of a million class pairs copies it
    // each time.)
    func count(_ verdict: (Int, Int) -> Verdict) {
      for a in sourceClasses {
        let rowBase = classGroup[a] * groups
        for b in destinationClasses {
          let pairs = rowCount[a] * columnCount[b] - (a == b ? both[a] : 0)
          guard pairs > 0 else { continue }
          let index = rowBase + classGroup[b]
          switch verdict(a, b) {
          case .allowed: tallies[index].allowed += pairs
          case .someAllowed: tallies[index].some += pairs
          case .denied: tallies[index].denied += pairs
          }
        }
      }
    }
    if let matrix {
      // From the bit rows, by population counts.
      let counts = matrix.groupCounts(
        groups: groups, classGroup: classGroup, rowWeight: rowCount, columnWeight: columnCount, bothWeight: both)
      for (index, count) in counts.enumerated() {
        tallies[index].allowed = count.allowed
        tallies[index].denied = count.denied
      }
    } else if let connections {
      // Each distinct set looked at once.
      let verdicts = (0..<connections.setCount).map { number -> Verdict in
        let set = connections.set(number: number)
        return set.isAll ? .allowed : set.isEmpty ? .denied : .someAllowed
      }
      count { verdicts[connections.classSetNumber($0, $1)] }
    }
    return GroupTallies(keys: keys, tallies: tallies)
  }

  /// Counts per pair of groups: `tally(a, b)` for the groups `keys[a]` and `keys[b]`.
  struct GroupTallies<Key: Hashable> {
    /// The groups, in the order their first endpoint is shown.
    var keys: [Key]
    /// `tallies[a * keys.count + b]`.
    var tallies: [Tally]

    func tally(_ source: Int, _ destination: Int) -> Tally { tallies[source * keys.count + destination] }

    /// All counts together.
    var total: Tally {
      tallies.reduce(into: Tally()) { total, tally in
        total.allowed += tally.allowed
        total.some += tally.some
        total.denied += tally.denied
      }
    }
  }

  /// Counts over the shown cells (self cells left out).
  func counts() -> Tally {
    // The whole matrix: the counts it made with its rows.
    let whole = Array(endpoints.indices)
    if rows.count == whole.count, columns.count == whole.count, rows == whole, columns == whole {
      if let counts = matrix?.counts { return Tally(allowed: counts.allowed, some: 0, denied: counts.denied) }
      if let counts = connections?.counts { return Tally(allowed: counts.all, some: counts.some, denied: counts.none) }
    }
    return tallies { _ in 0 }.total
  }

  /// One header line: probe, view and counts.
  var headline: String {
    let counts = counts()
    let view = (matrix?.view ?? connections?.view ?? .enforced).rawValue
    if connections != nil {
      return "any  \(view)  \(counts.allowed) all allowed, \(counts.some) some ports, \(counts.denied) denied"
    }
    return "\(probeText)  \(view)  \(counts.allowed) allowed, \(counts.denied) denied"
  }

  private var legend: String {
    let some = connections != nil ? ", \(glyphs.some) some ports" : ""
    return "(\(glyphs.allowed) allowed, \(glyphs.denied) denied\(some), \(glyphs.selfCell) self)"
  }

  /// A grid: numbered rows, numbered columns (the same numbers when rows and columns are the
  /// same endpoints; otherwise a list of columns follows).
  func table() -> String {
    ByteWriter.collect(table)
  }

  /// The grid, written to `out` a row at a time.
  func table(to out: ByteWriter) {
    let sameAxes = rows == columns
    let width = String(max(rows.count, columns.count, 1)).count
    let labels = rows.map { endpoints[$0].id.visible }
    let labelWidth = min(48, labels.map(\.count).max() ?? 0)
    for line in [headline + "  " + legend + (sameAxes ? "; column n is row n" : "")] + whatIfLines + [""] {
      out.write(line + "\n")
    }
    let prefix = String(repeating: " ", count: width + 2 + labelWidth + 1)
    for digit in 0..<width where !columns.isEmpty {
      var line = prefix
      for column in 1...columns.count {
        let text = String(column).leftPadded(width, with: " ")
        line += String(Array(text)[digit]) + " "
      }
      out.write(line.trimmingTrailingSpaces + "\n")
    }
    let marks = MarkRow(self, separator: " ")
    for (position, row) in rows.enumerated() {
      let line =
        String(position + 1).leftPadded(width, with: " ") + "  "
        + truncate(labels[position], labelWidth).padded(labelWidth) + " "
      if columns.isEmpty {
        out.write(line.trimmingTrailingSpaces + "\n")
        continue
      }
      out.write(line)
      marks.write(row, to: out)
      out.write("\n")
    }
    if !sameAxes {
      out.write("\ncolumns:\n")
      for (position, column) in columns.enumerated() {
        out.write(String(position + 1).leftPadded(width, with: " ") + "  " + endpoints[column].id.visible + "\n")
      }
    }
  }

  /// The marks of a row of cells, each as bytes made once.
  private struct MarkRow {
    let text: MatrixText
    let separator: [UInt8]
    /// allowed, denied, self, some, unknown.
    let marks: [[UInt8]]
    /// With `any`, per distinct connection set: its mark.
    let setKinds: [Int]

    init(_ text: MatrixText, separator: String) {
      self.text = text
      self.separator = Array(separator.utf8)
      let glyphs = text.glyphs
      marks = [glyphs.allowed, glyphs.denied, glyphs.selfCell, glyphs.some, "?"].map { Array($0.utf8) }
      setKinds =
        text.connections.map { connections in
          (0..<connections.setCount).map { number in
            let set = connections.set(number: number)
            return set.isAll ? 0 : (set.isEmpty ? 1 : 3)
          }
        } ?? []
    }

    /// Writes the marks of `row` over the columns, separated.
    func write(_ row: Int, to out: ByteWriter) {
      var line: [UInt8] = []
      line.reserveCapacity(text.columns.count * (separator.count + 3))
      func append(_ position: Int, _ kind: Int) {
        if position > 0 { line.append(contentsOf: separator) }
        line.append(contentsOf: marks[kind])
      }
      if let matrix = text.matrix {
        let rowClass = Int(matrix.classOf[row])
        for (position, column) in text.columns.enumerated() {
          append(position, row == column ? 2 : matrix.classAllows(rowClass, Int(matrix.classOf[column])) ? 0 : 1)
        }
      } else if let connections = text.connections {
        for (position, column) in text.columns.enumerated() {
          append(position, connections.setNumber(row, column).map { setKinds[$0] } ?? 2)
        }
      } else {
        for position in text.columns.indices { append(position, 4) }
      }
      out.write(line)
    }
  }

  /// `{"probe": ..., "view": ..., "endpoints": [...], "cells": [...]}`.
  func json(trap: TrapReport?) -> String {
    ByteWriter.collect { json(trap: trap, to: $0) }
  }

  /// The JSON document, written to `out` as it is made (millions of cells, at scale).
  func json(trap: TrapReport?, to out: ByteWriter) {
    var entries: [(String, JSON)] = [
      ("probe", Self.probeJSON(matrix?.probe)),
      ("view", .string((matrix?.view ?? connections?.view ?? .enforced).rawValue)),
    ]
    if let trap {
      entries.append(
        (
          "trap",
          .object([("policy", .string(trap.policy.description)), ("widened", .array(trap.widened.map(JSON.string)))])
        ))
    }
    var shown = rows
    for column in columns where !rows.contains(column) { shown.append(column) }
    entries.append(("endpoints", .array(shown.map { .string(endpoints[$0].id) })))
    // The cells come last, each written straight out.
    var head = JSON.object(entries).text
    head.removeLast()
    out.write(head)
    out.write(#","cells":["#)
    if let matrix {
      var cells = DecisionCellsText(evaluator: evaluator, probe: matrix.probe, style: .json)
      cells.write(rows: rows, columns: columns, to: out)
    } else if let connections {
      ConnectionCellsJSON(connections, ids: endpoints.map(\.id)).write(rows: rows, columns: columns, to: out)
    }
    out.write("]}\n")
  }

  /// `"all"`, or `{"TCP": ["80", "8080-8090"], ...}` with only the protocols that have ports.
  static func connectionsJSON(_ set: ConnectionSet) -> JSON {
    if set.isAll { return .string("all") }
    return .object(
      IPProtocol.allCases.compactMap { ipProtocol in
        guard let ranges = set.ports[ipProtocol], !ranges.isEmpty else { return nil }
        return (ipProtocol.rawValue, .array(ranges.texts.map(JSON.string)))
      })
  }

  /// One cell as JSON.
  /// `{"protocol": "TCP", "port": 80}`, or `{"protocol": "any"}` for every connection.
  static func probeJSON(_ probe: Probe?) -> JSON {
    guard let probe else { return .object([("protocol", .string("any"))]) }
    switch probe.port {
    case .number(let port): return .object([("protocol", .string(probe.ipProtocol.rawValue)), ("port", .number(port))])
    case .name(let name): return .object([("protocol", .string(probe.ipProtocol.rawValue)), ("port", .string(name))])
    }
  }

  static func cellJSON(_ cell: CellTrace) -> JSON {
    .object([
      ("from", .string(cell.source)),
      ("to", .string(cell.destination)),
      ("verdict", .string(cell.outcome.verdict.rawValue)),
      ("reason", .string(DecisionText.reason(cell))),
      ("decidedBy", decidedByJSON(cell)),
    ])
  }

  /// What decided a cell: the side, the tier, the policy, the rule's index and the kind of
  /// decision (`rule`, `tier-default`, `profile`, `failsafe`, ...).
  static func decidedByJSON(_ cell: CellTrace) -> JSON {
    let side = cell.decidingSide
    var tier: String?
    var policy: String?
    var rule: JSON = .null
    let decision: String
    switch side.decider {
    case .rule(let id, let tierName, let matched):
      tier = tierName
      policy = id.description
      rule = .number(matched.index)
      decision = "rule"
    case .tierDefault(let tierName, let last, _):
      tier = tierName
      policy = last.description
      decision = "tier-default"
    case .profile(let name, let matched):
      policy = "Profile/\(name)"
      rule = .number(matched.index)
      decision = "profile"
    case .noProfileMatched: decision = "no-profile"
    case .failsafe: decision = "failsafe"
    case .external: decision = "external"
    case .unpolicedHost: decision = "unpoliced-host"
    case .hostToLocalWorkload: decision = "host-to-local-pod"
    case .endpointToHost: decision = "endpoint-to-host"
    case .unresolvedPortName: decision = "port-name"
    case .loopback: decision = "self"
    }
    return .object([
      ("side", .string(side.direction.rawValue)),
      ("tier", .optional(tier)),
      ("policy", .optional(policy)),
      ("rule", rule),
      ("decision", .string(decision)),
    ])
  }

  /// `from,to,verdict,reason` (single probe) or `from,to,allowed` (any), one row per pair.
  func csv() -> String {
    ByteWriter.collect(csv)
  }

  /// The CSV text, written to `out` as it is made.
  func csv(to out: ByteWriter) {
    // Comment lines first (a reader that takes `#` comments skips them).
    for line in whatIfLines { out.write("# " + line + "\n") }
    if let matrix {
      out.write("from,to,verdict,reason\n")
      var cells = DecisionCellsText(evaluator: evaluator, probe: matrix.probe, style: .csv)
      cells.write(rows: rows, columns: columns, to: out)
    } else if let connections {
      out.write("from,to,allowed\n")
      var grid = PieceGrid()
      let fields = endpoints.map { grid.add(Self.csvField($0.id) + ",") }
      let sets = (0..<connections.setCount).map {
        grid.add(Self.csvField(connections.set(number: $0).description) + "\n")
      }
      let all = grid.add(Self.csvField(ConnectionSet.all.description) + "\n")
      var started = false
      grid.write(rows: rows, columns: columns, between: nil, started: &started, to: out) { row, column in
        (fields[row], fields[column], connections.setNumber(row, column).map { sets[$0] } ?? all, -1, -1)
      }
    }
  }

  static func csvField(_ text: String) -> String {
    var value = text.visible
    // A leading =, +, - or @ would be read as a formula by spreadsheets.
    if let first = value.utf8.first,
      [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@")].contains(first)
    {
      value = "'" + value
    }
    guard value.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") }) else { return value }
    return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// A Markdown table: a row per source, a numbered column per destination.
  func markdown() -> String {
    ByteWriter.collect(markdown)
  }

  /// The Markdown table, written to `out` a row at a time.
  func markdown(to out: ByteWriter) {
    let lines =
      ["**\(headline)**", ""] + whatIfLines.map { "> \($0)" } + (whatIfLines.isEmpty ? [] : [""]) + [legend, ""]
    for line in lines { out.write(line + "\n") }
    out.write("| # | source \\ destination | " + columns.indices.map { "\($0 + 1)" }.joined(separator: " | ") + " |\n")
    out.write("|---|---|" + String(repeating: "---|", count: columns.count) + "\n")
    let marks = MarkRow(self, separator: " | ")
    for (position, row) in rows.enumerated() {
      out.write("| \(position + 1) | `\(Self.markdownEscaped(endpoints[row].id))` | ")
      marks.write(row, to: out)
      out.write(" |\n")
    }
    if rows != columns {
      out.write("\n")
      for (position, column) in columns.enumerated() {
        out.write("\(position + 1). `\(Self.markdownEscaped(endpoints[column].id))`\n")
      }
    }
  }

  private static func markdownEscaped(_ text: String) -> String {
    text.visible.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "`", with: "'")
  }

  /// Counts per pair of groups (namespaces, `hosts`, `networks`) and in total.
  func summary() -> String {
    ByteWriter.collect(summary)
  }

  /// The counts, written to `out`.
  func summary(to out: ByteWriter) {
    let tallies = tallies(by: EndpointGroup.init)
    let isAny = connections != nil
    out.write(([headline] + whatIfLines).joined(separator: "\n") + "\n\n")
    out.write(isAny ? "source -> destination\tall\tsome\tdenied\n" : "source -> destination\tallowed\tdenied\n")
    let order = tallies.keys.indices.sorted { tallies.keys[$0] < tallies.keys[$1] }
    // (A line per pair of groups, a million at 1,000 namespaces: written as bytes.)
    let names = tallies.keys.map { Array($0.name.visible.utf8) }
    let arrow = Array(" -> ".utf8)
    for a in order {
      for b in order {
        let tally = tallies.tally(a, b)
        guard tally.total > 0 else { continue }
        out.write(names[a])
        out.write(arrow)
        out.write(names[b])
        out.write("\t")
        out.write(decimal: tally.allowed)
        if isAny {
          out.write("\t")
          out.write(decimal: tally.some)
        }
        out.write("\t")
        out.write(decimal: tally.denied)
        out.write("\n")
      }
    }
    let total = tallies.total
    out.write(
      isAny ? "total\t\(total.allowed)\t\(total.some)\t\(total.denied)\n" : "total\t\(total.allowed)\t\(total.denied)\n"
    )
  }

  private func truncate(_ text: String, _ width: Int) -> String {
    text.count <= width ? text : String(text.prefix(max(0, width - 1))) + "…"
  }
}

extension String {
  /// The string without trailing spaces.
  var trimmingTrailingSpaces: String {
    var copy = Substring(self)
    while copy.last == " " { copy = copy.dropLast() }
    return String(copy)
  }
}
