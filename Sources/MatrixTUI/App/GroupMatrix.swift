import PolicyKit

/// The zoomed-out view: rows and columns are groups of endpoints (host endpoints, each
/// namespace, network sets) and each cell counts the allowed and denied pairs between them.
struct GroupMatrix: Sendable {
  struct Group: Hashable, Sendable {
    var group: EndpointGroup
    var members: [Int]

    var name: String { group.name }
  }

  struct Cell: Hashable, Sendable {
    /// Pairs allowed (with `any`: some or all connections allowed).
    var allowed = 0
    var denied = 0

    var total: Int { allowed + denied }
  }

  var groups: [Group]
  /// The width of the longest row label (`GroupMatrixView.label`).
  var longestLabel: Int
  /// `cells[a * groups.count + b]`.
  var cells: [Cell]
  /// The endpoint classes the counts were made with, and each class's group, so an edit that
  /// flips cells of the same endpoints adjusts the counts instead of making them again.
  var classOf: [Int32] = []
  var classGroup: [Int] = []

  /// Cells that differ from the baseline per group pair (`changes[a * groups.count + b]`),
  /// empty without a baseline.
  var changes: [Int] = []

  func cell(_ a: Int, _ b: Int) -> Cell { cells[a * groups.count + b] }

  /// How many cells from group `a` to group `b` differ from the baseline.
  func changeCount(_ a: Int, _ b: Int) -> Int { changes.isEmpty ? 0 : changes[a * groups.count + b] }

  /// Counts the cells `diff` changed per group pair: a pair of the diff's endpoint groups at a
  /// time (each falls in one group here), not a cell at a time.
  mutating func countChanges(_ diff: MatrixDiff?) {
    guard let changed = diff?.changed else {
      changes = []
      return
    }
    var outer = [Int](repeating: -1, count: changed.groupCount)
    for (position, group) in groups.enumerated() {
      for member in group.members where changed.groupOf.indices.contains(member) {
        let inner = Int(changed.groupOf[member])
        if inner >= 0, outer[inner] < 0 { outer[inner] = position }
      }
    }
    var counts = [Int](repeating: 0, count: groups.count * groups.count)
    changed.forEachPair { source, destination, cells in
      guard outer[source] >= 0, outer[destination] >= 0 else { return }
      counts[outer[source] * groups.count + outer[destination]] += cells
    }
    changes = counts
  }

  /// Groups the state's endpoints and counts its current matrix per group pair.
  init(state: AppState) {
    var order: [EndpointGroup] = []
    var members: [EndpointGroup: [Int]] = [:]
    for (index, endpoint) in state.endpoints.enumerated() {
      let group = EndpointGroup(endpoint)
      if members[group] == nil { order.append(group) }
      members[group, default: []].append(index)
    }
    groups = order.map { Group(group: $0, members: members[$0] ?? []) }
    longestLabel = groups.map { GroupMatrixView.label($0).count }.max() ?? 0
    var cells = [Cell](repeating: Cell(), count: groups.count * groups.count)
    guard let evaluator = state.evaluator else {
      self.cells = cells
      return
    }
    let classes = evaluator.classes
    classOf = classes.classOf
    classGroup = [Int](repeating: 0, count: classes.count)
    for (position, group) in groups.enumerated() {
      for member in group.members { classGroup[Int(classes.classOf[member])] = position }
    }
    let text: MatrixText
    if state.isAnyProbe, let connections = state.connections {
      text = MatrixText(evaluator: evaluator, connections: connections)
    } else if let matrix = state.matrix {
      text = MatrixText(evaluator: evaluator, matrix: matrix)
    } else {
      self.cells = cells
      return
    }
    let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($0.element, $0.offset) })
    let tallies = text.tallies(by: EndpointGroup.init)
    let at = tallies.keys.map { position[$0] }
    for source in tallies.keys.indices {
      guard let a = at[source] else { continue }
      for destination in tallies.keys.indices {
        guard let b = at[destination] else { continue }
        let tally = tallies.tally(source, destination)
        cells[a * groups.count + b] = Cell(allowed: tally.allowed + tally.some, denied: tally.denied)
      }
    }
    self.cells = cells
    countChanges(state.baselineDiff)
  }

  /// The counts after the cells in `changed` changed verdict in `matrix` (a single probe,
  /// with `classes`), or nil when the endpoints are not the ones the counts were made with
  /// (by id and place): an edit of policies, or of endpoints' details, adjusts the counts of
  /// the pairs of groups it flipped instead of counting every cell again.
  func updated(changed: ChangedCells, in matrix: ConnectivityMatrix, classes: EndpointClasses) -> GroupMatrix? {
    guard changed.groupOf.count == classOf.count else { return nil }
    if let olderIndex = changed.olderIndex {
      guard olderIndex.indices.allSatisfy({ olderIndex[$0] == Int32($0) }) else { return nil }
    } else {
      guard matrix.classOf == classOf else { return nil }
    }
    // Each changed group's zoomed-out group, through one of its endpoints (as it was).
    var outer = [Int](repeating: -1, count: changed.groupCount)
    for (endpoint, group) in changed.groupOf.enumerated() where group >= 0 && outer[Int(group)] < 0 {
      outer[Int(group)] = classGroup[Int(classOf[endpoint])]
    }
    var result = self
    changed.forEachPair { source, destination, pairs in
      let index = outer[source] * groups.count + outer[destination]
      if matrix.classAllows(Int(changed.newerClass[source]), Int(changed.newerClass[destination])) {
        result.cells[index].allowed += pairs
        result.cells[index].denied -= pairs
      } else {
        result.cells[index].allowed -= pairs
        result.cells[index].denied += pairs
      }
    }
    if !changed.groupsAreClasses {
      // The classes now, for the next edit.
      result.classOf = classes.classOf
      result.classGroup = classes.members.map { members in members.first.map { classGroup[Int(classOf[$0])] } ?? 0 }
    }
    return result
  }
}
