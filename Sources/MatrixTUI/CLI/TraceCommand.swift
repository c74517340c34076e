import PolicyKit

/// `matrix-tui trace`: one cell, tier by tier.
struct TraceCommand: Subcommand {
  static let definition = CommandDefinition(
    name: "trace", abstract: "Explain one cell, tier by tier, on both sides.",
    arguments: EvaluationOptions.arguments + [
      .option(
        "from", completion: .endpoints, help: "The source endpoint id (e.g. prod/backend, host/node-worker); required."),
      .option("to", completion: .endpoints, help: "The destination endpoint id; required."),
      .choice("format", Format.self, default: "text", help: "text or json."),
    ])

  enum Format: String, CaseIterable {
    case text, json
  }

  var options: EvaluationOptions
  var from: String
  var to: String
  var format: Format

  init(_ arguments: ParsedArguments) throws {
    options = try EvaluationOptions(arguments)
    guard let from = arguments.value("from") else { throw UsageError("missing '--from <from>'") }
    guard let to = arguments.value("to") else { throw UsageError("missing '--to <to>'") }
    self.from = from
    self.to = to
    format = try arguments.choice("format")
  }

  func run() throws {
    guard !options.isAnyProbe else {
      DiagnosticPrinter.print([
        .error("trace explains one probe; give e.g. --probe tcp/80 (eval --probe any lists every port)", at: nil)
      ])
      throw ExitCode(64)
    }
    let prepared = try PreparedEvaluation.prepare(options)
    let evaluator = prepared.evaluator
    let unknown = [from, to].filter { evaluator.index[$0] == nil }
    if !unknown.isEmpty {
      DiagnosticPrinter.print(
        unknown.map {
          .error("no endpoint `\($0)`\(evaluator.cluster.endpointSuggestion($0))", at: nil)
        })
      throw ExitCode(2)
    }
    guard let cell = evaluator.trace(from: from, to: to, probe: prepared.probe) else { return }
    switch format {
    case .text:
      var text = ""
      if let trap = prepared.trap { text += "trap: \(trap.summary)\n" }
      text += TraceText(evaluator: evaluator).text(cell) + "\n"
      writeOut(text)
    case .json:
      writeOut(TraceJSON.json(cell, evaluator: evaluator).text + "\n")
    }
  }
}
