/// Line breaks as libyaml reads them: a line feed, a carriage return alone or before a line
/// feed, and the Unicode breaks NEL (U+0085), LS (U+2028) and PS (U+2029). Every place that
/// numbers lines or looks for the start of a line counts them this way, so a file with a lone
/// carriage return (two lines merged, their line feed lost) is numbered as libyaml numbers it,
/// whether it is read whole or in pieces.
enum LineBreak {
  /// The number of bytes of the line break at `index`, or 0 where none starts there.
  static func width(in buffer: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
    switch buffer[index] {
    case 0x0A: return 1
    case 0x0D: return index + 1 < buffer.count && buffer[index + 1] == 0x0A ? 2 : 1
    case 0xC2: return index + 1 < buffer.count && buffer[index + 1] == 0x85 ? 2 : 0
    case 0xE2:
      guard index + 2 < buffer.count, buffer[index + 1] == 0x80 else { return 0 }
      return buffer[index + 2] == 0xA8 || buffer[index + 2] == 0xA9 ? 3 : 0
    default: return 0
    }
  }

  /// The start of the line after the one holding `index`, or `buffer.count + 1` when that
  /// line is the last.
  static func nextLine(in buffer: UnsafeBufferPointer<UInt8>, after index: Int) -> Int {
    var index = index
    while index < buffer.count {
      let width = width(in: buffer, at: index)
      if width > 0 { return index + width }
      index += 1
    }
    return buffer.count + 1
  }

  /// Whether a line starts at `index` (`from` counts as a line's start): a break ends just
  /// before it, and `index` is not between the carriage return and line feed of one break.
  static func startsLine(in buffer: UnsafeBufferPointer<UInt8>, at index: Int, from: Int) -> Bool {
    guard index > from else { return true }
    switch buffer[index - 1] {
    case 0x0A: return true
    case 0x0D: return index == buffer.count || buffer[index] != 0x0A
    case 0x85: return index - 2 >= from && buffer[index - 2] == 0xC2
    case 0xA8, 0xA9: return index - 3 >= from && buffer[index - 3] == 0xE2 && buffer[index - 2] == 0x80
    default: return false
    }
  }

  /// The line (counted from 0) and column (in characters, from 0) of byte `offset`, counting
  /// from `from`.
  static func position(
    of offset: Int, in buffer: UnsafeBufferPointer<UInt8>, from: Int
  ) -> (line: Int, column: Int) {
    var line = 0
    var column = 0
    var index = from
    let end = min(offset, buffer.count)
    while index < end {
      let width = width(in: buffer, at: index)
      if width > 0 {
        line += 1
        column = 0
        index += width
        continue
      }
      if buffer[index] & 0xC0 != 0x80 { column += 1 }
      index += 1
    }
    return (line, column)
  }
}
