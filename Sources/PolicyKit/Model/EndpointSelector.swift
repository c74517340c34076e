/// Which endpoints a policy applies to, or a rule's peer names: a label selector plus the
/// namespaces it is scoped to and the kinds of endpoint it can see.
///
/// The scoping rules differ per manifest kind; the decoders encode them here once:
///
/// | written as | namespaces | kinds |
/// |---|---|---|
/// | Kubernetes `podSelector` alone (policy or peer) | `.named(policy namespace)` | workloads |
/// | Kubernetes `namespaceSelector` (alone or with `podSelector`) | `.matching(sel)` | workloads |
/// | Calico namespaced rule `selector` alone | `.named(policy namespace)` | workloads, network sets |
/// | Calico rule with `namespaceSelector` | `.matching(sel)` (`global()`: only non-namespaced) | all |
/// | Calico global rule `selector` alone | `.any` | workloads, hosts, network sets |
/// | GlobalNetworkPolicy `selector` (subject) | `.any` | workloads, hosts |
public struct EndpointSelector: Hashable, Sendable {
  /// Which namespaces an `EndpointSelector` reaches.
  public enum Namespaces: Hashable, Sendable {
    /// Only endpoints of this namespace.
    case named(String)
    /// Namespaced endpoints whose namespace's labels match; `global()` instead means only
    /// endpoints that belong to no namespace (hosts, global network sets).
    case matching(Selector)
    /// Every endpoint, namespaced or not.
    case any
  }

  /// The label selector on the endpoint's own (and Calico-added) labels.
  public var selector: Selector
  /// The namespace scope.
  public var namespaces: Namespaces
  /// Whether pods and workloads can match.
  public var includesWorkloads: Bool
  /// Whether host endpoints can match (as a rule peer, only those with `expectedIPs`).
  public var includesHosts: Bool
  /// Whether network sets can match.
  public var includesNetworkSets: Bool

  /// Creates a selector.
  public init(
    _ selector: Selector, namespaces: Namespaces, workloads: Bool = true, hosts: Bool = false,
    networkSets: Bool = false
  ) {
    self.selector = selector
    self.namespaces = namespaces
    self.includesWorkloads = workloads
    self.includesHosts = hosts
    self.includesNetworkSets = networkSets
  }

  /// Whether `endpoint` is selected. `namespaceLabels` gives a namespace's labels as Calico's
  /// namespace selectors see them; `asPeer` applies the host-endpoint `expectedIPs` rule.
  public func matches(
    _ endpoint: Endpoint, namespaceLabels: (String) -> [String: String], asPeer: Bool
  ) -> Bool {
    switch endpoint.kind {
    case .workload:
      guard includesWorkloads else { return false }
    case .host:
      guard includesHosts, !asPeer || endpoint.hasExpectedIPs else { return false }
    case .networkSet:
      guard includesNetworkSets else { return false }
    }
    switch namespaces {
    case .any:
      break
    case .named(let namespace):
      guard endpoint.namespace == namespace else { return false }
    case .matching(let namespaceSelector):
      if namespaceSelector == .global {
        guard endpoint.namespace == nil else { return false }
      } else {
        guard let namespace = endpoint.namespace,
          namespaceSelector.matches(namespaceLabels(namespace))
        else { return false }
      }
    }
    return selector.matches(endpoint.selectorLabels)
  }

  /// A readable form for traces: `app == 'web' in namespace prod`.
  public var summary: String {
    let what = selector.description
    switch namespaces {
    case .any: return what
    case .named(let namespace): return "\(what) in namespace \(namespace)"
    case .matching(let selector):
      return selector == .global ? "\(what) outside namespaces" : "\(what) in namespaces \(selector)"
    }
  }
}
