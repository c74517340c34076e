import Dispatch

/// The outcome of every ordered pair of endpoints for one probe and view.
public struct ConnectivityMatrix: Sendable {
  /// Endpoint ids, in row and column order.
  public let endpoints: [String]
  /// The probe.
  public let probe: Probe
  /// The view.
  public let view: View
  /// The class of each endpoint (cells are stored per pair of classes).
  private let classOf: [Int32]
  private let classSizes: [Int]
  private let classCount: Int
  private var cells: [UInt8]

  /// Computes every cell with `evaluator`'s policies, a class row at a time (`MatrixKernel`),
  /// spread over the available cores.
  public init(evaluator: Evaluator, probe: Probe) {
    let classes = evaluator.classes
    let count = classes.count
    self.endpoints = evaluator.cluster.endpoints.map(\.id)
    self.probe = probe
    self.view = evaluator.view
    self.classOf = classes.classOf
    self.classSizes = classes.members.map(\.count)
    self.classCount = count
    var cells = MatrixKernel(evaluator: evaluator, probe: probe).cells()
    // A class of one has no pair of different members: its diagonal is only self traffic.
    for source in 0..<count where classes.members[source].count == 1 {
      cells[source * count + source] = 2
    }
    self.cells = cells
  }

  /// The number of endpoints.
  public var count: Int { endpoints.count }

  /// The outcome from row `source` to column `destination`.
  public func outcome(_ source: Int, _ destination: Int) -> Outcome {
    if source == destination { return .selfTraffic }
    switch cells[Int(classOf[source]) * classCount + Int(classOf[destination])] {
    case 1: return .allowed
    case 2: return .selfTraffic
    default: return .denied
    }
  }

  /// Allowed and denied counts over pairs of different endpoints.
  public var counts: (allowed: Int, denied: Int) {
    var allowed = 0
    var denied = 0
    for source in 0..<classCount {
      for destination in 0..<classCount {
        let pairs =
          source == destination
          ? classSizes[source] * (classSizes[source] - 1) : classSizes[source] * classSizes[destination]
        switch cells[source * classCount + destination] {
        case 1: allowed += pairs
        case 0: denied += pairs
        default: break
        }
      }
    }
    return (allowed, denied)
  }

  /// The pairs (by id) whose verdict differs from `other`'s, for pairs both matrices have.
  public func changes(from other: ConnectivityMatrix) -> [CellChange] {
    var result: [CellChange] = []
    if other.endpoints == endpoints, other.classOf == classOf {
      // Same endpoints and classes: compare class pairs, expand only those that differ.
      var members = [[Int]](repeating: [], count: classCount)
      for (index, cls) in classOf.enumerated() { members[Int(cls)].append(index) }
      for source in 0..<classCount {
        for destination in 0..<classCount {
          let now = cells[source * classCount + destination]
          guard now != other.cells[source * classCount + destination] else { continue }
          for s in members[source] {
            for d in members[destination] where s != d {
              result.append(
                CellChange(source: endpoints[s], destination: endpoints[d], now: now == 1 ? .allow : .deny))
            }
          }
        }
      }
      return result.sorted { ($0.source, $0.destination) < ($1.source, $1.destination) }
    }
    var position: [String: Int] = [:]
    for (index, id) in other.endpoints.enumerated() { position[id] = index }
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
