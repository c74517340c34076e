import PolicyKit

/// The grid: numbered row labels on the left, column numbers on top, one mark per cell.
///
/// Column `n` is the endpoint of row `n`; the legend line names the cursor's column. Groups
/// (hosts, each namespace, network sets) are separated by an underlined last row and a `│`
/// before a group's first column.
enum MatrixView {
  static func render(_ state: AppState, _ layout: ScreenLayout, _ theme: Theme, into canvas: inout Canvas) {
    let area = layout.grid
    guard state.matrix != nil, area.width > 0, area.height > 0 else { return }
    let endpoints = state.endpoints
    let digits = layout.columnHeaderRows - 1
    let selected = state.selectedCell

    // Legend: the cursor column's full name.
    if let selected {
      let column = endpoints[selected.destination]
      let legend = "column \(state.cursorColumn + 1): \(column.id)"
      canvas.draw(legend, at: area.x + 1, y: area.y, style: theme.heading, clip: area)
    }
    if state.rows.isEmpty {
      canvas.draw(
        "no endpoint matches the filter `\(state.filter)`", at: area.x + 1, y: area.y + layout.columnHeaderRows,
        style: theme.muted, clip: area)
      return
    }
    let firstColumn = state.columnOffset
    let lastColumn = min(state.columns.count, firstColumn + layout.gridColumns)
    let cellsX = area.x + layout.labelWidth + 1

    // Column numbers, one digit per header row.
    for (slot, position) in (firstColumn..<lastColumn).enumerated() {
      let number = String(position + 1).leftPadded(digits, with: " ")
      let isCursorColumn = position == state.cursorColumn
      for (row, digit) in number.enumerated() {
        canvas.draw(
          String(digit), at: cellsX + slot * 2, y: area.y + 1 + row,
          style: isCursorColumn ? theme.highlightedLabel.reversed() : theme.muted, clip: area)
      }
    }

    let top = area.y + layout.columnHeaderRows
    let lastRow = min(state.rows.count, state.rowOffset + layout.gridRows)
    for (line, position) in (state.rowOffset..<lastRow).enumerated() {
      let y = top + line
      let source = state.rows[position]
      let endpoint = endpoints[source]
      let isCursorRow = position == state.cursorRow
      let endsGroup =
        position + 1 < state.rows.count && EndpointGroup(endpoints[state.rows[position + 1]]) != EndpointGroup(endpoint)
      var labelStyle = isCursorRow ? theme.highlightedLabel.reversed() : theme.label
      if endsGroup { labelStyle = labelStyle.underlined() }
      let number = String(position + 1).leftPadded(digits, with: " ")
      let label = truncate("\(number) \(endpoint.rowLabel(state.glyphs))", layout.labelWidth)
      canvas.draw(label.padded(layout.labelWidth), at: area.x, y: y, style: labelStyle, clip: area)
      for (slot, columnPosition) in (firstColumn..<lastColumn).enumerated() {
        let destination = state.columns[columnPosition]
        let x = cellsX + slot * 2
        let mark = state.mark(source, destination)
        let isCursor = isCursorRow && columnPosition == state.cursorColumn
        let change = state.baselineMark(source, destination)
        var style = theme.cell(
          mark, isCursor: isCursor, isFlipped: state.isFlipped(source, destination),
          differs: state.differsFromEnforced(source, destination),
          crosshair: isCursorRow || columnPosition == state.cursorColumn, baseline: change)
        if endsGroup { style = style.underlined() }
        let glyph = change.map { state.glyphs.mark($0) } ?? state.glyphs.mark(mark)
        canvas.draw(glyph, at: x, y: y, style: style, clip: area)
        if columnPosition > 0, slot > 0,
          EndpointGroup(endpoints[state.columns[columnPosition - 1]]) != EndpointGroup(endpoints[destination])
        {
          canvas.draw(state.glyphs == .ascii ? "|" : "│", at: x - 1, y: y, style: theme.border, clip: area)
        }
      }
    }
    // Scroll hints.
    if state.rowOffset > 0 {
      canvas.draw("↑", at: area.x + layout.labelWidth - 1, y: top, style: theme.muted, clip: area)
    }
    if lastRow < state.rows.count {
      canvas.draw(
        "↓ \(state.rows.count - lastRow) more", at: area.x + 1, y: area.maxY - 1, style: theme.muted, clip: area)
    }
    if lastColumn < state.columns.count {
      canvas.draw("→", at: area.maxX - 1, y: area.y + 1, style: theme.muted, clip: area)
    }
  }

  /// The (row, column) positions under a screen point, if it is on a cell.
  static func cell(at x: Int, _ y: Int, state: AppState) -> (Int, Int)? {
    let layout = ScreenLayout(state: state)
    let area = layout.grid
    let cellsX = area.x + layout.labelWidth + 1
    let top = area.y + layout.columnHeaderRows
    guard area.contains(x: x, y: y), y >= top, x >= cellsX else { return nil }
    let row = state.rowOffset + (y - top)
    let column = state.columnOffset + (x - cellsX) / 2
    guard state.rows.indices.contains(row), state.columns.indices.contains(column) else { return nil }
    return (row, column)
  }

  private static func truncate(_ text: String, _ width: Int) -> String {
    text.count <= width ? text : String(text.prefix(max(0, width - 1))) + "…"
  }
}
