import Dispatch
import PolicyKit

/// The `cells` of `eval --probe any --format json`, millions of them at scale.
///
/// Every piece of text is rendered once into one pool of bytes: `{"from":<id>,"to":` per row,
/// `<id>,` per column, and `"verdict":...,"allowed":...}` per distinct connection set, so a
/// cell is three copies. Rows are laid out a batch at a time in one block, each row's place
/// worked out first, then filled on every core and written in order.
struct ConnectionCellsJSON {
  let connections: ConnectionMatrix
  /// The rendered pieces, and where each is in `pool`.
  private var pool: [UInt8] = []
  private var rowPieces: [Range<Int>] = []
  private var columnPieces: [Range<Int>] = []
  private var setPieces: [Range<Int>] = []
  private var allPiece: Range<Int> = 0..<0

  init(_ connections: ConnectionMatrix, ids: [String]) {
    self.connections = connections
    let quoted = ids.map { JSON.string($0).text }
    rowPieces = quoted.map { add(#"{"from":"# + $0 + #","to":"#) }
    columnPieces = quoted.map { add($0 + ",") }
    setPieces = (0..<connections.setCount).map { number in
      let set = connections.set(number: number)
      return add(
        #""verdict":""# + (set.isEmpty ? "deny" : "allow") + #"","allowed":"#
          + MatrixText.connectionsJSON(set).text + "}")
    }
    allPiece = add(#""verdict":"allow","allowed":"# + MatrixText.connectionsJSON(.all).text + "}")
  }

  private mutating func add(_ text: String) -> Range<Int> {
    let start = pool.count
    pool.append(contentsOf: text.utf8)
    return start..<pool.count
  }

  /// The piece that ends the cell `row` to `column`.
  private func tail(_ row: Int, _ column: Int) -> Range<Int> {
    connections.setNumber(row, column).map { setPieces[$0] } ?? allPiece
  }

  /// Writes the cells of `rows` by `columns`, comma-separated, row by row.
  func write(rows: [Int], columns: [Int], to out: ByteWriter) {
    guard !columns.isEmpty else { return }
    // A batch of about 256 KiB of text (the block is reused, so little new memory is
    // touched), and at least a few rows, for every core to have some.
    let batch = max(4, (1 << 18) / (columns.count * 100))
    var block: [UInt8] = []
    var start = 0
    while start < rows.count {
      let batchRows = Array(rows[start..<min(rows.count, start + batch)])
      // Where each row goes: a comma before every row but the first of all.
      var offsets = [0]
      for row in batchRows {
        var length = (start == 0 && offsets.count == 1 ? 0 : 1) + (columns.count - 1)
        for column in columns {
          length += rowPieces[row].count + columnPieces[column].count + tail(row, column).count
        }
        offsets.append(offsets[offsets.count - 1] + length)
      }
      let total = offsets[offsets.count - 1]
      let places = offsets
      if block.count < total { block = [UInt8](repeating: 0, count: total) }
      let first = start == 0
      block.withUnsafeMutableBufferPointer { target in
        pool.withUnsafeBufferPointer { source in
          let memory = UnsafeMemory(target: target.baseAddress!, source: source.baseAddress!)
          DispatchQueue.concurrentPerform(iterations: batchRows.count) { index in
            let row = batchRows[index]
            var at = memory.target + places[index]
            func copy(_ piece: Range<Int>) {
              (at).update(from: memory.source + piece.lowerBound, count: piece.count)
              at += piece.count
            }
            if !(first && index == 0) {
              at.pointee = UInt8(ascii: ",")
              at += 1
            }
            for (position, column) in columns.enumerated() {
              if position > 0 {
                at.pointee = UInt8(ascii: ",")
                at += 1
              }
              copy(rowPieces[row])
              copy(columnPieces[column])
              copy(tail(row, column))
            }
          }
        }
      }
      block.withUnsafeBufferPointer { out.write(UnsafeBufferPointer(rebasing: $0[0..<total])) }
      start += batchRows.count
    }
  }
}

/// The block being filled and the pool it is filled from, shared by the threads that fill
/// separate rows of it.
private struct UnsafeMemory: @unchecked Sendable {
  let target: UnsafeMutablePointer<UInt8>
  let source: UnsafePointer<UInt8>
}
