#if canImport(Glibc)
  import Glibc
#endif

/// A run of whole documents of a file, read on its own so that a big file (a `kubectl get -o
/// yaml` dump, a generated cluster) is parsed on every core.
///
/// Pieces start at `---` lines. Lines and documents are numbered on from those before the
/// piece, so a piece yields what reading the whole file yields for its documents, as long as
/// it parses cleanly: text that would span a cut (a quoted scalar or a flow collection running
/// over a `---` line) fails in the piece that holds its start, and the file is then read
/// whole again (`FileDecoder.assemble`).
struct YAMLPiece: Equatable, Sendable {
  /// The bytes of the piece.
  var range: Range<Int>
  /// Lines before the piece.
  var lineOffset = 0
  /// The index of the piece's first document, as reading the whole file would number it.
  var firstDocument = 0

  /// Cuts `bytes` at the first `---` line after every `size` bytes. One piece, the whole
  /// file, when it is small, has directives (`%YAML`, `%TAG`: they belong to the document
  /// after them, across a cut) or starts with a UTF-16 byte order mark (libyaml reads the
  /// whole input as UTF-16 then; a piece after a cut has no mark to say so).
  static func pieces(of bytes: [UInt8], size: Int) -> [YAMLPiece] {
    let whole = [YAMLPiece(range: bytes.indices)]
    guard isWorthCutting(bytes, size: size) else { return whole }
    return bytes.withUnsafeBufferPointer { buffer -> [YAMLPiece] in
      var cutter = Cutter(buffer: buffer, size: size, from: YAMLPiece(range: 0..<0))
      guard cutter.scan(upTo: buffer.count) else { return whole }
      return cutter.pieces + [cutter.closed(at: buffer.count)]
    }
  }

  /// Cuts `bytes`, a new version of the file `old` that was cut into `oldCut`, keeping the old
  /// cuts outside the part that changed: the pieces before it stay as they were, those after
  /// it keep their bytes and are numbered on from the changed part (a line added moves their
  /// lines, not their cuts), and only the changed part is cut afresh. Whatever is kept, each
  /// piece starts at a `---` line (or the start of the file) and knows the lines and documents
  /// before it, as those of `pieces(of:size:)` do. Without an earlier cut (`oldCut` of one
  /// piece or none), the same as `pieces(of:size:)`.
  static func pieces(of bytes: [UInt8], size: Int, after old: [UInt8], cut oldCut: [YAMLPiece]) -> [YAMLPiece] {
    guard isWorthCutting(bytes, size: size), oldCut.count > 1 else { return pieces(of: bytes, size: size) }
    return bytes.withUnsafeBufferPointer { buffer -> [YAMLPiece] in
      old.withUnsafeBufferPointer { old -> [YAMLPiece] in
        let (prefix, suffix) = commonEnds(old, buffer)
        let shift = buffer.count - old.count
        // Where a kept piece starts in the new text, its line must still start with `---`.
        func startsPiece(_ start: Int) -> Bool {
          start > 0 && start < buffer.count && buffer[start - 1] == 0x0A && isMarker(buffer, at: start)
        }
        // Old pieces wholly before the change; the one after them is cut again (it holds the
        // lines and documents before the changed part).
        var kept = 0
        while kept + 1 < oldCut.count, oldCut[kept].range.upperBound <= prefix { kept += 1 }
        while kept > 0, !startsPiece(oldCut[kept].range.lowerBound) { kept -= 1 }
        // Old pieces wholly after the change, moved by `shift` bytes.
        var moved = oldCut.count
        while moved - 1 > kept, oldCut[moved - 1].range.lowerBound >= old.count - suffix { moved -= 1 }
        while moved < oldCut.count, !startsPiece(oldCut[moved].range.lowerBound + shift) { moved += 1 }
        let changed = oldCut[kept]
        var cutter = Cutter(
          buffer: buffer, size: size,
          from: YAMLPiece(
            range: changed.range.lowerBound..<changed.range.lowerBound, lineOffset: changed.lineOffset,
            firstDocument: changed.firstDocument))
        let end = moved < oldCut.count ? oldCut[moved].range.lowerBound + shift : buffer.count
        guard cutter.scan(upTo: end) else { return [YAMLPiece(range: buffer.indices)] }
        var pieces = Array(oldCut[..<kept]) + cutter.pieces
        if end > cutter.current.range.lowerBound { pieces.append(cutter.closed(at: end)) }
        guard moved < oldCut.count else { return pieces }
        let lines = cutter.line - oldCut[moved].lineOffset
        let documents = cutter.documents - oldCut[moved].firstDocument
        for piece in oldCut[moved...] {
          pieces.append(
            YAMLPiece(
              range: (piece.range.lowerBound + shift)..<(piece.range.upperBound + shift),
              lineOffset: piece.lineOffset + lines, firstDocument: piece.firstDocument + documents))
        }
        return pieces
      }
    }
  }

  /// Whether `bytes` is big enough to cut, and may be cut (it is not UTF-16).
  private static func isWorthCutting(_ bytes: [UInt8], size: Int) -> Bool {
    guard size > 0, bytes.count >= size * 2 else { return false }
    return !(bytes[0] == 0xFF && bytes[1] == 0xFE || bytes[0] == 0xFE && bytes[1] == 0xFF)
  }

  /// Reads lines from a piece's start, cutting at the first `---` line after every `size`
  /// bytes, and numbering lines and documents on.
  private struct Cutter {
    let buffer: UnsafeBufferPointer<UInt8>
    let size: Int
    /// The pieces cut so far, and the one being read (its end is not known yet).
    var pieces: [YAMLPiece] = []
    var current: YAMLPiece
    /// Lines and documents before `lineStart`.
    var line: Int
    var documents: Int
    var lineStart: Int

    init(buffer: UnsafeBufferPointer<UInt8>, size: Int, from start: YAMLPiece) {
      self.buffer = buffer
      self.size = size
      current = start
      line = start.lineOffset
      documents = start.firstDocument
      lineStart = start.range.lowerBound
    }

    /// Reads the lines that start before `end` (a line's start, or the end of the text);
    /// false at a directive (`%`): the file is then read whole.
    mutating func scan(upTo end: Int) -> Bool {
      while lineStart < end {
        if buffer[lineStart] == UInt8(ascii: "%") { return false }
        if YAMLPiece.isMarker(buffer, at: lineStart) {
          // Cut only after a line feed: a piece kept after an edit is recognised by one.
          let afterLineFeed = lineStart == 0 || buffer[lineStart - 1] == 0x0A
          if afterLineFeed && lineStart - current.range.lowerBound >= size {
            pieces.append(closed(at: lineStart))
            current = YAMLPiece(range: lineStart..<lineStart, lineOffset: line, firstDocument: documents)
          }
          documents += 1
        } else if documents == 0 && YAMLPiece.startsContent(buffer, at: lineStart) {
          // The first document needs no `---`.
          documents = 1
        }
        lineStart = LineBreak.nextLine(in: buffer, after: lineStart)
        line += 1
      }
      return true
    }

    /// The current piece, ending at `end`.
    func closed(at end: Int) -> YAMLPiece {
      var piece = current
      piece.range = piece.range.lowerBound..<end
      return piece
    }
  }

  /// Whether the line at `start` is a `---` line.
  private static func isMarker(_ buffer: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
    let count = buffer.count
    return buffer[start] == UInt8(ascii: "-") && start + 2 < count
      && buffer[start + 1] == UInt8(ascii: "-") && buffer[start + 2] == UInt8(ascii: "-")
      && (start + 3 == count || buffer[start + 3] == 0x20 || buffer[start + 3] == 0x09
        || LineBreak.width(in: buffer, at: start + 3) > 0)
  }

  /// How many bytes `a` and `b` have alike at their start, and then at their end.
  private static func commonEnds(
    _ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>
  ) -> (prefix: Int, suffix: Int) {
    let shorter = min(a.count, b.count)
    let block = 4096
    var prefix = 0
    while prefix + block <= shorter, memcmp(a.baseAddress! + prefix, b.baseAddress! + prefix, block) == 0 {
      prefix += block
    }
    while prefix < shorter, a[prefix] == b[prefix] { prefix += 1 }
    var suffix = 0
    let room = shorter - prefix
    while suffix + block <= room,
      memcmp(a.baseAddress! + a.count - suffix - block, b.baseAddress! + b.count - suffix - block, block) == 0
    {
      suffix += block
    }
    while suffix < room, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
    return (prefix, suffix)
  }

  /// Whether the line at `start` holds anything but blanks or a comment (or a byte order mark
  /// before them).
  fileprivate static func startsContent(_ buffer: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
    var index = start
    if index + 2 < buffer.count, buffer[index] == 0xEF, buffer[index + 1] == 0xBB, buffer[index + 2] == 0xBF {
      index += 3
    }
    while index < buffer.count {
      switch buffer[index] {
      case 0x20, 0x09: index += 1
      case UInt8(ascii: "#"): return false
      default: return LineBreak.width(in: buffer, at: index) == 0
      }
    }
    return false
  }
}
