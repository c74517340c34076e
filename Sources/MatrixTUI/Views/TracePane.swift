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
