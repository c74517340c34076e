import PolicyKit

/// Words for decisions, shared by the CLI, the trace pane and the status line.
enum DecisionText {
  /// `egress` / `ingress`.
  static func side(_ direction: Direction) -> String { direction.rawValue }

  /// What settled a side, in one phrase.
  static func describe(_ decider: Decider, verdict: Verdict) -> String {
    switch decider {
    case .rule(let policy, let tier, let rule):
      return "\(policy) \(rule.label) \(rule.action.rawValue) (tier \(tier))"
    case .tierDefault(let tier, let last, let action):
      return "tier \(tier) default \(action.rawValue): no rule of \(last) matched"
    case .profile(let name, let rule):
      return "profile \(name) \(rule.label) \(rule.action.rawValue)"
    case .noProfileMatched(let profiles):
      if profiles.isEmpty {
        return "no policy applies and the endpoint has no profile: deny"
      }
      return "no rule of profile \(profiles.joined(separator: ", ")) matched: deny"
    case .failsafe(let port, let direction):
      return "failsafe \(direction == .ingress ? "inbound" : "outbound") port \(port) (Felix keeps it open)"
    case .external:
      return "network set: outside the cluster, no policy of its own"
    case .unpolicedHost(let node):
      return "host-networked on node \(node ?? "-"), which has no host endpoint: Calico does not police it"
    case .hostToLocalWorkload:
      return "a host always reaches the pods on its own node"
    case .endpointToHost(let action):
      return "pod to its own node: defaultEndpointToHostAction \(action.rawValue)"
    case .unresolvedPortName(let name):
      return "the destination has no port named \(name)"
    case .loopback:
      return "self: loopback never crosses policy"
    }
  }

  /// A one-line reason for a cell: the deciding side and what decided it.
  static func reason(_ cell: CellTrace) -> String {
    let side = cell.decidingSide
    if cell.outcome == .selfTraffic { return describe(side.decider, verdict: side.verdict) }
    return "\(side.direction.rawValue) at \(side.endpointID.visible): \(describe(side.decider, verdict: side.verdict))"
  }

  /// `ALLOW`, `DENY` or `SELF`.
  static func verdictWord(_ outcome: Outcome) -> String {
    switch outcome {
    case .allowed: "ALLOW"
    case .denied: "DENY"
    case .selfTraffic: "ALLOW (self)"
    }
  }

  /// A short `k=v, k=v` list of an endpoint's own labels.
  static func labels(_ endpoint: Endpoint, limit: Int = 4) -> String {
    let pairs = endpoint.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)".visible }
    if pairs.isEmpty { return "no labels" }
    if pairs.count <= limit { return "labels " + pairs.joined(separator: ", ") }
    return "labels " + pairs.prefix(limit).joined(separator: ", ") + ", +\(pairs.count - limit)"
  }
}
