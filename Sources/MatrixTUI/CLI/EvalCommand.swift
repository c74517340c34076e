import PolicyKit

/// `matrix-tui eval`: the whole matrix.
struct EvalCommand: Subcommand {
  static let definition = CommandDefinition(
    name: "eval", abstract: "Print the whole matrix for one probe.",
    arguments: EvaluationOptions.arguments + [
      .choice(
        "format", Format.self, default: "table",
        help:
          "table (or text), json, csv, markdown, summary (counts per namespace pair), html (a page), svg or dot."),
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
    case table, text, json, csv, markdown, summary, html, svg, dot
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
    try write(to: out, keepingUntilExit: true)
    out.flush()
  }

  /// Evaluates and writes the matrix in the chosen format to `out`, as it is made; with
  /// `keepingUntilExit` (the command's own run), the evaluation is left for the process's exit
  /// to take back (`KeptUntilExit`).
  func write(to out: ByteWriter, keepingUntilExit: Bool = false) throws {
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
    case .html, .svg, .dot: writePicture(text, probe: options.isAnyProbe ? nil : prepared.probe, to: out)
    }
    if !options.isAnyProbe {
      // (The note goes to standard error: what was written so far goes out first.)
      out.flush()
      MadeUpAddressNote.print(evaluator, prepared.probe, rows: text.rows, columns: text.columns)
    }
    if keepingUntilExit { KeptUntilExit.keep((prepared, text)) }
  }

  /// The page, the SVG or the graph, written as it is made.
  private func writePicture(_ text: MatrixText, probe: Probe?, to out: ByteWriter) {
    let picture = MatrixPicture(text)
    switch format {
    case .svg: SVGPicture(picture: picture).write(to: out)
    case .dot: DOTGraph(picture: picture).write(to: out)
    default:
      HTMLPage(picture: picture, traceArguments: HTMLPage.traceArguments(probe: probe, options: options)).write(to: out)
    }
  }
}
