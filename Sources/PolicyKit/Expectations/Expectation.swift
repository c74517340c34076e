import Foundation

/// One expected verdict for one cell, under a probe, a view and an optional trap.
public struct Expectation: Hashable, Sendable {
  /// The source endpoint id.
  public var source: String
  /// The destination endpoint id.
  public var destination: String
  /// The expected verdict.
  public var verdict: Verdict
  /// The probe.
  public var probe: Probe
  /// The view.
  public var view: PolicyView
  /// The trap what-if, if any.
  public var trap: String?
  /// The block's note (which lesson line it checks).
  public var note: String?
  /// Where the expectation was written.
  public var location: SourceLocation

  /// `tcp/80 prod/backend -> host/node-worker allowed (pending, trap x)`.
  public var summary: String {
    var text = "\(probe.argument) \(source) -> \(destination) \(verdict == .allow ? "allowed" : "denied")"
    var extras: [String] = []
    if view != .enforced { extras.append(view.rawValue) }
    if let trap { extras.append("trap \(trap)") }
    if !extras.isEmpty { text += " (\(extras.joined(separator: ", ")))" }
    return text
  }
}

/// Reads an expectations file: a YAML list of blocks with `probe`, optional `view`, `trap` and
/// `note`, and `allowed`/`denied` lists of `"SRC -> DST"`.
public enum ExpectationFile {
  /// Parses `file`; problems are diagnostics, good blocks still load.
  public static func parse(_ file: SourceFile) -> (expectations: [Expectation], diagnostics: [Diagnostic]) {
    var expectations: [Expectation] = []
    var context = DecodeContext(file: file.path, document: 0)
    var roots: [YAMLNode] = []
    let syntax = YAMLReader(file: file.path).read(file.bytes) { unit in
      if case .document(let node, _) = unit { roots.append(node) }
    }
    for root in roots where !root.isNull {
      guard let blocks = context.list(root, "expectations") else { continue }
      for block in blocks {
        guard context.mapping(block, "expectation") != nil else { continue }
        context.checkFields(block, ["probe", "view", "trap", "note", "allowed", "denied"], in: "an expectation")
        let probeText = context.string(block["probe"], "probe") ?? "tcp/80"
        guard let probe = Probe(parsing: probeText) else {
          context.error(
            "invalid probe `\(probeText)` (expected e.g. tcp/80, udp/53, tcp/http)", at: block["probe"] ?? block)
          continue
        }
        var view = PolicyView.enforced
        if let text = context.string(block["view"], "view") {
          guard let parsed = PolicyView(rawValue: text) else {
            context.error("unknown view `\(text)` (expected enforced or pending)", at: block["view"] ?? block)
            continue
          }
          view = parsed
        }
        let trap = context.string(block["trap"], "trap")
        let note = context.string(block["note"], "note")
        for (field, verdict) in [("allowed", Verdict.allow), ("denied", Verdict.deny)] {
          for item in context.list(block[field], field) ?? [] {
            guard let text = context.string(item, field) else { continue }
            let parts = text.components(separatedBy: " -> ")
            guard parts.count == 2, !parts[0].trimmingSpaces.isEmpty, !parts[1].trimmingSpaces.isEmpty else {
              context.error("expected `SOURCE -> DESTINATION`, not `\(text)`", at: item)
              continue
            }
            expectations.append(
              Expectation(
                source: parts[0].trimmingSpaces, destination: parts[1].trimmingSpaces,
                verdict: verdict, probe: probe, view: view, trap: trap, note: note,
                location: context.location(item)))
          }
        }
      }
    }
    return (expectations, syntax + context.diagnostics)
  }
}

/// Whether an expectation holds, with the cell that says so.
public struct ExpectationResult: Sendable {
  /// The expectation.
  public var expectation: Expectation
  /// The cell, when both endpoints exist and the trap applied.
  public var cell: CellTrace?
  /// Why it could not be checked (unknown endpoint, unknown trap policy).
  public var problem: String?

  /// Whether the cell has the expected verdict.
  public var holds: Bool {
    guard let cell else { return false }
    return cell.outcome.verdict == expectation.verdict
  }
}

/// Checks expectations against a cluster, building one evaluator per view and trap.
public struct ExpectationChecker {
  /// The cluster.
  public let cluster: Cluster
  private var evaluators: [String: Result<Evaluator, TrapError>] = [:]

  /// Creates a checker.
  public init(cluster: Cluster) {
    self.cluster = cluster
  }

  /// The evaluator for a view and trap (cached).
  public mutating func evaluator(view: PolicyView, trap: String?) -> Result<Evaluator, TrapError> {
    let key = "\(view.rawValue)|\(trap ?? "")"
    if let cached = evaluators[key] { return cached }
    let result: Result<Evaluator, TrapError>
    if let trap {
      result = cluster.applyingTrap(trap).map { Evaluator(cluster: $0.0, view: view) }
    } else {
      result = .success(Evaluator(cluster: cluster, view: view))
    }
    evaluators[key] = result
    return result
  }

  /// Checks one expectation.
  public mutating func check(_ expectation: Expectation) -> ExpectationResult {
    switch evaluator(view: expectation.view, trap: expectation.trap) {
    case .failure(let error):
      return ExpectationResult(expectation: expectation, cell: nil, problem: "trap: \(cluster.describe(error))")
    case .success(let evaluator):
      for id in [expectation.source, expectation.destination] where evaluator.index[id] == nil {
        return ExpectationResult(
          expectation: expectation, cell: nil, problem: "no endpoint `\(id)`\(evaluator.cluster.endpointSuggestion(id))"
        )
      }
      let cell = evaluator.trace(from: expectation.source, to: expectation.destination, probe: expectation.probe)
      return ExpectationResult(expectation: expectation, cell: cell, problem: nil)
    }
  }
}
