/// Bytes -> `ManifestLoader.load`. Loading never crashes or hangs, and every diagnostic that
/// points into the file has a 1-based line and column and the file's name. Two shortcuts must
/// not change what is read: whatever `BlockYAML` reads, it reads as libyaml does, and a file
/// decoded in pieces loads as it does whole, also when pieces of an earlier version (with a
/// line more) are taken over.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = fuzzBytes(data, size)
  let file = SourceFile(path: "fuzz.yaml", bytes: bytes)
  let result = ManifestLoader.load([file])
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
  if fast != reference { violated("the block reader differs from libyaml:\n\(fast)\n\(reference)") }
  var cut = LoadOptions()
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

/// What the reader delivers, with every node's place, size and style, and its diagnostics.
func readUnits(_ bytes: [UInt8], blockReader: Bool) -> [String] {
  var reader = YAMLReader(file: "fuzz.yaml")
  reader.usesBlockReader = blockReader
  var units: [String] = []
  let diagnostics = reader.read(bytes) { unit in
    switch unit {
    case .document(let node, let index): units.append("document \(index): \(describeNode(node))")
    case .listItem(let node, let index): units.append("item of \(index): \(describeNode(node))")
    }
  }
  return units + diagnostics.map(\.description)
}

func describeNode(_ node: YAMLNode) -> String {
  let place = "\(node.line):\(node.column)/\(node.size)"
  switch node.content {
  case .scalar(let text, let isPlain): return "\(place) \(isPlain) \(node.style) \(text.debugDescription)"
  case .sequence(let items): return "\(place) [" + items.map(describeNode).joined(separator: ", ") + "]"
  case .mapping(let entries):
    return "\(place) {" + entries.map { describeNode($0.key) + ": " + describeNode($0.value) }.joined(separator: ", ") + "}"
  }
}
