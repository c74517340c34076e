import Foundation
import PolicyKit

/// `matrix-tui check`: verifies a lesson's (or a change's) expectations.
struct CheckCommand: Subcommand {
  static let definition = CommandDefinition(
    name: "check",
    abstract: "Verify expectations about cells; exit 0 when all hold, 1 when one breaks, 2 on input errors.",
    arguments: [
      .paths(help: "Manifest files or directories."),
      .option(
        "expect", completion: .files, help: "The expectations file (default: expect.yaml in the first directory given)."
      ),
      .choice("format", Format.self, default: "text", help: "text or junit."),
      .option("pod-cidr", default: "10.244.0.0/16", help: "Where pods without status.podIP get made-up addresses."),
    ])

  enum Format: String, CaseIterable {
    case text, junit
  }

  var paths: [String]
  var expect: String?
  var format: Format
  var podCIDR: String

  init(_ arguments: ParsedArguments) throws {
    paths = arguments.paths
    expect = arguments.value("expect")
    format = try arguments.choice("format")
    podCIDR = arguments.value("pod-cidr") ?? ""
    guard !paths.isEmpty else { throw UsageError("give at least one manifest file or directory") }
    guard CIDR(podCIDR) != nil else { throw UsageError("invalid --pod-cidr `\(podCIDR)`") }
  }

  /// The expectations file for `paths`.
  static func defaultExpectations(_ paths: [String]) -> String? {
    for path in paths {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
        return (path as NSString).appendingPathComponent("expect.yaml")
      }
    }
    return nil
  }

  func run() throws {
    guard let expectPath = expect ?? Self.defaultExpectations(paths) else {
      DiagnosticPrinter.print([.error("no expectations: give --expect FILE or a directory with expect.yaml", at: nil)])
      throw ExitCode(2)
    }
    guard let data = FileManager.default.contents(atPath: expectPath) else {
      DiagnosticPrinter.print([.error("cannot read `\(expectPath)`", at: nil)])
      throw ExitCode(2)
    }
    var options = LoadOptions()
    if let cidr = CIDR(podCIDR) { options.podCIDR = cidr }
    let loaded = LoadedManifests.load(paths, options: options)
    let (expectations, expectationDiagnostics) = ExpectationFile.parse(
      SourceFile(path: expectPath, bytes: [UInt8](data)))
    let diagnostics = loaded.result.diagnostics + expectationDiagnostics
    DiagnosticPrinter.print(diagnostics)
    if diagnostics.hasErrors { throw ExitCode(2) }

    var checker = ExpectationChecker(cluster: loaded.result.cluster)
    let results = expectations.map { checker.check($0) }
    let problems = results.filter { $0.problem != nil }
    if !problems.isEmpty {
      DiagnosticPrinter.print(problems.map { .error($0.problem ?? "", at: $0.expectation.location) })
      throw ExitCode(2)
    }
    switch format {
    case .text: writeOut(text(results, &checker))
    case .junit: writeOut(junit(results, &checker, suite: expectPath))
    }
    if results.contains(where: { !$0.holds }) { throw ExitCode(1) }
  }

  private func explanation(_ result: ExpectationResult, _ checker: inout ExpectationChecker) -> String {
    guard let cell = result.cell,
      case .success(let evaluator) = checker.evaluator(view: result.expectation.view, trap: result.expectation.trap)
    else { return result.problem ?? "" }
    return TraceText(evaluator: evaluator).text(cell)
  }

  private func text(_ results: [ExpectationResult], _ checker: inout ExpectationChecker) -> String {
    var lines: [String] = []
    for result in results where !result.holds {
      let expectation = result.expectation
      lines.append("\(expectation.location): broken: expected \(expectation.summary)".visible)
      if let note = expectation.note { lines.append("  note: \(note.visible)") }
      lines.append(explanation(result, &checker).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
    }
    let broken = results.filter { !$0.holds }.count
    lines.append("\(results.count - broken) passed, \(broken) failed")
    return lines.joined(separator: "\n") + "\n"
  }

  private func junit(
    _ results: [ExpectationResult], _ checker: inout ExpectationChecker, suite: String
  ) -> String {
    let escape = DiffText.htmlEscaped
    let failures = results.filter { !$0.holds }.count
    var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    xml += "<testsuites tests=\"\(results.count)\" failures=\"\(failures)\">\n"
    xml += "  <testsuite name=\"\(escape(suite))\" tests=\"\(results.count)\" failures=\"\(failures)\">\n"
    for result in results {
      let name = escape(result.expectation.summary)
      xml += "    <testcase classname=\"\(escape(suite))\" name=\"\(name)\""
      if result.holds {
        xml += "/>\n"
      } else {
        let message = escape(result.cell.map { DecisionText.reason($0) } ?? "")
        xml +=
          ">\n      <failure message=\"\(message)\">\(escape(explanation(result, &checker)))</failure>\n    </testcase>\n"
      }
    }
    xml += "  </testsuite>\n</testsuites>\n"
    return xml
  }
}
