import PolicyKit

/// The cells of a single-probe matrix with their reasons, as JSON objects or CSV lines, written
/// as they are made.
///
/// A cell's reason is what decided its deciding side, said at that side's endpoint: the words
/// are a function of the deciding rules on each side (`DecisionTable`'s numbers), so each
/// number's words are rendered once, around a slot for the endpoint's id; a cell is then the
/// pieces of its ids, of its number, and the id in the slot.
struct DecisionCellsText {
  enum Style { case json, csv }

  let evaluator: Evaluator
  let table: DecisionTable
  let style: Style
  private var grid = PieceGrid()
  /// Per endpoint: the piece that starts its row's cells and the one that names it as a column.
  private var rowPieces: [Int32] = []
  private var columnPieces: [Int32] = []
  /// Per endpoint: its id as said inside a reason; for CSV also doubled quotes, and whether it
  /// needs them.
  private var slotPieces: [Int32] = []
  private var quotedSlotPieces: [Int32] = []
  private var slotNeedsQuotes: [Bool] = []
  /// Per number: before and after the slot (plain and, for CSV, quoted), the side whose id goes
  /// in the slot, and whether the words need quotes.
  private var numberPieces: [(before: Int32, after: Int32, quotedBefore: Int32, quotedAfter: Int32)] = []
  private var slotIsSource: [Bool] = []
  private var wordsNeedQuotes: [Bool] = []
  /// Per endpoint: its self cell, when made.
  private var selfPieces: [Int32]

  init(evaluator: Evaluator, probe: Probe, style: Style) {
    self.evaluator = evaluator
    self.style = style
    table = DecisionTable(evaluator: evaluator, probe: probe)
    let endpoints = evaluator.cluster.endpoints
    selfPieces = [Int32](repeating: -1, count: endpoints.count)
    for endpoint in endpoints {
      let visible = endpoint.id.visible
      switch style {
      case .json:
        let quoted = JSON.string(endpoint.id).text
        rowPieces.append(grid.add(#"{"from":"# + quoted + #","to":"#))
        columnPieces.append(grid.add(quoted))
        slotPieces.append(grid.add(Self.jsonInside(visible)))
      case .csv:
        let field = MatrixText.csvField(endpoint.id) + ","
        rowPieces.append(grid.add(field))
        columnPieces.append(rowPieces[rowPieces.count - 1])
        slotPieces.append(grid.add(visible))
        quotedSlotPieces.append(grid.add(visible.replacingOccurrences(of: "\"", with: "\"\"")))
        slotNeedsQuotes.append(Self.needsQuotes(visible))
      }
    }
  }

  /// JSON string text without its quotes.
  private static func jsonInside(_ text: String) -> String {
    String(JSON.string(text).text.dropFirst().dropLast())
  }

  private static func needsQuotes(_ text: String) -> Bool {
    text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") }
  }

  /// Renders the pieces of `number` (which two endpoints have).
  private mutating func prepare(number: Int) {
    while numberPieces.count <= number {
      numberPieces.append((-1, -1, -1, -1))
      slotIsSource.append(false)
      wordsNeedQuotes.append(false)
    }
    let cell = table.cell(number)
    let side = cell.decidingSide
    let verdict = cell.outcome.verdict.rawValue
    let lead = "\(side.direction.rawValue) at "
    let words = ": " + DecisionText.describe(side.decider, verdict: side.verdict)
    slotIsSource[number] = side.direction == .egress
    switch style {
    case .json:
      let before = grid.add(#","verdict":"# + JSON.string(verdict).text + #","reason":""# + Self.jsonInside(lead))
      let after = grid.add(Self.jsonInside(words) + #"","decidedBy":"# + MatrixText.decidedByJSON(cell).text + "}")
      numberPieces[number] = (before, after, before, after)
    case .csv:
      let visible = words.visible
      let before = grid.add(verdict + "," + lead)
      let after = grid.add(visible + "\n")
      let quotedBefore = grid.add(verdict + ",\"" + lead)
      let quotedAfter = grid.add(visible.replacingOccurrences(of: "\"", with: "\"\"") + "\"\n")
      numberPieces[number] = (before, after, quotedBefore, quotedAfter)
      wordsNeedQuotes[number] = Self.needsQuotes(lead + visible)
    }
  }

  /// Whether the pieces of `number` are rendered.
  private func prepared(_ number: Int) -> Bool {
    number < numberPieces.count && numberPieces[number].before >= 0
  }

  /// The cell of an endpoint with itself, whole.
  private mutating func prepareSelf(_ endpoint: Int) {
    guard selfPieces[endpoint] < 0 else { return }
    let cell = evaluator.cell(from: endpoint, to: endpoint, probe: table.probe)
    switch style {
    case .json:
      selfPieces[endpoint] = grid.add(MatrixText.cellJSON(cell).text)
    case .csv:
      let id = evaluator.cluster.endpoints[endpoint].id.visible
      let fields = [id, id, cell.outcome.verdict.rawValue, DecisionText.reason(cell)].map(MatrixText.csvField)
      selfPieces[endpoint] = grid.add(fields.joined(separator: ",") + "\n")
    }
  }

  /// Writes the cells of `rows` by `columns`, row by row (JSON objects separated by commas,
  /// CSV lines), a batch of rows at a time: the numbers of a batch's pairs of classes are
  /// worked out together, at most a few million at once.
  mutating func write(rows: [Int], columns: [Int], to out: ByteWriter) {
    let classes = evaluator.classes
    let classOf = classes.classOf
    let columnSet = Set(columns)
    var position = [Int32](repeating: -1, count: classes.count)
    var started = false
    var start = 0
    while start < rows.count {
      // The rows of this batch and their distinct classes.
      var sources: [Int] = []
      var end = start
      while end < rows.count, sources.count * classes.count < 1 << 22 || sources.isEmpty {
        let cls = Int(classOf[rows[end]])
        if position[cls] < 0 {
          position[cls] = Int32(sources.count)
          sources.append(cls)
        }
        end += 1
      }
      let numbers = table.numbers(sources: sources)
      // Numbers only a one-member class has with itself name no cell shown.
      for number in numbers where !prepared(Int(number)) && table.hasCell(Int(number)) {
        prepare(number: Int(number))
      }
      let batch = Array(rows[start..<end])
      for row in batch where columnSet.contains(row) { prepareSelf(row) }
      writeCells(batch, columns, numbers: numbers, position: position, started: &started, to: out)
      for cls in sources { position[cls] = -1 }
      start = end
    }
  }

  private func writeCells(
    _ rows: [Int], _ columns: [Int], numbers: [Int32], position: [Int32], started: inout Bool, to out: ByteWriter
  ) {
    let classOf = evaluator.classes.classOf
    let count = evaluator.classes.count
    let csv = style == .csv
    let (selfPieces, rowPieces, columnPieces) = (selfPieces, rowPieces, columnPieces)
    let (slotPieces, quotedSlotPieces, slotNeedsQuotes) = (slotPieces, quotedSlotPieces, slotNeedsQuotes)
    let (numberPieces, slotIsSource, wordsNeedQuotes) = (numberPieces, slotIsSource, wordsNeedQuotes)
    grid.write(rows: rows, columns: columns, between: csv ? nil : UInt8(ascii: ","), started: &started, to: out) {
      row, column in
      if row == column { return (selfPieces[row], -1, -1, -1, -1) }
      let number = Int(numbers[Int(position[Int(classOf[row])]) * count + Int(classOf[column])])
      let slot = slotIsSource[number] ? row : column
      let pieces = numberPieces[number]
      if csv, wordsNeedQuotes[number] || slotNeedsQuotes[slot] {
        return (rowPieces[row], columnPieces[column], pieces.quotedBefore, quotedSlotPieces[slot], pieces.quotedAfter)
      }
      return (rowPieces[row], columnPieces[column], pieces.before, slotPieces[slot], pieces.after)
    }
  }
}
