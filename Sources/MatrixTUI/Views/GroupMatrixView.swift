/// The zoomed-out grid: one row and column per group (hosts, each namespace, network sets);
/// a cell is all allowed, all denied or mixed, and the pane beside it gives the counts.
enum GroupMatrixView {
  static func label(_ group: GroupMatrix.Group) -> String {
    "\(group.name) (\(group.members.count))"
  }

  static func render(
    _ state: AppState, _ zoomed: GroupMatrix, _ layout: ScreenLayout, _ theme: Theme,
    into canvas: inout Canvas
  ) {
    let area = layout.grid
    let groups = zoomed.groups
    let digits = layout.columnHeaderRows - 1
    if groups.indices.contains(state.groupCursorColumn) {
      canvas.draw(
        "column \(state.groupCursorColumn + 1): \(label(groups[state.groupCursorColumn]))",
        at: area.x + 1, y: area.y, style: theme.heading, clip: area)
    }
    let firstColumn = state.columnOffset
    let lastColumn = min(groups.count, firstColumn + layout.gridColumns)
    let cellsX = area.x + layout.labelWidth + 1
    for (slot, position) in (firstColumn..<lastColumn).enumerated() {
      let number = String(position + 1).leftPadded(digits, with: " ")
      for (row, digit) in number.enumerated() {
        canvas.draw(
          String(digit), at: cellsX + slot * 2, y: area.y + 1 + row,
          style: position == state.groupCursorColumn ? theme.highlightedLabel.reversed() : theme.muted, clip: area)
      }
    }
    let top = area.y + layout.columnHeaderRows
    let lastRow = min(groups.count, state.rowOffset + layout.gridRows)
    for (line, position) in (state.rowOffset..<lastRow).enumerated() {
      let y = top + line
      let isCursorRow = position == state.groupCursorRow
      let text = String(position + 1).leftPadded(digits, with: " ") + " " + label(groups[position])
      let clipped = text.count <= layout.labelWidth ? text : String(text.prefix(layout.labelWidth - 1)) + "…"
      canvas.draw(
        clipped.padded(layout.labelWidth), at: area.x, y: y,
        style: isCursorRow ? theme.highlightedLabel.reversed() : theme.label, clip: area)
      for (slot, column) in (firstColumn..<lastColumn).enumerated() {
        let cell = zoomed.cell(position, column)
        let mark: AppState.CellMark =
          cell.total == 0 ? .selfCell : (cell.denied == 0 ? .allowed : (cell.allowed == 0 ? .denied : .some))
        let isCursor = isCursorRow && column == state.groupCursorColumn
        let change: BaselineChange? =
          state.showsBaselineMarks && zoomed.changeCount(position, column) > 0 ? .changed : nil
        let style = theme.cell(
          mark, isCursor: isCursor, isFlipped: false, differs: false,
          crosshair: isCursorRow || column == state.groupCursorColumn, baseline: change)
        let glyph = change.map { state.glyphs.mark($0) } ?? state.glyphs.mark(mark)
        canvas.draw(glyph, at: cellsX + slot * 2, y: y, style: style, clip: area)
      }
    }
  }

  /// The pane beside the zoomed-out grid: the selected group pair's counts.
  static func renderSummary(
    _ state: AppState, _ zoomed: GroupMatrix, _ layout: ScreenLayout, _ theme: Theme,
    into canvas: inout Canvas
  ) {
    let area = layout.trace
    guard area.width > 4, area.height > 2 else { return }
    canvas.box(area, title: " group pair (Enter: zoom in) ", style: theme.border)
    let inner = area.inset(by: 1)
    guard zoomed.groups.indices.contains(state.groupCursorRow),
      zoomed.groups.indices.contains(state.groupCursorColumn)
    else { return }
    let source = zoomed.groups[state.groupCursorRow]
    let destination = zoomed.groups[state.groupCursorColumn]
    let cell = zoomed.cell(state.groupCursorRow, state.groupCursorColumn)
    let probe = state.isAnyProbe ? "any" : state.probe.description
    var lines: [(String, Style)] = [
      ("\(source.name) -> \(destination.name)  \(probe)  (\(state.view.rawValue))", theme.heading),
      ("", theme.plain),
      (
        "\(cell.total) pairs: \(cell.allowed) allowed, \(cell.denied) denied",
        cell.denied == 0 ? theme.allowed : (cell.allowed == 0 ? theme.denied : theme.some)
      ),
      ("\(source.members.count) sources, \(destination.members.count) destinations", theme.muted),
    ]
    if state.isAnyProbe { lines.append(("(with any: allowed = some or all connections)", theme.muted)) }
    if let baseline = state.baseline {
      let changes = zoomed.changeCount(state.groupCursorRow, state.groupCursorColumn)
      lines.append(
        (
          "\(changes) cell\(changes == 1 ? "" : "s") differ from \(baseline.label) (\(state.glyphs.changed))",
          changes > 0 ? theme.heading : theme.muted
        ))
    }
    lines.append(("", theme.plain))
    lines.append(("Enter shows these endpoints; Esc or z comes back here.", theme.muted))
    for (row, line) in lines.prefix(inner.height).enumerated() {
      canvas.draw(line.0, at: inner.x, y: inner.y + row, style: line.1, clip: inner)
    }
  }
}
