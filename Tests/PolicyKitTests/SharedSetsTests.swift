import Testing

@testable import PolicyKit

/// Compiled rules share equal class sets, and an edit's flipped pairs are kept sparsely.
@Suite struct SharedSetsTests {
  static func address(_ bits: ClassBits) -> UnsafeRawPointer? {
    bits.words.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
  }

  static func bits(_ members: [Int], count: Int) -> ClassBits {
    var bits = ClassBits(count: count)
    for member in members { bits[member] = true }
    return bits
  }

  @Test func equalSetsShareOneArrayAndOthersKeepTheirOwn() {
    var shared = SharedClassBits()
    let first = shared.share(Self.bits([1, 70, 130], count: 200))
    let equal = shared.share(Self.bits([1, 70, 130], count: 200))
    let other = shared.share(Self.bits([1, 70], count: 200))
    let wider = shared.share(Self.bits([1, 70, 130], count: 256))
    #expect(equal == first)
    #expect(Self.address(equal) == Self.address(first))
    #expect(Self.address(other) != Self.address(first))
    #expect(other != first)
    // The same words over more classes is another set.
    #expect(wider != first)
    #expect(shared.share(nil as ClassBits?) == nil)
  }

  @Test func compiledPoliciesShareTheSetsTheyHaveInCommon() throws {
    let cluster = load(
      files: [
        ("namespaces.yaml", IncrementalTests.namespaces), ("pods.yaml", IncrementalTests.pods),
        ("deny.yaml", IncrementalTests.denyIngress("prod")),
      ]
    ).cluster
    let evaluator = Evaluator(cluster: cluster)
    let addresses = evaluator.compiled.flatMap { policy in
      [Self.address(policy.subjects)] + policy.rules.joined().map { Self.address($0.locals) }
    }
    let sets = evaluator.compiled.flatMap { policy in [policy.subjects] + policy.rules.joined().map(\.locals) }
    // As many arrays as distinct sets.
    #expect(Set(addresses).count == Set(sets.map(\.words)).count)
  }

  @Test func flippedPairsAreListedBySourceThenDestination() {
    var pairs = ClassPairBits(classCount: 130)
    #expect(pairs.isEmpty)
    pairs.insert(129, 3)
    pairs.insert(2, 128)
    pairs.insert(2, 5)
    pairs.insert(2, 5)
    #expect(!pairs.isEmpty)
    #expect(pairs.contains(2, 128) && pairs.contains(129, 3) && !pairs.contains(3, 129))
    #expect(pairs.pairs.map { "\($0.source)>\($0.destination)" } == ["2>5", "2>128", "129>3"])
    pairs.insert(word: 0, at: 7)
    #expect(pairs.pairs.count == 3, "an empty word adds nothing")
  }
}
