/// Bytes -> load -> `Evaluator` -> `ConnectivityMatrix` (tcp/80 and the named port tcp/http,
/// enforced and pending views, and with a trap on the first policy) -> traces of a few cells.
///
/// The matrix kernel must agree with the per-cell evaluator (the reference that writes the
/// traces) on every cell checked, and a trace must end in the outcome the cell has.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEvaluate(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let result = ManifestLoader.load([SourceFile(path: "fuzz.yaml", bytes: fuzzBytes(data, size))])
  var clusters = [result.cluster]
  if let first = result.cluster.policies.first,
    case .success(let (trapped, _)) = result.cluster.applyingTrap(first.id.description)
  {
    clusters.append(trapped)
  }
  let probes = [Probe(.tcp, 80), Probe(.tcp, .name("http"))]
  for cluster in clusters {
    for view in PolicyView.allCases {
      let evaluator = Evaluator(cluster: cluster, view: view)
      // Bounded work per input: the first endpoints only.
      let checked = min(evaluator.count, 24)
      for probe in probes {
        let matrix = ConnectivityMatrix(evaluator: evaluator, probe: probe)
        _ = matrix.counts
        for source in 0..<checked {
          for destination in 0..<checked {
            let expected = evaluator.outcome(from: source, to: destination, probe: probe)
            let actual = matrix.outcome(source, destination)
            guard expected == actual else {
              violated(
                "\(view) \(probe) \(cluster.endpoints[source].id) -> "
                  + "\(cluster.endpoints[destination].id): kernel \(actual), evaluator \(expected)")
            }
          }
        }
        for (source, destination) in [(0, 1), (1, 0), (checked - 1, 0)]
        where source >= 0 && source < checked && destination < checked {
          let trace = evaluator.trace(from: source, to: destination, probe: probe)
          guard trace.outcome == matrix.outcome(source, destination) else {
            violated("the trace of \(source) -> \(destination) ends in \(trace.outcome)")
          }
        }
      }
    }
  }
  return 0
}
