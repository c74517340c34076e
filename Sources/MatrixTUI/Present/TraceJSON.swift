import PolicyKit

/// A cell's trace as JSON data: both sides, each step with its location.
enum TraceJSON {
  static func json(_ cell: CellTrace, evaluator: Evaluator) -> JSON {
    var base = MatrixText.cellJSON(cell)
    guard case .object(var entries) = base else { return base }
    entries.append(("view", .string(evaluator.view.rawValue)))
    entries.append(("probe", .string(TraceText.probe(cell))))
    entries.append(("egress", side(cell.egress)))
    entries.append(("ingress", side(cell.ingress)))
    entries.append(("text", .array(TraceText(evaluator: evaluator).lines(cell).map { .string($0.plain) })))
    base = .object(entries)
    return base
  }

  private static func side(_ side: SideTrace) -> JSON {
    .object([
      ("endpoint", .string(side.endpointID)),
      ("verdict", .string(side.verdict.rawValue)),
      ("decision", .string(DecisionText.describe(side.decider, verdict: side.verdict))),
      ("steps", .array(side.steps.map(step))),
    ])
  }

  private static func location(_ location: SourceLocation?) -> JSON {
    guard let location else { return .null }
    return .string(location.description)
  }

  private static func step(_ step: TraceStep) -> JSON {
    switch step {
    case .tier(let tier):
      return .object([
        ("step", .string("tier")), ("tier", .string(tier.name)), ("order", .string(tier.orderText)),
        ("defaultAction", .string(tier.defaultAction.rawValue)), ("location", location(tier.location)),
      ])
    case .policy(let id, let order, let at):
      return .object([
        ("step", .string("policy")), ("policy", .string(id.description)), ("order", .string(order)),
        ("location", location(at)),
      ])
    case .rule(let rule, let matched, _):
      return .object([
        ("step", .string("rule")), ("rule", .string(rule.label)), ("action", .string(rule.action.rawValue)),
        ("matched", .bool(matched)), ("location", location(rule.location)),
      ])
    case .logged(let rule):
      return .object([("step", .string("log")), ("rule", .string(rule.label))])
    case .passed(let tier):
      return .object([("step", .string("pass")), ("tier", .string(tier))])
    case .tierDefault(let tier, let action):
      return .object([("step", .string("tier-default")), ("tier", .string(tier)), ("action", .string(action.rawValue))])
    case .noTierApplies:
      return .object([("step", .string("no-tier-applies"))])
    case .profile(let name, let at):
      return .object([("step", .string("profile")), ("profile", .string(name)), ("location", location(at))])
    case .noProfiles:
      return .object([("step", .string("no-profiles"))])
    case .note(let text):
      return .object([("step", .string("note")), ("text", .string(text))])
    }
  }
}
