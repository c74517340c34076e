import Dispatch

/// The outcome of every ordered pair of endpoints for one probe and view.
public struct ConnectivityMatrix: Sendable {
  /// Endpoint ids, in row and column order.
  public let endpoints: [String]
  /// The probe.
  public let probe: Probe
  /// The view.
  public let view: PolicyView
  /// The class of each endpoint (cells are stored per pair of classes).
  public let classOf: [Int32]
  /// The number of endpoint classes.
  public let classCount: Int
  /// Bit rows: class `s` may connect to class `d`.
  private(set) var rows: [UInt64]
  let wordsPerRow: Int
  private let allowedPairs: Int
  /// What each side's policy allows, kept so an edit redoes only the classes it changed.
  private var sides: MatrixKernel.Sides
  /// Whether `sides` and `rules` were kept for an update.
  private let keptSides: Bool
  /// The evaluator the matrix was computed with.
  private let evaluatorToken: UInt64
  /// Every policy's rules for the probe, kept so an edit works out only those it changed.
  private let rules: MatrixKernel.Rules?

  /// Computes every cell with `evaluator`'s policies, a class row at a time (`MatrixKernel`),
  /// spread over the available cores.
  ///
  /// With `previous`, the matrix for the same probe from the evaluator `evaluator` reused,
  /// only the classes whose policy changed (`Evaluator.changedClasses`) are worked out again,
  /// with the rules of the policies the edit left alone taken over; after an edit of
  /// endpoints that added classes, every row gains their columns.
  ///
  /// Without `keepingSides`, what an update would take over (each side's rows, the rules) is
  /// not kept: the egress rows become the verdicts where they are, and the matrix holds a
  /// third of the memory (for one evaluation that is not updated, as `eval`'s).
  ///
  /// With `reportingChanges`, an update also finds the cells whose verdict differs from
  /// `previous`'s (`changesSincePrevious`).
  public init(
    evaluator: Evaluator, probe: Probe, updating previous: ConnectivityMatrix? = nil,
    keepingSides: Bool = true, reportingChanges: Bool = false
  ) {
    var previous = previous
    self.init(evaluator, probe, &previous, keepingSides: keepingSides, reportingChanges: reportingChanges)
  }

  /// `init(evaluator:probe:updating:keepingSides:reportingChanges:)`, with the previous matrix
  /// handed over: `previous` is taken (left nil), and when nothing else holds it, an edit of
  /// policies updates its rows where they are instead of copying them (hundreds of megabytes
  /// at 50,000 classes).
  public init(
    evaluator: Evaluator, probe: Probe, handingOver previous: inout ConnectivityMatrix?,
    reportingChanges: Bool = false
  ) {
    var taken = previous.take()
    self.init(evaluator, probe, &taken, keepingSides: true, reportingChanges: reportingChanges)
  }

  private init(
    _ evaluator: Evaluator, _ probe: Probe, _ previous: inout ConnectivityMatrix?, keepingSides: Bool,
    reportingChanges: Bool
  ) {
    let classes = evaluator.classes
    self.endpoints = evaluator.ids
    self.probe = probe
    self.view = evaluator.view
    self.classOf = classes.classOf
    self.classCount = classes.count
    evaluatorToken = evaluator.token
    let canUpdate =
      previous.map { $0.probe == probe && evaluator.canUpdate(from: $0.evaluatorToken) && $0.keptSides } ?? false
    let computed: Computed
    if canUpdate {
      computed = Self.updated(&previous!, evaluator, probe, keepingSides: keepingSides)
    } else if keepingSides {
      computed = Self.fresh(evaluator, probe)
    } else {
      computed = Self.freshWithoutSides(evaluator, probe)
    }
    rows = computed.cells.rows
    wordsPerRow = computed.cells.wordsPerRow
    allowedPairs = computed.cells.allowedPairs
    sides = computed.sides
    keptSides = keepingSides
    rules = computed.rules
    isIncremental = canUpdate
    recomputedClasses = computed.redone
    updatedInPlace = computed.inPlace
    changesSincePrevious = nil
    if reportingChanges, let previous {
      changesSincePrevious =
        computed.flipped.map { ChangedCells(classPairs: $0, classOf: classOf) } ?? changedCells(from: previous)
    }
  }

  /// What one of the steps below worked out.
  private struct Computed {
    var cells: (rows: [UInt64], wordsPerRow: Int, allowedPairs: Int)
    var sides: MatrixKernel.Sides = ([], [])
    var rules: MatrixKernel.Rules?
    var redone: Int
    /// After a patch: the class pairs that flipped.
    var flipped: ClassPairBits?
    /// Whether the previous matrix's rows were updated where they are.
    var inPlace = false
  }

  /// Every cell worked out, with each side's rows and the rules kept for an update.
  private static func fresh(_ evaluator: Evaluator, _ probe: Probe) -> Computed {
    var none: MatrixKernel.Sides?
    let (kernel, sides, redone) = MatrixKernel.rows(evaluator, probe, before: &none)
    return Computed(
      cells: kernel.combine(egress: sides.egress, ingress: sides.ingress), sides: sides, rules: kernel.rules,
      redone: redone)
  }

  /// Every cell worked out, keeping nothing for an update: each destination's ingress row is
  /// worked out when its band of 64 is combined, and the egress rows become the verdicts.
  private static func freshWithoutSides(_ evaluator: Evaluator, _ probe: Probe) -> Computed {
    let kernel = MatrixKernel(evaluator: evaluator, probe: probe)
    var egress = kernel.egressRows()
    let cells = kernel.combine(rows: &egress) { destination, target in
      for (offset, word) in kernel.row(destination, .ingress).words.enumerated() { target[offset] = word }
    }
    return Computed(cells: cells, redone: evaluator.classes.count)
  }

  /// `previous` brought up to date: only the classes the edit changed are worked out again;
  /// with the same classes, only their rows and columns of the verdicts are redone, in
  /// `previous`'s rows (which it gives up: it keeps its cells only when they were shared).
  private static func updated(
    _ previous: inout ConnectivityMatrix, _ evaluator: Evaluator, _ probe: Probe, keepingSides: Bool
  ) -> Computed {
    var before: MatrixKernel.Sides? = previous.takeSides()
    let (kernel, sides, redone) = MatrixKernel.rows(evaluator, probe, before: &before, rules: previous.rules)
    guard let changed = evaluator.changedClasses?.members, previous.classCount == evaluator.classes.count,
      previous.rows.count == sides.egress.count
    else {
      return Computed(
        cells: kernel.combine(egress: sides.egress, ingress: sides.ingress), sides: keepingSides ? sides : ([], []),
        rules: keepingSides ? kernel.rules : nil, redone: redone)
    }
    // With the same endpoints in the same classes, the pairs that flipped are the cells that
    // changed, and `previous` is not needed to find them: its rows are taken over. Otherwise
    // (endpoints edited) it is left whole, to compare with.
    let sameCells = previous.endpoints == evaluator.ids && previous.classOf == evaluator.classes.classOf
    var rows = sameCells ? previous.takeRows() : previous.rows
    let address = rows.withUnsafeBufferPointer { $0.baseAddress }
    let (flipped, allowed) = kernel.patch(
      &rows, allowedBefore: sameCells ? previous.allowedPairs : nil, egress: sides.egress, ingress: sides.ingress,
      changed: changed)
    // The rows were copied if anything else held them.
    let inPlace = rows.withUnsafeBufferPointer { $0.baseAddress } == address
    return Computed(
      cells: (rows, previous.wordsPerRow, allowed), sides: keepingSides ? sides : ([], []),
      rules: keepingSides ? kernel.rules : nil, redone: redone, flipped: sameCells ? flipped : nil, inPlace: inPlace)
  }

  /// Takes each side's rows out, leaving none: what holds them then holds them alone.
  private mutating func takeSides() -> MatrixKernel.Sides {
    var taken: MatrixKernel.Sides = ([], [])
    swap(&taken, &sides)
    return taken
  }

  /// Takes the verdicts out, leaving none (the matrix is spent).
  private mutating func takeRows() -> [UInt64] {
    var taken: [UInt64] = []
    swap(&taken, &rows)
    return taken
  }

  /// After an update that took over a previous matrix's rows: whether they were changed where
  /// they were (nothing else held them) rather than copied.
  public let updatedInPlace: Bool
  /// With `reportingChanges`, after an update: the cells whose verdict differs from the
  /// previous matrix's.
  public private(set) var changesSincePrevious: ChangedCells?

  /// Whether the matrix was updated from a previous one rather than computed whole.
  public let isIncremental: Bool
  /// How many classes' rows were worked out.
  public let recomputedClasses: Int

  /// The number of endpoints.
  public var count: Int { endpoints.count }

  /// Whether class `source` may connect to class `destination` (two different endpoints).
  public func classAllows(_ source: Int, _ destination: Int) -> Bool { bit(source, destination) }

  private func bit(_ source: Int, _ destination: Int) -> Bool {
    rows[source * wordsPerRow + destination >> 6] & (UInt64(1) << UInt64(destination & 63)) != 0
  }

  /// The outcome from row `source` to column `destination`.
  public func outcome(_ source: Int, _ destination: Int) -> Outcome {
    if source == destination { return .selfTraffic }
    return bit(Int(classOf[source]), Int(classOf[destination])) ? .allowed : .denied
  }

  /// Allowed and denied counts over pairs of different endpoints.
  public var counts: (allowed: Int, denied: Int) {
    (allowedPairs, count * (count - 1) - allowedPairs)
  }

  /// When both matrices have the same endpoints and classes (an edit of policies only): the
  /// class pairs whose verdict differs, as bit rows like the matrix's own
  /// (`bits[s * wordsPerRow + d / 64]`). Nil when the classes differ.
  public func changedClassPairs(from other: ConnectivityMatrix) -> ClassPairBits? {
    guard other.classCount == classCount, other.endpoints == endpoints, other.classOf == classOf
    else { return nil }
    var pairs = ClassPairBits(classCount: classCount)
    for index in rows.indices { pairs.insert(word: rows[index] ^ other.rows[index], at: index) }
    return pairs
  }

  /// The cells whose verdict differs from `other`'s, among those both matrices have.
  public func changedCells(from other: ConnectivityMatrix) -> ChangedCells {
    if let pairs = changedClassPairs(from: other) { return ChangedCells(classPairs: pairs, classOf: classOf) }
    return ChangedCells(
      newer: (endpoints, classOf, classCount, rows),
      older: (other.endpoints, other.classOf, other.classCount, other.rows))
  }

  /// The pairs (by id) whose verdict differs from `other`'s, for pairs both matrices have,
  /// sorted by source and destination.
  public func changes(from other: ConnectivityMatrix) -> [CellChange] {
    let changed = changedCells(from: other)
    return changed.endpointPairs()
      .map {
        CellChange(
          source: endpoints[$0.source], destination: endpoints[$0.destination],
          now: outcome($0.source, $0.destination).verdict)
      }
      .sorted { ($0.source, $0.destination) < ($1.source, $1.destination) }
  }
}

/// The cells that changed between two matrices, among those both have, as pairs of groups of
/// endpoints: every endpoint of a group has one class in each matrix, so all the cells from one
/// group to another changed alike. When both matrices have the same endpoints and classes the
/// groups are the classes; otherwise (an edit of endpoints, or of what splits them into
/// classes) the endpoints both have are grouped by their pair of classes. Either way matrices
/// are compared a pair of groups at a time, not a pair of endpoints at a time (10^8 of those
/// at 10,000 endpoints).
public struct ChangedCells: Sendable {
  /// The pairs of groups whose cells changed (self cells aside).
  public let pairs: ClassPairBits
  /// Per endpoint of the newer matrix: its group, or -1 when the older matrix did not have it.
  public let groupOf: [Int32]
  /// Per group: its class in the newer matrix.
  public let newerClass: [Int32]
  /// When the groups are not the classes: per endpoint of the newer matrix, its index in the
  /// older one, or -1.
  public let olderIndex: [Int32]?

  /// Whether the groups are the newer matrix's classes (same endpoints and classes).
  public var groupsAreClasses: Bool { olderIndex == nil }

  /// The number of groups.
  public var groupCount: Int { pairs.classCount }

  /// Changes between matrices with the same endpoints and classes.
  init(classPairs: ClassPairBits, classOf: [Int32]) {
    pairs = classPairs
    groupOf = classOf
    newerClass = Array(0..<Int32(classPairs.classCount))
    olderIndex = nil
  }

  /// Groups the endpoints both lists have by their pair of classes, and keeps the pairs of
  /// groups for which `differs(source class, destination class, older source class, older
  /// destination class)`.
  init(
    newer ids: [String], classOf: [Int32], older olderIDs: [String], classOf olderClassOf: [Int32],
    differs: (Int, Int, Int, Int) -> Bool
  ) {
    // The same endpoints (an edit of their details): each is where it was.
    let sameIDs = ids == olderIDs
    var position: [String: Int32] = [:]
    if !sameIDs {
      position.reserveCapacity(olderIDs.count)
      for index in olderIDs.indices { position[olderIDs[index]] = Int32(index) }
    }
    var groupOf = [Int32](repeating: -1, count: ids.count)
    var olderIndex = [Int32](repeating: -1, count: ids.count)
    var groupOfClasses: [Int: Int32] = [:]
    var newerClass: [Int32] = []
    var olderClass: [Int32] = []
    for index in ids.indices {
      guard let older = sameIDs ? Int32(index) : position[ids[index]] else { continue }
      olderIndex[index] = older
      let pair = (classOf[index], olderClassOf[Int(older)])
      let key = Int(pair.0) << 32 | Int(pair.1)
      if let group = groupOfClasses[key] {
        groupOf[index] = group
      } else {
        let group = Int32(newerClass.count)
        groupOfClasses[key] = group
        newerClass.append(pair.0)
        olderClass.append(pair.1)
        groupOf[index] = group
      }
    }
    var pairs = ClassPairBits(classCount: newerClass.count)
    for a in newerClass.indices {
      for b in newerClass.indices
      where differs(Int(newerClass[a]), Int(newerClass[b]), Int(olderClass[a]), Int(olderClass[b])) {
        pairs.insert(a, b)
      }
    }
    self.pairs = pairs
    self.groupOf = groupOf
    self.newerClass = newerClass
    self.olderIndex = olderIndex
  }

  /// The endpoints of one side of `init(newer:older:)`: ids, class of each, number of
  /// classes, verdict rows (`rows[s * words + d / 64]`).
  typealias VerdictSide = (ids: [String], classOf: [Int32], classCount: Int, rows: [UInt64])

  /// Changes between two verdict matrices whose endpoints or classes differ (an edit of
  /// endpoints), compared a word of 64 classes at a time where it can be: after an edit, the
  /// classes keep their numbers, so most endpoints are in the same class in both (group `c`
  /// is then class `c`), and a source group's changes toward those groups are its two rows
  /// XORed. Only the endpoints whose class changed make groups of their own (numbered after
  /// the classes), compared bit by bit. At 50,000 classes that is a few hundred thousand
  /// words instead of 2.4 billion pairs.
  init(newer: VerdictSide, older: VerdictSide) {
    let sameIDs = newer.ids == older.ids
    var position: [String: Int32] = [:]
    if !sameIDs {
      position.reserveCapacity(older.ids.count)
      for index in older.ids.indices { position[older.ids[index]] = Int32(index) }
    }
    // Groups 0..<newer.classCount: the endpoints in class c in both; then one group per other
    // pair of classes.
    var newerClass = (0..<Int32(newer.classCount)).map { $0 }
    var olderClass = newerClass
    var groupOf = [Int32](repeating: -1, count: newer.ids.count)
    var olderIndex = [Int32](repeating: -1, count: newer.ids.count)
    var populated = ClassBits(count: newer.classCount)
    var moved: [Int: Int32] = [:]
    for index in newer.ids.indices {
      guard let at = sameIDs ? Int32(index) : position[newer.ids[index]] else { continue }
      olderIndex[index] = at
      let (now, then) = (newer.classOf[index], older.classOf[Int(at)])
      if now == then {
        groupOf[index] = now
        populated[Int(now)] = true
        continue
      }
      let key = Int(now) << 32 | Int(then)
      if let group = moved[key] {
        groupOf[index] = group
      } else {
        let group = Int32(newerClass.count)
        moved[key] = group
        newerClass.append(now)
        olderClass.append(then)
        groupOf[index] = group
      }
    }
    let newerWords = (newer.classCount + 63) / 64
    let olderWords = (older.classCount + 63) / 64
    func bit(_ side: VerdictSide, _ words: Int, _ source: Int32, _ destination: Int32) -> Bool {
      side.rows[Int(source) * words + Int(destination) >> 6] & (UInt64(1) << UInt64(destination & 63)) != 0
    }
    var pairs = ClassPairBits(classCount: newerClass.count)
    let groupWords = (newerClass.count + 63) / 64
    let movedGroups = newer.classCount..<newerClass.count
    for source in newerClass.indices where source >= newer.classCount || populated[source] {
      let (now, then) = (Int(newerClass[source]), Int(olderClass[source]))
      // Toward the groups that are classes: the two rows, a word at a time.
      for word in 0..<newerWords {
        let older = word < olderWords ? older.rows[then * olderWords + word] : 0
        pairs.insert(
          word: (newer.rows[now * newerWords + word] ^ older) & populated.words[word], at: source * groupWords + word)
      }
      // Toward the groups of endpoints that changed class: a bit at a time.
      for destination in movedGroups
      where bit(newer, newerWords, newerClass[source], newerClass[destination])
        != bit(older, olderWords, olderClass[source], olderClass[destination])
      {
        pairs.insert(source, destination)
      }
    }
    self.pairs = pairs
    self.groupOf = groupOf
    self.newerClass = newerClass
    self.olderIndex = olderIndex
  }

  /// How many endpoints each group has.
  public var groupSizes: [Int] {
    var sizes = [Int](repeating: 0, count: groupCount)
    for group in groupOf where group >= 0 { sizes[Int(group)] += 1 }
    return sizes
  }

  /// Calls `body` with each changed pair of groups and its number of cells (self cells aside).
  public func forEachPair(_ body: (_ source: Int, _ destination: Int, _ cells: Int) -> Void) {
    let sizes = groupSizes
    for (source, destination) in pairs.pairs {
      body(source, destination, sizes[source] * sizes[destination] - (source == destination ? sizes[source] : 0))
    }
  }

  /// The number of changed cells (self cells aside).
  public var cellCount: Int {
    var total = 0
    forEachPair { total += $2 }
    return total
  }

  /// The changed cells, as (source, destination) endpoint indexes of the newer matrix.
  public func endpointPairs() -> [(source: Int, destination: Int)] {
    pairs.endpointPairs(classOf: groupOf)
  }
}

/// A set of ordered pairs of endpoint classes, as the words of bit rows that have a bit set
/// (`source * wordsPerRow + destination / 64`, bit `destination % 64`): an edit flips a few
/// rows and columns of 50,000 classes, not the 300 MB of all their pairs.
public struct ClassPairBits: Sendable, Equatable {
  /// The number of classes.
  public let classCount: Int
  /// The words with a bit set, by their place in the rows.
  private var words: [Int: UInt64] = [:]

  /// An empty set.
  public init(classCount: Int) {
    self.classCount = classCount
  }

  private var wordsPerRow: Int { (classCount + 63) / 64 }

  /// Whether the pair is in.
  public func contains(_ source: Int, _ destination: Int) -> Bool {
    (words[source * wordsPerRow + destination >> 6] ?? 0) & (UInt64(1) << UInt64(destination & 63)) != 0
  }

  /// Adds the pair.
  public mutating func insert(_ source: Int, _ destination: Int) {
    insert(word: UInt64(1) << UInt64(destination & 63), at: source * wordsPerRow + destination >> 6)
  }

  /// Adds the pairs of `word`'s bits, the word at `index` of the rows.
  mutating func insert(word: UInt64, at index: Int) {
    guard word != 0 else { return }
    words[index, default: 0] |= word
  }

  /// Whether no pair is in.
  public var isEmpty: Bool { words.isEmpty }

  /// The ordered pairs of different endpoints in the set's class pairs, with `classOf`
  /// giving each endpoint's class (-1: in none).
  public func endpointPairs(classOf: [Int32]) -> [(source: Int, destination: Int)] {
    var members = [[Int]](repeating: [], count: classCount)
    for (index, cls) in classOf.enumerated() where cls >= 0 { members[Int(cls)].append(index) }
    var result: [(Int, Int)] = []
    for (source, destination) in pairs {
      for s in members[source] {
        for d in members[destination] where s != d { result.append((s, d)) }
      }
    }
    return result
  }

  /// Every pair in the set, by source and then destination.
  public var pairs: [(source: Int, destination: Int)] {
    var result: [(Int, Int)] = []
    for index in words.keys.sorted() {
      var rest = words[index] ?? 0
      let (source, offset) = index.quotientAndRemainder(dividingBy: wordsPerRow)
      while rest != 0 {
        result.append((source, offset * 64 + rest.trailingZeroBitCount))
        rest &= rest - 1
      }
    }
    return result
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

  /// Creates a change.
  public init(source: String, destination: String, now: Verdict) {
    self.source = source
    self.destination = destination
    self.now = now
  }
}

/// Hands a buffer to concurrent workers that write disjoint elements.
struct UncheckedSendable<Value>: @unchecked Sendable {
  var value: Value
  init(_ value: Value) { self.value = value }
}
