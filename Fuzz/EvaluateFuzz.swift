/// Bytes -> load -> `Evaluator` -> `ConnectivityMatrix` (tcp/80 and the named port tcp/http,
/// enforced and pending views, and with a trap on the first policy) -> traces of a few cells.
///
/// The matrix kernel must agree with the per-cell evaluator (the reference that writes the
/// traces) on every cell checked, and a trace must end in the outcome the cell has. The trapped
/// cluster is also taken as an edit of the loaded one (`checkUpdate`).
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
  if clusters.count == 2 { checkUpdate(from: clusters[0], to: clusters[1]) }
  return 0
}

/// The trapped cluster taken as an edit of the loaded one, as the explorer takes a save: the
/// session's update (the verdicts changed where they are) must give a fresh matrix's cells and
/// count, and the cells it reports flipped must be those that differ.
private func checkUpdate(from cluster: Cluster, to edited: Cluster) {
  let probe = Probe(.tcp, 80)
  var session = EvaluationSession(question: Question(probe: probe))
  guard let first = session.update(cluster: cluster) else { return }
  let checked = min(first.snapshot.evaluator.count, 24)
  // The cells before, kept as outcomes: holding the matrix itself would make the update copy it.
  let before = (0..<checked).map { source in (0..<checked).map { first.snapshot.matrix.outcome(source, $0) } }
  guard let update = session.update(cluster: edited) else { return }
  let fresh = ConnectivityMatrix(evaluator: Evaluator(cluster: edited), probe: probe)
  let matrix = update.snapshot.matrix
  guard matrix.counts == fresh.counts else {
    violated("the updated matrix counts \(matrix.counts), a fresh one \(fresh.counts)")
  }
  var flipped: Set<Int> = []
  for pair in update.changed?.endpointPairs() ?? [] where pair.source < checked && pair.destination < checked {
    flipped.insert(pair.source * checked + pair.destination)
  }
  for source in 0..<checked {
    for destination in 0..<checked {
      let now = matrix.outcome(source, destination)
      guard now == fresh.outcome(source, destination) else {
        violated("updated \(source) -> \(destination): \(now), fresh: \(fresh.outcome(source, destination))")
      }
      guard (now != before[source][destination]) == flipped.contains(source * checked + destination) else {
        violated("\(source) -> \(destination) went from \(before[source][destination]) to \(now), reported otherwise")
      }
    }
  }
}
