/// Bytes -> `ManifestLoader.load`. Loading never crashes or hangs, and every diagnostic that
/// points into the file has a 1-based line and column and the file's name. Two shortcuts must
/// not change what is read: whatever `BlockYAML` reads, it reads as libyaml does, and a file
/// decoded in pieces loads as it does whole, also when pieces of an earlier version (with a
/// line more) are taken over.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = fuzzBytes(data, size)
  let file = SourceFile(path: "fuzz.yaml", bytes: bytes)
  var whole = LoadOptions()
  whole.limits = fuzzLimits
  let result = ManifestLoader.load([file], options: whole)
  for diagnostic in result.diagnostics {
    for location in [diagnostic.location] + diagnostic.notes.map(\.location) {
      guard let location else { continue }
      guard location.file == "fuzz.yaml", location.line >= 1, location.column >= 1 else {
        violated("bad location in \(diagnostic)")
      }
    }
  }
  let fast = readUnits(bytes, blockReader: true)
  let reference = readUnits(bytes, blockReader: false)
  if !sameUnits(fast, reference) {
    violated("the block reader differs from libyaml:\n\(describe(fast))\n\(describe(reference))")
  }
  var cut = whole
  cut.pieceSize = 1
  let pieces = ManifestLoader.load([file], options: cut)
  guard pieces.cluster.endpoints == result.cluster.endpoints, pieces.cluster.policies == result.cluster.policies,
    pieces.diagnostics == result.diagnostics
  else { violated("decoding in pieces differs from decoding whole") }
  // Loaded after an earlier version (a comment line more in its middle), the pieces taken over
  // from that version and moved by the edit load as a fresh load does.
  let middle = bytes[(bytes.count / 2)...].firstIndex(of: 0x0A).map { $0 + 1 } ?? bytes.count
  let earlier = Array(bytes[..<middle]) + Array("# an earlier version\n".utf8) + Array(bytes[middle...])
  var cache = ManifestCache()
  _ = ManifestLoader.load([SourceFile(path: "fuzz.yaml", bytes: earlier)], options: cut, cache: &cache)
  let cached = ManifestLoader.load([file], options: cut, cache: &cache)
  guard cached.cluster.endpoints == result.cluster.endpoints, cached.cluster.policies == result.cluster.policies,
    cached.diagnostics == result.diagnostics
  else { violated("a load after an earlier version differs from a fresh load") }
  return 0
}

/// Limits a hundred times lower than the defaults: an alias bomb is refused as it would be at
/// full size, without spending seconds of the run expanding it seven times over.
let fuzzLimits: YAMLLimits = {
  var limits = YAMLLimits()
  limits.maxExpandedNodes /= 100
  limits.maxDocumentNodes /= 100
  return limits
}()

/// What the reader delivers, and its diagnostics.
struct ReadUnits {
  var units: [YAMLUnit] = []
  var diagnostics: [Diagnostic] = []
}

func readUnits(_ bytes: [UInt8], blockReader: Bool) -> ReadUnits {
  var reader = YAMLReader(file: "fuzz.yaml", limits: fuzzLimits)
  reader.usesBlockReader = blockReader
  var read = ReadUnits()
  read.diagnostics = reader.read(bytes) { read.units.append($0) }
  return read
}

/// Whether two readings deliver the same units, with every node's place, size and style, and
/// the same diagnostics. Compared node by node: describing every node as text on every input
/// cost the harness a sixth of its time.
func sameUnits(_ a: ReadUnits, _ b: ReadUnits) -> Bool {
  guard a.diagnostics == b.diagnostics, a.units.count == b.units.count else { return false }
  return zip(a.units, b.units).allSatisfy { pair in
    switch pair {
    case (.document(let x, let i), .document(let y, let j)), (.listItem(let x, let i), .listItem(let y, let j)):
      return i == j && sameNode(x, y)
    default: return false
    }
  }
}

func sameNode(_ a: YAMLNode, _ b: YAMLNode) -> Bool {
  guard a.line == b.line, a.column == b.column, a.size == b.size, a.style == b.style else { return false }
  switch (a.content, b.content) {
  case (.scalar(let x, let p), .scalar(let y, let q)): return x == y && p == q
  case (.sequence(let x), .sequence(let y)): return x.count == y.count && zip(x, y).allSatisfy(sameNode)
  case (.mapping(let x), .mapping(let y)):
    return x.count == y.count && zip(x, y).allSatisfy { sameNode($0.key, $1.key) && sameNode($0.value, $1.value) }
  default: return false
  }
}

/// A reading as text, for the message of a violated property.
func describe(_ read: ReadUnits) -> [String] {
  read.units.map { unit in
    switch unit {
    case .document(let node, let index): return "document \(index): \(describeNode(node))"
    case .listItem(let node, let index): return "item of \(index): \(describeNode(node))"
    }
  } + read.diagnostics.map(\.description)
}

func describeNode(_ node: YAMLNode) -> String {
  let place = "\(node.line):\(node.column)/\(node.size)"
  switch node.content {
  case .scalar(let text, let isPlain): return "\(place) \(isPlain) \(node.style) \(text.debugDescription)"
  case .sequence(let items): return "\(place) [" + items.map(describeNode).joined(separator: ", ") + "]"
  case .mapping(let entries):
    return "\(place) {" + entries.map { describeNode($0.key) + ": " + describeNode($0.value) }.joined(separator: ", ")
      + "}"
  }
}
