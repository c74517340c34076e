import PolicyKit

/// Which part of the screen keys go to.
enum Focus: Hashable, Sendable {
  case grid
  case trace
}

/// A one-line text prompt at the bottom of the screen.
struct Prompt: Hashable, Sendable {
  enum Kind: Hashable, Sendable {
    case filter
    case probe
  }

  var kind: Kind
  var text: String
  var error: String?
}

/// What is drawn over the grid, if anything.
enum Overlay: Hashable, Sendable {
  /// The key help, scrolled down by `scroll` lines.
  case help(scroll: Int)
  case checklist(selected: Int)
  case quiz(index: Int, chosen: Int?, revealed: Bool)
  case prompt(Prompt)
}

/// A message in the status line, until a time.
struct StatusMessage: Hashable, Sendable {
  var text: String
  var tone: Tone
  var until: Double
}

/// The trap what-if in force.
struct TrapState: Sendable {
  /// What names the policy (`Kind/name` or `Kind/namespace/name`).
  var reference: String
  var report: TrapReport
}

/// The explorer's whole state: a value, changed only by `reduce`.
struct AppState: Sendable {
  // MARK: Settings
  var paths: [String]
  var isWatching: Bool
  var glyphs = Glyphs.unicode
  var isMonochrome = false
  var width = 80
  var height = 24
  var now: Double = 0
  /// How long changed cells stay highlighted, in seconds.
  var flipHighlightSeconds: Double = 4
  /// How long a burst of file events is waited out before reloading, in seconds.
  var debounceSeconds: Double = 0.1

  // MARK: Loaded input
  /// The last cluster that loaded without errors (or the first load, whatever it held).
  var cluster: Cluster?
  var files: [String] = []
  /// The diagnostics of the latest load; errors show in the error bar.
  var diagnostics: [Diagnostic] = []
  /// Whether the cluster on screen is from an earlier load than the one with those errors
  /// (false on a first load with errors: what loaded is shown, without what had errors).
  var clusterIsFromEarlierLoad = false
  /// Files of the shown cluster that had content: one read empty later is probably being
  /// saved (truncated, not yet written), so the matrix waits for it.
  var filesWithContent: Set<String> = []
  /// Files of the shown cluster read empty since a time: still empty after the grace time,
  /// that is what the user meant.
  var emptySince: [String: Double] = [:]
  /// How long a file that turned empty is waited for before its emptiness is believed.
  var emptyFileGraceSeconds: Double = 1
  var lesson: Lesson?
  /// The quiz as asked this time: each question's options in an order shuffled from
  /// `quizSeed` (the lessons' files tend to put the right answer in one place).
  var quizQuestions: [QuizQuestion] = []
  /// Whether each question answered so far was answered right, by index.
  var quizAnswers: [Int: Bool] = [:]
  /// The seed of the options' order: a new one per run; tests fix it.
  var quizSeed = UInt64.random(in: 0...UInt64.max)

  // MARK: What is evaluated
  var probe = Probe(.tcp, 80)
  /// Whether cells show whole connection sets (`any`) instead of one probe.
  var isAnyProbe = false
  var view = PolicyView.enforced
  var trap: TrapState?
  /// The version compared with (`--against`, `--against-git`), if any.
  var baseline: Baseline?
  /// Whether cells that differ from the baseline are marked (`b`).
  var showsBaselineMarks = true

  /// The loaded cluster's evaluation for the question on screen, kept up to date by
  /// `recompute`.
  var session = EvaluationSession(question: Question(probe: Probe(.tcp, 80)))

  // MARK: Derived (by `recompute`)
  /// The evaluation on screen: the session's last snapshot.
  var snapshot: Snapshot?
  var evaluator: Evaluator? {
    get { snapshot?.evaluator }
    set { if let newValue { snapshot?.evaluator = newValue } }
  }
  var matrix: ConnectivityMatrix? { snapshot?.matrix }
  /// With `any`: every pair's allowed connections.
  var connections: ConnectionMatrix? { snapshot?.connections }
  /// In the pending view, the enforced matrix, to mark the cells that would change.
  var enforcedMatrix: ConnectivityMatrix? { snapshot?.enforced?.matrix }
  /// Cells that flipped recently: `source \u{1} destination` -> when.
  var flips: [FlipRecord] = []
  /// Lesson expectations and whether each holds now.
  var checklist: [(expectation: Expectation, holds: Bool)] = []

  // MARK: Derived for drawing (by `evaluationChanged` and `refreshTrace`, once per change)
  /// Cell counts for the header: all allowed, some ports, denied (pairs of different
  /// endpoints), counted when the matrix is made.
  private(set) var markCounts = (allowed: 0, some: 0, denied: 0)
  /// The selected cell's trace.
  private(set) var selectedTrace: CellTrace?
  /// The selected cell's trace as lines of text (what the trace cursor and `t` go by).
  private(set) var traceLines: [TraceLine] = []
  /// What the trace pane shows: `traceLines` after what `any` allows and the trap in force.
  /// The trace cursor moves over these lines, so the one under it is the one `t` and `e` act
  /// on.
  private(set) var tracePaneLines: [TraceLine] = []
  /// What differs from the baseline, and how many cells of each kind (nil without one).
  private(set) var baselineDiff: MatrixDiff?
  private(set) var baselineCounts = BaselineCounts()
  /// How many of `tracePaneLines` are the baseline's side (0 when the cell is unchanged).
  private(set) var baselineTraceLineCount = 0
  /// The cell the trace was made for, and the evaluation it came from.
  private var traceMadeFor: TraceKey?
  /// Counts evaluations, so that a trace made before the latest one is known to be stale.
  private var evaluationNumber = 0

  // MARK: Zoom
  /// The zoomed-out view (groups of endpoints), when on.
  var groupMatrix: GroupMatrix?
  var groupCursorRow = 0
  var groupCursorColumn = 0
  /// The group pair zoomed into (rows from the first group, columns from the second).
  var zoomedInto: (source: EndpointGroup, destination: EndpointGroup)?
  /// Clusters larger than this open zoomed out.
  var zoomOutAbove = 400

  // MARK: Navigation
  var filter = ""
  /// Endpoint indexes shown as rows and as columns (after the filter).
  var rows: [Int] = []
  var columns: [Int] = []
  var cursorRow = 0
  var cursorColumn = 0
  var rowOffset = 0
  var columnOffset = 0
  var focus = Focus.grid
  var traceCursor = 0
  var traceOffset = 0
  var overlay: Overlay?
  var status: StatusMessage?
  var pendingReloadAt: Double?
  /// What the watcher saw change since the last reload, for the next one; nil when that is
  /// not known (before the first load, or after a reload that needs every file looked at).
  var changesSinceLoad: [FileChange]?
  var hasQuit = false

  init(paths: [String], isWatching: Bool) {
    self.paths = paths
    self.isWatching = isWatching
  }

  /// The endpoints of the cluster being shown.
  var endpoints: [Endpoint] { evaluator?.cluster.endpoints ?? [] }

  /// The width of the longest endpoint id (set with the evaluator).
  var longestEndpointID = 0

  /// How many row labels there are (endpoints, or groups when zoomed out) and the width of
  /// the longest (8 when there are none).
  var rowLabelMeasure: (count: Int, longest: Int) {
    if let groupMatrix { return (groupMatrix.groups.count, groupMatrix.groups.isEmpty ? 8 : groupMatrix.longestLabel) }
    let count = endpoints.count
    return (count, count == 0 ? 8 : longestEndpointID)
  }

  /// The endpoint index under the cursor as (source, destination).
  var selectedCell: (source: Int, destination: Int)? {
    guard rows.indices.contains(cursorRow), columns.indices.contains(cursorColumn) else { return nil }
    return (rows[cursorRow], columns[cursorColumn])
  }

  /// The probe the selected cell's trace explains: the probe, or with `any` the first
  /// allowed connection of the cell (or the probe when nothing is allowed).
  var traceProbe: Probe {
    guard isAnyProbe, let connections, let cell = selectedCell else { return probe }
    let set = connections.connections(cell.source, cell.destination)
    for ipProtocol in IPProtocol.allCases {
      if let first = set.ports[ipProtocol]?.ranges.first { return Probe(ipProtocol, first.lowerBound) }
    }
    return probe
  }

  /// What a cell shows.
  enum CellMark: Hashable {
    case allowed
    case some
    case denied
    case selfCell
  }

  /// The mark of a cell: its outcome, or with `any` all, some or no connections.
  func mark(_ source: Int, _ destination: Int) -> CellMark {
    if source == destination { return .selfCell }
    if isAnyProbe, let connections {
      let set = connections.connections(source, destination)
      return set.isAll ? .allowed : (set.isEmpty ? .denied : .some)
    }
    switch matrix?.outcome(source, destination) {
    case .allowed?: return .allowed
    case .selfTraffic?: return .selfCell
    default: return .denied
    }
  }

  /// The cells one change flipped, and when: pairs of groups of endpoints (the classes, after
  /// an edit of policies), a few thousand bits even for 10,000 endpoints.
  struct FlipRecord {
    var at: Double
    /// The pairs of groups whose cells flipped (self cells excepted).
    var pairs: ClassPairBits
    /// Per endpoint shown: its group, or -1 for an endpoint that came later.
    var groupOf: [Int32]
  }

  /// Whether the cell flipped within the highlight time.
  func isFlipped(_ source: Int, _ destination: Int) -> Bool {
    guard source != destination else { return false }
    for record in flips where now - record.at < flipHighlightSeconds {
      let (from, to) = (record.groupOf[source], record.groupOf[destination])
      if from >= 0, to >= 0, record.pairs.contains(Int(from), Int(to)) { return true }
    }
    return false
  }

  /// Whether the pending view differs from the enforced one at this cell.
  func differsFromEnforced(_ source: Int, _ destination: Int) -> Bool {
    guard let enforcedMatrix, let matrix else { return false }
    return enforcedMatrix.outcome(source, destination).verdict != matrix.outcome(source, destination).verdict
  }

  /// Errors of the latest load (warnings are not shown in the bar).
  var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
}

extension AppState {
  /// What a trace was made for: a cell (endpoint indexes) in one evaluation.
  struct TraceKey: Hashable, Sendable {
    var source: Int
    var destination: Int
    var evaluation: Int
  }

  /// Takes in a new evaluation (matrix, connection sets, probe, view or trap): counts its
  /// cells for the header and marks the trace as stale.
  mutating func evaluationChanged() {
    evaluationNumber += 1
    markCounts = Self.counts(matrix: matrix, connections: isAnyProbe ? connections : nil)
    if baseline != nil {
      (baselineDiff, baselineCounts) = Self.compare(
        baseline: baseline, matrix: matrix, connections: isAnyProbe ? connections : nil)
    }
  }

  /// The header's counts: with connection sets, all, some or no connections; otherwise
  /// allowed and denied. Counted a pair of classes at a time, not a pair of endpoints.
  static func counts(
    matrix: ConnectivityMatrix?, connections: ConnectionMatrix?
  ) -> (allowed: Int, some: Int, denied: Int) {
    if let connections {
      let counts = connections.counts
      return (counts.all, counts.some, counts.none)
    }
    guard let counts = matrix?.counts else { return (0, 0, 0) }
    return (counts.allowed, 0, counts.denied)
  }

  /// Works out the selected cell's trace and its lines, when the cell or the evaluation
  /// changed since they were made; otherwise leaves them as they are.
  mutating func refreshTrace() {
    let key = selectedCell.map {
      TraceKey(source: $0.source, destination: $0.destination, evaluation: evaluationNumber)
    }
    guard key != traceMadeFor else { return }
    traceMadeFor = key
    guard let evaluator, let cell = selectedCell else {
      (selectedTrace, traceLines, tracePaneLines, baselineTraceLineCount) = (nil, [], [], 0)
      return
    }
    let probe = traceProbe
    let trace = evaluator.trace(from: cell.source, to: cell.destination, probe: probe)
    selectedTrace = trace
    traceLines = TraceText(evaluator: evaluator).lines(trace)
    var shown = traceLines
    if let trap {
      shown.insert(TraceLine(indent: 0, text: "trap: \(trap.report.summary)", tone: .bad, location: nil), at: 1)
    }
    if isAnyProbe, let connections {
      let set = connections.connections(cell.source, cell.destination)
      shown.insert(
        TraceLine(
          indent: 0, text: "any: \(set) allowed; the trace below is for \(probe)",
          tone: set.isEmpty ? .bad : .good, location: nil),
        at: 0)
    }
    let before = baselineTraceLines(probe: probe)
    baselineTraceLineCount = before.count
    tracePaneLines = before + shown
  }
}
