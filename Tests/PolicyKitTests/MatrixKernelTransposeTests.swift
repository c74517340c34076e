import Testing

@testable import PolicyKit

/// The kernel turns ingress rows (by destination) into rows by source 64 by 64 bits at a time.
struct MatrixKernelTransposeTests {
  @Test func aBlockIsTurnedOverItsDiagonal() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<20 {
      let block = (0..<64).map { _ in UInt64.random(in: 0...UInt64.max, using: &generator) }
      var turned = block
      MatrixKernel.transpose(&turned)
      for i in 0..<64 {
        for j in 0..<64 {
          #expect((block[i] >> UInt64(j)) & 1 == (turned[j] >> UInt64(i)) & 1)
        }
      }
    }
  }
}
