import Foundation
import Testing

@testable import PolicyKit

/// `DecisionTable` numbers pairs of classes by what decides them; every cell with a number must
/// have the verdict, deciding side and decider the evaluator gives that cell, for every case,
/// probe and view we have (so that words worked out once per number are right for each cell).
@Suite struct DecisionTableTests {
  @Test func numbersNameWhatTheEvaluatorSaysOfEveryCell() throws {
    var cellsChecked = 0
    for (name, urls) in KernelAgreementTests.manifestSets() {
      let files = try urls.map { SourceFile(path: $0.path, bytes: [UInt8](try Data(contentsOf: $0))) }
      let cluster = ManifestLoader.load(files).cluster
      for view in PolicyView.allCases {
        let evaluator = Evaluator(cluster: cluster, view: view)
        let classOf = evaluator.classes.classOf
        for text in KernelAgreementTests.probes {
          let probe = try #require(Probe(parsing: text))
          let table = DecisionTable(evaluator: evaluator, probe: probe)
          // Sources in two batches, the second in reverse, as a part of the rows would ask.
          let all = Array(0..<evaluator.classes.count)
          let half = all.count / 2
          let batches = [Array(all[..<half]), Array(all[half...].reversed())]
          for sources in batches where !sources.isEmpty {
            let numbers = table.numbers(sources: sources)
            for (position, sourceClass) in sources.enumerated() {
              for source in evaluator.classes.members[sourceClass] {
                for destination in 0..<evaluator.count where destination != source {
                  let number = Int(numbers[position * evaluator.classes.count + Int(classOf[destination])])
                  let expected = evaluator.cell(from: source, to: destination, probe: probe)
                  let actual = table.cell(number)
                  cellsChecked += 1
                  let same =
                    expected.outcome == actual.outcome
                    && expected.decidingSide.direction == actual.decidingSide.direction
                    && expected.decidingSide.decider == actual.decidingSide.decider
                    && expected.decidingSide.verdict == actual.decidingSide.verdict
                  if !same {
                    Issue.record(
                      "\(name) \(view) \(text): \(cluster.endpoints[source].id) -> \(cluster.endpoints[destination].id): number \(number) says \(actual.decidingSide.decider), the evaluator \(expected.decidingSide.decider)"
                    )
                    return
                  }
                }
              }
            }
          }
        }
      }
    }
    #expect(cellsChecked > 10_000)
  }
}
