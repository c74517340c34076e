/// Where each part of the screen goes, from the terminal size and the state.
struct ScreenLayout {
  /// The smallest terminal the explorer draws into.
  static let minimumWidth = 48
  static let minimumHeight = 12

  var header: Rect
  var grid: Rect
  var trace: Rect
  var errorBar: Rect
  var status: Rect
  /// Whether the trace pane sits right of the grid (wide terminals) or below it.
  var traceOnRight: Bool
  var isTooSmall: Bool

  /// Width of the row labels.
  var labelWidth: Int
  /// Rows above the cells: the column legend and the column numbers.
  var columnHeaderRows: Int
  /// Cell rows that fit.
  var gridRows: Int
  /// Cell columns that fit (two characters each).
  var gridColumns: Int

  init(state: AppState) {
    let width = state.width
    let height = state.height
    isTooSmall = width < Self.minimumWidth || height < Self.minimumHeight
    header = Rect(x: 0, y: 0, width: width, height: 1)
    status = Rect(x: 0, y: max(0, height - 1), width: width, height: 1)
    // Messages are shown whole, wrapped, in up to a third of the screen (at least 3 lines).
    let errorHeight = min(max(3, height / 3), StatusBar.errorLines(state, width: width).count)
    errorBar = Rect(x: 0, y: max(0, height - 1 - errorHeight), width: width, height: errorHeight)
    let body = Rect(x: 0, y: 1, width: width, height: max(0, height - 2 - errorHeight))
    traceOnRight = width >= 110
    // Measured once per matrix (not at every key: 10,000 labels take a while to measure).
    let (itemCount, longestLabel) = state.rowLabelMeasure
    if traceOnRight {
      // The grid takes what its columns need (at least 30%); the trace gets the rest.
      let count = itemCount
      let longest = min(40, longestLabel)
      let gridNeeded = String(max(1, count)).count + longest + 2 + 2 * count + 3
      let traceWidth = max(46, min(width * 70 / 100, width - gridNeeded))
      grid = Rect(x: 0, y: body.y, width: width - traceWidth, height: body.height)
      trace = Rect(x: width - traceWidth, y: body.y, width: traceWidth, height: body.height)
    } else {
      // The grid takes what its rows need (up to 60%); the trace gets the rest.
      let digitRows = String(max(1, itemCount)).count
      let needed = 1 + digitRows + max(1, state.groupMatrix == nil ? state.rows.count : itemCount) + 1
      let gridHeight = max(4, min(body.height * 60 / 100, needed))
      grid = Rect(x: 0, y: body.y, width: width, height: gridHeight)
      trace = Rect(x: 0, y: body.y + gridHeight, width: width, height: max(0, body.height - gridHeight))
    }
    let count = itemCount
    let digits = String(max(1, count)).count
    let longest = longestLabel
    let needed = digits + 1 + longest + 1
    let allColumns = 2 * count + 1
    if grid.width - allColumns >= min(needed, 16) {
      labelWidth = min(needed, grid.width - allColumns)
    } else {
      labelWidth = min(needed, max(16, grid.width / 3))
    }
    columnHeaderRows = 1 + digits
    let cellRows = max(0, grid.height - columnHeaderRows)
    // When not every row fits, the last line is left for the "↓ N more" hint.
    gridRows = state.rows.count > cellRows ? max(1, cellRows - 1) : cellRows
    gridColumns = max(0, (grid.width - labelWidth - 1) / 2)
  }
}
