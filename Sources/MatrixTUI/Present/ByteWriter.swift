/// Output gathered as UTF-8 bytes and handed to a sink a block at a time, so that output of
/// hundreds of megabytes never sits whole in memory and repeated pieces are copied as bytes.
///
/// The block is raw memory: a write is a bounds check and a copy (millions of them for a big
/// matrix, where an array's append would also check uniqueness and capacity every time).
final class ByteWriter {
  private let block: UnsafeMutablePointer<UInt8>
  private let blockSize: Int
  private var used = 0
  private let sink: (UnsafeBufferPointer<UInt8>) -> Void

  init(blockSize: Int = 1 << 16, sink: @escaping (UnsafeBufferPointer<UInt8>) -> Void) {
    self.blockSize = blockSize
    self.sink = sink
    block = .allocate(capacity: blockSize)
  }

  deinit {
    flush()
    block.deallocate()
  }

  func write(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let base = bytes.baseAddress else { return }
    if used + bytes.count > blockSize {
      flush()
      if bytes.count > blockSize {
        sink(bytes)
        return
      }
    }
    (block + used).update(from: base, count: bytes.count)
    used += bytes.count
  }

  func write(_ bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer(write)
  }

  func write(_ text: String) {
    var text = text
    text.withUTF8(write)
  }

  /// Writes `value` in decimal, as `String(value)` would, without making a string.
  func write(decimal value: Int) {
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
    withUnsafeMutableBytes(of: &digits) { buffer in
      var at = buffer.count
      var rest = value.magnitude
      repeat {
        at -= 1
        buffer[at] = UInt8(ascii: "0") + UInt8(rest % 10)
        rest /= 10
      } while rest > 0
      if value < 0 {
        at -= 1
        buffer[at] = UInt8(ascii: "-")
      }
      write(UnsafeBufferPointer(rebasing: buffer.bindMemory(to: UInt8.self)[at...]))
    }
  }

  /// Hands what is gathered to the sink.
  func flush() {
    guard used > 0 else { return }
    sink(UnsafeBufferPointer(start: block, count: used))
    used = 0
  }

  /// What `body` writes, as a string.
  static func collect(_ body: (ByteWriter) -> Void) -> String {
    var bytes: [UInt8] = []
    let writer = ByteWriter { bytes.append(contentsOf: $0) }
    body(writer)
    writer.flush()
    return String(decoding: bytes, as: UTF8.self)
  }
}
