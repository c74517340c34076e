import PolicyKit

/// The zoomed-out view: rows and columns are groups of endpoints (host endpoints, each
/// namespace, network sets) and each cell counts the allowed and denied pairs between them.
struct GroupMatrix: Sendable {
  struct Group: Hashable, Sendable {
    var name: String
    var members: [Int]
  }

  struct Cell: Hashable, Sendable {
    var allowed = 0
    var denied = 0

    var total: Int { allowed + denied }
  }

  var groups: [Group]
  /// `cells[a * groups.count + b]`.
  var cells: [Cell]

  func cell(_ a: Int, _ b: Int) -> Cell { cells[a * groups.count + b] }

  /// Groups the state's endpoints and counts its current matrix per group pair, a pair of
  /// endpoint classes at a time.
  init(state: AppState) {
    let endpoints = state.endpoints
    var order: [String] = []
    var members: [String: [Int]] = [:]
    for (index, endpoint) in endpoints.enumerated() {
      let name = MatrixText.group(endpoint)
      if members[name] == nil { order.append(name) }
      members[name, default: []].append(index)
    }
    groups = order.map { Group(name: $0, members: members[$0] ?? []) }
    let count = groups.count
    var cells = [Cell](repeating: Cell(), count: count * count)
    if let matrix = state.matrix, !state.isAnyProbe {
      // Class sizes per group, then one lookup per class pair.
      var groupOf = [Int](repeating: 0, count: endpoints.count)
      for (g, group) in groups.enumerated() { for member in group.members { groupOf[member] = g } }
      var classSize: [Int32: Int] = [:]
      var classGroup: [Int32: Int] = [:]
      for (index, cls) in matrix.classOf.enumerated() {
        classSize[cls, default: 0] += 1
        classGroup[cls] = groupOf[index]
      }
      let classes = classSize.keys.sorted()
      for a in classes {
        for b in classes {
          let sizeA = classSize[a] ?? 0
          let pairs = a == b ? sizeA * (sizeA - 1) : sizeA * (classSize[b] ?? 0)
          guard pairs > 0 else { continue }
          let index = (classGroup[a] ?? 0) * count + (classGroup[b] ?? 0)
          if matrix.classAllows(Int(a), Int(b)) { cells[index].allowed += pairs } else { cells[index].denied += pairs }
        }
      }
    } else {
      for (a, groupA) in groups.enumerated() {
        for (b, groupB) in groups.enumerated() {
          for s in groupA.members {
            for d in groupB.members where s != d {
              if state.mark(s, d) == .denied { cells[a * count + b].denied += 1 } else { cells[a * count + b].allowed += 1 }
            }
          }
        }
      }
    }
    self.cells = cells
  }
}
