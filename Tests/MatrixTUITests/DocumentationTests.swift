import Foundation
import Testing

@testable import MatrixTUI

/// The README shows what the program does now: its key table and its captured screen.
@Suite struct DocumentationTests {
  private func readme() throws -> String {
    try String(contentsOf: AppFixtures.root.appendingPathComponent("README.md"), encoding: .utf8)
  }

  @Test func readmeHasTheKeyTableFromTheKeyMap() throws {
    #expect(try readme().contains(KeyMap.markdownTable))
  }

  @Test func readmeScreenIsWhatTheExplorerDraws() throws {
    var state = AppFixtures.state([AppFixtures.lesson("host-firewall")], width: 120, height: 40)
    state.isWatching = false
    state.paths = ["demo/host-firewall"]
    _ = state.reduce(.select(source: "prod/backend", destination: "host/node-worker"))
    let screen = Screen.render(state).plainText.split(separator: "\n", omittingEmptySubsequences: false)
      .prefix(24).map { $0.trimmingTrailingSpaces }.joined(separator: "\n")
    let text = try readme()
    guard let start = text.range(of: "--select 'prod/backend -> host/node-worker'` at 120x40:\n\n```\n"),
      let end = text.range(of: "\n```", range: start.upperBound..<text.endIndex)
    else {
      Issue.record("README has no captured screen")
      return
    }
    let block = String(text[start.upperBound..<end.lowerBound])
    #expect(
      block == screen.trimmingTrailingNewlines,
      "re-capture the README's screen: UPDATE_SCREENSHOT=1 Tests/EndToEnd/explorer.sh .build/release/matrix-tui")
  }
}

extension String {
  var trimmingTrailingNewlines: String {
    var copy = Substring(self)
    while copy.last == "\n" { copy = copy.dropLast() }
    return String(copy)
  }
}

extension Substring {
  var trimmingTrailingSpaces: String { String(self).trimmingTrailingSpaces }
}
