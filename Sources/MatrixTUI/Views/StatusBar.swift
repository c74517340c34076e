import Foundation
import PolicyKit

/// The status line (messages, or the key hints) and the error bar above it.
enum StatusBar {
  static func render(_ state: AppState, _ layout: ScreenLayout, _ theme: Theme, into canvas: inout Canvas) {
    let area = layout.status
    if case .prompt(let prompt)? = state.overlay {
      let label =
        prompt.kind == .filter
        ? "filter (text or selector; Enter applies, Esc cancels, Ctrl-U clears): "
        : "probe (now \(state.probe.argument); e.g. tcp/443, udp/53, tcp/http; Esc cancels): "
      // The prompt's error is shown whole in the bar above.
      let text = label + prompt.text + "▏"
      canvas.draw(text, at: 0, y: area.y, style: prompt.error == nil ? theme.heading : theme.bad, clip: area)
    } else if let status = state.status, state.now < status.until {
      let style = theme.status(status.tone)
      canvas.draw(" " + status.text, at: 0, y: area.y, style: style, clip: area)
    } else {
      canvas.draw(
        " " + KeyMap.hints(width: area.width, hasBaseline: state.baseline != nil), at: 0, y: area.y, style: theme.muted,
        clip: area)
    }
    // The error bar: the prompt's error, then the errors of the latest load, wrapped.
    let bar = layout.errorBar
    guard bar.height > 0 else { return }
    canvas.fill(bar, style: theme.error)
    var lines = errorLines(state, width: bar.width)
    if lines.count > bar.height {
      // What does not fit is counted on the last line.
      let hidden = lines.count - bar.height + 1
      lines =
        Array(lines.prefix(bar.height - 1)) + [
          " \(hidden) more line\(hidden == 1 ? "" : "s") of errors; \(shownMatrix(state))"
        ]
    }
    for (row, line) in lines.enumerated() {
      canvas.draw(line, at: 0, y: bar.y + row, style: theme.error, clip: bar)
    }
  }

  private static func shownMatrix(_ state: AppState) -> String {
    state.clusterIsFromEarlierLoad
      ? "the last good matrix stays on screen" : "what has errors is left out of the matrix"
  }

  /// The error bar's lines at `width`, each message whole (wrapped): the prompt's error, then
  /// each load error, then what the matrix shows when there are load errors.
  static func errorLines(_ state: AppState, width: Int) -> [String] {
    var lines: [String] = []
    func add(_ text: String) {
      lines += TracePane.wrap(" " + text, width: max(9, width), indent: 3)
    }
    if case .prompt(let prompt)? = state.overlay, let error = prompt.error { add(error) }
    let errors = state.errors
    for error in errors {
      add((error.location.map { "\($0): error: " } ?? "error: ") + error.message)
    }
    if errors.count > 1 { add(shownMatrix(state)) }
    return lines
  }
}
