/// A fixed-size set of class numbers, 64 to a word, for evaluating a whole row at once.
struct ClassBits: Equatable, Sendable {
  private(set) var words: [UInt64]
  private(set) var count: Int

  /// An empty set, or a full one, over `count` classes.
  init(count: Int, filled: Bool = false) {
    self.count = count
    let wordCount = (count + 63) / 64
    words = [UInt64](repeating: filled ? .max : 0, count: wordCount)
    if filled, count % 64 != 0, let last = words.indices.last {
      words[last] = (UInt64(1) << UInt64(count % 64)) - 1
    }
  }

  /// The set over `count` classes (no fewer than now), the added ones not in it.
  func widened(to count: Int) -> ClassBits {
    if (count + 63) / 64 == words.count {
      var copy = self
      copy.count = count
      return copy
    }
    var copy = ClassBits(count: count)
    for i in words.indices { copy.words[i] = words[i] }
    return copy
  }

  /// The set over `count + other.count` classes: these, then `other`'s shifted past them.
  func appending(_ other: ClassBits) -> ClassBits {
    var result = widened(to: count + other.count)
    other.forEachMember { result[count + $0] = true }
    return result
  }

  subscript(index: Int) -> Bool {
    get { words[index >> 6] & (UInt64(1) << UInt64(index & 63)) != 0 }
    set {
      if newValue {
        words[index >> 6] |= UInt64(1) << UInt64(index & 63)
      } else {
        words[index >> 6] &= ~(UInt64(1) << UInt64(index & 63))
      }
    }
  }

  var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

  /// The number of classes in the set.
  var cardinality: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

  mutating func formUnion(_ other: ClassBits) {
    for i in words.indices { words[i] |= other.words[i] }
  }

  mutating func formIntersection(_ other: ClassBits) {
    for i in words.indices { words[i] &= other.words[i] }
  }

  mutating func subtract(_ other: ClassBits) {
    for i in words.indices { words[i] &= ~other.words[i] }
  }

  /// Makes the set `other` (of the same size), in its own storage.
  mutating func assign(_ other: ClassBits) {
    for i in words.indices { words[i] = other.words[i] }
  }

  /// Makes the set `a ∩ b` (both of the same size), in its own storage.
  mutating func assignIntersection(_ a: ClassBits, _ b: ClassBits) {
    for i in words.indices { words[i] = a.words[i] & b.words[i] }
  }

  /// Every class not in the set.
  func complement() -> ClassBits {
    var copy = self
    for i in copy.words.indices { copy.words[i] = ~copy.words[i] }
    if count % 64 != 0, let last = copy.words.indices.last {
      copy.words[last] &= (UInt64(1) << UInt64(count % 64)) - 1
    }
    return copy
  }

  func union(_ other: ClassBits) -> ClassBits {
    var copy = self
    copy.formUnion(other)
    return copy
  }

  func subtracting(_ other: ClassBits) -> ClassBits {
    var copy = self
    copy.subtract(other)
    return copy
  }

  /// Calls `body` with each member, in order.
  func forEachMember(_ body: (Int) -> Void) {
    for (wordIndex, word) in words.enumerated() where word != 0 {
      var rest = word
      while rest != 0 {
        body(wordIndex * 64 + rest.trailingZeroBitCount)
        rest &= rest - 1
      }
    }
  }

  /// The members, in order.
  var members: [Int] {
    var result: [Int] = []
    forEachMember { result.append($0) }
    return result
  }

  func intersection(_ other: ClassBits) -> ClassBits {
    var copy = self
    copy.formIntersection(other)
    return copy
  }
}

/// Makes equal sets share one array: the sets of thousands of compiled rules repeat (a rule's
/// peers and the selector they come from, a policy's subjects and its rules' local ends, the
/// same namespace selector in many policies), and at 50,000 classes each is 6 KB.
struct SharedClassBits {
  /// The sets seen, by a quick hash of their words.
  private var seen: [UInt64: [ClassBits]] = [:]

  /// `bits`, or an equal set seen before.
  mutating func share(_ bits: ClassBits) -> ClassBits {
    var hash = UInt64(truncatingIfNeeded: bits.count)
    for word in bits.words { hash = (hash ^ word) &* 0x9E37_79B9_7F4A_7C15 }
    if let known = seen[hash]?.first(where: { $0 == bits }) { return known }
    seen[hash, default: []].append(bits)
    return bits
  }

  /// `share` for an optional set.
  mutating func share(_ bits: ClassBits?) -> ClassBits? { bits.map { share($0) } }
}
