/// Bytes -> `ManifestLoader.load`. Loading never crashes or hangs, and every diagnostic that
/// points into the file has a 1-based line and column and the file's name.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let result = ManifestLoader.load([SourceFile(path: "fuzz.yaml", bytes: fuzzBytes(data, size))])
  for diagnostic in result.diagnostics {
    for location in [diagnostic.location] + diagnostic.notes.map(\.location) {
      guard let location else { continue }
      guard location.file == "fuzz.yaml", location.line >= 1, location.column >= 1 else {
        violated("bad location in \(diagnostic)")
      }
    }
  }
  return 0
}
