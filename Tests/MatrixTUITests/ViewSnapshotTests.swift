import PolicyKit
import Testing

@testable import MatrixTUI

/// Every screen rendered to a canvas and compared as text (`RECORD_SNAPSHOTS=1` re-records).
@Suite struct ViewSnapshotTests {
  static let sizes = [(80, 24), (120, 40)]

  private func screen(_ state: AppState, styles: Bool = false) -> String {
    // The status bar shows the paths: relative ones keep its width the same wherever the
    // repository is checked out.
    var state = state
    state.paths = state.paths.map(AppFixtures.portable)
    let canvas = Screen.render(state)
    return AppFixtures.portable(styles ? canvas.dump : canvas.plainText)
  }

  private func selected(width: Int, height: Int) -> AppState {
    var state = AppFixtures.state(width: width, height: height)
    _ = state.reduce(.select(source: "prod/backend", destination: "host/node-worker"))
    return state
  }

  @Test(arguments: sizes)
  func gridAndTrace(width: Int, height: Int) {
    assertSnapshot(screen(selected(width: width, height: height), styles: true), named: "grid-trace-\(width)x\(height)")
  }

  @Test(arguments: sizes)
  func help(width: Int, height: Int) {
    var state = selected(width: width, height: height)
    _ = state.reduce(.key(.char("?")))
    assertSnapshot(screen(state), named: "help-\(width)x\(height)")
  }

  @Test(arguments: sizes)
  func errorBar(width: Int, height: Int) {
    var state = selected(width: width, height: height)
    let broken = AppFixtures.loaded(
      "kind: GlobalNetworkPolicy\napiVersion: projectcalico.org/v3\nmetadata: {name: x}\nspec:\n  selector: app ==\n",
      file: "policy.yaml")
    _ = state.reduce(.loaded(broken, nil))
    assertSnapshot(screen(state), named: "error-bar-\(width)x\(height)")
  }

  @Test(arguments: sizes)
  func trap(width: Int, height: Int) {
    var state = selected(width: width, height: height)
    _ = state.reduce(.key(.char("t")))
    assertSnapshot(screen(state, styles: true), named: "trap-\(width)x\(height)")
  }

  @Test(arguments: sizes)
  func filter(width: Int, height: Int) {
    var state = selected(width: width, height: height)
    _ = AppFixtures.press([.char("/")] + "prod".map { .char($0) }, on: &state)
    assertSnapshot(screen(state), named: "filter-prompt-\(width)x\(height)")
    _ = state.reduce(.key(.enter))
    assertSnapshot(screen(state), named: "filtered-\(width)x\(height)")
  }

  @Test func checklistAndQuiz() {
    var state = selected(width: 120, height: 40)
    _ = state.reduce(.key(.char("o")))
    assertSnapshot(screen(state), named: "checklist-120x40")
    _ = state.reduce(.key(.escape))
    _ = AppFixtures.press([.char("Q"), .char("2"), .enter], on: &state)
    assertSnapshot(screen(state), named: "quiz-revealed-120x40")
  }

  @Test func tooSmallSaysSoAndRecovers() {
    var state = selected(width: 30, height: 8)
    assertSnapshot(screen(state), named: "too-small-30x8")
    _ = state.reduce(.resize(width: 80, height: 24))
    #expect(!Screen.render(state).plainText.contains("too small"))
  }

  @Test func asciiAndMonochromeKeepTheMeaning() {
    var state = selected(width: 80, height: 24)
    state.glyphs = .ascii
    state.isMonochrome = true
    state.paths = state.paths.map(AppFixtures.portable)
    let canvas = Screen.render(state)
    #expect(!canvas.plainText.unicodeScalars.contains { $0.value > 0x7E })
    assertSnapshot(AppFixtures.portable(canvas.dump), named: "ascii-monochrome-80x24")
  }

  @Test func hostileNamesAreShownEscaped() {
    let yaml = """
      apiVersion: v1
      kind: Pod
      metadata:
        name: "evil\\u001b[2Jpod"
        namespace: default
      status: {podIP: 10.0.0.9}
      """
    var state = AppState(paths: ["x.yaml"], isWatching: false)
    _ = state.reduce(.resize(width: 80, height: 24))
    _ = state.reduce(.loaded(AppFixtures.loaded(yaml), nil))
    let text = Screen.render(state).plainText
    #expect(!text.contains("\u{1B}"))
    #expect(text.contains("evil"))
  }
}
