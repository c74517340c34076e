/// What changed between two versions of a cluster's matrix (before and after a change to its
/// manifests): the endpoints that came and went, and the cells both versions have whose verdict
/// (one probe) or allowed set (`any`) differs. Matrices are compared a pair of endpoint groups
/// at a time (`ChangedCells`), so the cost follows the classes and the changed cells, not the
/// number of pairs.
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
  }

  /// A source and a destination, by their indexes in one version's endpoint list.
  public struct EndpointPair: Sendable, Equatable {
    /// The source's index.
    public var source: Int
    /// The destination's index.
    public var destination: Int
  }

  /// Ids the newer version has and the older does not, in the newer version's order.
  public let added: [String]
  /// Ids the older version has and the newer does not, in the older version's order.
  public let removed: [String]
  /// The changed cells, in the newer version's row and column order.
  public let changes: [Change]

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
    let olderIndex: (Int) -> Int = { index in
      changed.olderIndex.map { Int($0[index]) } ?? index
    }
    changes = changed.endpointPairs()
      .sorted { ($0.source, $0.destination) < ($1.source, $1.destination) }
      .map { pair in
        Change(
          source: newerIDs[pair.source], destination: newerIDs[pair.destination],
          older: EndpointPair(source: olderIndex(pair.source), destination: olderIndex(pair.destination)),
          newer: EndpointPair(source: pair.source, destination: pair.destination))
      }
  }

  /// Whether nothing changed: no cell, and no endpoint came or went.
  public var isEmpty: Bool { changes.isEmpty && added.isEmpty && removed.isEmpty }
}
