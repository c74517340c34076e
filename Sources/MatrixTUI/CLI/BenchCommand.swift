import ArgumentParser
import Foundation
import PolicyKit

/// `matrix-tui bench`: times each stage on the given manifests (for benchmarks, not tests).
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench", abstract: "Time loading, evaluation and output stages on manifests.",
    shouldDisplay: false)

  @OptionGroup var options: EvaluationOptions

  @Flag(help: "Also time connection sets for every pair (--probe any).")
  var anyProbe = false

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
      time("scan") { for file in files { _ = YAMLReader.countEvents(file.bytes) } }
      var result: LoadResult?
      time("load") { result = ManifestLoader.load(files, options: options.loadOptions) }
      guard let cluster = result?.cluster else { continue }
      var evaluator: Evaluator?
      time("prepare") { evaluator = Evaluator(cluster: cluster, view: options.view) }
      guard let evaluator else { continue }
      var matrix: ConnectivityMatrix?
      time("matrix") { matrix = ConnectivityMatrix(evaluator: evaluator, probe: probe) }
      time("counts") { _ = matrix?.counts }
      if anyProbe {
        time("any") { _ = ConnectionMatrix(evaluator: evaluator) }
      }
      summary = "\(cluster.endpoints.count) endpoints, \(evaluator.classes.count) classes, \(cluster.policies.count) policies"
    }
    var lines = [summary]
    for name in ["scan", "load", "prepare", "matrix", "counts", "any"] {
      let values = (results[name] ?? []).sorted()
      guard !values.isEmpty else { continue }
      lines.append("\(name.padded(8)) \(String(format: "%9.1f", values[values.count / 2])) ms")
    }
    let median = { (name: String) -> Double in
      let values = (results[name] ?? [0]).sorted()
      return values[values.count / 2]
    }
    let single = median("load") + median("prepare") + median("matrix")
    lines.append(String(format: "load+prepare+matrix %.1f ms = %.2f x scan", single, single / max(0.001, median("scan"))))
    if anyProbe {
      lines.append(String(format: "any (prepare+sets) = %.2f x single-probe evaluation (prepare+matrix)", (median("prepare") + median("any")) / max(0.001, median("prepare") + median("matrix"))))
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
