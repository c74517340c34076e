import Dispatch

/// The outcome of every ordered pair of endpoints for one probe and view.
public struct ConnectivityMatrix: Sendable {
  /// Endpoint ids, in row and column order.
  public let endpoints: [String]
  /// The probe.
  public let probe: Probe
  /// The view.
  public let view: View
  private var cells: [UInt8]

  /// Computes every cell with `evaluator`, spreading rows over the available cores.
  public init(evaluator: Evaluator, probe: Probe) {
    let count = evaluator.count
    self.endpoints = evaluator.cluster.endpoints.map(\.id)
    self.probe = probe
    self.view = evaluator.view
    var cells = [UInt8](repeating: 0, count: count * count)
    cells.withUnsafeMutableBufferPointer { buffer in
      let base = UncheckedSendable(buffer)
      let chunks = min(max(1, count), 64)
      DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let rows = stride(from: chunk, to: count, by: chunks)
        for source in rows {
          for destination in 0..<count {
            let outcome = evaluator.outcome(from: source, to: destination, probe: probe)
            base.value[source * count + destination] = Self.code(outcome)
          }
        }
      }
    }
    self.cells = cells
  }

  /// The number of endpoints.
  public var count: Int { endpoints.count }

  /// The outcome from row `source` to column `destination`.
  public func outcome(_ source: Int, _ destination: Int) -> Outcome {
    switch cells[source * count + destination] {
    case 1: .allowed
    case 2: .selfTraffic
    default: .denied
    }
  }

  /// Allowed and denied counts over pairs of different endpoints.
  public var counts: (allowed: Int, denied: Int) {
    var allowed = 0
    var denied = 0
    for code in cells {
      if code == 1 { allowed += 1 } else if code == 0 { denied += 1 }
    }
    return (allowed, denied)
  }

  /// The pairs (by id) whose verdict differs from `other`'s, for pairs both matrices have.
  public func changes(from other: ConnectivityMatrix) -> [CellChange] {
    var position: [String: Int] = [:]
    for (index, id) in other.endpoints.enumerated() { position[id] = index }
    var result: [CellChange] = []
    for (s, source) in endpoints.enumerated() {
      guard let os = position[source] else { continue }
      for (d, destination) in endpoints.enumerated() {
        guard let od = position[destination] else { continue }
        let now = outcome(s, d).verdict
        let before = other.outcome(os, od).verdict
        if now != before {
          result.append(CellChange(source: source, destination: destination, now: now))
        }
      }
    }
    return result
  }

  private static func code(_ outcome: Outcome) -> UInt8 {
    switch outcome {
    case .denied: 0
    case .allowed: 1
    case .selfTraffic: 2
    }
  }
}

/// A cell whose verdict changed between two matrices.
public struct CellChange: Hashable, Sendable {
  /// The source id.
  public var source: String
  /// The destination id.
  public var destination: String
  /// The verdict now.
  public var now: Verdict
}

/// Hands a buffer to concurrent workers that write disjoint elements.
struct UncheckedSendable<Value>: @unchecked Sendable {
  var value: Value
  init(_ value: Value) { self.value = value }
}
