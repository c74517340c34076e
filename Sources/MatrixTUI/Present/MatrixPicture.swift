import PolicyKit

/// What every picture of a matrix draws (the page, the SVG, the graph): the shown endpoints in
/// the explorer's order, their groups (host endpoints, then namespaces, then network sets),
/// the endpoint classes among them, and what each pair of classes allows.
struct MatrixPicture {
  let text: MatrixText
  /// The shown endpoints (rows, and columns that are not rows), in the cluster's order.
  let shown: [Int]
  /// Positions in `shown` of the rows and of the columns.
  let rows: [Int]
  let columns: [Int]
  /// The groups, sorted as the explorer lists them, and each shown endpoint's group.
  let groups: [EndpointGroup]
  let groupOf: [Int]
  /// Each shown endpoint's class among the shown ones, numbered from 0 in order of first
  /// appearance, and each class's first two shown members (cluster indexes).
  let classOf: [Int]
  let members: [[Int]]

  init(_ text: MatrixText) {
    self.text = text
    let shown = Set(text.rows).union(text.columns).sorted()
    self.shown = shown
    var position: [Int: Int] = [:]
    for (at, index) in shown.enumerated() { position[index] = at }
    rows = text.rows.map { position[$0]! }
    columns = text.columns.map { position[$0]! }
    let endpoints = text.evaluator.cluster.endpoints
    let groupKeys = shown.map { EndpointGroup(endpoints[$0]) }
    groups = Set(groupKeys).sorted()
    let groupNumber = Dictionary(uniqueKeysWithValues: groups.enumerated().map { ($1, $0) })
    groupOf = groupKeys.map { groupNumber[$0]! }
    let clusterClass = text.evaluator.classes.classOf
    var number: [Int32: Int] = [:]
    var classOf: [Int] = []
    var members: [[Int]] = []
    for index in shown {
      let cls = clusterClass[index]
      if let known = number[cls] {
        classOf.append(known)
        if members[known].count < 2 { members[known].append(index) }
      } else {
        number[cls] = members.count
        classOf.append(members.count)
        members.append([index])
      }
    }
    self.classOf = classOf
    self.members = members
  }

  var endpoints: [Endpoint] { text.evaluator.cluster.endpoints }
  var isAny: Bool { text.connections != nil }
  var classCount: Int { members.count }
  var view: PolicyView { text.matrix?.view ?? text.connections?.view ?? .enforced }
  /// `TCP/80`, or `any`.
  var probeText: String { text.matrix.map { $0.probe.description } ?? "any" }

  /// What a cell between two different endpoints says.
  enum Mark: String {
    case allowed = "a"
    case denied = "d"
    case some = "s"
  }

  /// The mark of the cells from class `a` to class `b` (classes of `classOf`), read from the
  /// matrix through the classes' first members.
  func classMark(_ a: Int, _ b: Int) -> Mark {
    let clusterClass = text.evaluator.classes.classOf
    let (source, destination) = (Int(clusterClass[members[a][0]]), Int(clusterClass[members[b][0]]))
    if let matrix = text.matrix { return matrix.classAllows(source, destination) ? .allowed : .denied }
    guard let set = text.connections?.classConnections(source, destination) else { return .denied }
    return set.isAll ? .allowed : set.isEmpty ? .denied : .some
  }

  /// The mark of the cell between shown endpoints at positions `row` and `column`, nil for a
  /// self cell.
  func mark(_ row: Int, _ column: Int) -> Mark? {
    row == column ? nil : classMark(classOf[row], classOf[column])
  }

  /// Counts per pair of groups (`groups` order), self cells left out.
  func tallies() -> [MatrixText.Tally] {
    let counted = text.tallies(by: EndpointGroup.init)
    let number = Dictionary(uniqueKeysWithValues: groups.enumerated().map { ($1, $0) })
    var tallies = [MatrixText.Tally](repeating: MatrixText.Tally(), count: groups.count * groups.count)
    for (a, source) in counted.keys.enumerated() {
      for (b, destination) in counted.keys.enumerated() {
        guard let s = number[source], let d = number[destination] else { continue }
        tallies[s * groups.count + d] = counted.tally(a, b)
      }
    }
    return tallies
  }

  /// The words for a verdict mark.
  func word(_ mark: Mark) -> String {
    switch mark {
    case .allowed: isAny ? "all allowed" : "allowed"
    case .denied: isAny ? "none allowed" : "denied"
    case .some: "some ports"
    }
  }
}
