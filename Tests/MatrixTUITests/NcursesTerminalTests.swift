import Glibc
import Testing

@testable import MatrixTUI

@Suite struct NcursesTerminalTests {
  @Test func refusesBadEnvironmentsBeforeTouchingTheTerminal() {
    func problem(_ term: String?, tty: Bool = true) -> NcursesTerminal.StartError? {
      NcursesTerminal.environmentProblem(term: term, stdinIsTTY: tty, stdoutIsTTY: tty)
    }
    #expect(problem(nil) == .termUnset)
    #expect(problem("") == .termUnset)
    #expect(problem("dumb") == .dumbTerminal)
    #expect(problem("xterm-256color", tty: false) == .notATerminal)
    #expect(problem("xterm-256color") == nil)
    #expect(NcursesTerminal.StartError.dumbTerminal.description.contains("cannot move the cursor"))
  }

  @Test func stripsTerminfoPadding() {
    let bytes = Array("\u{1B}[?1049l$<5>\u{1B}[?25h$<2*/>".utf8)
    #expect(NcursesTerminal.withoutPadding(bytes) == Array("\u{1B}[?1049l\u{1B}[?25h".utf8))
    #expect(NcursesTerminal.withoutPadding(Array("$5 $<".utf8)) == Array("$5 $<".utf8))
  }

  @Test func constructionFailsWithoutATerminal() {
    // `swift test` has no TTY on stdin/stdout in CI; with a TTY this would take the screen,
    // so only check the refusal path when one of them is not a terminal.
    if isatty(0) == 1 && isatty(1) == 1 { return }
    #expect(throws: NcursesTerminal.StartError.notATerminal) {
      _ = try NcursesTerminal(environment: ["TERM": "xterm"])
    }
  }
}
