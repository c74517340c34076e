import Testing

@testable import MatrixTUI

/// The key map is data: each key means one thing in each context, and a key bound elsewhere
/// says why it does nothing here.
@Suite struct KeyMapTests {
  @Test func noKeyIsBoundTwiceInOneContext() {
    for context in KeyContext.allCases {
      var seen: [Key: Command] = [:]
      for binding in KeyMap.bindings + KeyMap.overlayBindings where binding.contexts.contains(context) {
        for key in binding.keys {
          #expect(seen[key] == nil, "\(key.displayName) twice in \(context.rawValue)")
          seen[key] = binding.command
        }
      }
    }
  }

  @Test func everyContextCanBeLeftAndCtrlCQuitsFromAnywhere() {
    for context in KeyContext.allCases {
      #expect(KeyMap.lookup(.ctrl("c"), in: context) == .command(.quit), "\(context.rawValue)")
      let leaves = [Key.escape, .char("q")].contains { key in
        [KeyLookup.command(.close), .command(.quit)].contains(KeyMap.lookup(key, in: context))
      }
      #expect(leaves, "\(context.rawValue)")
    }
  }

  @Test func aKeyMeansWhatItsContextSays() {
    #expect(KeyMap.lookup(.char("q"), in: .grid) == .command(.quit))
    #expect(KeyMap.lookup(.char("q"), in: .help) == .command(.close))
    #expect(KeyMap.lookup(.char("q"), in: .prompt) == .unbound, "typed")
    #expect(KeyMap.lookup(.char("n"), in: .quiz) == .command(.moveRight))
    #expect(KeyMap.lookup(.char("n"), in: .grid) == .command(.nextChange))
    #expect(KeyMap.lookup(.char("3"), in: .quiz) == .command(.answer(3)))
    #expect(KeyMap.lookup(.enter, in: .prompt) == .command(.select))
    #expect(KeyMap.lookup(.backspace, in: .prompt) == .command(.deleteBackward))
  }

  @Test func keysThatDoNotApplyZoomedOutSayWhy() {
    for key in [Key.char("/"), .tab, .char("e")] {
      guard case .unavailable(let reason) = KeyMap.lookup(key, in: .zoomedOut) else {
        Issue.record("\(key.displayName) zoomed out should say why it does nothing")
        continue
      }
      #expect(reason.contains("zoom"), "\(reason)")
    }
  }

  @Test func theReasonReachesTheStatusLine() {
    var state = AppFixtures.state()
    _ = state.reduce(.key(.char("z")))
    #expect(state.keyContext == .zoomedOut)
    _ = state.reduce(.key(.char("/")))
    #expect(state.overlay == nil)
    #expect(state.status?.text.hasPrefix("the filter picks endpoints") == true)
  }

  @Test func helpListsTheOverlaysKeysToo() {
    let help = HelpOverlay.lines().joined(separator: "\n")
    #expect(help.contains("In the quiz"))
    #expect(help.contains("1-9"))
    #expect(help.hasSuffix("Esc, ?, q or Enter closes this help."))
  }
}
