import Testing

@testable import PolicyKit

/// The session keeps one cluster's evaluation for one question up to date, and says which
/// cells an update changed.
@Suite struct EvaluationSessionTests {
  static let cluster = load(
    files: [
      ("namespaces.yaml", IncrementalTests.namespaces), ("pods.yaml", IncrementalTests.pods),
    ]
  ).cluster

  static func denying(_ cluster: Cluster) -> Cluster {
    var edited = cluster
    edited.policies += load(IncrementalTests.denyIngress("prod"), file: "deny.yaml").cluster.policies
    return edited
  }

  @Test func aSessionWithoutAClusterAnswersNothing() {
    var session = EvaluationSession(question: Question(probe: Probe(.tcp, 80)))
    #expect(session.update() == nil)
    #expect(session.snapshot == nil)
  }

  @Test func theFirstUpdateIsAFreshEvaluationWithNoChangedCells() throws {
    var session = EvaluationSession(question: Question(probe: Probe(.tcp, 80)))
    let answer = session.update(cluster: Self.cluster)
    let update = try #require(answer)
    #expect(update.changed == nil)
    let fresh = ConnectivityMatrix(evaluator: Evaluator(cluster: Self.cluster), probe: Probe(.tcp, 80))
    #expect(update.snapshot.matrix.changes(from: fresh).isEmpty)
    #expect(update.snapshot.matrix.counts == fresh.counts)
  }

  @Test func anEditedClusterAnswersWithTheCellsThatFlipped() throws {
    var session = EvaluationSession(question: Question(probe: Probe(.tcp, 80)))
    session.update(cluster: Self.cluster)
    let edited = Self.denying(Self.cluster)
    let answer = session.update(cluster: edited)
    let update = try #require(answer)
    let changed = try #require(update.changed)
    let flipped = Set(
      changed.endpointPairs().map {
        "\(update.snapshot.evaluator.ids[$0.source]) -> \(update.snapshot.evaluator.ids[$0.destination])"
      })
    // Everything into prod is now denied, from the other three pods.
    #expect(flipped == ["prod/db -> prod/web", "dev/web -> prod/web", "prod/web -> prod/db", "dev/web -> prod/db"])
    let fresh = ConnectivityMatrix(evaluator: Evaluator(cluster: edited), probe: Probe(.tcp, 80))
    #expect(update.snapshot.matrix.changes(from: fresh).isEmpty)
  }

  @Test func anotherQuestionIsAnsweredWithoutChangedCells() throws {
    var session = EvaluationSession(question: Question(probe: Probe(.tcp, 80)))
    session.update(cluster: Self.denying(Self.cluster))
    let answer = session.update(question: Question(probe: Probe(.udp, 53), everyConnection: true))
    let update = try #require(answer)
    #expect(update.changed == nil)
    #expect(update.snapshot.connections != nil)
    #expect(update.snapshot.question.probe == Probe(.udp, 53))
  }

  @Test func theSameQuestionAgainKeepsTheSnapshot() throws {
    var session = EvaluationSession(question: Question(probe: Probe(.tcp, 80)))
    let firstAnswer = session.update(cluster: Self.cluster)
    let first = try #require(firstAnswer)
    let againAnswer = session.update(question: Question(probe: Probe(.tcp, 80)))
    let again = try #require(againAnswer)
    #expect(again.snapshot.evaluator === first.snapshot.evaluator)
  }

  @Test func theTrapWidensThePolicyAndAnUnknownTrapIsDropped() throws {
    var session = EvaluationSession(question: Question(probe: Probe(.tcp, 80)))
    session.update(cluster: Self.denying(Self.cluster))
    let trappedAnswer = session.update(question: Question(probe: Probe(.tcp, 80), trap: "deny"))
    let trapped = try #require(trappedAnswer)
    #expect(trapped.trapError == nil)
    #expect(trapped.snapshot.trapReport?.policy.name == "deny")
    let missingAnswer = session.update(question: Question(probe: Probe(.tcp, 80), trap: "nothing-here"))
    let missing = try #require(missingAnswer)
    #expect(missing.trapError == .notFound("nothing-here"))
    #expect(missing.snapshot.question.trap == nil)
    #expect(missing.snapshot.trapReport == nil)
  }

  @Test func thePendingViewKeepsTheEnforcedMatrixBeside() throws {
    var session = EvaluationSession(question: Question(view: .pending, probe: Probe(.tcp, 80)))
    let answer = session.update(cluster: Self.cluster)
    let update = try #require(answer)
    #expect(update.snapshot.enforced?.evaluator.view == .enforced)
    #expect(update.snapshot.evaluator.view == .pending)
  }
}
