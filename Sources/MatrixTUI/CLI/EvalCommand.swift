import PolicyKit

/// `matrix-tui eval`: the whole matrix.
struct EvalCommand: Subcommand {
  static let definition = CommandDefinition(
    name: "eval", abstract: "Print the whole matrix for one probe.",
    arguments: EvaluationOptions.arguments + [
      .choice(
        "format", Format.self, default: "table",
        help: "table (or text), json, csv, markdown, or summary (counts per namespace pair)."),
      .option(
        "from", completion: .endpointsOrNamespaces,
        help: "Only these sources: a namespace, an endpoint id, or a selector (app == 'web')."),
      .option(
        "to", completion: .endpointsOrNamespaces,
        help: "Only these destinations: a namespace, an endpoint id, or a selector."),
      .flag("ascii", help: "ASCII marks instead of Unicode ones in table and markdown output."),
    ])

  enum Format: String, CaseIterable {
    /// `text` is the table, as `trace --format text` and `check --format text` are text.
    case table, text, json, csv, markdown, summary
  }

  var options: EvaluationOptions
  var format: Format
  var from: String?
  var to: String?
  var ascii: Bool

  init(_ arguments: ParsedArguments) throws {
    options = try EvaluationOptions(arguments)
    format = try arguments.choice("format")
    from = arguments.value("from")
    to = arguments.value("to")
    ascii = arguments.flag("ascii")
  }

  func run() throws {
    let out = ByteWriter.standardOutput()
    try write(to: out)
    out.flush()
  }

  /// Evaluates and writes the matrix in the chosen format to `out`, as it is made.
  func write(to out: ByteWriter) throws {
    let prepared = try PreparedEvaluation.prepare(options)
    let evaluator = prepared.evaluator
    var text: MatrixText
    if options.isAnyProbe {
      text = MatrixText(evaluator: evaluator, connections: ConnectionMatrix(evaluator: evaluator))
    } else {
      let matrix = ConnectivityMatrix(evaluator: evaluator, probe: prepared.probe, keepingSides: false)
      text = MatrixText(evaluator: evaluator, matrix: matrix)
    }
    if ascii { text.glyphs = .ascii }
    text.trap = prepared.trap
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
    case .table, .text: text.table(to: out)
    case .json: text.json(trap: prepared.trap, to: out)
    case .csv: text.csv(to: out)
    case .markdown: text.markdown(to: out)
    case .summary: text.summary(to: out)
    }
  }
}

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

/// `matrix-tui endpoints`: what the manifests define, with addresses.
struct EndpointsCommand: Subcommand {
  static let definition = CommandDefinition(
    name: "endpoints",
    abstract: "List the endpoints (rows and columns), their addresses, nodes and labels, and what makes no endpoint.",
    arguments: EvaluationOptions.arguments)

  var options: EvaluationOptions

  init(_ arguments: ParsedArguments) throws {
    options = try EvaluationOptions(arguments)
  }

  func run() throws {
    let out = ByteWriter.standardOutput()
    try write(to: out)
    out.flush()
  }

  /// Evaluates and writes the matrix in the chosen format to `out`, as it is made.
  func write(to out: ByteWriter) throws {
    let prepared = try PreparedEvaluation.prepare(options)
    var lines: [String] = []
    var synthetic = false
    let cluster = prepared.evaluator.cluster
    for endpoint in cluster.endpoints {
      // Every address (dual stack: IPv4 and IPv6), the first being where probes go.
      let addresses = endpoint.addresses.map(\.description).joined(separator: ",")
      let address = addresses.isEmpty ? "-" : addresses + (endpoint.hasSyntheticAddress ? "*" : "")
      synthetic = synthetic || endpoint.hasSyntheticAddress
      let labels = endpoint.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        .joined(separator: ",")
      lines.append(
        [endpoint.id, address, endpoint.node ?? "-", labels.isEmpty ? "-" : labels]
          .map(\.visible).joined(separator: "\t"))
    }
    if synthetic { lines.append("* address made up from the pod CIDR (the manifest has no status.podIP)") }
    lines += Self.leftOutLines(cluster.leftOut)
    writeOut(lines.joined(separator: "\n") + "\n")
  }

  /// `left out:` and a line per pod or workload that makes no endpoint: what, why, and where
  /// it is written (nothing when there is none).
  static func leftOutLines(_ leftOut: [LeftOutObject]) -> [String] {
    guard !leftOut.isEmpty else { return [] }
    return ["left out:"]
      + leftOut.map { object in
        let place = "\(object.location.file):\(object.location.line):\(object.location.column)"
        return "  \(object.namespace)/\(object.name) (\(object.kind)): \(object.reason)  \(place)".visible
      }
  }
}
