import PolicyKit

/// The help overlay, generated from the key map.
enum HelpOverlay {
  static func lines() -> [String] {
    var lines: [String] = []
    var group = ""
    for binding in KeyMap.bindings {
      if binding.group != group {
        if !lines.isEmpty { lines.append("") }
        lines.append(binding.group)
        group = binding.group
      }
      lines.append("  " + KeyMap.keyNames(binding).padded(12) + " " + binding.help)
    }
    lines.append("")
    lines.append("Cells: ✓/+ allowed (green), ✗/x denied (red), ·/. self (dim);")
    lines.append("yellow: changed just now; magenta: differs from enforced (pending view).")
    lines.append("Mouse: click a cell to select it; the wheel scrolls.")
    lines.append("Esc, ? or q closes this help.")
    return lines
  }

  static func render(_ state: AppState, scroll: Int, _ theme: Theme, into canvas: inout Canvas) {
    let all = lines()
    let visible = max(1, canvas.height - 4)
    let offset = max(0, min(scroll, all.count - visible))
    var shown = Array(all.dropFirst(offset).prefix(visible))
    if offset + visible < all.count, !shown.isEmpty {
      shown[shown.count - 1] = "↓ more: j/↓, PgDn   (Esc, ? or q closes)"
    }
    Overlays.panel(title: " keys ", lines: shown.map { ($0, theme.plain) }, state: state, theme: theme, into: &canvas)
  }
}

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

/// The whole screen.
enum Screen {
  /// Renders `state` onto a new canvas of the state's size.
  static func render(_ state: AppState) -> Canvas {
    var canvas = Canvas(width: state.width, height: state.height)
    let theme = Theme(isMonochrome: state.isMonochrome)
    let layout = ScreenLayout(state: state)
    if layout.isTooSmall {
      let message = [
        "terminal too small",
        "\(state.width)x\(state.height); need \(ScreenLayout.minimumWidth)x\(ScreenLayout.minimumHeight)",
        "enlarge it, or press q",
      ]
      for (row, line) in message.enumerated() where row < state.height {
        canvas.draw(line, at: 0, y: row, style: row == 0 ? theme.bad : theme.plain)
      }
      return canvas
    }
    HeaderView.render(state, layout, theme, into: &canvas)
    if state.matrix == nil {
      canvas.draw("loading…", at: 1, y: 2, style: theme.muted)
    } else if let zoomed = state.groupMatrix {
      GroupMatrixView.render(state, zoomed, layout, theme, into: &canvas)
      GroupMatrixView.renderSummary(state, zoomed, layout, theme, into: &canvas)
    } else {
      MatrixView.render(state, layout, theme, into: &canvas)
      TracePane.render(state, layout, theme, into: &canvas)
    }
    StatusBar.render(state, layout, theme, into: &canvas)
    Overlays.render(state, theme, into: &canvas)
    return state.glyphs == .ascii ? canvas.asciiOnly() : canvas
  }
}
