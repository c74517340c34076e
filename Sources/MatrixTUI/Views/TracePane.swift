import Foundation
import PolicyKit

/// The selected cell's trace: the headline, then both sides tier by tier, scrollable.
/// It draws the lines the state holds (worked out once per change, never while drawing).
enum TracePane {
  static func render(_ state: AppState, _ layout: ScreenLayout, _ theme: Theme, into canvas: inout Canvas) {
    let area = layout.trace
    guard area.width > 4, area.height > 2 else { return }
    let focused = state.focus == .trace
    canvas.box(
      area, title: focused ? " trace (Tab: grid, t: trap this policy) " : " trace (Enter to focus) ",
      style: focused ? theme.heading : theme.border)
    let inner = area.inset(by: 1)
    // The lines were made when the cell or the matrix changed (`AppState.refreshTrace`).
    guard state.selectedTrace != nil else {
      canvas.draw("no cell selected", at: inner.x, y: inner.y, style: theme.muted, clip: inner)
      return
    }
    let lines = state.tracePaneLines
    // Wrap long lines so nothing important is cut off; a rule's `file:line` goes at the
    // right edge when it fits, else on its own line.
    var rows: [(TraceLine, String, Int, Bool)] = []
    for (index, line) in lines.enumerated() {
      let body = String(repeating: "  ", count: line.indent) + line.text
      let pieces = wrap(body, width: inner.width, indent: line.indent * 2 + 2)
      for piece in pieces { rows.append((line, piece, index, false)) }
      guard let location = line.location else { continue }
      let place = "\((location.file as NSString).lastPathComponent):\(location.line)"
      if let last = rows.last, last.1.count + 2 + place.count <= inner.width {
        let gap = inner.width - last.1.count - place.count
        rows[rows.count - 1].1 = last.1 + String(repeating: " ", count: gap) + place
      } else {
        let pad = max(0, inner.width - place.count)
        rows.append((line, String(repeating: " ", count: pad) + place, index, true))
      }
    }
    let cursorLine = focused ? state.traceCursor : -1
    var offset = state.traceOffset
    if let firstRow = rows.firstIndex(where: { $0.2 == cursorLine }) {
      if firstRow < offset { offset = firstRow }
      if firstRow >= offset + inner.height { offset = firstRow - inner.height + 1 }
    }
    offset = max(0, min(offset, max(0, rows.count - inner.height)))
    for (row, item) in rows.dropFirst(offset).prefix(inner.height).enumerated() {
      var style = item.3 ? theme.muted : theme.trace(item.0.tone)
      if item.2 == cursorLine { style = style.reversed() }
      canvas.draw(item.1, at: inner.x, y: inner.y + row, style: style, clip: inner)
    }
    if offset + inner.height < rows.count {
      // On the border, clear of the text (a location ends at the inner edge).
      canvas.draw("↓", at: area.maxX - 2, y: area.maxY - 1, style: theme.muted, clip: area)
    }
  }

  /// Splits `text` into lines of at most `width` characters, continuing with `indent` spaces.
  static func wrap(_ text: String, width: Int, indent: Int) -> [String] {
    guard width > 8, text.count > width else { return [text] }
    var result: [String] = []
    var rest = Substring(text)
    var first = true
    while !rest.isEmpty {
      let prefix = first ? "" : String(repeating: " ", count: min(indent, width / 2))
      let room = width - prefix.count
      if rest.count <= room {
        result.append(prefix + rest)
        break
      }
      var cut = rest.index(rest.startIndex, offsetBy: room)
      if let space = rest[..<cut].lastIndex(of: " "), rest.distance(from: rest.startIndex, to: space) > room / 2 {
        cut = space
      }
      result.append(prefix + rest[..<cut])
      rest = rest[cut...].drop { $0 == " " }
      first = false
    }
    return result
  }
}

/// The header line: files, probe, view, counts, trap and watch state.
enum HeaderView {
  static func render(_ state: AppState, _ layout: ScreenLayout, _ theme: Theme, into canvas: inout Canvas) {
    let area = layout.header
    canvas.fill(area, style: theme.header)
    // Most important first: a narrow terminal cuts the end.
    var parts = ["matrix-tui", state.isAnyProbe ? "any" : state.probe.description, state.view.rawValue]
    if state.matrix != nil {
      let counts = state.markCounts
      let some = state.isAnyProbe ? " \(state.glyphs.some)\(counts.some)" : ""
      parts.append("\(state.glyphs.allowed)\(counts.allowed)\(some) \(state.glyphs.denied)\(counts.denied)")
    }
    if let baseline = state.baseline, state.matrix != nil {
      let counts = state.baselineCounts
      let glyphs = state.glyphs
      let changed = counts.changed > 0 ? " \(glyphs.changed)\(counts.changed)" : ""
      let off = state.showsBaselineMarks ? "" : " (marks off)"
      parts.append(
        "\(glyphs.delta) +\(counts.opened) \(glyphs.minus)\(counts.closed)\(changed) vs \(baseline.label)\(off)")
    }
    if let trap = state.trap { parts.append("TRAP \(trap.report.policy.name)") }
    if !state.filter.isEmpty { parts.append("filter: \(state.filter)") }
    parts.append(state.isWatching ? "live" : "not watching")
    parts.append(filesSummary(state))
    canvas.draw(" " + parts.joined(separator: " │ "), at: 0, y: area.y, style: theme.header, clip: area)
  }

  static func filesSummary(_ state: AppState) -> String {
    let names = state.paths.joined(separator: " ")
    let count = state.files.count
    return "\(names) (\(count) file\(count == 1 ? "" : "s"))"
  }
}

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
      let style: Style = status.tone == .good ? theme.good : (status.tone == .bad ? theme.bad : theme.plain)
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
