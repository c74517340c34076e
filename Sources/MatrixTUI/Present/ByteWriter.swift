/// Output gathered as UTF-8 bytes and handed to a sink a block at a time, so that output of
/// hundreds of megabytes never sits whole in memory and repeated pieces are copied as bytes.
struct ByteWriter {
  private var buffer: [UInt8] = []
  private let blockSize: Int
  private let sink: (UnsafeBufferPointer<UInt8>) -> Void

  init(blockSize: Int = 1 << 16, sink: @escaping (UnsafeBufferPointer<UInt8>) -> Void) {
    self.blockSize = blockSize
    self.sink = sink
    buffer.reserveCapacity(blockSize)
  }

  mutating func write(_ bytes: [UInt8]) {
    buffer.append(contentsOf: bytes)
    if buffer.count >= blockSize { flush() }
  }

  mutating func write(_ text: String) {
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= blockSize { flush() }
  }

  /// Hands what is gathered to the sink.
  mutating func flush() {
    guard !buffer.isEmpty else { return }
    buffer.withUnsafeBufferPointer(sink)
    buffer.removeAll(keepingCapacity: true)
  }

  /// What `body` writes, as a string.
  static func collect(_ body: (inout ByteWriter) -> Void) -> String {
    var bytes: [UInt8] = []
    var writer = ByteWriter { bytes.append(contentsOf: $0) }
    body(&writer)
    writer.flush()
    return String(decoding: bytes, as: UTF8.self)
  }
}
