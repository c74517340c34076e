/// A cluster's endpoints grouped into classes, with what finds them: ids and positions, one
/// representative per class, and the index that evaluates selectors for every class at once.
struct ClassedEndpoints: Sendable {
  /// Endpoint ids to their position in the cluster's list.
  let index: [String: Int]
  /// The endpoints' ids, in order.
  let ids: [String]
  /// Endpoints no policy can tell apart.
  let classes: EndpointClasses
  /// One endpoint standing for each class.
  let representatives: [Endpoint]
  /// Classes by label, namespace, kind and CIDR.
  let classIndex: ClassIndex
  /// The CIDRs classes were split on.
  let cidrs: [CIDR]

  /// Groups `cluster`'s endpoints, seeing addresses only through `cidrs`.
  init(cluster: Cluster, cidrs: [CIDR]) {
    let classes = EndpointClasses(cluster: cluster, cidrs: cidrs)
    let representatives = classes.members.map { cluster.endpoints[$0[0]] }
    self.init(
      index: Self.positions(of: cluster.endpoints), ids: cluster.endpoints.indices.map { cluster.endpoints[$0].id },
      classes: classes, representatives: representatives,
      classIndex: ClassIndex(cluster: cluster, representatives: representatives, cidrs: cidrs), cidrs: cidrs)
  }

  private init(
    index: [String: Int], ids: [String], classes: EndpointClasses, representatives: [Endpoint],
    classIndex: ClassIndex, cidrs: [CIDR]
  ) {
    self.index = index
    self.ids = ids
    self.classes = classes
    self.representatives = representatives
    self.classIndex = classIndex
    self.cidrs = cidrs
  }

  /// These classes after an edit of endpoints (`edit`) to `cluster`'s: the endpoints at
  /// `edit.changed` join the class of their key, new classes numbered after these; every
  /// other endpoint keeps its class.
  func growing(_ edit: EndpointEdit, cluster: Cluster) -> ClassedEndpoints {
    let grown = classes.updating(
      edit.changed, olderPosition: edit.olderPosition, endpoints: cluster.endpoints, cidrs: cidrs)
    let added = (classes.count..<grown.count).map { cluster.endpoints[grown.members[$0][0]] }
    let moved = edit.olderPosition != nil
    return ClassedEndpoints(
      index: moved ? Self.positions(of: cluster.endpoints) : index,
      ids: moved ? cluster.endpoints.indices.map { cluster.endpoints[$0].id } : ids,
      classes: grown, representatives: representatives + added,
      classIndex: classIndex.adding(added[...], cluster: cluster, cidrs: cidrs), cidrs: cidrs)
  }

  /// Each endpoint's id to its position.
  private static func positions(of endpoints: [Endpoint]) -> [String: Int] {
    var index: [String: Int] = [:]
    index.reserveCapacity(endpoints.count)
    for position in endpoints.indices { index[endpoints[position].id] = position }
    return index
  }
}

/// An edit of endpoints: the positions of those changed or added, and when some were added
/// or removed, each one's position before (-1: added).
struct EndpointEdit {
  /// The positions of the endpoints changed or added.
  var changed: [Int]
  /// Each endpoint's position before the edit (-1: added), when some were added or removed.
  var olderPosition: [Int32]?
}
