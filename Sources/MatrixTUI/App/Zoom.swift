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
  /// The endpoint classes the counts were made with, and each class's group and size, so an
  /// edit that flips class pairs adjusts the counts instead of making them again.
  var classOf: [Int32] = []
  var classGroup: [Int] = []
  var classSize: [Int] = []

  func cell(_ a: Int, _ b: Int) -> Cell { cells[a * groups.count + b] }

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
    classSize = classes.members.map(\.count)
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
  }

  /// The counts after the class pairs in `flipped` changed verdict in `matrix` (a single
  /// probe), or nil when `matrix` has other classes than these counts were made with.
  func updated(flipped: ClassPairBits, in matrix: ConnectivityMatrix) -> GroupMatrix? {
    guard matrix.classOf == classOf, flipped.classCount == classSize.count else { return nil }
    var result = self
    for (source, destination) in flipped.pairs {
      let pairs = classSize[source] * classSize[destination] - (source == destination ? classSize[source] : 0)
      let index = classGroup[source] * groups.count + classGroup[destination]
      if matrix.classAllows(source, destination) {
        result.cells[index].allowed += pairs
        result.cells[index].denied -= pairs
      } else {
        result.cells[index].allowed -= pairs
        result.cells[index].denied += pairs
      }
    }
    return result
  }
}
