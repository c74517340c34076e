import Foundation
import PolicyKit
import Testing

@testable import MatrixTUI

/// The explorer with a baseline (`--against`, `--against-git`): marks, counts, `n`/`N`, the
/// marks toggle, the before-and-after trace, live edits, and `e`.
@Suite struct BaselineTests {
  static let lesson = AppFixtures.lesson("host-firewall")
  static let firewall = lesson + "/10-host-firewall.yaml"
  static let widened = "selector: role == 'node' || has(k8s-app) || tier == 'control-plane'"

  /// The lesson's files, with `firewall` edited by `edit`, named `REV:path` as a revision's are.
  static func baselineCluster(_ edit: (String) -> String = { $0 }) -> Cluster {
    let names = ["00-inventory.yaml", "10-host-firewall.yaml"]
    let files = names.map { name -> SourceFile in
      let text = (try? String(contentsOfFile: lesson + "/" + name, encoding: .utf8)) ?? ""
      return SourceFile(path: "HEAD:demo/host-firewall/\(name)", text: name.hasPrefix("10") ? edit(text) : text)
    }
    return ManifestLoader.load(files).cluster
  }

  /// The lesson on screen, against a baseline whose firewall leaves out the other nodes.
  static func state(width: Int = 120, height: Int = 40, baseline: Cluster? = nil) -> AppState {
    var state = AppState(paths: [lesson], isWatching: true)
    state.now = 100
    state.quizSeed = 1
    let old =
      baseline
      ?? baselineCluster {
        $0.replacingOccurrences(of: widened, with: "selector: has(k8s-app) || tier == 'control-plane'")
      }
    state.baseline = Baseline(label: "HEAD", cluster: old)
    _ = state.reduce(.resize(width: width, height: height))
    _ = state.reduce(.loaded(LoadedManifests.load([lesson]), Lesson.load([lesson])))
    return state
  }

  /// The changed cells found one cell at a time, row by row, with whether each is allowed now.
  static func perCell(_ state: AppState) -> [(source: Int, destination: Int, allowed: Bool)] {
    guard let matrix = state.matrix, let old = state.baseline?.matrix else { return [] }
    let oldIndex = Dictionary(uniqueKeysWithValues: old.endpoints.enumerated().map { ($1, $0) })
    var cells: [(Int, Int, Bool)] = []
    for source in state.rows {
      for destination in state.columns where source != destination {
        guard let s = oldIndex[matrix.endpoints[source]], let d = oldIndex[matrix.endpoints[destination]] else {
          continue
        }
        let now = matrix.outcome(source, destination).verdict
        if now != old.outcome(s, d).verdict { cells.append((source, destination, now == .allow)) }
      }
    }
    return cells
  }

  @Test func countsEqualACellByCellComparisonOnEveryLesson() throws {
    let lessons = try FileManager.default.contentsOfDirectory(atPath: AppFixtures.root.path + "/demo")
      .filter { !$0.hasSuffix(".md") }.sorted()
    #expect(lessons.count >= 5)
    for name in lessons {
      let path = AppFixtures.lesson(name)
      // The baseline: the lesson without its policies.
      var old = LoadedManifests.load([path]).result.cluster
      old.policies = []
      var state = AppState(paths: [path], isWatching: false)
      state.baseline = Baseline(label: "none", cluster: old)
      state.zoomOutAbove = .max
      _ = state.reduce(.resize(width: 120, height: 40))
      _ = state.reduce(.loaded(LoadedManifests.load([path]), nil))
      let cells = Self.perCell(state)
      #expect(state.baselineCounts.opened == cells.filter(\.allowed).count, "\(name)")
      #expect(state.baselineCounts.closed == cells.filter { !$0.allowed }.count, "\(name)")
      for cell in cells {
        #expect(state.baselineChange(cell.source, cell.destination) == (cell.allowed ? .opened : .closed), "\(name)")
      }
    }
  }

  @Test func nextAndPreviousGoRowByRowAndWrap() {
    var state = Self.state()
    let changed = Self.perCell(state).map {
      "\(state.endpoints[$0.source].id) -> \(state.endpoints[$0.destination].id)"
    }
    #expect(changed.count == 2)
    _ = state.reduce(.key(.char("g")))
    _ = state.reduce(.key(.home))
    var seen: [String] = []
    for _ in 0..<(changed.count + 1) {
      _ = state.reduce(.key(.char("n")))
      seen.append(AppFixtures.selected(state) ?? "")
    }
    #expect(seen == changed + [changed[0]])
    #expect(state.status?.text.contains("wrapped") == true)
    seen = []
    for _ in 0..<(changed.count + 1) {
      _ = state.reduce(.key(.char("N")))
      seen.append(AppFixtures.selected(state) ?? "")
    }
    // From the first change, back to the last (wrapping), then on backwards.
    #expect(seen == [changed[1], changed[0], changed[1]])
  }

  @Test func theTraceShowsTheCellBeforeAndAfter() {
    var state = Self.state()
    _ = state.reduce(.key(.char("n")))
    let text = state.tracePaneLines.map(\.text)
    #expect(text.first == "before, in HEAD:")
    let after = text.firstIndex(of: "after, now:")
    #expect(after != nil)
    #expect(text.prefix(after ?? 0).contains { $0.contains("DENY") })
    #expect(text.suffix(from: after ?? 0).contains { $0.contains("ALLOW") })
  }

  @Test func bHidesAndShowsTheMarks() {
    var state = Self.state()
    _ = state.reduce(.key(.char("n")))
    let cell = state.selectedCell!
    #expect(state.baselineMark(cell.source, cell.destination) == .opened)
    _ = state.reduce(.key(.char("b")))
    #expect(state.baselineMark(cell.source, cell.destination) == nil)
    #expect(state.baselineChange(cell.source, cell.destination) == .opened)
    #expect(Screen.render(state).plainText.contains("(marks off)"))
    _ = state.reduce(.key(.char("b")))
    #expect(state.baselineMark(cell.source, cell.destination) == .opened)
  }

  @Test func aLiveEditIsComparedWithTheBaselineNotTheLastSave() {
    var state = Self.state()
    #expect(state.baselineCounts == BaselineCounts(opened: 2, closed: 0, changed: 0))
    // A save that also lets the frontend in: the counts are of both edits.
    let text = (try? String(contentsOfFile: Self.firewall, encoding: .utf8)) ?? ""
    let edited = text.replacingOccurrences(of: Self.widened, with: Self.widened + " || app == 'frontend'")
    let inventory = (try? String(contentsOfFile: Self.lesson + "/00-inventory.yaml", encoding: .utf8)) ?? ""
    let files = [
      SourceFile(path: "00-inventory.yaml", text: inventory), SourceFile(path: "10-host-firewall.yaml", text: edited),
    ]
    _ = state.reduce(.loaded(LoadedManifests(result: ManifestLoader.load(files), files: files.map(\.path)), nil))
    let cells = Self.perCell(state)
    #expect(cells.count > 2)
    #expect(state.baselineCounts.opened == cells.filter(\.allowed).count)
    #expect(state.baseline?.label == "HEAD")
    // Undone: nothing differs.
    _ = state.reduce(.loaded(LoadedManifests.load([Self.lesson]), nil))
    #expect(state.baselineCounts.total == 2)
  }

  @Test func withoutABaselineTheKeysSaySo() {
    var state = AppFixtures.state()
    _ = state.reduce(.key(.char("n")))
    #expect(state.status?.text.contains("no baseline") == true)
    #expect(!Screen.render(state).plainText.contains("Δ"))
  }

  @Test func zoomedOutCountsChangesPerNamespacePair() {
    var state = Self.state()
    _ = state.reduce(.key(.char("z")))
    let zoomed = state.groupMatrix!
    let total = zoomed.changes.reduce(0, +)
    #expect(total == state.baselineCounts.total)
  }

  // MARK: - Screens

  @Test(arguments: ViewSnapshotTests.sizes)
  func marksAndCounts(width: Int, height: Int) {
    var state = Self.state(width: width, height: height)
    _ = state.reduce(.key(.char("n")))
    state.paths = state.paths.map(AppFixtures.portable)
    assertSnapshot(AppFixtures.portable(Screen.render(state).dump), named: "baseline-\(width)x\(height)")
  }

  @Test func marksInASCIIAndMonochrome() {
    var state = Self.state(width: 80, height: 24)
    state.glyphs = .ascii
    state.isMonochrome = true
    _ = state.reduce(.key(.char("n")))
    state.paths = state.paths.map(AppFixtures.portable)
    let canvas = Screen.render(state)
    #expect(!canvas.plainText.unicodeScalars.contains { $0.value > 0x7E })
    #expect(canvas.plainText.contains("changes +2 -0"))
    assertSnapshot(AppFixtures.portable(canvas.dump), named: "baseline-ascii-monochrome-80x24")
  }

  @Test func zoomedOutScreen() {
    var state = Self.state(width: 120, height: 40)
    _ = state.reduce(.key(.char("z")))
    state.paths = state.paths.map(AppFixtures.portable)
    assertSnapshot(AppFixtures.portable(Screen.render(state).plainText), named: "baseline-zoomed-out-120x40")
  }

  // MARK: - The editor

  @Test func eOpensTheDecidingRule() {
    var state = Self.state()
    _ = state.reduce(.key(.char("n")))
    let effects = state.reduce(.key(.char("e")))
    #expect(effects == [.edit(file: Self.firewall, line: 48)])
  }

  @Test func eOnABaselineLineOpensTheWorkingTreeRule() {
    var state = Self.state()
    _ = AppFixtures.press([.char("n"), .enter], on: &state)
    // A line of the baseline's side with a place (`HEAD:...`).
    let index = state.tracePaneLines.prefix(state.baselineTraceLineCount).firstIndex { $0.location != nil }!
    #expect(state.tracePaneLines[index].location!.file.hasPrefix("HEAD:"))
    _ = AppFixtures.press(Array(repeating: .down, count: index), on: &state)
    #expect(state.traceCursor == index)
    let effects = state.reduce(.key(.char("e")))
    #expect(effects == [.edit(file: Self.firewall, line: 48)])
  }

  @Test func eWithNoRuleSaysWhy() {
    var state = AppFixtures.state()
    _ = state.reduce(.select(source: "host/node-worker", destination: "host/node-worker"))
    let effects = state.reduce(.key(.char("e")))
    #expect(effects.isEmpty)
    #expect(state.status?.text.contains("no file to open") == true)
  }

  @Test func editorArgumentsAreWordsNotAShellLine() {
    let file = "x; rm -rf ~.yaml"
    #expect(
      EditorLauncher.arguments(environment: ["EDITOR": "code --wait"], file: file, line: 12) == [
        "code", "--wait", "+12", file,
      ])
    #expect(
      EditorLauncher.arguments(environment: ["VISUAL": "nano", "EDITOR": "code"], file: file, line: 3) == [
        "nano", "+3", file,
      ])
    #expect(EditorLauncher.arguments(environment: ["VISUAL": "  "], file: "a.yaml", line: 0) == ["vi", "+1", "a.yaml"])
    #expect(EditorLauncher.arguments(environment: [:], file: "-rf.yaml", line: 2) == ["vi", "+2", "./-rf.yaml"])
    #expect(
      EditorLauncher.arguments(environment: ["EDITOR": "ed $(touch p)"], file: "a", line: 1) == [
        "ed", "$(touch", "p)", "+1", "a",
      ])
  }

  @Test func aRealEditorGetsEachArgumentWhole() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("editor-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let script = directory + "/fake editor"
    let record = directory + "/argv"
    try "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '\(record)'\n".write(
      toFile: script, atomically: true, encoding: .utf8)
    chmod(script, 0o755)
    let manifest = directory + "/x; rm -rf ~ $(touch pwned).yaml"
    let arguments = [script, "+7", manifest]
    #expect(EditorLauncher.run(arguments) == nil)
    let lines = try String(contentsOfFile: record, encoding: .utf8).split(separator: "\n").map(String.init)
    #expect(lines == ["+7", manifest])
    #expect(!FileManager.default.fileExists(atPath: directory + "/pwned"))
    #expect(!FileManager.default.fileExists(atPath: "pwned"))
    #expect(EditorLauncher.run([directory + "/no such editor", "+1", "a"])?.contains("cannot start") == true)
  }

  // MARK: - The command line

  @Test func aMissingBaselineOrUnknownRevisionExitsWithTwo() {
    #expect(MatrixTUICommand.run(["--against", "/no/such/baseline", Self.lesson]) == 2)
    #expect(MatrixTUICommand.run(["--against-git", "no-such-revision-xyz", Self.lesson]) == 2)
    #expect(MatrixTUICommand.run(["--against-git", "--output=x", Self.lesson]) != 0)
    #expect(MatrixTUICommand.run(["--against", Self.lesson, "--against-git", "HEAD", Self.lesson]) == 64)
  }
}
