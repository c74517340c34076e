import Testing
@testable import PolicyKit
@Test func smoke() { #expect(Bool(true)) }
