import Foundation
import PolicyKit

/// Options every subcommand that evaluates shares: the manifests, the probe, the view and the
/// trap.
struct EvaluationOptions {
  static let arguments: [ArgumentDefinition] = [
    .paths(help: "Manifest files or directories (searched for *.yaml, *.yml, *.json); - for stdin."),
    .option(
      "probe", completion: .probes,
      help:
        "The probe: tcp/80, udp/53, tcp/http (a port name resolves on each destination), or any (every protocol and port; eval only)."
    ),
    .option(
      "protocol", completion: .values(["TCP", "UDP", "SCTP"]),
      help: "The probe's protocol (TCP, UDP or SCTP), with --port."),
    .option("port", help: "The probe's port number or name, with --protocol."),
    .choice(
      "view", PolicyView.self, default: "enforced",
      help: "enforced (what the cluster does) or pending (staged policies as if enforced)."),
    .option(
      "trap", completion: .policies,
      help: "What-if: this policy's Allow rules get all() as their peers (name, Kind/name or Kind/namespace/name)."),
    .option("pod-cidr", default: "10.244.0.0/16", help: "Where pods without status.podIP get made-up addresses."),
  ]

  var paths: [String]
  var probe: String?
  var ipProtocol: String?
  var port: String?
  var view: PolicyView
  var trap: String?
  var podCIDR: String

  /// The options given, checked: at least one path, a probe that parses, a CIDR.
  init(_ arguments: ParsedArguments) throws {
    paths = arguments.paths
    probe = arguments.value("probe")
    ipProtocol = arguments.value("protocol")
    port = arguments.value("port")
    view = try arguments.choice("view")
    trap = arguments.value("trap")
    podCIDR = arguments.value("pod-cidr") ?? ""
    guard !paths.isEmpty else { throw UsageError("give at least one manifest file or directory") }
    _ = try resolvedProbe()
    guard CIDR(podCIDR) != nil else { throw UsageError("invalid --pod-cidr `\(podCIDR)`") }
  }

  /// Whether `--probe any` asks for whole connection sets.
  var isAnyProbe: Bool { probe?.lowercased() == "any" }

  /// The probe the options describe (tcp/80 when none is given; `any` is not one probe).
  func resolvedProbe() throws -> Probe {
    if isAnyProbe { return Probe(.tcp, 80) }
    if let probe {
      guard ipProtocol == nil, port == nil else {
        throw UsageError("use either --probe or --protocol/--port, not both")
      }
      guard let parsed = Probe(parsing: probe) else {
        throw UsageError("invalid probe `\(probe)` (expected e.g. tcp/80, udp/53, tcp/http)")
      }
      return parsed
    }
    let text = "\(ipProtocol ?? "TCP")/\(port ?? "80")"
    guard let parsed = Probe(parsing: text) else {
      throw UsageError("invalid --protocol/--port `\(text)` (expected e.g. --protocol TCP --port 80)")
    }
    return parsed
  }

  /// `cluster` with `--trap` applied, and what the trap widened; an unknown policy is an
  /// input error (printed, exit 2).
  func trapped(_ cluster: Cluster) throws -> (Cluster, TrapReport?) {
    guard let trap else { return (cluster, nil) }
    switch cluster.applyingTrap(trap) {
    case .success(let (trapped, report)): return (trapped, report)
    case .failure(let error):
      DiagnosticPrinter.print([.error("--trap: \(cluster.describe(error))", at: nil)])
      throw ExitCode(2)
    }
  }

  /// The load options.
  var loadOptions: LoadOptions {
    var options = LoadOptions()
    if let cidr = CIDR(podCIDR) { options.podCIDR = cidr }
    return options
  }
}

/// Loads manifests for a subcommand: prints diagnostics, and exits 2 on input errors.
struct PreparedEvaluation {
  var loaded: LoadedManifests
  var evaluator: Evaluator
  var probe: Probe
  var trap: TrapReport?

  static func prepare(_ options: EvaluationOptions, allowErrors: Bool = false) throws -> PreparedEvaluation {
    let probe = try options.resolvedProbe()
    let loaded = LoadedManifests.load(options.paths, options: options.loadOptions)
    DiagnosticPrinter.print(loaded.result.diagnostics)
    if loaded.result.diagnostics.hasErrors && !allowErrors { throw ExitCode(2) }
    let (cluster, report) = try options.trapped(loaded.result.cluster)
    return PreparedEvaluation(
      loaded: loaded, evaluator: Evaluator(cluster: cluster, view: options.view), probe: probe,
      trap: report)
  }
}
