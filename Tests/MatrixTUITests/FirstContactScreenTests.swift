import Foundation
import PolicyKit
import Testing

@testable import MatrixTUI

/// What a newcomer and a class read on the screen: whole messages, the footer, the quiz.
@Suite struct FirstContactScreenTests {
  private func screen(_ state: AppState) -> String { Screen.render(state).plainText }

  @Test func quizOptionsAreShuffledBySeedAndScored() throws {
    var state = AppFixtures.state()
    let original = try #require(state.lesson?.quiz)
    _ = state.reduce(.key(.char("Q")))
    let asked = state.quizQuestions
    #expect(asked.count == original.count)
    for (question, shuffled) in zip(original, asked) {
      // The same options, the right one still right.
      #expect(Set(question.options) == Set(shuffled.options))
      #expect(shuffled.options[shuffled.answer] == question.options[question.answer])
    }
    // The right answers are spread over the positions, not all at one.
    let positions = Set(asked.map(\.answer))
    #expect(positions.count >= 3, "\(asked.map(\.answer))")
    // The same seed gives the same order; another seed another.
    var again = AppFixtures.state()
    _ = again.reduce(.key(.char("Q")))
    #expect(again.quizQuestions == asked)
    var other = AppFixtures.state()
    other.quizSeed = 2
    _ = other.reduce(.key(.char("Q")))
    #expect(other.quizQuestions.map(\.answer) != asked.map(\.answer))

    // Answer every question: the first right, the rest wrong; the end shows the score.
    for index in asked.indices {
      let answer = asked[index].answer
      let choice = index == 0 ? answer : (answer + 1) % asked[index].options.count
      _ = AppFixtures.press([.char(Character(String(choice + 1))), .enter], on: &state)
      if index == asked.count - 1 {
        #expect(screen(state).contains("score: 1 of \(asked.count) right"), "\(screen(state))")
      }
      _ = state.reduce(.key(.enter))
    }
    #expect(state.overlay == nil)
    #expect(state.status?.text == "quiz: 1 of \(asked.count) right")
  }

  @Test func theChecklistShowsEachNoteWhole() throws {
    var state = AppFixtures.state(width: 80, height: 24)
    _ = state.reduce(.key(.char("o")))
    let text = screen(state)
    let first = try #require(state.checklist.first?.expectation.note)
    // The note's words are on the screen (wrapped, not cut).
    let words = first.split(separator: " ").prefix(6).joined(separator: " ")
    #expect(text.replacingOccurrences(of: "\n", with: " ").contains(String(words.prefix(30))), "\(text)")
    for line in text.split(separator: "\n") where line.contains("→") || line.contains("->") {
      #expect(!line.contains("…"), "\(line)")
    }
  }

  @Test func theFooterNamesEveryHintedKeyAt80Columns() {
    let state = AppFixtures.state(width: 80, height: 24)
    let footer = String(screen(state).split(separator: "\n").last ?? "")
    for key in ["Enter", "/", "p", "v", "z", "t", "o", "Q", "?", "q"] {
      #expect(footer.contains(" \(key) ") || footer.hasPrefix(" \(key) "), "\(key) in \(footer)")
    }
    #expect(footer.hasSuffix("q quit"), "\(footer)")
    #expect(HelpOverlay.lines().contains { $0.contains("Mouse: click a cell") })
  }

  @Test func zoomingBackSaysSo() {
    var state = AppFixtures.state()
    _ = state.reduce(.key(.char("z")))
    #expect(state.status?.text.hasPrefix("zoomed out") == true)
    _ = state.reduce(.key(.char("z")))
    #expect(state.groupMatrix == nil)
    #expect(state.status?.text.hasPrefix("back to endpoints") == true, "\(state.status?.text ?? "")")
    #expect(!screen(state).contains("zoomed out"))
  }

  @Test func probeKeysSayWhenNoPolicyMentionsAPort() {
    var state = AppFixtures.state()
    _ = state.reduce(
      .loaded(
        AppFixtures.loaded(
          """
          apiVersion: v1
          kind: Namespace
          metadata: {name: prod}
          ---
          apiVersion: v1
          kind: Pod
          metadata: {name: web, namespace: prod}
          spec: {containers: [{name: c}]}
          """), nil))
    _ = state.reduce(.key(.char("]")))
    #expect(
      state.status?.text == "probe TCP/80: no policy mentions a port (p sets any probe)", "\(state.status?.text ?? "")")
  }

  @Test func aReloadSaysWhichEndpointsCameAndWent() {
    #expect(AppState.cameAndWent(before: ["a/x", "a/y"], after: ["a/x", "a/z"]) == "came: a/z; went: a/y")
    #expect(AppState.cameAndWent(before: ["a/x"], after: ["a/x"]) == nil)
    var state = AppFixtures.state()
    let pod = { (name: String) in
      "apiVersion: v1\nkind: Pod\nmetadata: {name: \(name), namespace: prod}\nspec: {containers: [{name: c}]}\n"
    }
    let namespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n---\n"
    _ = state.reduce(.loaded(AppFixtures.loaded(namespace + pod("web")), nil))
    _ = state.reduce(.loaded(AppFixtures.loaded(namespace + pod("web") + "---\n" + pod("db")), nil))
    #expect(state.status?.text.contains("came: prod/db") == true, "\(state.status?.text ?? "")")
    #expect(state.status?.text.contains("no cell changed") == false)
  }

  @Test func aLongErrorIsShownWholeInTheExplorerAndThePrompt() throws {
    var state = AppFixtures.state(width: 80, height: 24)
    let long =
      "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: p}\nspec:\n  selector: role in {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p' \n"
    _ = state.reduce(.loaded(AppFixtures.loaded(long, file: "policy.yaml"), nil))
    let error = try #require(state.errors.first)
    let flat = screen(state).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(
      separator: " ")
    #expect(error.message.count > 60)
    #expect(flat.contains(error.message), "\(screen(state))")
    // The filter prompt's error, whole too.
    var prompt = AppFixtures.state(width: 80, height: 24)
    _ = AppFixtures.press(
      [.char("/")] + "role in {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'".map { Key.char($0) } + [.enter], on: &prompt)
    guard case .prompt(let shown)? = prompt.overlay, let message = shown.error else {
      Issue.record("the filter prompt should stay open with its error")
      return
    }
    let promptFlat = screen(prompt).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(
      separator: " ")
    #expect(promptFlat.contains(message), "\(screen(prompt))")
  }

  @Test func theTraceScrollArrowLeavesLocationsWhole() {
    var state = AppFixtures.state(width: 80, height: 24)
    _ = state.reduce(.select(source: "prod/backend", destination: "host/node-worker"))
    let text = screen(state)
    #expect(text.contains("↓"))
    #expect(!text.contains(":3↓"), "\(text)")
    for line in text.split(separator: "\n") where line.contains("10-host-firewall.yaml:") {
      #expect(!line.contains("↓"), "\(line)")
    }
  }
}

/// The trace says which policies select an endpoint when none does in the direction shown.
@Suite struct TraceWordingTests {
  private let yaml = """
    apiVersion: v1
    kind: Namespace
    metadata: {name: prod}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: prod, labels: {app: web}}
    spec: {containers: [{name: c}]}
    ---
    apiVersion: projectcalico.org/v3
    kind: GlobalNetworkPolicy
    metadata: {name: web-ingress}
    spec: {selector: app == 'web', types: [Ingress], ingress: [{action: Allow}]}
    ---
    apiVersion: projectcalico.org/v3
    kind: HostEndpoint
    metadata: {name: host-a, labels: {role: node}}
    spec: {node: node-a, interfaceName: '*', expectedIPs: [172.18.0.11]}
    ---
    apiVersion: projectcalico.org/v3
    kind: HostEndpoint
    metadata: {name: host-b, labels: {role: node}}
    spec: {node: node-b, interfaceName: '*', expectedIPs: [172.18.0.12]}
    """

  private func trace(_ from: String, _ to: String) throws -> String {
    let evaluator = Evaluator(cluster: AppFixtures.loaded(yaml).result.cluster)
    let cell = try #require(evaluator.trace(from: from, to: to, probe: Probe(.tcp, 80)))
    return TraceText(evaluator: evaluator).text(cell)
  }

  @Test func aPolicyForTheOtherDirectionIsNamed() throws {
    let text = try trace("prod/web", "host/host-a")
    #expect(!text.contains("no tier has a policy"), "\(text)")
    #expect(
      text.contains("no policy selects this endpoint for egress; for ingress: web-ingress (tier default)"), "\(text)")
  }

  @Test func aBareHostEndpointSaysWhatWouldAllowIt() throws {
    let text = try trace("host/host-a", "host/host-b")
    #expect(text.contains("no policy selects this endpoint for egress (nor for ingress)"), "\(text)")
    #expect(
      text.contains(
        "a profile such as projectcalico-default-allow, or an Egress policy selecting this host endpoint, would allow it"
      ), "\(text)")
    #expect(text.contains("or an Ingress policy selecting this host endpoint"), "\(text)")
  }
}

/// What the lessons' READMEs say about cells holds on the matrix.
@Suite struct LessonReadmeTests {
  /// A row of a lesson README's table of cells: the pair, the colour it has in each view the
  /// table names (one colour column: the enforced view; two: enforced, then pending), and the
  /// probe (a `tcp/8080` cell in the row, else the last one the text set before the table with
  /// "probe to `tcp/8080`", else TCP/80).
  struct TableClaim {
    var pair: String
    var colours: [(PolicyView, Bool)]
    var probe: Probe
    var line: Int
  }

  /// Every row of every table in `text` that names a `source -> destination` pair.
  static func tableClaims(_ text: String) -> [TableClaim] {
    var probe = Probe(.tcp, 80)
    var claims: [TableClaim] = []
    for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      if let range = line.range(of: "probe to `"), let end = line[range.upperBound...].firstIndex(of: "`"),
        let set = Probe(parsing: String(line[range.upperBound..<end]))
      {
        probe = set
      }
      guard line.hasPrefix("|") else { continue }
      let cells = line.split(separator: "|").map {
        $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "*`"))
      }
      guard let pairIndex = cells.firstIndex(where: { $0.contains(" -> ") }) else { continue }
      let rowProbe = cells[..<pairIndex].lazy.compactMap { Probe(parsing: $0) }.first ?? probe
      var colours: [(PolicyView, Bool)] = []
      for cell in cells[(pairIndex + 1)...] {
        guard cell == "green" || cell == "red", colours.count < PolicyView.allCases.count else { break }
        colours.append((PolicyView.allCases[colours.count], cell == "green"))
      }
      guard !colours.isEmpty else { continue }
      claims.append(TableClaim(pair: cells[pairIndex], colours: colours, probe: rowProbe, line: number + 1))
    }
    return claims
  }

  @Test func tableRowsOfEveryFormatAreRead() {
    let text = """
      | `tcp/8080` | `dev/web -> prod/web` | **red** | why |
      | `a/b -> c/d` | green | **red** | staged |
      Set the probe to `udp/53`:
      | `a/b -> c/d` | green | why |
      """
    let claims = Self.tableClaims(text)
    #expect(claims.map(\.pair) == ["dev/web -> prod/web", "a/b -> c/d", "a/b -> c/d"])
    #expect(claims.map { $0.colours.map(\.1) } == [[false], [true, false], [true]])
    #expect(claims.map { $0.colours.map(\.0) } == [[.enforced], [.enforced, .pending], [.enforced]])
    #expect(claims.map(\.probe) == [Probe(.tcp, 8080), Probe(.tcp, 80), Probe(.udp, 53)])
  }

  @Test func everyLessonTableCellIsWhatTheMatrixShows() throws {
    let demo = AppFixtures.root.appendingPathComponent("demo")
    var checked = 0
    for lesson in try FileManager.default.contentsOfDirectory(atPath: demo.path).sorted() {
      let readme = demo.appendingPathComponent(lesson).appendingPathComponent("README.md")
      guard let text = try? String(contentsOf: readme, encoding: .utf8) else { continue }
      let claims = Self.tableClaims(text)
      guard !claims.isEmpty else { continue }
      let cluster = LoadedManifests.load([demo.appendingPathComponent(lesson).path]).result.cluster
      let evaluators = Dictionary(
        uniqueKeysWithValues: PolicyView.allCases.map { ($0, Evaluator(cluster: cluster, view: $0)) })
      for claim in claims {
        let ends = claim.pair.components(separatedBy: " -> ")
        for (view, allowed) in claim.colours {
          let verdict = evaluators[view]?.trace(from: ends[0], to: ends[1], probe: claim.probe)?.outcome.verdict
          #expect(
            verdict == (allowed ? .allow : .deny),
            "demo/\(lesson)/README.md:\(claim.line) says \(claim.pair) is \(allowed ? "green" : "red") at \(claim.probe) (\(view))"
          )
          checked += 1
        }
      }
    }
    #expect(checked >= 50)
  }

  @Test func lessonReadmesNameRulesAsTheScreenDoes() throws {
    let demo = AppFixtures.root.appendingPathComponent("demo")
    for lesson in try FileManager.default.contentsOfDirectory(atPath: demo.path).sorted() {
      let readme = demo.appendingPathComponent(lesson).appendingPathComponent("README.md")
      guard let text = try? String(contentsOf: readme, encoding: .utf8) else { continue }
      #expect(
        text.range(of: #"\brule [0-9]"#, options: .regularExpression) == nil,
        "demo/\(lesson)/README.md: the trace names rules `ingress[0]`, `egress[1]`")
    }
  }

  @Test func hostFirewallSaysWhichHostRowCellsStayGreenWithoutProfiles() throws {
    let folder = AppFixtures.lesson("host-firewall")
    let readme = try String(contentsOfFile: folder + "/README.md", encoding: .utf8)
    let sentence = try #require(readme.range(of: "host-row cells stay green:")).upperBound
    let end = try #require(readme.range(of: "because", range: sentence..<readme.endIndex)).lowerBound
    let claimed = Set(readme[sentence..<end].components(separatedBy: "`").filter { $0.contains(" -> ") })
    // The live edit: the profiles line removed from every host endpoint.
    let dir = try TempDirectory()
    defer { dir.remove() }
    for name in ["00-inventory.yaml", "10-host-firewall.yaml"] {
      let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
      try dir.write(
        name,
        text.split(separator: "\n", omittingEmptySubsequences: false)
          .filter { !$0.contains("projectcalico-default-allow") }.joined(separator: "\n"))
    }
    let evaluator = Evaluator(cluster: LoadedManifests.load([dir.path]).result.cluster)
    var green: Set<String> = []
    for source in evaluator.cluster.endpoints where source.isHost {
      for destination in evaluator.cluster.endpoints where destination.id != source.id {
        if evaluator.trace(from: source.id, to: destination.id, probe: Probe(.tcp, 80))?.outcome.verdict == .allow {
          green.insert("\(source.id) -> \(destination.id)")
        }
      }
    }
    #expect(claimed == green)
    #expect(readme.contains("four host-row cells") || readme.contains("Four host-row cells"))
    #expect(!readme.contains("rule 1") && !readme.contains("verbatim"))
  }
}
