/// What changed between two versions of a cluster's matrix (before and after a change to its
/// manifests): the endpoints that came and went, and the cells both versions have whose verdict
/// (one probe) or allowed set (`any`) differs.
///
/// Matrices are compared a pair of endpoint groups at a time (`ChangedCells`: every endpoint
/// of a group has one class in each version, so all the cells from one group to another changed
/// alike). Counts come from the groups; the cells themselves are walked only when asked for,
/// in the newer version's row and column order, so a change of millions of cells costs what
/// its output costs and no more.
public struct MatrixDiff: Sendable {
  /// One changed cell, with where its ends sit in each version's endpoint list.
  public struct Change: Sendable, Equatable {
    /// The source id.
    public var source: String
    /// The destination id.
    public var destination: String
    /// The source's and destination's indexes in the older version.
    public var older: EndpointPair
    /// The source's and destination's indexes in the newer version.
    public var newer: EndpointPair
    /// The pair of groups the cell belongs to (`changed.groupOf`).
    public var groups: EndpointPair
  }

  /// A source and a destination, by their indexes in one version's endpoint list (or their
  /// groups).
  public struct EndpointPair: Sendable, Equatable, Hashable {
    /// The source's index.
    public var source: Int
    /// The destination's index.
    public var destination: Int

    /// A pair.
    public init(source: Int, destination: Int) {
      self.source = source
      self.destination = destination
    }
  }

  /// Ids the newer version has and the older does not, in the newer version's order.
  public let added: [String]
  /// Ids the older version has and the newer does not, in the older version's order.
  public let removed: [String]
  /// The changed cells as pairs of groups of endpoints.
  public let changed: ChangedCells
  /// Endpoint ids of each version.
  public let olderIDs: [String]
  public let newerIDs: [String]

  /// The cells whose verdict differs between `older` and `newer` (the same probe).
  public init(older: ConnectivityMatrix, newer: ConnectivityMatrix) {
    self.init(olderIDs: older.endpoints, newerIDs: newer.endpoints, changed: newer.changedCells(from: older))
  }

  /// The cells whose allowed connections differ between `older` and `newer`.
  public init(older: ConnectionMatrix, newer: ConnectionMatrix) {
    self.init(olderIDs: older.endpoints, newerIDs: newer.endpoints, changed: newer.changedCells(from: older))
  }

  private init(olderIDs: [String], newerIDs: [String], changed: ChangedCells) {
    let olderSet = Set(olderIDs)
    let newerSet = Set(newerIDs)
    added = newerIDs.filter { !olderSet.contains($0) }
    removed = olderIDs.filter { !newerSet.contains($0) }
    self.changed = changed
    self.olderIDs = olderIDs
    self.newerIDs = newerIDs
  }

  /// Whether nothing changed: no cell, and no endpoint came or went.
  public var isEmpty: Bool { changed.pairs.isEmpty && added.isEmpty && removed.isEmpty }

  /// The index in the older version of the newer version's endpoint `index`.
  public func olderIndex(of index: Int) -> Int {
    changed.olderIndex.map { Int($0[index]) } ?? index
  }

  /// Calls `body` with every changed cell, in the newer version's row and column order, for the
  /// sources and destinations `keep` accepts; stops when `body` returns false.
  public func forEachChange(
    keepSource: (Int) -> Bool = { _ in true }, keepDestination: (Int) -> Bool = { _ in true },
    _ body: (Change) -> Bool
  ) {
    let groupOf = changed.groupOf
    // The groups some changed pair starts or ends in: rows and columns of other groups are
    // skipped whole.
    var sourceGroups = Set<Int>()
    var destinationsOf: [Int: [Int]] = [:]
    for (source, destination) in changed.pairs.pairs {
      sourceGroups.insert(source)
      destinationsOf[source, default: []].append(destination)
    }
    guard !sourceGroups.isEmpty else { return }
    var membersOf: [Int: [Int]] = [:]
    for index in newerIDs.indices where groupOf[index] >= 0 && keepDestination(index) {
      membersOf[Int(groupOf[index]), default: []].append(index)
    }
    // The endpoints a source group's cells changed towards, sorted once per group.
    var sortedDestinations: [Int: [Int]] = [:]
    for source in newerIDs.indices where groupOf[source] >= 0 && sourceGroups.contains(Int(groupOf[source])) {
      guard keepSource(source) else { continue }
      let group = Int(groupOf[source])
      if sortedDestinations[group] == nil {
        sortedDestinations[group] = (destinationsOf[group] ?? []).flatMap { membersOf[$0] ?? [] }.sorted()
      }
      for destination in sortedDestinations[group]! where destination != source {
        let change = Change(
          source: newerIDs[source], destination: newerIDs[destination],
          older: EndpointPair(source: olderIndex(of: source), destination: olderIndex(of: destination)),
          newer: EndpointPair(source: source, destination: destination),
          groups: EndpointPair(source: group, destination: Int(groupOf[destination])))
        if !body(change) { return }
      }
    }
  }

  /// Every changed cell, in the newer version's row and column order.
  public var changes: [Change] {
    var all: [Change] = []
    forEachChange {
      all.append($0)
      return true
    }
    return all
  }
}
