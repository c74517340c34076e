import Dispatch

/// Sorted, disjoint, merged port ranges.
public struct PortRanges: Hashable, Sendable, CustomStringConvertible {
  /// The ranges, ascending.
  public private(set) var ranges: [ClosedRange<Int>] = []

  /// No ports.
  public init() {}

  /// Every port, 1 to 65535.
  public static let all: PortRanges = {
    var ranges = PortRanges()
    ranges.insert(1...65535)
    return ranges
  }()

  /// Adds a range, merging neighbours.
  public mutating func insert(_ range: ClosedRange<Int>) {
    if let last = ranges.last, range.lowerBound <= last.upperBound + 1, range.lowerBound >= last.lowerBound {
      ranges[ranges.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
      return
    }
    ranges.append(range)
    ranges.sort { $0.lowerBound < $1.lowerBound }
    var merged: [ClosedRange<Int>] = []
    for next in ranges {
      if let last = merged.last, next.lowerBound <= last.upperBound + 1 {
        merged[merged.count - 1] = last.lowerBound...max(last.upperBound, next.upperBound)
      } else {
        merged.append(next)
      }
    }
    ranges = merged
  }

  /// Whether there are no ports.
  public var isEmpty: Bool { ranges.isEmpty }

  /// Whether every port is in.
  public var isAll: Bool { self == .all }

  /// Whether `port` is in.
  public func contains(_ port: Int) -> Bool { ranges.contains { $0.contains(port) } }

  /// `["80", "8080-8090"]`.
  public var texts: [String] {
    ranges.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
  }

  public var description: String { texts.joined(separator: ", ") }
}

/// The connections allowed from one endpoint to another: ports per protocol.
public struct ConnectionSet: Hashable, Sendable, CustomStringConvertible {
  /// Allowed ports per protocol (protocols with none are absent).
  public var ports: [IPProtocol: PortRanges] = [:]

  /// Nothing allowed.
  public init() {}

  /// Everything allowed.
  public static let all: ConnectionSet = {
    var set = ConnectionSet()
    for ipProtocol in IPProtocol.allCases { set.ports[ipProtocol] = .all }
    return set
  }()

  /// Whether nothing is allowed.
  public var isEmpty: Bool { ports.values.allSatisfy(\.isEmpty) }

  /// Whether everything is allowed.
  public var isAll: Bool { IPProtocol.allCases.allSatisfy { ports[$0]?.isAll == true } }

  /// Whether a protocol and port are allowed.
  public func allows(_ ipProtocol: IPProtocol, _ port: Int) -> Bool {
    ports[ipProtocol]?.contains(port) == true
  }

  /// `all`, `none`, or `TCP 80, 8080-8090; UDP 53`.
  public var description: String {
    if isAll { return "all" }
    if isEmpty { return "none" }
    return IPProtocol.allCases.compactMap { ipProtocol in
      guard let ranges = ports[ipProtocol], !ranges.isEmpty else { return nil }
      return "\(ipProtocol.rawValue) \(ranges)"
    }.joined(separator: "; ")
  }
}

/// For every ordered pair of endpoints, the whole set of allowed connections (`--probe any`).
///
/// The port line of each protocol is cut where any rule, named port or failsafe could change
/// a verdict; within a piece every port is decided alike, so one single-probe matrix per piece
/// (computed by `MatrixKernel`) settles all of them.
public struct ConnectionMatrix: Sendable {
  /// Endpoint ids, in row and column order.
  public let endpoints: [String]
  /// The view.
  public let view: PolicyView
  /// The ports of each protocol where a verdict can change (a piece starts at each).
  public let cuts: [IPProtocol: [Int]]
  /// The class of each endpoint.
  public let classOf: [Int32]
  /// The number of endpoint classes.
  public let classCount: Int
  private let sets: [ConnectionSet]
  private let cells: [Int32]
  /// Per protocol, per piece (as in `cuts`): the kernel run that settled it.
  private let runOfPiece: [IPProtocol: [Int]]
  /// Per run, each side's rows (`MatrixKernel.sideRows`), kept so an edit redoes only the
  /// classes it changed.
  private let runSides: [MatrixKernel.Sides]
  /// The evaluator the matrix was computed with.
  private let evaluatorToken: UInt64
  /// The most classes' rows worked out for one run (all of them unless updated).
  public let recomputedClasses: Int

  /// Computes every pair's connection set. With `previous`, the matrix from the evaluator
  /// `evaluator` reused, only the classes whose policy changed are worked out again: every
  /// other class's rows at a port are what they were at that port.
  public init(evaluator: Evaluator, updating previous: ConnectionMatrix? = nil) {
    let classes = evaluator.classes
    endpoints = evaluator.ids
    view = evaluator.view
    classOf = classes.classOf
    classCount = classes.count
    let rules = evaluator.allRules
    let cuts = Self.cuts(evaluator, rules)
    self.cuts = cuts
    let pieces = Self.pieces(cuts)
    let runPieces = Self.runs(Self.signatures(evaluator, rules, pieces: pieces))
    // Each piece's run, per protocol in port order (as `cuts`).
    var runOfPiece: [IPProtocol: [Int]] = [:]
    var pieceRun = [Int](repeating: 0, count: pieces.count)
    for (run, members) in runPieces.enumerated() { for index in members { pieceRun[index] = run } }
    for (index, piece) in pieces.enumerated() { runOfPiece[piece.0, default: []].append(pieceRun[index]) }
    self.runOfPiece = runOfPiece
    evaluatorToken = evaluator.token
    let reusable = previous.flatMap { evaluator.canUpdate(from: $0.evaluatorToken) ? $0 : nil }
    var runSides: [MatrixKernel.Sides] = []
    var redone = 0
    let results = runPieces.map { members in
      let piece = pieces[members[0]]
      var before = reusable?.sides(at: piece.0, piece.1.lowerBound)
      let (kernel, sides, count) = MatrixKernel.rows(evaluator, Probe(piece.0, piece.1.lowerBound), before: &before)
      redone = max(redone, count)
      runSides.append(sides)
      return kernel.combine(egress: sides.egress, ingress: sides.ingress)
    }
    recomputedClasses = redone
    self.runSides = runSides
    let masks = Self.masks(results, classCount: classCount)
    (sets, cells) = Self.sets(
      masks, runPieces: runPieces.map { members in members.map { pieces[$0] } }, classCount: classCount)
  }

  /// The pieces `cuts` make: per protocol, from each cut to the port before the next.
  private static func pieces(_ cuts: [IPProtocol: [Int]]) -> [(IPProtocol, ClosedRange<Int>)] {
    var pieces: [(IPProtocol, ClosedRange<Int>)] = []
    for ipProtocol in IPProtocol.allCases {
      let starts = cuts[ipProtocol] ?? [1]
      for (index, start) in starts.enumerated() {
        let end = index + 1 < starts.count ? starts[index + 1] - 1 : 65535
        pieces.append((ipProtocol, start...end))
      }
    }
    return pieces
  }

  /// The pieces grouped into kernel runs: pieces with the same signature (that every rule
  /// treats alike) share one, in order of their first piece.
  private static func runs(_ signatures: [[UInt8]]) -> [[Int]] {
    var runOf: [[UInt8]: Int] = [:]
    var runPieces: [[Int]] = []
    for (index, signature) in signatures.enumerated() {
      if let run = runOf[signature] {
        runPieces[run].append(index)
      } else {
        runOf[signature] = runPieces.count
        runPieces.append([index])
      }
    }
    return runPieces
  }

  /// Per class pair, which runs allow it: `masks[(s * classCount + d) * words + run / 64]`,
  /// bit `run % 64`, with `words` the runs' count over 64, rounded up.
  private static func masks(
    _ results: [(rows: [UInt64], wordsPerRow: Int, allowedPairs: Int)], classCount count: Int
  ) -> [UInt64] {
    let maskWords = (results.count + 63) / 64
    var masks = [UInt64](repeating: 0, count: count * count * maskWords)
    for (run, result) in results.enumerated() {
      let maskWord = run >> 6
      let maskBit = UInt64(1) << UInt64(run & 63)
      for source in 0..<count {
        for offset in 0..<result.wordsPerRow {
          var rest = result.rows[source * result.wordsPerRow + offset]
          while rest != 0 {
            let destination = offset * 64 + rest.trailingZeroBitCount
            masks[(source * count + destination) * maskWords + maskWord] |= maskBit
            rest &= rest - 1
          }
        }
      }
    }
    return masks
  }

  /// The distinct sets of `masks` (`masks`'s layout) and each class pair's number among
  /// them; `runPieces` gives the pieces (protocol and ports) each run settles.
  private static func sets(
    _ masks: [UInt64], runPieces: [[(IPProtocol, ClosedRange<Int>)]], classCount count: Int
  ) -> (sets: [ConnectionSet], cells: [Int32]) {
    let maskWords = (runPieces.count + 63) / 64
    var sets: [ConnectionSet] = []
    var cells = [Int32](repeating: 0, count: count * count)
    func set(of mask: ArraySlice<UInt64>) -> ConnectionSet {
      var set = ConnectionSet()
      for (run, pieces) in runPieces.enumerated()
      where mask[mask.startIndex + run >> 6] & (UInt64(1) << UInt64(run & 63)) != 0 {
        for (ipProtocol, ports) in pieces { set.ports[ipProtocol, default: PortRanges()].insert(ports) }
      }
      return set
    }
    if maskWords == 1 {
      // Up to 64 runs, the usual case: a mask is one word, and neighbours often share it.
      var table: [UInt64: Int32] = [:]
      var last: (mask: UInt64, id: Int32)? = nil
      for pair in 0..<(count * count) {
        let mask = masks[pair]
        if let last, last.mask == mask {
          cells[pair] = last.id
          continue
        }
        let id: Int32
        if let known = table[mask] {
          id = known
        } else {
          id = Int32(sets.count)
          table[mask] = id
          sets.append(set(of: masks[pair...pair]))
        }
        cells[pair] = id
        last = (mask, id)
      }
    } else {
      var table: [ArraySlice<UInt64>: Int32] = [:]
      for pair in 0..<(count * count) {
        let mask = masks[(pair * maskWords)..<((pair + 1) * maskWords)]
        if let known = table[mask] {
          cells[pair] = known
          continue
        }
        let next = Int32(sets.count)
        table[mask] = next
        sets.append(set(of: mask))
        cells[pair] = next
      }
    }
    return (sets, cells)
  }

  /// The side rows of the run that settled `port` of `ipProtocol`.
  private func sides(at ipProtocol: IPProtocol, _ port: Int) -> MatrixKernel.Sides? {
    guard let starts = cuts[ipProtocol], let runs = runOfPiece[ipProtocol], !starts.isEmpty else { return nil }
    // The last piece that starts at or below the port.
    var low = 0
    var high = starts.count - 1
    while low < high {
      let middle = (low + high + 1) / 2
      if starts[middle] <= port { low = middle } else { high = middle - 1 }
    }
    return runSides[runs[low]]
  }

  /// The allowed connections from row `source` to column `destination` (all for self).
  public func connections(_ source: Int, _ destination: Int) -> ConnectionSet {
    if source == destination { return .all }
    return sets[Int(cells[Int(classOf[source]) * classCount + Int(classOf[destination])])]
  }

  /// The number of endpoints.
  public var count: Int { endpoints.count }

  /// How many pairs of different endpoints allow every connection, some or none: counted a
  /// pair of classes at a time (each distinct set looked at once), weighted by how many
  /// endpoints each class has.
  public var counts: (all: Int, some: Int, none: Int) {
    var size = [Int](repeating: 0, count: classCount)
    for cls in classOf { size[Int(cls)] += 1 }
    // 0: all, 1: some, 2: none, per distinct set.
    let kinds = sets.map { $0.isAll ? 0 : ($0.isEmpty ? 2 : 1) }
    var totals = [0, 0, 0]
    let populated = (0..<classCount).filter { size[$0] > 0 }
    for source in populated {
      let row = source * classCount
      for destination in populated {
        let pairs = size[source] * (size[destination] - (source == destination ? 1 : 0))
        totals[kinds[Int(cells[row + destination])]] += pairs
      }
    }
    return (totals[0], totals[1], totals[2])
  }

  /// How many distinct sets the matrix has (`setNumber` is below it).
  public var setCount: Int { sets.count }

  /// The distinct set numbered `number` (see `setNumber`).
  public func set(number: Int) -> ConnectionSet { sets[number] }

  /// Which of the matrix's distinct sets row `source` to column `destination` has (nil for
  /// self, which allows everything): cells with the same number have equal sets.
  public func setNumber(_ source: Int, _ destination: Int) -> Int? {
    if source == destination { return nil }
    return Int(cells[Int(classOf[source]) * classCount + Int(classOf[destination])])
  }

  /// When both have the same endpoints and classes: the class pairs whose connection set
  /// differs. Nil when the classes differ.
  public func changedClassPairs(from other: ConnectionMatrix) -> ClassPairBits? {
    guard other.classCount == classCount, other.endpoints == endpoints, other.classOf == classOf
    else { return nil }
    // Sets are numbered per matrix: compare each pair of numbers once.
    var same: [Int: Bool] = [:]
    var result = ClassPairBits(classCount: classCount)
    for source in 0..<classCount {
      for destination in 0..<classCount {
        let index = source * classCount + destination
        let key = Int(cells[index]) << 32 | Int(other.cells[index])
        let equal: Bool
        if let known = same[key] {
          equal = known
        } else {
          equal = sets[Int(cells[index])] == other.sets[Int(other.cells[index])]
          same[key] = equal
        }
        if !equal { result.insert(source, destination) }
      }
    }
    return result
  }

  /// The cells whose connection set differs from `other`'s, among those both matrices have.
  public func changedCells(from other: ConnectionMatrix) -> ChangedCells {
    if let pairs = changedClassPairs(from: other) { return ChangedCells(classPairs: pairs, classOf: classOf) }
    // Sets are numbered per matrix: compare each pair of numbers once.
    var same: [Int: Bool] = [:]
    return ChangedCells(
      newer: endpoints, classOf: classOf, older: other.endpoints, classOf: other.classOf
    ) { source, destination, olderSource, olderDestination in
      let now = cells[source * classCount + destination]
      let then = other.cells[olderSource * other.classCount + olderDestination]
      let key = Int(now) << 32 | Int(then)
      if let known = same[key] { return !known }
      let equal = sets[Int(now)] == other.sets[Int(then)]
      same[key] = equal
      return !equal
    }
  }

  /// Which of the distinct sets class `source` to class `destination` has (two different
  /// endpoints).
  public func classSetNumber(_ source: Int, _ destination: Int) -> Int {
    Int(cells[source * classCount + destination])
  }

  /// The connections from class `source` to class `destination` (two different endpoints).
  public func classConnections(_ source: Int, _ destination: Int) -> ConnectionSet {
    sets[Int(cells[source * classCount + destination])]
  }

  /// What every rule, named port and failsafe makes of each piece's ports. Two pieces with
  /// the same signature get the same verdict everywhere: the kernel reads the probe only
  /// through these. A piece some named port or failsafe resolves to is kept alone.
  static func signatures(
    _ evaluator: Evaluator, _ rules: [CompiledRule], pieces: [(IPProtocol, ClosedRange<Int>)]
  ) -> [[UInt8]] {
    let cluster = evaluator.model
    // Protocol and port as one number: `protocol index << 16 | port`.
    func key(_ ipProtocol: IPProtocol, _ port: Int) -> Int {
      (IPProtocol.allCases.firstIndex(of: ipProtocol) ?? 0) << 16 | port
    }
    var special: Set<Int> = []
    for index in cluster.endpoints.indices {
      for port in cluster.endpoints[index].namedPorts { special.insert(key(port.ipProtocol, port.port)) }
    }
    if cluster.endpoints.contains(where: \.isHost) {
      for failsafe in cluster.felix.failsafeInbound + cluster.felix.failsafeOutbound {
        special.insert(key(failsafe.ipProtocol, failsafe.port))
      }
    }
    return pieces.enumerated().map { index, piece in
      let (ipProtocol, range) = piece
      let port = range.lowerBound
      if special.contains(key(ipProtocol, port)) {
        // Unique: the piece's own number, as bytes that no rule vector can equal.
        return [2] + Array("\(index)".utf8)
      }
      // One byte per rule for its protocols, one per port entry for whether it holds the
      // piece (named entries resolve to nothing here: the piece is not special).
      var signature: [UInt8] = [0]
      for rule in rules {
        signature.append(rule.acceptedProtocols.contains(ipProtocol) ? 1 : 0)
        for match in rule.portEntries {
          if case .range(let low, let high) = match, low <= port, port <= high {
            signature.append(1)
          } else {
            signature.append(0)
          }
        }
      }
      return signature
    }
  }

  /// Where the verdict of any protocol's ports can change: the first port of each piece.
  static func cuts(_ evaluator: Evaluator, _ rules: [CompiledRule]) -> [IPProtocol: [Int]] {
    var cuts: [IPProtocol: Set<Int>] = [:]
    for ipProtocol in IPProtocol.allCases { cuts[ipProtocol] = [1] }
    func cut(_ ipProtocol: IPProtocol, _ range: ClosedRange<Int>) {
      cuts[ipProtocol]?.insert(max(1, range.lowerBound))
      if range.upperBound < 65535 { cuts[ipProtocol]?.insert(range.upperBound + 1) }
    }
    let cluster = evaluator.model
    // Named ports resolve to whatever numbers the endpoints give them.
    var namedNumbers: [String: [IPProtocol: Set<Int>]] = [:]
    for index in cluster.endpoints.indices {
      for port in cluster.endpoints[index].namedPorts {
        namedNumbers[port.name, default: [:]][port.ipProtocol, default: []].insert(port.port)
      }
    }
    for rule in rules {
      for match in rule.portEntries {
        for ipProtocol in rule.acceptedProtocols {
          switch match {
          case .range(let low, let high): cut(ipProtocol, low...high)
          case .named(let name):
            for number in namedNumbers[name]?[ipProtocol] ?? [] { cut(ipProtocol, number...number) }
          }
        }
      }
    }
    for failsafe in cluster.felix.failsafeInbound + cluster.felix.failsafeOutbound {
      cut(failsafe.ipProtocol, failsafe.port...failsafe.port)
    }
    return cuts.mapValues { $0.filter { $0 >= 1 && $0 <= 65535 }.sorted() }
  }

}
