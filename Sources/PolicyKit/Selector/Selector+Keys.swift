extension Selector {
  /// The same selector with every label key prefixed, as Calico rewrites service account
  /// selectors (`pcsa.`) and namespace selectors (`pcns.`) onto endpoint labels.
  public func prefixingKeys(_ prefix: String) -> Selector {
    switch self {
    case .all, .global: self
    case .has(let key): .has(prefix + key)
    case .equal(let key, let value): .equal(prefix + key, value)
    case .notEqual(let key, let value): .notEqual(prefix + key, value)
    case .inSet(let key, let values): .inSet(prefix + key, values)
    case .notInSet(let key, let values): .notInSet(prefix + key, values)
    case .contains(let key, let value): .contains(prefix + key, value)
    case .startsWith(let key, let value): .startsWith(prefix + key, value)
    case .endsWith(let key, let value): .endsWith(prefix + key, value)
    case .not(let inner): .not(inner.prefixingKeys(prefix))
    case .and(let terms): .and(terms.map { $0.prefixingKeys(prefix) })
    case .or(let terms): .or(terms.map { $0.prefixingKeys(prefix) })
    }
  }
}
