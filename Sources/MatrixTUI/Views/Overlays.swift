import PolicyKit

/// The lesson checklist and quiz overlays.
enum Overlays {
  /// Draws a centred box with `lines`, clipped to the screen.
  static func panel(
    title: String, lines: [(String, Style)], selected: Int? = nil, state: AppState, theme: Theme,
    into canvas: inout Canvas
  ) {
    let width = min(canvas.width - 2, max(40, (lines.map(\.0.count).max() ?? 0) + 4))
    let height = min(canvas.height - 2, lines.count + 2)
    guard width > 4, height > 2 else { return }
    let area = canvas.bounds.centered(width: width, height: height)
    canvas.fill(area, style: theme.overlay)
    canvas.box(area, title: title, style: theme.heading)
    let inner = area.inset(by: 1)
    var offset = 0
    if let selected, selected >= inner.height { offset = selected - inner.height + 1 }
    for (row, line) in lines.dropFirst(offset).prefix(inner.height).enumerated() {
      let style = row + offset == selected ? line.1.reversed() : line.1
      canvas.draw(" " + line.0, at: inner.x, y: inner.y + row, style: style, clip: inner)
    }
  }

  static func render(_ state: AppState, _ theme: Theme, into canvas: inout Canvas) {
    switch state.overlay {
    case .help(let scroll)?:
      HelpOverlay.render(state, scroll: scroll, theme, into: &canvas)
    case .checklist(let selected)?:
      let holding = state.checklist.filter(\.holds).count
      // Each expectation whole (wrapped), with the lesson's note for it under it.
      let width = max(20, min(canvas.width - 2, 110) - 4)
      var lines: [(String, Style)] = []
      var selectedLine = 0
      for (index, item) in state.checklist.enumerated() {
        if index == selected { selectedLine = lines.count }
        let mark = item.holds ? state.glyphs.allowed : state.glyphs.denied
        let style = item.holds ? theme.allowed : theme.denied
        for piece in TracePane.wrap("\(mark) \(item.expectation.summary)", width: width, indent: 2) {
          lines.append((piece, style))
        }
        if let note = item.expectation.note {
          for piece in TracePane.wrap("  " + note.visible, width: width, indent: 4) {
            lines.append((piece, theme.muted))
          }
        }
      }
      panel(
        title: " expectations: \(holding) of \(state.checklist.count) hold (Enter: go to cell, Esc: close) ",
        lines: lines, selected: selectedLine, state: state, theme: theme, into: &canvas)
    case .quiz(let index, let chosen, let revealed)?:
      let quiz = state.quizQuestions
      guard quiz.indices.contains(index) else { return }
      let question = quiz[index]
      let width = min(canvas.width - 6, 76)
      var lines: [(String, Style)] = []
      for piece in TracePane.wrap(question.question, width: width, indent: 0) { lines.append((piece, theme.heading)) }
      lines.append(("", theme.plain))
      for (number, option) in question.options.enumerated() {
        var style = theme.plain
        var prefix = number == chosen ? "▸" : " "
        if revealed && number == question.answer {
          style = theme.good
          prefix = state.glyphs.allowed
        } else if revealed && number == chosen {
          style = theme.bad
          prefix = state.glyphs.denied
        }
        let text = "\(prefix) \(number + 1). \(option)"
        for (i, piece) in TracePane.wrap(text, width: width, indent: 5).enumerated() {
          lines.append((i == 0 ? piece : piece, style))
        }
      }
      lines.append(("", theme.plain))
      if revealed {
        for piece in TracePane.wrap(question.explain, width: width, indent: 0) { lines.append((piece, theme.plain)) }
        lines.append(("", theme.plain))
        if index + 1 < quiz.count {
          lines.append(("Enter: next question   Esc: close   score so far: \(state.quizScore)", theme.muted))
        } else {
          lines.append(("score: \(state.quizScore)", theme.heading))
          lines.append(("Enter: close", theme.muted))
        }
      } else {
        lines.append(
          ("1-\(question.options.count): choose   Enter/Space: reveal   n/b: next/back   Esc: close", theme.muted))
      }
      panel(title: " quiz \(index + 1)/\(quiz.count) ", lines: lines, state: state, theme: theme, into: &canvas)
    case .prompt?, nil:
      break
    }
  }
}
