/// What a rule does when it matches.
public enum RuleAction: String, Hashable, Sendable {
  case allow = "Allow"
  case deny = "Deny"
  case pass = "Pass"
  case log = "Log"
}

/// Ingress (traffic arriving at an endpoint) or egress (leaving it).
public enum Direction: String, Hashable, Sendable, CaseIterable {
  case ingress
  case egress
}

/// One alternative of a rule's peer list.
public enum Peer: Hashable, Sendable {
  /// Endpoints chosen by labels and namespaces.
  case endpoints(EndpointSelector)
  /// Addresses in `cidr` but not in any of `except` (Kubernetes `ipBlock`).
  case block(CIDR, except: [CIDR])
  /// The nodes whose labels match (a Network Policy API `nodes` peer), matched by their
  /// addresses (as the loader found them in the cluster's Node objects): their host
  /// endpoints, which have those addresses.
  case nodes(Selector, NodeSet)

  /// A readable form for traces.
  public var summary: String {
    switch self {
    case .endpoints(let selector): selector.summary
    case .block(let cidr, let except):
      except.isEmpty
        ? "ipBlock \(cidr)" : "ipBlock \(cidr) except \(except.map(\.description).joined(separator: ", "))"
    case .nodes(let selector, let nodes):
      "nodes \(selector) (\(nodes.names.isEmpty ? "none" : nodes.names.joined(separator: ", ")))"
    }
  }
}

/// The nodes a `nodes` peer selects, found when the cluster is put together: their names
/// (their host endpoints are theirs) and their addresses.
public struct NodeSet: Hashable, Sendable {
  /// The nodes' names, sorted.
  public var names: [String]
  /// Their addresses, as single-address CIDRs.
  public var addresses: [CIDR]

  /// No node.
  public init(names: [String] = [], addresses: [CIDR] = []) {
    self.names = names
    self.addresses = addresses
  }
}

/// One rule of a policy or profile, in the one model every manifest kind converts to.
public struct Rule: Hashable, Sendable {
  /// The action when the rule matches.
  public var action: RuleAction
  /// The protocols it matches.
  public var protocols: ProtocolMatch
  /// Criteria on the connection's source.
  public var source: EntityMatch
  /// Criteria on the connection's destination.
  public var destination: EntityMatch
  /// The direction list the rule sits in.
  public var direction: Direction
  /// Its index in that list, as written (`ingress[0]`).
  public var index: Int
  /// The IP version the rule is limited to (4 or 6; nil: both).
  public var ipVersion: Int?
  /// Why the rule can never match, when a part of it cannot be evaluated here (Network Policy
  /// API peers that fail closed, Calico `http` matches).
  public var neverMatchesBecause: String?
  /// Where the rule was written.
  public var location: SourceLocation?

  /// Creates a rule that matches everything.
  public init(
    action: RuleAction, direction: Direction, index: Int, location: SourceLocation?
  ) {
    self.action = action
    self.protocols = ProtocolMatch()
    self.source = EntityMatch()
    self.destination = EntityMatch()
    self.direction = direction
    self.index = index
    self.ipVersion = nil
    self.neverMatchesBecause = nil
    self.location = location
  }

  /// `ingress[0]`.
  public var label: String { "\(direction.rawValue)[\(index)]" }

  /// The criteria on the other endpoint: the source for ingress, the destination for egress.
  public var peerSide: EntityMatch {
    get { direction == .ingress ? source : destination }
    set {
      if direction == .ingress { source = newValue } else { destination = newValue }
    }
  }
}
