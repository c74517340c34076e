import Dispatch
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

  /// Whether `picture` is carried cell by cell.
  static func fits(_ picture: MatrixPicture) -> Bool {
    picture.classCount * picture.classCount <= pairLimit
  }

  /// Works the cells out a band of class rows at a time, on every core, then numbers the
  /// entries in row order.
  init(_ picture: MatrixPicture) {
    let count = picture.classCount
    let hasTraces = !picture.isAny && count * count <= Self.tracePairLimit
    self.hasTraces = hasTraces
    let bands = hasTraces ? 1 : max(1, min(count, 32))
    let parts = (0..<bands).map { _ in Part() }
    DispatchQueue.concurrentPerform(iterations: bands) { band in
      var builder = Builder(picture: picture, hasTraces: hasTraces)
      for a in (band * count / bands)..<((band + 1) * count / bands) {
        for b in 0..<count {
          let members = (picture.members[a], picture.members[b])
          let destination = a == b ? members.1.dropFirst().first : members.1[0]
          builder.codes.append(destination.map { builder.code(members.0[0], $0) } ?? -1)
        }
      }
      parts[band].codes = builder.codes
      parts[band].entries = builder.entries
    }
    var builder = Builder(picture: picture, hasTraces: hasTraces)
    codes.reserveCapacity(count * count)
    for part in parts {
      let numbers = part.entries.map { builder.code($0) }
      codes += part.codes.map { $0 < 0 ? -1 : numbers[Int($0)] }
      part.codes = []
    }
    selfCodes = picture.shown.map { builder.code($0, $0) }
    entries = builder.entries
  }

  /// One band's cells, handed from its thread.
  private final class Part: @unchecked Sendable {
    var codes: [Int32] = []
    var entries: [String] = []
  }

  /// Entries numbered as they are met, and the codes of cells.
  private struct Builder {
    let picture: MatrixPicture
    let hasTraces: Bool
    var entries: [String] = []
    var codes: [Int32] = []
    private var index: [String: Int32] = [:]
    private var decisions: [Decision: Int32] = [:]

    init(picture: MatrixPicture, hasTraces: Bool) {
      self.picture = picture
      self.hasTraces = hasTraces
    }

    /// What makes a cell's entry without its trace: the verdict, the deciding side and what
    /// decided it, and the port probed (a port name resolves per destination).
    private struct Decision: Hashable {
      var outcome: Outcome
      var direction: Direction
      var verdict: Verdict
      var decider: Decider
      var port: Int?
    }

    mutating func code(_ entry: String) -> Int32 {
      if let known = index[entry] { return known }
      let code = Int32(entries.count)
      index[entry] = code
      entries.append(entry)
      return code
    }

    /// The entry of the cell from endpoint `source` to `destination`; without traces, looked
    /// up by its decision before any text is made.
    mutating func code(_ source: Int, _ destination: Int) -> Int32 {
      let evaluator = picture.text.evaluator
      guard let probe = picture.text.matrix?.probe else { return code(connectionsEntry(source, destination)) }
      if hasTraces || source == destination {
        return code(
          TraceTemplate.json(
            evaluator.trace(from: source, to: destination, probe: probe), evaluator: evaluator, lines: hasTraces))
      }
      let cell = evaluator.cell(from: source, to: destination, probe: probe)
      let side = cell.decidingSide
      let decision = Decision(
        outcome: cell.outcome, direction: side.direction, verdict: side.verdict, decider: side.decider,
        port: cell.resolvedPort)
      if let known = decisions[decision] { return known }
      let code = code(TraceTemplate.json(cell, evaluator: evaluator, lines: false))
      decisions[decision] = code
      return code
    }

    private func connectionsEntry(_ source: Int, _ destination: Int) -> String {
      if source == destination { return #"["x","self: loopback never crosses policy"]"# }
      let set = picture.text.connections?.connections(source, destination) ?? ConnectionSet()
      let verdict = set.isAll ? "a" : set.isEmpty ? "d" : "s"
      return "[\"\(verdict)\",\(MarkupEscaping.scriptJSON(set.description.visible))]"
    }
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
