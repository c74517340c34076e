import Foundation
import Testing

@testable import PolicyKit

// Scenario goldens: each folder under Scenarios/ holds `manifests.yaml`, the expected matrices
// (`matrix.txt`), expected facts about key cells (`traces.txt`) and, when loading reports
// anything, the expected diagnostics (`diagnostics.txt`).
//
// The goldens were derived by hand from SEMANTICS.md (each file says how). `RECORD_GOLDENS=1
// swift test --filter ScenarioTests` rewrites them from the engine: check the diff by hand
// before committing it.

/// One matrix to render: a probe, a view and an optional trap.
struct MatrixSection: Sendable, CustomStringConvertible {
  var probe: String
  var view: PolicyView = .enforced
  var trap: String? = nil

  var description: String {
    "\(probe) \(view.rawValue)" + (trap.map { " trap \($0)" } ?? "")
  }
}

struct Scenario: Sendable, CustomTestStringConvertible {
  var name: String
  var sections: [MatrixSection]
  var testDescription: String { name }

  var folder: URL { testsDirectory().appendingPathComponent("Scenarios/\(name)") }
}

let scenarios = [
  Scenario(
    name: "host-firewall-lesson",
    sections: [.init(probe: "tcp/80"), .init(probe: "tcp/22"), .init(probe: "udp/53")]),
  Scenario(
    name: "host-firewall-default-allow",
    sections: [
      .init(probe: "tcp/80"), .init(probe: "tcp/22"),
      .init(probe: "tcp/80", trap: "node-host-firewall"),
    ]),
  Scenario(name: "tiers-pass", sections: [.init(probe: "tcp/80")]),
  Scenario(
    name: "staged-rollout",
    sections: [.init(probe: "tcp/80"), .init(probe: "tcp/80", view: .pending)]),
  Scenario(name: "network-policy-api", sections: [.init(probe: "tcp/80")]),
]

/// Loads a scenario's manifests under the path `manifests.yaml`, so diagnostics are stable.
func loadScenario(_ scenario: Scenario) throws -> LoadResult {
  let data = try Data(contentsOf: scenario.folder.appendingPathComponent("manifests.yaml"))
  return ManifestLoader.load([SourceFile(path: "manifests.yaml", bytes: Array(data))])
}

/// The cluster a section is computed on: the trap applied when there is one.
func cluster(_ result: LoadResult, trap: String?) throws -> Cluster {
  guard let trap else { return result.cluster }
  return try result.cluster.applyingTrap(trap).get().0
}

/// The matrix golden text: a header, then one block per section.
func renderMatrices(_ result: LoadResult, _ sections: [MatrixSection]) throws -> String {
  var text = """
    # Rows are sources, columns are destinations, both in the order of the rows.
    # + allowed, x denied, . self (loopback never crosses policy).

    """
  for section in sections {
    let evaluator = Evaluator(cluster: try cluster(result, trap: section.trap), view: section.view)
    let matrix = ConnectivityMatrix(evaluator: evaluator, probe: probe(section.probe))
    let width = (matrix.endpoints.map(\.count).max() ?? 0) + 2
    text += "\n== \(section)\n"
    for (row, id) in matrix.endpoints.enumerated() {
      let marks = (0..<matrix.count).map { column -> String in
        switch matrix.outcome(row, column) {
        case .allowed: "+"
        case .denied: "x"
        case .selfTraffic: "."
        }
      }
      text +=
        "\(row + 1) \(id.padding(toLength: width, withPad: " ", startingAt: 0))"
        + marks.joined(separator: " ") + "\n"
    }
  }
  return text
}

/// A `traces.txt` line: `<probe> <view> [trap <policy>] <source> -> <destination>: <fact>`.
struct TraceLine {
  var section: MatrixSection
  var source: String
  var destination: String
  var fact: String

  init?(_ line: String) {
    guard let colon = line.range(of: ": ") else { return nil }
    let words = line[..<colon.lowerBound].split(separator: " ").map(String.init)
    guard words.count >= 5, let view = PolicyView(rawValue: words[1]) else { return nil }
    var rest = Array(words.dropFirst(2))
    var trap: String?
    if rest.first == "trap", rest.count >= 2 {
      trap = rest[1]
      rest.removeFirst(2)
    }
    guard rest.count == 3, rest[1] == "->" else { return nil }
    section = MatrixSection(probe: words[0], view: view, trap: trap)
    source = rest[0]
    destination = rest[2]
    fact = String(line[colon.upperBound...])
  }

  var cellText: String { "\(section) \(source) -> \(destination)" }
}

/// The fact a traces golden states about a cell: the deciding side, then the other side.
func traceFact(_ cell: CellTrace) -> String {
  let deciding = cell.decidingSide
  let other = deciding.direction == .egress ? cell.ingress : cell.egress
  return
    "\(fact(cell)); \(other.direction.rawValue) \(other.verdict.rawValue): \(summary(other.decider))"
}

/// Compares `actual` with the golden at `url`, or rewrites it when recording.
func compareGolden(
  _ actual: String, _ url: URL, sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws {
  if recordingGoldens {
    try actual.write(to: url, atomically: true, encoding: .utf8)
    return
  }
  let expected = try String(contentsOf: url, encoding: .utf8)
  guard expected != actual else { return }
  let expectedLines = expected.components(separatedBy: "\n")
  let actualLines = actual.components(separatedBy: "\n")
  var diff: [String] = []
  for index in 0..<max(expectedLines.count, actualLines.count) {
    let old = index < expectedLines.count ? expectedLines[index] : nil
    let new = index < actualLines.count ? actualLines[index] : nil
    if old != new {
      if let old { diff.append("-\(old)") }
      if let new { diff.append("+\(new)") }
    }
  }
  Issue.record(
    "\(url.lastPathComponent) differs from the golden (- expected, + actual):\n\(diff.joined(separator: "\n"))",
    sourceLocation: sourceLocation)
}

@Suite("Scenario goldens")
struct ScenarioTests {
  @Test("the matrices match matrix.txt", arguments: scenarios)
  func matrices(_ scenario: Scenario) throws {
    let result = try loadScenario(scenario)
    let text = try renderMatrices(result, scenario.sections)
    try compareGolden(text, scenario.folder.appendingPathComponent("matrix.txt"))
  }

  @Test("the key cells match traces.txt", arguments: scenarios)
  func traces(_ scenario: Scenario) throws {
    let result = try loadScenario(scenario)
    let url = scenario.folder.appendingPathComponent("traces.txt")
    let lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
    var output: [String] = []
    var checked = 0
    for line in lines {
      guard !line.hasPrefix("#"), !line.trimmingCharacters(in: .whitespaces).isEmpty else {
        output.append(line)
        continue
      }
      let parsed = try #require(TraceLine(line), "malformed line in traces.txt: \(line)")
      let evaluator = Evaluator(
        cluster: try cluster(result, trap: parsed.section.trap), view: parsed.section.view)
      let cell = try #require(
        evaluator.trace(
          from: parsed.source, to: parsed.destination, probe: probe(parsed.section.probe)),
        "unknown endpoint in \(parsed.cellText)")
      let actual = traceFact(cell)
      output.append("\(parsed.cellText): \(actual)")
      if !recordingGoldens {
        #expect(actual == parsed.fact, "\(parsed.cellText)")
      }
      checked += 1
    }
    #expect(checked > 0, "traces.txt has no cells")
    if recordingGoldens {
      try output.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
    }
  }

  @Test("loading reports what diagnostics.txt lists, and nothing else", arguments: scenarios)
  func diagnostics(_ scenario: Scenario) throws {
    let result = try loadScenario(scenario)
    let text = result.diagnostics.map { $0.description + "\n" }.joined()
    let url = scenario.folder.appendingPathComponent("diagnostics.txt")
    if recordingGoldens {
      if text.isEmpty {
        try? FileManager.default.removeItem(at: url)
      } else {
        try text.write(to: url, atomically: true, encoding: .utf8)
      }
      return
    }
    let expected = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    #expect(text == expected)
  }

  @Test("the matrix agrees with cell-by-cell traces", arguments: scenarios)
  func matrixAgreesWithTraces(_ scenario: Scenario) throws {
    let result = try loadScenario(scenario)
    for section in scenario.sections {
      let evaluator = Evaluator(
        cluster: try cluster(result, trap: section.trap), view: section.view)
      let matrix = ConnectivityMatrix(evaluator: evaluator, probe: probe(section.probe))
      for source in 0..<matrix.count {
        for destination in 0..<matrix.count {
          let traced = evaluator.trace(from: source, to: destination, probe: matrix.probe).outcome
          #expect(matrix.outcome(source, destination) == traced)
        }
      }
    }
  }
}
