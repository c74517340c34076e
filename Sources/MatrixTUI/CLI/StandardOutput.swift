import Foundation

/// Writes to standard output.
func writeOut(_ text: String) {
  var text = text
  // Straight from the string's own bytes (output can be hundreds of megabytes).
  text.withUTF8(writeOut)
}

/// Writes bytes to standard output.
func writeOut(_ bytes: UnsafeBufferPointer<UInt8>) {
  var offset = 0
  while offset < bytes.count {
    let written = write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
    if written < 0 {
      if errno == EINTR { continue }
      return  // a closed pipe (`| head`): nothing more to say
    }
    offset += written
  }
}

extension ByteWriter {
  /// A writer to standard output.
  static func standardOutput() -> ByteWriter { ByteWriter(sink: writeOut) }
}
