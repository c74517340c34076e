/// A run of whole documents of a file, read on its own so that a big file (a `kubectl get -o
/// yaml` dump, a generated cluster) is parsed on every core.
///
/// Pieces start at `---` lines. Lines and documents are numbered on from those before the
/// piece, so a piece yields what reading the whole file yields for its documents, as long as
/// it parses cleanly: text that would span a cut (a quoted scalar or a flow collection running
/// over a `---` line) fails in the piece that holds its start, and the file is then read
/// whole again (`FileDecoder.decodePieces`).
struct YAMLPiece: Equatable, Sendable {
  /// The bytes of the piece.
  var range: Range<Int>
  /// Lines before the piece.
  var lineOffset = 0
  /// The index of the piece's first document, as reading the whole file would number it.
  var firstDocument = 0

  /// Cuts `bytes` at the first `---` line after every `size` bytes. One piece, the whole
  /// file, when it is small or has directives (`%YAML`, `%TAG`: they belong to the document
  /// after them, across a cut).
  static func pieces(of bytes: [UInt8], size: Int) -> [YAMLPiece] {
    let whole = [YAMLPiece(range: bytes.indices)]
    guard size > 0, bytes.count >= size * 2 else { return whole }
    return bytes.withUnsafeBufferPointer { buffer -> [YAMLPiece] in
      var pieces: [YAMLPiece] = []
      var current = YAMLPiece(range: 0..<0)
      var line = 0
      var documents = 0
      var lineStart = 0
      let count = buffer.count
      while lineStart < count {
        let first = buffer[lineStart]
        if first == UInt8(ascii: "%") { return whole }
        let isMarker =
          first == UInt8(ascii: "-") && lineStart + 2 < count
          && buffer[lineStart + 1] == UInt8(ascii: "-") && buffer[lineStart + 2] == UInt8(ascii: "-")
          && (lineStart + 3 == count || [0x20, 0x09, 0x0A, 0x0D].contains(buffer[lineStart + 3]))
        if isMarker {
          if lineStart - current.range.lowerBound >= size {
            current.range = current.range.lowerBound..<lineStart
            pieces.append(current)
            current = YAMLPiece(range: lineStart..<lineStart, lineOffset: line, firstDocument: documents)
          }
          documents += 1
        } else if documents == 0 && Self.startsContent(buffer, at: lineStart) {
          // The first document needs no `---`.
          documents = 1
        }
        var end = lineStart
        while end < count && buffer[end] != 0x0A { end += 1 }
        lineStart = end + 1
        line += 1
      }
      current.range = current.range.lowerBound..<count
      pieces.append(current)
      return pieces
    }
  }

  /// Whether the line at `start` holds anything but blanks or a comment (or a byte order mark
  /// before them).
  private static func startsContent(_ buffer: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
    var index = start
    if index + 2 < buffer.count, buffer[index] == 0xEF, buffer[index + 1] == 0xBB, buffer[index + 2] == 0xBF {
      index += 3
    }
    while index < buffer.count {
      switch buffer[index] {
      case 0x20, 0x09, 0x0D: index += 1
      case 0x0A, UInt8(ascii: "#"): return false
      default: return true
      }
    }
    return false
  }
}
