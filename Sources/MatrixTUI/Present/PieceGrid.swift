import Dispatch

/// A grid of cells whose text is made of pieces rendered once into one pool of bytes (an id, a
/// reason, a connection set), so that writing a cell is a few copies, whatever the number of
/// cells.
///
/// Rows are laid out a batch at a time in one block that is reused: each cell's pieces and each
/// row's length are found first, then the rows are filled on every core and written in order.
struct PieceGrid {
  /// Up to five pieces (by number; -1: none), written one after the other.
  typealias Cell = (Int32, Int32, Int32, Int32, Int32)

  private var pool: [UInt8] = []
  /// Per piece: where it starts in `pool`, and where the next starts.
  private var bounds: [Int] = [0]

  /// Adds a piece; returns its number.
  mutating func add(_ text: String) -> Int32 {
    pool.append(contentsOf: text.utf8)
    bounds.append(pool.count)
    return Int32(bounds.count - 2)
  }

  /// Adds a piece of bytes; returns its number.
  mutating func add(bytes: [UInt8]) -> Int32 {
    pool.append(contentsOf: bytes)
    bounds.append(pool.count)
    return Int32(bounds.count - 2)
  }

  /// Writes the cells of `rows` by `columns`, row by row, `between` before every cell but the
  /// first of all (`started` says whether one was written before, and is set when one is).
  func write(
    rows: [Int], columns: [Int], between: UInt8?, started: inout Bool, to out: ByteWriter,
    cell: @Sendable (_ row: Int, _ column: Int) -> Cell
  ) {
    guard !columns.isEmpty, !rows.isEmpty else { return }
    // About a megabyte of text a batch (at least two rows, for both cores to have some).
    let batch = max(2, (1 << 20) / (columns.count * 64))
    var block: [UInt8] = []
    var chosen = [Int32](repeating: -1, count: min(batch, rows.count) * columns.count * 5)
    var start = 0
    while start < rows.count {
      let batchRows = Array(rows[start..<min(rows.count, start + batch)])
      var lengths = [Int](repeating: 0, count: batchRows.count)
      pieces(batchRows, columns, between != nil, into: &chosen, lengths: &lengths, cell: cell)
      var offsets = [0]
      for (index, length) in lengths.enumerated() {
        let leading = between != nil && (index > 0 || started) ? 1 : 0
        offsets.append(offsets[index] + length + leading)
      }
      let total = offsets[offsets.count - 1]
      if block.count < total { block = [UInt8](repeating: 0, count: total) }
      fill(
        &block, batchRows.count, columns.count, offsets: offsets, chosen: chosen, between: between,
        firstOfAll: !started)
      block.withUnsafeBufferPointer { out.write(UnsafeBufferPointer(rebasing: $0[0..<total])) }
      started = true
      start += batchRows.count
    }
  }

  /// Each cell's pieces (`chosen[(row * columns + column) * 5 + k]`) and each row's length,
  /// separators inside the row included, on every core.
  private func pieces(
    _ rows: [Int], _ columns: [Int], _ separated: Bool, into chosen: inout [Int32], lengths: inout [Int],
    cell: @Sendable (Int, Int) -> Cell
  ) {
    let width = columns.count
    chosen.withUnsafeMutableBufferPointer { chosenBuffer in
      lengths.withUnsafeMutableBufferPointer { lengthBuffer in
        bounds.withUnsafeBufferPointer { bounds in
          let out = SharedBuffers((chosenBuffer, lengthBuffer, bounds))
          DispatchQueue.concurrentPerform(iterations: rows.count) { index in
            let row = rows[index]
            let target = out.value.0.baseAddress! + index * width * 5
            let bounds = out.value.2
            func size(_ piece: Int32) -> Int { piece < 0 ? 0 : bounds[Int(piece) + 1] - bounds[Int(piece)] }
            var length = separated ? width - 1 : 0
            for (position, column) in columns.enumerated() {
              let (a, b, c, d, e) = cell(row, column)
              let at = target + position * 5
              at[0] = a
              at[1] = b
              at[2] = c
              at[3] = d
              at[4] = e
              length += size(a) + size(b) + size(c) + size(d) + size(e)
            }
            out.value.1[index] = length
          }
        }
      }
    }
  }

  /// Copies the chosen pieces of `rows` rows into `block`, each row at its offset, on every
  /// core; every row but the first of all starts with `between`.
  private func fill(
    _ block: inout [UInt8], _ rows: Int, _ width: Int, offsets: [Int], chosen: [Int32], between: UInt8?,
    firstOfAll: Bool
  ) {
    block.withUnsafeMutableBufferPointer { target in
      pool.withUnsafeBufferPointer { source in
        bounds.withUnsafeBufferPointer { bounds in
          chosen.withUnsafeBufferPointer { chosen in
            let memory = SharedBuffers((target.baseAddress!, source.baseAddress!, bounds, chosen))
            DispatchQueue.concurrentPerform(iterations: rows) { index in
              let (target, source, bounds, chosen) = memory.value
              var at = target + offsets[index]
              for position in 0..<width {
                if let between, position > 0 || !(firstOfAll && index == 0) {
                  at.pointee = between
                  at += 1
                }
                for k in 0..<5 {
                  let piece = Int(chosen[(index * width + position) * 5 + k])
                  guard piece >= 0 else { continue }
                  let count = bounds[piece + 1] - bounds[piece]
                  at.update(from: source + bounds[piece], count: count)
                  at += count
                }
              }
            }
          }
        }
      }
    }
  }
}

/// Buffers handed to the threads that fill separate parts of them.
private struct SharedBuffers<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
