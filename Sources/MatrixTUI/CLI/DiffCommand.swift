import Foundation
import PolicyKit

/// `matrix-tui diff`: what a change does to the matrix. Every cell whose verdict (or, with
/// `--probe any`, whose allowed set) differs between two versions of the manifests, with the
/// deciding rule on each side, and the endpoints that came and went.
struct DiffCommand: Subcommand {
  static let definition = CommandDefinition(
    name: "diff",
    abstract: "What a change does: the cells that differ between two versions, and why, on each side.",
    discussion: """
      matrix-tui diff OLD NEW            OLD and NEW are files or directories, as for eval.
      matrix-tui diff --git REV PATH...  PATH as committed at REV against the working tree.
      Exit codes: 0 nothing changed, 1 some cell changed (or an endpoint came or went), 2 input
      errors on either side, 64 usage. With --expect, 1 only when the change breaks an
      expectation.
      """,
    arguments: EvaluationOptions.arguments + [
      .option(
        "git", help: "Compare PATH... as committed at this revision (origin/main, HEAD~1) with the working tree."),
      .choice(
        "format", Format.self, default: "table",
        help:
          "table (or text), json, markdown (for a pull request comment), summary (counts per namespace pair), junit, or html."
      ),
      .option(
        "from", completion: .endpointsOrNamespaces,
        help: "Only cells from these sources: a namespace, an endpoint id, or a selector."),
      .option(
        "to", completion: .endpointsOrNamespaces,
        help: "Only cells to these destinations: a namespace, an endpoint id, or a selector."),
      .option(
        "expect", completion: .files,
        help: "Expectations in the `check` format: exit 1 only when the change breaks one."),
    ])

  enum Format: String, CaseIterable {
    case table, text, json, markdown, summary, junit, html
  }

  var options: EvaluationOptions
  var git: String?
  var format: Format
  var from: String?
  var to: String?
  var expect: String?

  init(_ arguments: ParsedArguments) throws {
    options = try EvaluationOptions(arguments)
    git = arguments.value("git")
    format = try arguments.choice("format")
    from = arguments.value("from")
    to = arguments.value("to")
    expect = arguments.value("expect")
    if git == nil, options.paths.count != 2 {
      throw UsageError("give the two versions, OLD and NEW (or --git REV and the paths to compare with it)")
    }
  }

  func run() throws {
    let (olderResult, newerResult) = try loadBoth()
    let olderSide = try side(olderResult.cluster)
    // The newer version is evaluated as an edit of the older one (as the explorer evaluates a
    // save): what the change left alone is taken over, not worked out again.
    let newerSide = try side(newerResult.cluster, after: olderSide)
    let diff: MatrixDiff
    if let older = olderSide.connections, let newer = newerSide.connections {
      diff = MatrixDiff(older: older, newer: newer)
    } else {
      diff = MatrixDiff(older: olderSide.matrix!, newer: newerSide.matrix!)
    }
    let (keepSource, keepDestination) = try filter(olderSide.evaluator.cluster, newerSide.evaluator.cluster)
    let text = DiffText(
      older: olderSide, newer: newerSide, diff: diff, keepSource: keepSource, keepDestination: keepDestination)
    let broken = try expect.map { try brokenExpectations($0, older: olderResult.cluster, newer: newerResult.cluster) }
    switch format {
    case .table, .text:
      let out = ByteWriter.standardOutput()
      text.table(to: out)
      out.flush()
      if let broken { writeOut(Self.brokenText(broken)) }
    case .summary: writeOut(text.summary() + (broken.map(Self.brokenText) ?? ""))
    case .markdown: writeOut(text.markdown())
    case .json:
      let out = ByteWriter.standardOutput()
      text.json(to: out)
      out.flush()
    case .html:
      let out = ByteWriter.standardOutput()
      page(text, broken: broken.map(Self.brokenText)).write(to: out)
      out.flush()
    case .junit:
      if let broken {
        writeOut(text.junit(broken.map { ($0.summary, $0.failure) }))
      } else {
        writeOut(text.junit(text.changeCases))
      }
    }
    if let broken {
      if broken.contains(where: { $0.failure != nil }) { throw ExitCode(1) }
    } else if text.totals.opened + text.totals.closed > 0 || !diff.added.isEmpty || !diff.removed.isEmpty {
      throw ExitCode(1)
    }
  }

  /// The page of the change: the newer version's grid (the rows and columns `--from` and
  /// `--to` keep) with the changed cells marked, then the counts and the list of them.
  private func page(_ text: DiffText, broken: String?) -> HTMLPage {
    let newer = text.newer
    var matrix =
      newer.matrix.map { MatrixText(evaluator: newer.evaluator, matrix: $0) }
      ?? MatrixText(evaluator: newer.evaluator, connections: newer.connections!)
    matrix.trap = newer.trap
    matrix.rows = matrix.rows.filter(text.keepSource)
    matrix.columns = matrix.columns.filter(text.keepDestination)
    // A cell is traced in the newer version: NEW, or the working tree's paths with --git.
    var newerOptions = options
    if git == nil { newerOptions.paths = [options.paths[1]] }
    let arguments = HTMLPage.traceArguments(probe: newer.matrix?.probe, options: newerOptions)
    return HTMLPage(picture: MatrixPicture(matrix), traceArguments: arguments, change: text, expectations: broken)
  }

  // MARK: - Loading

  /// Both versions, loaded; their diagnostics are printed, and errors on either side stop
  /// the command (exit 2).
  private func loadBoth() throws -> (LoadResult, LoadResult) {
    let load = options.loadOptions
    let older: LoadResult
    let newer: LoadResult
    if let git {
      switch GitRevision(revision: git).files(options.paths) {
      case .success(let files): older = ManifestLoader.load(files, options: load)
      case .failure(let failure):
        DiagnosticPrinter.print([.error(failure.description, at: nil)])
        throw ExitCode(2)
      }
      newer = LoadedManifests.load(options.paths, options: load).result
    } else {
      older = LoadedManifests.load([options.paths[0]], options: load).result
      newer = LoadedManifests.load([options.paths[1]], options: load).result
    }
    DiagnosticPrinter.print(older.diagnostics + newer.diagnostics)
    if older.diagnostics.hasErrors || newer.diagnostics.hasErrors { throw ExitCode(2) }
    return (older, newer)
  }

  /// One version, evaluated for the probe (or every connection) with the trap applied.
  private func side(_ cluster: Cluster, after older: DiffText.Side? = nil) throws -> DiffText.Side {
    let (cluster, report) = try options.trapped(cluster)
    let evaluator = Evaluator(cluster: cluster, view: options.view, reusing: older?.evaluator)
    if options.isAnyProbe {
      let connections = ConnectionMatrix(evaluator: evaluator, updating: older?.connections)
      return DiffText.Side(evaluator: evaluator, connections: connections, trap: report)
    }
    let matrix = ConnectivityMatrix(evaluator: evaluator, probe: try options.resolvedProbe(), updating: older?.matrix)
    return DiffText.Side(evaluator: evaluator, matrix: matrix, trap: report)
  }

  /// Which of the newer version's endpoints `--from` and `--to` keep as sources and as
  /// destinations: ids either version's endpoints resolve to.
  private func filter(_ older: Cluster, _ newer: Cluster) throws -> ((Int) -> Bool, (Int) -> Bool) {
    var sets: [Set<String>?] = []
    for (option, value) in [("--from", from), ("--to", to)] {
      guard let value else {
        sets.append(nil)
        continue
      }
      var ids: Set<String> = []
      var problem: String?
      for cluster in [newer, older] {
        switch EndpointFilter.resolve(value, in: cluster) {
        case .success(let indexes): ids.formUnion(indexes.map { cluster.endpoints[$0].id })
        case .failure(let message): problem = problem ?? message.message
        }
      }
      if ids.isEmpty, let problem {
        DiagnosticPrinter.print([.error("\(option): \(problem)", at: nil)])
        throw ExitCode(2)
      }
      sets.append(ids)
    }
    let ids = newer.endpoints.map(\.id)
    let (sources, destinations) = (sets[0], sets[1])
    return (
      { index in sources?.contains(ids[index]) ?? true },
      { index in destinations?.contains(ids[index]) ?? true }
    )
  }

  // MARK: - Expectations

  /// One expectation, checked on both versions.
  struct ExpectationOutcome {
    var summary: String
    var location: SourceLocation
    var note: String?
    /// Why it fails now, when the change broke it (it held before, or its cell is new).
    var failure: String?
    /// Whether it failed before the change too (reported, not counted against the change).
    var alreadyBroken: Bool
  }

  /// Checks the expectations in `path` against both versions.
  private func brokenExpectations(_ path: String, older: Cluster, newer: Cluster) throws -> [ExpectationOutcome] {
    guard let data = FileManager.default.contents(atPath: path) else {
      DiagnosticPrinter.print([.error("cannot read `\(path)`\(ManifestInput.pathSuggestion(path))", at: nil)])
      throw ExitCode(2)
    }
    let (expectations, diagnostics) = ExpectationFile.parse(SourceFile(path: path, bytes: [UInt8](data)))
    DiagnosticPrinter.print(diagnostics)
    if diagnostics.hasErrors { throw ExitCode(2) }
    var before = ExpectationChecker(cluster: older)
    var after = ExpectationChecker(cluster: newer)
    var outcomes: [ExpectationOutcome] = []
    for expectation in expectations {
      let then = before.check(expectation)
      let now = after.check(expectation)
      if let problem = now.problem {
        DiagnosticPrinter.print([.error(problem, at: expectation.location)])
        throw ExitCode(2)
      }
      let heldBefore = then.holds || then.problem != nil
      outcomes.append(
        ExpectationOutcome(
          summary: expectation.summary, location: expectation.location, note: expectation.note,
          failure: now.holds || !heldBefore ? nil : now.cell.map(DecisionText.reason) ?? "",
          alreadyBroken: !now.holds && !heldBefore))
    }
    return outcomes
  }

  /// The expectations the change broke, and those that were broken before it.
  static func brokenText(_ outcomes: [ExpectationOutcome]) -> String {
    var lines: [String] = [""]
    for outcome in outcomes where outcome.failure != nil || outcome.alreadyBroken {
      let what = outcome.alreadyBroken ? "broken before the change too" : "broken by the change"
      lines.append("\(outcome.location): \(what): expected \(outcome.summary)".visible)
      if let note = outcome.note { lines.append("  note: \(note.visible)") }
      if let failure = outcome.failure { lines.append("  now: \(failure.visible)") }
    }
    let broken = outcomes.filter { $0.failure != nil }.count
    lines.append("expectations: \(outcomes.count - broken) passed, \(broken) failed")
    return lines.joined(separator: "\n") + "\n"
  }
}
