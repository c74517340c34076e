import ArgumentParser
import Foundation
import PolicyKit

/// `matrix-tui bench`: times each stage on the given manifests (for benchmarks, not tests).
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench", abstract: "Time loading, evaluation and output stages on manifests.",
    shouldDisplay: false)

  @OptionGroup var options: EvaluationOptions

  @Option(help: "Repetitions (the median is reported).")
  var repetitions: Int = 3

  func run() throws {
    let probe = try options.resolvedProbe()
    let input = ManifestInput(paths: options.paths)
    let (files, _) = input.read()
    var results: [String: [Double]] = [:]
    func time(_ name: String, _ body: () -> Void) {
      let start = DispatchTime.now().uptimeNanoseconds
      body()
      results[name, default: []].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    var summary = ""
    for _ in 0..<max(1, repetitions) {
      var result: LoadResult?
      time("load") { result = ManifestLoader.load(files, options: options.loadOptions) }
      guard let cluster = result?.cluster else { continue }
      var evaluator: Evaluator?
      time("prepare") { evaluator = Evaluator(cluster: cluster, view: options.view) }
      guard let evaluator else { continue }
      var matrix: ConnectivityMatrix?
      time("matrix") { matrix = ConnectivityMatrix(evaluator: evaluator, probe: probe) }
      time("counts") { _ = matrix?.counts }
      summary = "\(cluster.endpoints.count) endpoints, \(evaluator.classes.count) classes, \(cluster.policies.count) policies"
    }
    var lines = [summary]
    for name in ["load", "prepare", "matrix", "counts"] {
      let values = (results[name] ?? []).sorted()
      guard !values.isEmpty else { continue }
      lines.append("\(name.padded(8)) \(String(format: "%9.1f", values[values.count / 2])) ms")
    }
    lines.append("peak RSS \(peakRSSMegabytes()) MiB")
    writeOut(lines.joined(separator: "\n") + "\n")
  }
}

/// The process's peak resident set size in MiB (Linux `VmHWM`).
func peakRSSMegabytes() -> Int {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
  for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
    let digits = line.filter(\.isNumber)
    return (Int(digits) ?? 0) / 1024
  }
  return -1
}
