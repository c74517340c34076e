import PolicyKit

/// A version of the manifests to compare with (`--against OLD`, `--against-git REV`): loaded
/// once, evaluated for the probe and view on screen, and never reloaded, so the cells that
/// differ from it show the whole effect of the edits made since.
struct Baseline: Sendable {
  /// What the baseline is, for the user: the OLD path or the revision.
  var label: String
  /// The cluster as the baseline has it.
  var cluster: Cluster
  /// The files the baseline's policies and profiles come from (not to be edited: editing
  /// them does not change the baseline, and `REV:path` is no file at all).
  var files: Set<String>
  /// The baseline evaluated for the view, probe and connection sets on screen (never with
  /// the trap: it widens a policy of the version on screen).
  private(set) var session: EvaluationSession

  init(label: String, cluster: Cluster) {
    self.label = label
    self.cluster = cluster
    var files = Set(cluster.policies.map(\.location.file))
    for policy in cluster.policies {
      for rule in policy.ingress + policy.egress { if let file = rule.location?.file { files.insert(file) } }
    }
    self.files = files
    session = EvaluationSession(question: Question(probe: Probe(.tcp, 80)))
  }

  /// The baseline's evaluation.
  var snapshot: Snapshot? { session.snapshot }
  var evaluator: Evaluator? { snapshot?.evaluator }
  var matrix: ConnectivityMatrix? { snapshot?.matrix }
  var connections: ConnectionMatrix? { snapshot?.connections }

  /// Brings the evaluation up to date with the view, probe and connection sets of `question`,
  /// evaluating only what changed.
  mutating func evaluate(_ question: Question) {
    var asked = question
    asked.trap = nil
    // Evaluated when first asked, for the question on screen.
    session.update(cluster: session.cluster == nil ? cluster : nil, question: asked)
  }
}

/// How a cell differs from the baseline.
enum BaselineChange: Hashable, Sendable {
  /// Denied in the baseline (or allowed less, with `any`), allowed now.
  case opened
  /// Allowed in the baseline, denied now (with `any`: nothing allowed now).
  case closed
  /// With `any`: some connections now, others than in the baseline.
  case changed
}

/// The cells that differ from the baseline, counted by kind.
struct BaselineCounts: Hashable, Sendable {
  var opened = 0
  var closed = 0
  var changed = 0

  var total: Int { opened + closed + changed }
}

extension AppState {
  /// How the cell differs from the baseline, if it does (whether or not marks are shown).
  func baselineChange(_ source: Int, _ destination: Int) -> BaselineChange? {
    guard source != destination, let changed = baselineDiff?.changed,
      changed.groupOf.indices.contains(source), changed.groupOf.indices.contains(destination)
    else { return nil }
    let (from, to) = (changed.groupOf[source], changed.groupOf[destination])
    guard from >= 0, to >= 0, changed.pairs.contains(Int(from), Int(to)) else { return nil }
    switch mark(source, destination) {
    case .allowed: return .opened
    case .denied: return .closed
    default: return .changed
    }
  }

  /// The cell's baseline mark as drawn: nil when marks are off.
  func baselineMark(_ source: Int, _ destination: Int) -> BaselineChange? {
    showsBaselineMarks ? baselineChange(source, destination) : nil
  }

  /// The changes from the baseline to the evaluation on screen, and their counts: compared a
  /// pair of endpoint groups at a time, so the cost follows classes, not cells.
  static func compare(
    baseline: Baseline?, matrix: ConnectivityMatrix?, connections: ConnectionMatrix?
  ) -> (MatrixDiff?, BaselineCounts) {
    var counts = BaselineCounts()
    if let connections, let older = baseline?.connections {
      let diff = MatrixDiff(older: older, newer: connections)
      diff.changed.forEachPair { source, destination, cells in
        let set = connections.classConnections(
          Int(diff.changed.newerClass[source]), Int(diff.changed.newerClass[destination]))
        if set.isAll {
          counts.opened += cells
        } else if set.isEmpty {
          counts.closed += cells
        } else {
          counts.changed += cells
        }
      }
      return (diff, counts)
    }
    guard let matrix, let older = baseline?.matrix else { return (nil, counts) }
    let diff = MatrixDiff(older: older, newer: matrix)
    diff.changed.forEachPair { source, destination, cells in
      if matrix.classAllows(Int(diff.changed.newerClass[source]), Int(diff.changed.newerClass[destination])) {
        counts.opened += cells
      } else {
        counts.closed += cells
      }
    }
    return (diff, counts)
  }

  /// `n` and `N`: moves to the next (or previous) cell that differs from the baseline among
  /// the rows and columns shown, row by row, wrapping around.
  mutating func jumpToChange(forward: Bool) {
    guard let baseline, let diff = baselineDiff else {
      say("no baseline: open with --against OLD or --against-git REV to mark what changed", .normal)
      return
    }
    if groupMatrix != nil {
      // Changed cells are endpoint cells: leave the zoomed-out view for them.
      groupMatrix = nil
      applyFilter()
    }
    let (rowSet, columnSet) = (Set(rows), Set(columns))
    let current = selectedCell.map { ($0.source, $0.destination) } ?? (-1, -1)
    var first: (Int, Int)?
    var last: (Int, Int)?
    var found: (Int, Int)?
    diff.forEachChange(keepSource: { rowSet.contains($0) }, keepDestination: { columnSet.contains($0) }) { change in
      let cell = (change.newer.source, change.newer.destination)
      if first == nil { first = cell }
      if forward, cell > current {
        found = cell
        return false
      }
      if !forward, cell < current { found = cell }
      last = cell
      return true
    }
    guard let target = found ?? (forward ? first : last) else {
      say("no cell differs from \(baseline.label) among those shown", .normal)
      return
    }
    moveCursor(toSource: target.0, destination: target.1)
    let how: String
    switch baselineChange(target.0, target.1) {
    case .opened?: how = "allowed now"
    case .closed?: how = "denied now"
    default: how = "changed"
    }
    let wrapped = found == nil ? " (wrapped around)" : ""
    say("\(endpoints[target.0].id) -> \(endpoints[target.1].id): \(how), unlike \(baseline.label)\(wrapped)", .normal)
  }

  /// `b`: shows or hides the baseline marks.
  mutating func toggleBaselineMarks() {
    guard let baseline else {
      say("no baseline: open with --against OLD or --against-git REV to mark what changed", .normal)
      return
    }
    showsBaselineMarks.toggle()
    say(
      showsBaselineMarks
        ? "marks of what differs from \(baseline.label): on"
        : "marks of what differs from \(baseline.label): off (b shows them)", .normal)
  }

  /// The selected cell's trace in the baseline, labelled, for the trace pane: only for cells
  /// that differ from it.
  func baselineTraceLines(probe: Probe) -> [TraceLine] {
    guard let baseline, let evaluator = baseline.evaluator, let cell = selectedCell,
      baselineChange(cell.source, cell.destination) != nil,
      let source = evaluator.index[endpoints[cell.source].id],
      let destination = evaluator.index[endpoints[cell.destination].id]
    else { return [] }
    let trace = evaluator.trace(from: source, to: destination, probe: probe)
    var lines = [TraceLine(indent: 0, text: "before, in \(baseline.label):", tone: .heading, location: nil)]
    for var line in TraceText(evaluator: evaluator).lines(trace) {
      line.indent += 1
      lines.append(line)
    }
    lines.append(TraceLine(indent: 0, text: "after, now:", tone: .heading, location: nil))
    return lines
  }
}
