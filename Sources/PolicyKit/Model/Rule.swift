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

/// One port constraint: a range of numbers or a named port resolved on the endpoint.
public enum PortMatch: Hashable, Sendable, CustomStringConvertible {
  case range(Int, Int)
  case named(String)

  public var description: String {
    switch self {
    case .range(let low, let high): low == high ? "\(low)" : "\(low)-\(high)"
    case .named(let name): name
    }
  }
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

/// The criteria a rule puts on one end of a connection (source or destination); all of them
/// must hold.
public struct EntityMatch: Hashable, Sendable {
  /// Alternatives, any of which must match (nil: no constraint; empty: matches nothing).
  public var peers: [Peer]?
  /// The address must lie in one of these (nil: no constraint).
  public var nets: [CIDR]?
  /// The address must lie in none of these.
  public var notNets: [CIDR] = []
  /// The endpoint must not match this.
  public var notSelector: EndpointSelector?
  /// The port must match one of these (nil: any port).
  public var ports: [PortMatch]?
  /// The port must match none of these.
  public var notPorts: [PortMatch] = []
  /// A Calico `services` match: the service's endpoints (and, for a destination, the ports
  /// they serve), which the loader writes into `nets`, `ports` and the protocol.
  public var services: ServiceReference?

  /// No constraint at all.
  public init() {}
}

/// Which protocols a rule accepts.
public struct ProtocolMatch: Hashable, Sendable {
  /// Accepted protocols (nil: any). An empty set (e.g. `ICMP`) matches no probe.
  public var only: Set<IPProtocol>?
  /// Rejected protocols.
  public var excluded: Set<IPProtocol> = []
  /// The protocol as written, for traces (`TCP`, `ICMP`, `!UDP`).
  public var text: String?

  /// Any protocol.
  public init() {}
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
