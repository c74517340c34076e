import PolicyKit

/// What a page carries about its cells: a list of distinct entries (a verdict with its reason,
/// and the whole trace when the matrix is small enough; with `--probe any`, the allowed set)
/// and, per pair of classes and per self cell, the number of its entry.
struct PageCells {
  /// At most this many class pairs are carried cell by cell; a larger matrix is carried as
  /// counts per pair of groups only.
  static let pairLimit = 4_000_000
  /// Whole traces are carried up to this many class pairs; above, a cell's reason and the
  /// command that traces it.
  static let tracePairLimit = 4_096

  /// Entries as JSON arrays: `[verdict, reason, headline tail, lines or null]`, or with
  /// `any`, `[verdict, allowed set]`.
  private(set) var entries: [String] = []
  /// `codes[a * classCount + b]`: the entry of the cells from class `a` to class `b`, -1
  /// when there is no such cell (a class of one endpoint, to itself).
  private(set) var codes: [Int32] = []
  /// Per shown endpoint, the entry of its self cell.
  private(set) var selfCodes: [Int32] = []
  let hasTraces: Bool
  private var index: [String: Int32] = [:]

  /// Whether `picture` is carried cell by cell.
  static func fits(_ picture: MatrixPicture) -> Bool {
    picture.classCount * picture.classCount <= pairLimit
  }

  init(_ picture: MatrixPicture) {
    let count = picture.classCount
    hasTraces = !picture.isAny && count * count <= Self.tracePairLimit
    codes.reserveCapacity(count * count)
    let evaluator = picture.text.evaluator
    for a in 0..<count {
      for b in 0..<count {
        let members = (picture.members[a], picture.members[b])
        let destination = a == b ? members.1.dropFirst().first : members.1[0]
        guard let destination else {
          codes.append(-1)
          continue
        }
        codes.append(code(entry(picture, members.0[0], destination, evaluator)))
      }
    }
    for index in picture.shown {
      selfCodes.append(code(entry(picture, index, index, evaluator)))
    }
  }

  private mutating func code(_ entry: String) -> Int32 {
    if let known = index[entry] { return known }
    let code = Int32(entries.count)
    index[entry] = code
    entries.append(entry)
    return code
  }

  private func entry(_ picture: MatrixPicture, _ source: Int, _ destination: Int, _ evaluator: Evaluator) -> String {
    if let probe = picture.text.matrix?.probe {
      let cell =
        hasTraces
        ? evaluator.trace(from: source, to: destination, probe: probe)
        : evaluator.cell(from: source, to: destination, probe: probe)
      return TraceTemplate.json(cell, evaluator: evaluator, lines: hasTraces)
    }
    if source == destination { return #"["x","self: loopback never crosses policy"]"# }
    let set = picture.text.connections?.connections(source, destination) ?? ConnectionSet()
    let verdict = set.isAll ? "a" : set.isEmpty ? "d" : "s"
    return "[\"\(verdict)\",\(MarkupEscaping.scriptJSON(set.description.visible))]"
  }

  /// The digits of the codes: `width` characters each, from this 64-character alphabet.
  static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

  /// How many digits a code takes.
  var width: Int {
    var width = 1
    var reach = 64
    while reach < entries.count + 1 {
      width += 1
      reach *= 64
    }
    return width
  }

  /// Writes `codes` as digits (a missing cell as the largest code), a row of classes at a
  /// time.
  static func write(_ codes: [Int32], width: Int, to out: ByteWriter) {
    var buffer: [UInt8] = []
    buffer.reserveCapacity(4096 * width)
    for (at, code) in codes.enumerated() {
      var value = code < 0 ? (1 << (6 * width)) - 1 : Int(code)
      var digits = [UInt8](repeating: 0, count: width)
      for place in stride(from: width - 1, through: 0, by: -1) {
        digits[place] = alphabet[value & 63]
        value >>= 6
      }
      buffer.append(contentsOf: digits)
      if buffer.count >= 4096 * width || at == codes.count - 1 {
        out.write(buffer)
        buffer.removeAll(keepingCapacity: true)
      }
    }
  }
}
