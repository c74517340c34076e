/// Inverted indexes from labels, namespaces, kinds and CIDRs to endpoint classes, so that a
/// selector is evaluated for every class at once with set operations.
///
/// Every answer equals running the scalar matcher (`EndpointSelector.matches`) on each class's
/// representative; the scalar code stays the reference and the tests compare both.
struct ClassIndex {
  private(set) var count: Int
  /// Classes by their own labels.
  private var labels: LabelIndex
  /// Namespaced classes by their namespace's labels (for namespace selectors).
  private var namespaceLabelIndex: LabelIndex
  private var byNamespace: [String: ClassBits] = [:]
  private var byCIDR: [CIDR: ClassBits] = [:]
  private var none: ClassBits
  private var all: ClassBits
  private(set) var workloads: ClassBits
  private(set) var hosts: ClassBits
  private(set) var hostsWithIPs: ClassBits
  private(set) var networkSets: ClassBits
  private(set) var namespaced: ClassBits
  private(set) var ipv4: ClassBits
  private(set) var hasAddress: ClassBits

  init(cluster: Cluster, representatives: [Endpoint], cidrs: [CIDR]) {
    let count = representatives.count
    self.count = count
    none = ClassBits(count: count)
    all = ClassBits(count: count, filled: true)
    workloads = none
    hosts = none
    hostsWithIPs = none
    networkSets = none
    namespaced = none
    ipv4 = none
    hasAddress = none
    labels = LabelIndex(count: count)
    namespaceLabelIndex = LabelIndex(count: count)
    var namespaceLabels: [String: [String: String]] = [:]
    for index in representatives.indices {
      add(representatives[index], at: index, cluster: cluster, cidrs: cidrs, namespaceLabels: &namespaceLabels)
    }
  }

  /// The index with classes added after these, one per representative (an edit of endpoints
  /// that made classes of their own; `EndpointClasses.updating`).
  func adding(_ representatives: ArraySlice<Endpoint>, cluster: Cluster, cidrs: [CIDR]) -> ClassIndex {
    var index = self
    let count = self.count + representatives.count
    index.count = count
    index.none = ClassBits(count: count)
    index.all = ClassBits(count: count, filled: true)
    for path in [\ClassIndex.workloads, \.hosts, \.hostsWithIPs, \.networkSets, \.namespaced, \.ipv4, \.hasAddress] {
      index[keyPath: path] = index[keyPath: path].widened(to: count)
    }
    index.byNamespace = byNamespace.mapValues { $0.widened(to: count) }
    index.byCIDR = byCIDR.mapValues { $0.widened(to: count) }
    index.labels = labels.widened(to: count)
    index.namespaceLabelIndex = namespaceLabelIndex.widened(to: count)
    var namespaceLabels: [String: [String: String]] = [:]
    for (offset, endpoint) in zip(self.count..., representatives) {
      index.add(endpoint, at: offset, cluster: cluster, cidrs: cidrs, namespaceLabels: &namespaceLabels)
    }
    return index
  }

  /// Notes class `index`, which `endpoint` stands for (`namespaceLabels` caches the
  /// namespaces' labels).
  private mutating func add(
    _ endpoint: Endpoint, at index: Int, cluster: Cluster, cidrs: [CIDR],
    namespaceLabels: inout [String: [String: String]]
  ) {
    for (key, value) in endpoint.selectorLabels { labels.add(key, value, index) }
    switch endpoint.kind {
    case .workload: workloads[index] = true
    case .host:
      hosts[index] = true
      if endpoint.hasExpectedIPs { hostsWithIPs[index] = true }
    case .networkSet: networkSets[index] = true
    }
    if let namespace = endpoint.namespace {
      namespaced[index] = true
      byNamespace[namespace, default: none][index] = true
      if namespaceLabels[namespace] == nil { namespaceLabels[namespace] = cluster.namespaceLabels(namespace) }
      for (key, value) in namespaceLabels[namespace] ?? [:] { namespaceLabelIndex.add(key, value, index) }
    }
    if let address = endpoint.address {
      hasAddress[index] = true
      if address.isIPv4 { ipv4[index] = true }
      for cidr in cidrs where cidr.contains(address) {
        byCIDR[cidr, default: none][index] = true
      }
    }
  }

  /// The classes whose labels match `selector`.
  func select(_ selector: Selector) -> ClassBits {
    labels.select(selector)
  }

  /// The classes an endpoint selector picks (scope, kinds and labels), like
  /// `EndpointSelector.matches`.
  func select(_ selector: EndpointSelector, asPeer: Bool) -> ClassBits {
    var kinds = none
    if selector.includesWorkloads { kinds.formUnion(workloads) }
    if selector.includesHosts { kinds.formUnion(asPeer ? hostsWithIPs : hosts) }
    if selector.includesNetworkSets { kinds.formUnion(networkSets) }
    var scope: ClassBits
    switch selector.namespaces {
    case .any: scope = all
    case .named(let namespace): scope = byNamespace[namespace] ?? none
    case .matching(let namespaceSelector):
      if namespaceSelector == .global {
        scope = namespaced.complement()
      } else {
        // A class lies in one namespace: the namespace's labels stand for it.
        scope = namespaceLabelIndex.select(namespaceSelector).intersection(namespaced)
      }
    }
    return kinds.intersection(scope).intersection(select(selector.selector))
  }

  /// Every class.
  var everything: ClassBits { all }

  /// The classes whose address lies in `cidr` (one of the CIDRs classes were split on).
  func holding(_ cidr: CIDR) -> ClassBits { byCIDR[cidr] ?? none }
}

/// Classes by label: a selector is evaluated for all classes at once with set operations.
struct LabelIndex {
  private var byLabel: [String: [String: ClassBits]] = [:]
  private var byKey: [String: ClassBits] = [:]
  private let none: ClassBits
  private let all: ClassBits

  init(count: Int) {
    none = ClassBits(count: count)
    all = ClassBits(count: count, filled: true)
  }

  /// The index over `count` classes (no fewer than now), the added ones without labels.
  func widened(to count: Int) -> LabelIndex {
    var index = LabelIndex(count: count)
    index.byLabel = byLabel.mapValues { values in values.mapValues { $0.widened(to: count) } }
    index.byKey = byKey.mapValues { $0.widened(to: count) }
    return index
  }

  /// Notes that class `index` has label `key=value`.
  mutating func add(_ key: String, _ value: String, _ index: Int) {
    byLabel[key, default: [:]][value, default: none][index] = true
    byKey[key, default: none][index] = true
  }

  /// The classes whose labels match `selector`.
  func select(_ selector: Selector) -> ClassBits {
    switch selector {
    case .all, .global: return all
    case .has(let key): return byKey[key] ?? none
    case .equal(let key, let value): return byLabel[key]?[value] ?? none
    case .notEqual(let key, let value): return (byLabel[key]?[value] ?? none).complement()
    case .inSet(let key, let values): return union(key, values)
    case .notInSet(let key, let values): return union(key, values).complement()
    case .contains, .startsWith, .endsWith:
      // Decided per distinct value with the scalar matcher, so the semantics stay identical.
      guard let key = selector.singleKey, let values = byLabel[key] else { return none }
      var result = none
      for (value, bits) in values where selector.matches([key: value]) { result.formUnion(bits) }
      return result
    case .not(let inner): return select(inner).complement()
    case .and(let terms):
      var result = all
      for term in terms { result.formIntersection(select(term)) }
      return result
    case .or(let terms):
      var result = none
      for term in terms { result.formUnion(select(term)) }
      return result
    }
  }

  private func union(_ key: String, _ values: [String]) -> ClassBits {
    var result = none
    guard let byValue = byLabel[key] else { return result }
    for value in values { if let bits = byValue[value] { result.formUnion(bits) } }
    return result
  }
}

extension Selector {
  /// The label key of a single-key comparison.
  var singleKey: String? {
    switch self {
    case .has(let key), .equal(let key, _), .notEqual(let key, _), .inSet(let key, _),
      .notInSet(let key, _), .contains(let key, _), .startsWith(let key, _), .endsWith(let key, _):
      key
    default: nil
    }
  }
}
