/// What a matrix answers: which policies count, which connection is probed (or every
/// connection, with `any`), and which policy, if any, the trap widens.
public struct Question: Hashable, Sendable {
  /// Enforced policies only, or staged ones in their place.
  public var view: PolicyView
  /// The connection each cell is about.
  public var probe: Probe
  /// Whether each cell also holds the set of every connection allowed (`--probe any`).
  public var everyConnection: Bool
  /// The policy the trap widens to `all()` (a name, `Kind/name` or `Kind/namespace/name`).
  public var trap: String?

  /// A question.
  public init(view: PolicyView = .enforced, probe: Probe, everyConnection: Bool = false, trap: String? = nil) {
    self.view = view
    self.probe = probe
    self.everyConnection = everyConnection
    self.trap = trap
  }
}

/// One evaluated state: the cluster as evaluated (the trap applied) and its matrices for one
/// question.
public struct Snapshot: Sendable {
  /// The question these matrices answer.
  public var question: Question
  /// The evaluator: classes, compiled policies, traces.
  public var evaluator: Evaluator
  /// The verdict of each cell for the probe.
  public var matrix: ConnectivityMatrix
  /// The connections each cell allows, when the question asks for every connection.
  public var connections: ConnectionMatrix?
  /// With the pending view: the enforced view's evaluation of the same cluster, to show which
  /// cells the staged policies would change.
  public var enforced: (evaluator: Evaluator, matrix: ConnectivityMatrix)?
  /// What the trap widened, when one is set and applied.
  public var trapReport: TrapReport?

  /// The cluster as evaluated.
  public var cluster: Cluster { evaluator.cluster }
}

/// What an update of a session brought: the new snapshot and, when there was one before, the
/// cells that changed since.
public struct SessionUpdate: Sendable {
  /// The snapshot now.
  public let snapshot: Snapshot
  /// The cells whose verdict (with `any`: whose connections) changed since the snapshot
  /// before, among the endpoints both have; nil on the first evaluation, or when the question
  /// changed (the cells then answer another question).
  public let changed: ChangedCells?
  /// Why the trap was dropped, when it named no single policy of the cluster.
  public let trapError: TrapError?
}

/// The loaded cluster and its evaluation for one question, kept up to date: each update (a new
/// cluster, another question) evaluates only what it can change and answers with the new
/// snapshot and the cells that changed.
///
/// Evaluation takes one of the evaluator's named steps (`Evaluator(cluster:view:reusing:)`:
/// fresh, same classes, grown classes) and matrices update only the rows whose classes changed.
public struct EvaluationSession: Sendable {
  /// The cluster as loaded (before the trap).
  public private(set) var cluster: Cluster?
  /// The question asked.
  public private(set) var question: Question
  /// The evaluation of `cluster` for `question`.
  public private(set) var snapshot: Snapshot?

  /// A session asking `question`, with no cluster yet.
  public init(question: Question) {
    self.question = question
  }

  /// Evaluates `cluster` (or the one held, when nil) for `question` (or the one held), taking
  /// over what cannot have changed from the snapshot held or, when there is none yet, from
  /// `startingFrom` (an evaluation of an earlier version of the same manifests).
  @discardableResult
  public mutating func update(
    cluster newCluster: Cluster? = nil, question newQuestion: Question? = nil, startingFrom: Snapshot? = nil
  ) -> SessionUpdate? {
    if let newCluster { cluster = newCluster }
    if let newQuestion { question = newQuestion }
    guard var evaluated = cluster else { return nil }
    if newCluster == nil, let snapshot, snapshot.question == question {
      // Nothing asked that the snapshot does not answer.
      return SessionUpdate(snapshot: snapshot, changed: nil, trapError: nil)
    }
    var trapReport: TrapReport?
    var trapError: TrapError?
    if let trap = question.trap {
      switch evaluated.applyingTrap(trap) {
      case .success(let (trapped, report)):
        evaluated = trapped
        trapReport = report
      case .failure(let error):
        trapError = error
        question.trap = nil
      }
    }
    // The snapshot is handed over to the update: when nothing else holds its matrices, an
    // edit of policies changes their rows where they are. Only what the update reads is kept
    // of it (the caller should not hold on to it either).
    var before = snapshot.take()
    let reporting = before.map { $0.asks(sameCellsAs: question) } ?? false
    let earlierEvaluator = (before ?? startingFrom)?.evaluator
    let earlierEnforcedEvaluator = before?.enforced?.evaluator
    let earlierConnections = before?.connections
    var earlierMatrix = before?.matrix ?? startingFrom?.matrix
    var earlierEnforcedMatrix = before?.enforced?.matrix
    before = nil
    let evaluator = Evaluator(cluster: evaluated, view: question.view, reusing: earlierEvaluator)
    let matrix = ConnectivityMatrix(
      evaluator: evaluator, probe: question.probe, handingOver: &earlierMatrix,
      reportingChanges: reporting && !question.everyConnection)
    let connections =
      question.everyConnection ? ConnectionMatrix(evaluator: evaluator, updating: earlierConnections) : nil
    var enforced: (evaluator: Evaluator, matrix: ConnectivityMatrix)?
    if question.view == .pending {
      let enforcedEvaluator = Evaluator(cluster: evaluated, view: .enforced, reusing: earlierEnforcedEvaluator)
      enforced = (
        enforcedEvaluator,
        ConnectivityMatrix(evaluator: enforcedEvaluator, probe: question.probe, handingOver: &earlierEnforcedMatrix)
      )
    }
    let now = Snapshot(
      question: question, evaluator: evaluator, matrix: matrix, connections: connections, enforced: enforced,
      trapReport: trapReport)
    snapshot = now
    var changed: ChangedCells?
    if reporting {
      if let connections, let earlierConnections {
        changed = connections.changedCells(from: earlierConnections)
      } else {
        changed = matrix.changesSincePrevious
      }
    }
    return SessionUpdate(snapshot: now, changed: changed, trapError: trapError)
  }
}

extension Snapshot {
  /// Whether the cells of this snapshot and of one answering `question` are about the same
  /// connections (the trap aside: a trap set or removed changes cells, which is what it is for).
  func asks(sameCellsAs other: Question) -> Bool {
    question.view == other.view && question.probe == other.probe
      && question.everyConnection == other.everyConnection
  }
}
