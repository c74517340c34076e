import Dispatch

/// Counting cells from the bit rows: a population count over the words of a row, weighted by how
/// many endpoints each class has, never a walk over cells or pairs of classes.
///
/// Weights are taken a binary digit at a time: the classes whose weight has digit `k` set form a
/// bit plane, and a row's weighted count is the sum over planes of `popcount(row & plane) << k`
/// (one plane when every class has one endpoint).
struct WeightPlanes {
  /// The classes whose weight has binary digit `k` set, as words: `words[k * wordsPerRow + w]`.
  let words: [UInt64]
  let digits: Int
  let wordsPerRow: Int

  init(_ weights: [Int], wordsPerRow: Int) {
    let largest = weights.max() ?? 0
    digits = largest == 0 ? 0 : Int.bitWidth - largest.leadingZeroBitCount
    self.wordsPerRow = wordsPerRow
    var words = [UInt64](repeating: 0, count: digits * wordsPerRow)
    for (index, weight) in weights.enumerated() where weight > 0 {
      for digit in 0..<digits where weight >> digit & 1 != 0 {
        words[digit * wordsPerRow + index >> 6] |= UInt64(1) << UInt64(index & 63)
      }
    }
    self.words = words
  }

  /// Calls `body` with a counter over these planes.
  func withCounter<Result>(_ body: (Counter) -> Result) -> Result {
    words.withUnsafeBufferPointer { body(Counter(planes: $0.baseAddress, digits: digits, wordsPerRow: wordsPerRow)) }
  }

  /// Counts rows against the planes, through raw pointers (no reference counting in the loop).
  struct Counter {
    let planes: UnsafePointer<UInt64>?
    let digits: Int
    let wordsPerRow: Int

    /// The weighted count of the set bits of `row` (a row's words) from bit `start` up to `end`.
    func count(_ row: UnsafePointer<UInt64>, from start: Int, to end: Int) -> Int {
      guard start < end, let planes else { return 0 }
      let (first, last) = (start >> 6, (end - 1) >> 6)
      let firstMask = UInt64.max << UInt64(start & 63)
      let lastMask = end & 63 == 0 ? UInt64.max : (UInt64(1) << UInt64(end & 63)) - 1
      var total = 0
      for digit in 0..<digits {
        let plane = planes + digit * wordsPerRow
        var bits: Int
        if first == last {
          bits = (row[first] & plane[first] & firstMask & lastMask).nonzeroBitCount
        } else {
          bits = (row[first] & plane[first] & firstMask).nonzeroBitCount
          var word = first + 1
          while word < last {
            bits += (row[word] & plane[word]).nonzeroBitCount
            word += 1
          }
          bits += (row[last] & plane[last] & lastMask).nonzeroBitCount
        }
        total += bits << digit
      }
      return total
    }
  }
}

extension ConnectivityMatrix {
  /// Allowed and denied cells per pair of groups (`result[a * groups + b]`), counted on the bit
  /// rows: each class's row is counted over each run of consecutive classes of one group,
  /// weighted by `columnWeight` (its endpoints shown as columns), and the sum times
  /// `rowWeight` (its endpoints shown as rows); self cells (`bothWeight` per class: its
  /// endpoints shown as both) are left out. A class lies in one group (`classGroup`, -1 for a
  /// class with no endpoint shown).
  public func groupCounts(
    groups: Int, classGroup: [Int], rowWeight: [Int], columnWeight: [Int], bothWeight: [Int]
  ) -> [(allowed: Int, denied: Int)] {
    let planes = WeightPlanes(columnWeight, wordsPerRow: wordsPerRow)
    // Runs of consecutive classes that count towards one group (a class with no column joins
    // any run: it counts for none).
    var runs: [(start: Int, end: Int, group: Int, total: Int)] = []
    for cls in 0..<classCount where columnWeight[cls] > 0 {
      if let last = runs.last, last.group == classGroup[cls] {
        runs[runs.count - 1].end = cls + 1
        runs[runs.count - 1].total += columnWeight[cls]
      } else {
        runs.append((cls, cls + 1, classGroup[cls], columnWeight[cls]))
      }
    }
    // Each word cut where a run ends: a segment is a word's bits of one run, with the word's
    // bits of each plane in it.
    var segments: [(word: Int, run: Int)] = []
    var masks: [UInt64] = []
    for (index, run) in runs.enumerated() {
      var start = run.start
      while start < run.end {
        let word = start >> 6
        let end = min(run.end, (word + 1) << 6)
        let high = end & 63 == 0 ? UInt64.max : (UInt64(1) << UInt64(end & 63)) - 1
        let mask = (UInt64.max << UInt64(start & 63)) & high
        segments.append((word, index))
        for digit in 0..<planes.digits { masks.append(planes.words[digit * wordsPerRow + word] & mask) }
        start = end
      }
    }
    let digits = planes.digits
    var counts = [(allowed: Int, denied: Int)](repeating: (0, 0), count: groups * groups)
    // The classes of a group write only that group's row of counts: groups are counted on
    // every core.
    var sourcesOf = [[Int]](repeating: [], count: groups)
    for source in 0..<classCount where rowWeight[source] > 0 { sourcesOf[classGroup[source]].append(source) }
    let (runList, segmentList, maskList, sources) = (runs, segments, masks, sourcesOf)
    counts.withUnsafeMutableBufferPointer { countBuffer in
      rows.withUnsafeBufferPointer { bits in
        let shared = UncheckedSendable((countBuffer.baseAddress!, bits.baseAddress!))
        DispatchQueue.concurrentPerform(iterations: groups) { group in
          let (counts, bits) = shared.value
          var perRun = [Int](repeating: 0, count: runList.count)
          let base = group * groups
          for source in sources[group] {
            let row = bits + source * wordsPerRow
            for (index, segment) in segmentList.enumerated() {
              let word = row[segment.word]
              var allowed = 0
              for digit in 0..<digits { allowed += (word & maskList[index * digits + digit]).nonzeroBitCount << digit }
              perRun[segment.run] += allowed
            }
            let weight = rowWeight[source]
            for (index, run) in runList.enumerated() {
              counts[base + run.group].allowed += weight * perRun[index]
              counts[base + run.group].denied += weight * (run.total - perRun[index])
              perRun[index] = 0
            }
            let both = bothWeight[source]
            if both > 0 {
              if classAllows(source, source) {
                counts[base + group].allowed -= both
              } else {
                counts[base + group].denied -= both
              }
            }
          }
        }
      }
    }
    return counts
  }
}
