// Shared by every harness: each is compiled into one module together with the PolicyKit
// sources (see scripts/fuzz), so the engine's internals are visible here.

/// The fuzzer's input as bytes.
func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
  guard let data, size > 0 else { return [] }
  return Array(UnsafeBufferPointer(start: data, count: size))
}

/// Stops the run with a message: libFuzzer saves the input that got here as a crash.
func violated(_ message: @autoclosure () -> String) -> Never {
  fatalError("property violated: \(message())")
}
