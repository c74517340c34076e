import PolicyKit

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

  /// Writes the endpoints, a line each, and what was left out, to `out`.
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
        [
          endpoint.id, address, (endpoint.node ?? "-") + (endpoint.isHostNetworked ? " (host network)" : ""),
          labels.isEmpty ? "-" : labels,
        ]
        .map(\.visible).joined(separator: "\t"))
    }
    if synthetic { lines.append("* address made up from the pod CIDR (the manifest has no status.podIP)") }
    lines += Self.leftOutLines(cluster.leftOut)
    out.write(lines.joined(separator: "\n") + "\n")
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
