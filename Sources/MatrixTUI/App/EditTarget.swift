import PolicyKit

extension AppState {
  /// `e`: the editor effect for the rule that decides the selected cell (or for the trace
  /// line under the cursor), or nothing, with the reason in the status line.
  mutating func editEffects() -> [Effect] {
    refreshTrace()
    switch editTarget() {
    case .success(let location):
      say("editing \(Self.displayName(location.file)):\(location.line); save to see the matrix change", .normal)
      return [.edit(file: location.file, line: location.line)]
    case .failure(let reason):
      say(reason.description, .bad)
      return []
    }
  }

  /// Why there is nothing to edit.
  struct NoEditTarget: Error, CustomStringConvertible {
    var description: String
  }

  /// Where `e` opens the editor: the trace line under the cursor when the trace has focus and
  /// the line has a place, else the rule that decides the cell now. A baseline's file is never
  /// opened (editing it changes nothing on screen, and `REV:path` is no file): the rule that
  /// decides the cell now is opened instead.
  func editTarget() -> Result<SourceLocation, NoEditTarget> {
    guard let trace = selectedTrace else { return .failure(NoEditTarget(description: "no cell selected")) }
    var fromBaseline = false
    if focus == .trace {
      let lines = tracePaneLines
      if lines.indices.contains(traceCursor), let location = lines[traceCursor].location {
        if traceCursor < baselineTraceLineCount || isBaselineFile(location.file) {
          fromBaseline = true
        } else {
          return editable(location)
        }
      }
    }
    guard let location = Self.decidingLocation(trace, in: evaluator?.cluster) else {
      let what = fromBaseline ? "that line is in the baseline, which is not edited, and " : ""
      return .failure(
        NoEditTarget(
          description: "\(what)no rule decides this cell now (\(Self.deciderSummary(trace))): no file to open"))
    }
    return editable(location)
  }

  /// `location`, when it is a file the user can edit.
  private func editable(_ location: SourceLocation) -> Result<SourceLocation, NoEditTarget> {
    if isBaselineFile(location.file) {
      return .failure(
        NoEditTarget(
          description: "`\(location.file)` is the baseline (\(baseline?.label ?? "")), loaded once: not edited"))
    }
    if location.file == "<stdin>" || location.file == "-" {
      return .failure(NoEditTarget(description: "the rule came from standard input: no file to open"))
    }
    return .success(location)
  }

  /// Whether `file` is one of the baseline's and not one of the manifests on screen.
  func isBaselineFile(_ file: String) -> Bool {
    guard let baseline, baseline.files.contains(file) else { return false }
    return !files.contains(file)
  }

  /// The place of what decided the cell: its rule, or the last policy of a tier whose end
  /// decided it.
  static func decidingLocation(_ trace: CellTrace, in cluster: Cluster?) -> SourceLocation? {
    switch trace.decidingSide.decider {
    case .rule(_, _, let rule), .profile(_, let rule):
      return rule.location
    case .tierDefault(_, let policy, _):
      return cluster?.policies.first { $0.id == policy }?.location
    default:
      return nil
    }
  }

  /// A few words on what decided the cell when no rule did.
  static func deciderSummary(_ trace: CellTrace) -> String {
    switch trace.decidingSide.decider {
    case .noProfileMatched: "no policy or profile rule matched: the default"
    case .failsafe: "a failsafe port"
    case .external: "a network set, with no policy of its own"
    case .unpolicedHost: "a node without a host endpoint, which Calico does not police"
    case .hostToLocalWorkload: "host to a local pod, always allowed"
    case .endpointToHost: "defaultEndpointToHostAction"
    case .unresolvedPortName(let name): "no port named \(name)"
    case .loopback: "self traffic"
    default: "a default"
    }
  }
}
