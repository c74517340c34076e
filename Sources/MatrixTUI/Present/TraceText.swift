import PolicyKit

/// One line of a trace, with its depth, tone and the place in a manifest it refers to.
struct TraceLine: Hashable {
  var indent: Int
  var text: String
  var tone: Tone
  var location: SourceLocation?
  /// The policy the line belongs to (a policy or one of its rules), for the trap.
  var policy: PolicyID? = nil

  /// The line as plain text: indentation, text, then `file:line` after three spaces.
  var plain: String {
    let body = String(repeating: "  ", count: indent) + text
    guard let location else { return body }
    return body + "   " + location.shortDescription.visible
  }
}

/// Turns a cell's trace into lines of text, for `matrix-tui trace` and the trace pane.
struct TraceText {
  let evaluator: Evaluator

  /// The probe as the trace shows it: `TCP/80`, or `TCP/http (8080)` once resolved.
  static func probe(_ cell: CellTrace) -> String {
    if case .name = cell.probe.port, let port = cell.resolvedPort {
      return "\(cell.probe) (\(port))"
    }
    return cell.probe.description
  }

  /// The first line: `src -> dst  TCP/80  DENY (enforced)`.
  func headline(_ cell: CellTrace) -> String {
    "\(cell.source.visible) -> \(cell.destination.visible)  \(Self.probe(cell))  \(DecisionText.verdictWord(cell.outcome)) (\(evaluator.view.rawValue))"
  }

  /// Every line of the trace.
  func lines(_ cell: CellTrace) -> [TraceLine] {
    var lines = [
      TraceLine(
        indent: 0, text: headline(cell), tone: cell.outcome == .denied ? .bad : .good)
    ]
    lines += side(cell.egress, cell)
    lines += side(cell.ingress, cell)
    for use in cell.madeUpAddresses(in: evaluator.cluster, index: evaluator.index) {
      lines.append(
        TraceLine(
          indent: 1,
          text:
            "the address \(use.address) is made up: \(use.endpointID.visible) has no status.podIP, so it was given one in --pod-cidr, and \(use.rule.label) checks it by address (the cluster gives the pod an address of its own)",
          tone: .muted, location: use.rule.location))
    }
    return lines
  }

  /// The plain text of the whole trace.
  func text(_ cell: CellTrace) -> String {
    lines(cell).map(\.plain).joined(separator: "\n")
  }

  private func endpoint(_ id: String) -> Endpoint? {
    evaluator.index[id].map { evaluator.cluster.endpoints[$0] }
  }

  /// The endpoint as rules see it (a host-networked pod: the host it stands for).
  private func evaluated(_ id: String) -> Endpoint? {
    evaluator.index[id].map { evaluator.evaluatedEndpoint($0) }
  }

  private func side(_ side: SideTrace, _ cell: CellTrace) -> [TraceLine] {
    let summary = endpoint(side.endpointID)?.summary ?? ""
    var lines = [
      TraceLine(
        indent: 1, text: "\(side.direction.rawValue) at \(side.endpointID.visible) (\(summary.visible))",
        tone: .heading)
    ]
    var inProfile = false
    var policy: PolicyID?
    for step in side.steps {
      switch step {
      case .profile: (inProfile, policy) = (true, nil)
      case .tier: (inProfile, policy) = (false, nil)
      case .policy(let id, _, _): policy = id
      case .tierDefault, .passed: break
      default: break
      }
      var next = line(step, side, cell)
      if inProfile, next.indent == 4 { next.indent = 3 }
      next.policy = policy
      lines.append(next)
      if case .tierDefault = step { policy = nil }
    }
    let verdict = side.verdict == .allow ? "ALLOW" : "DENY"
    lines.append(
      TraceLine(
        indent: 2, text: "=> \(verdict): \(DecisionText.describe(side.decider, verdict: side.verdict).visible)",
        tone: side.verdict == .allow ? .good : .bad))
    return lines
  }

  private func line(_ step: TraceStep, _ side: SideTrace, _ cell: CellTrace) -> TraceLine {
    switch step {
    case .tier(let tier):
      return TraceLine(
        indent: 2,
        text: "tier \(tier.name.visible) (order \(tier.orderText), default \(tier.defaultAction.rawValue))",
        tone: .normal, location: tier.location)
    case .policy(let id, let order, let location):
      return TraceLine(
        indent: 3, text: "\(id.kind.rawValue) \(id.qualifiedName.visible) (order \(order))",
        tone: .normal, location: location)
    case .rule(let rule, let matched, let mismatch):
      let what = "\(rule.label) \(rule.action.rawValue)"
      if matched {
        return TraceLine(
          indent: 4, text: "\(what): matches\(ServiceWords.matched(rule).visible)", tone: tone(rule.action),
          location: rule.location)
      }
      return TraceLine(
        indent: 4, text: "\(what): \(explain(mismatch, rule, cell).visible)", tone: .muted,
        location: rule.location)
    case .logged(let rule):
      return TraceLine(indent: 4, text: "\(rule.label) Log: noted, evaluation goes on", tone: .muted)
    case .passed(let tier):
      return TraceLine(indent: 4, text: "Pass: the rest of tier \(tier.visible) is skipped", tone: .normal)
    case .tierDefault(let tier, let action):
      let text =
        action == .deny
        ? "no rule decided -> tier \(tier.visible) default: DENY"
        : "no rule decided -> tier \(tier.visible) default: Pass to the next tier"
      return TraceLine(indent: 3, text: text, tone: action == .deny ? .bad : .normal)
    case .noTierApplies:
      return TraceLine(indent: 2, text: noPolicyText(side).visible, tone: .muted)
    case .profile(let name, let location):
      return TraceLine(indent: 2, text: "profile \(name.visible)", tone: .normal, location: location)
    case .noProfiles:
      var text = "no profiles"
      if evaluated(side.endpointID)?.isHost == true {
        // What a newcomer needs to know: a bare host endpoint denies what no policy allows.
        let kind = side.direction == .egress ? "an Egress" : "an Ingress"
        text +=
          "; a profile such as projectcalico-default-allow, or \(kind) policy selecting this host endpoint, would allow it"
      }
      return TraceLine(indent: 2, text: text, tone: .muted)
    case .note(let text):
      return TraceLine(indent: 2, text: text.visible, tone: .normal)
    }
  }

  /// Says that no policy selects the endpoint in this direction, and which do in the other.
  private func noPolicyText(_ side: SideTrace) -> String {
    let other: Direction = side.direction == .egress ? .ingress : .egress
    var text = "no policy selects this endpoint for \(side.direction.rawValue)"
    guard let index = evaluator.index[side.endpointID] else { return text }
    let policies = evaluator.appliedPolicies(index, other).flatMap { tier, policies in
      policies.map { "\($0.id.qualifiedName) (tier \(tier.name))" }
    }
    if policies.isEmpty {
      text += " (nor for \(other.rawValue))"
    } else {
      let shown =
        policies.prefix(3).joined(separator: ", ") + (policies.count > 3 ? " and \(policies.count - 3) more" : "")
      text += "; for \(other.rawValue): \(shown)"
    }
    return text
  }

  private func tone(_ action: RuleAction) -> Tone {
    switch action {
    case .allow: .good
    case .deny: .bad
    case .pass, .log: .normal
    }
  }

  /// Why a rule did not match, in words.
  private func explain(_ mismatch: Mismatch?, _ rule: Rule, _ cell: CellTrace) -> String {
    guard let mismatch else { return "matches" }
    // (After outgoing NAT, the destination's rules saw the source's node.)
    let source = evaluated(cell.ingressSource ?? cell.source)
    let destination = evaluated(cell.destination)
    func end(_ side: Direction) -> (String, EntityMatch, Endpoint?) {
      side == .ingress ? ("source", rule.source, source) : ("destination", rule.destination, destination)
    }
    switch mismatch {
    case .ipProtocol where rule.destination.services != nil:
      return ServiceWords.otherProtocol(rule, cell.probe.ipProtocol)
    case .ipProtocol:
      return "protocol \(rule.protocols.text ?? "any") does not match \(cell.probe.ipProtocol.rawValue)"
    case .ipVersion:
      return "ipVersion \(rule.ipVersion ?? 0) does not match the addresses"
    case .peer(let side):
      let (name, entity, endpoint) = end(side)
      let peers = (entity.peers ?? []).map(\.summary)
      let wanted = peers.isEmpty ? "nothing" : peers.joined(separator: " or ")
      if let endpoint, let words = PeerWords.unaddressedHost(name, entity, endpoint, evaluator.cluster) {
        return words
      }
      let who = endpoint.map { "\($0.id) (\(DecisionText.labels($0)))" } ?? "?"
      return "\(name) \(wanted) does not match \(who)"
    case .nets(let side) where end(side).1.services != nil:
      let (name, entity, endpoint) = end(side)
      return ServiceWords.notAnEndpoint(name, entity, rule, endpoint?.address)
    case .nets(let side):
      let (name, entity, endpoint) = end(side)
      let nets = (entity.nets ?? []).map(\.description).joined(separator: ", ")
      return "\(name) nets [\(nets)] do not contain \(endpoint?.address?.description ?? "an address")"
    case .notNets(let side):
      let (name, _, endpoint) = end(side)
      return "\(name) notNets contain \(endpoint?.address?.description ?? "the address")"
    case .notSelector(let side):
      let (name, entity, endpoint) = end(side)
      return "\(name) notSelector \(entity.notSelector?.summary ?? "") matches \(endpoint?.id ?? "?")"
    case .ports:
      let ports = (rule.destination.ports ?? []).map(\.description).joined(separator: ", ")
      return "port \(cell.resolvedPort.map(String.init) ?? "?") is not in [\(ports)]"
    case .notPorts:
      return "port \(cell.resolvedPort.map(String.init) ?? "?") is in notPorts"
    case .sourcePorts:
      return "source ports never match a probe (its source port is ephemeral)"
    case .neverMatches(let reason):
      return "never matches: \(reason)"
    }
  }
}
