import ArgumentParser
import PolicyKit

/// `matrix-tui eval`: the whole matrix.
struct EvalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval", abstract: "Print the whole matrix for one probe.")

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv, markdown, summary
  }

  @OptionGroup var options: EvaluationOptions

  @Option(help: "table, json, csv, markdown, or summary (counts per namespace pair).")
  var format: Format = .table

  @Option(help: "Only these sources: a namespace, an endpoint id, or a selector (app == 'web').")
  var from: String?

  @Option(help: "Only these destinations: a namespace, an endpoint id, or a selector.")
  var to: String?

  @Flag(help: "ASCII marks instead of Unicode ones in table and markdown output.")
  var ascii = false

  func run() throws {
    let prepared = try PreparedEvaluation.prepare(options)
    let evaluator = prepared.evaluator
    var text: MatrixText
    if options.isAnyProbe {
      text = MatrixText(evaluator: evaluator, connections: ConnectionMatrix(evaluator: evaluator))
    } else {
      text = MatrixText(evaluator: evaluator, matrix: ConnectivityMatrix(evaluator: evaluator, probe: prepared.probe))
    }
    if ascii { text.glyphs = .ascii }
    for (option, value) in [("--from", from), ("--to", to)] {
      guard let value else { continue }
      switch EndpointFilter.resolve(value, in: evaluator.cluster) {
      case .success(let indexes):
        if option == "--from" { text.rows = indexes } else { text.columns = indexes }
      case .failure(let message):
        DiagnosticPrinter.print([.error("\(option): \(message.message)", at: nil)])
        throw ExitCode(2)
      }
    }
    switch format {
    case .table: writeOut(text.table())
    case .json:
      let out = ByteWriter.standardOutput()
      text.json(trap: prepared.trap, to: out)
      out.flush()
    case .csv: writeOut(text.csv())
    case .markdown: writeOut(text.markdown())
    case .summary: writeOut(text.summary())
    }
  }
}

/// `matrix-tui trace`: one cell, tier by tier.
struct TraceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "trace", abstract: "Explain one cell, tier by tier, on both sides.")

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case text, json
  }

  @OptionGroup var options: EvaluationOptions

  @Option(help: "The source endpoint id (e.g. prod/backend, host/node-worker).")
  var from: String

  @Option(help: "The destination endpoint id.")
  var to: String

  @Option(help: "text or json.")
  var format: Format = .text

  func run() throws {
    guard !options.isAnyProbe else {
      DiagnosticPrinter.print([.error("trace explains one probe; give e.g. --probe tcp/80 (eval --probe any lists every port)", at: nil)])
      throw ExitCode(64)
    }
    let prepared = try PreparedEvaluation.prepare(options)
    let evaluator = prepared.evaluator
    for id in [from, to] where evaluator.index[id] == nil {
      DiagnosticPrinter.print([.error("no endpoint `\(id)`\(Self.suggestion(id, evaluator))", at: nil)])
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

  /// `; did you mean prod/backend?` when one id contains the text.
  static func suggestion(_ id: String, _ evaluator: Evaluator) -> String {
    let candidates = evaluator.cluster.endpoints.map(\.id).filter {
      $0.hasSuffix("/" + id) || $0.contains(id)
    }
    guard let first = candidates.first else { return "" }
    return "; did you mean `\(first)`?"
  }
}

/// `matrix-tui endpoints`: what the manifests define, with addresses.
struct EndpointsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "endpoints",
    abstract: "List the endpoints (rows and columns), their addresses, nodes and labels.")

  @OptionGroup var options: EvaluationOptions

  func run() throws {
    let prepared = try PreparedEvaluation.prepare(options)
    var lines: [String] = []
    var synthetic = false
    for endpoint in prepared.evaluator.cluster.endpoints {
      let address = endpoint.address.map { $0.description + (endpoint.hasSyntheticAddress ? "*" : "") } ?? "-"
      synthetic = synthetic || endpoint.hasSyntheticAddress
      let labels = endpoint.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        .joined(separator: ",")
      lines.append(
        [endpoint.id, address, endpoint.node ?? "-", labels.isEmpty ? "-" : labels]
          .map(\.visible).joined(separator: "\t"))
    }
    if synthetic { lines.append("* address made up from the pod CIDR (the manifest has no status.podIP)") }
    writeOut(lines.joined(separator: "\n") + "\n")
  }
}
