/// Bytes -> `Selector.parse`. Parsing must never crash, and whatever parses must round-trip:
/// the canonical `description` parses back to an equal selector, and prints the same again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSelector(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let text = String(decoding: fuzzBytes(data, size), as: UTF8.self)
  let selector: Selector
  do {
    selector = try Selector.parse(text)
  } catch {
    // An error must point inside the text (or just past its end).
    let length = text.unicodeScalars.count
    guard error.offset >= 0, error.offset <= length else {
      violated("error offset \(error.offset) outside «\(text)» (\(length) scalars)")
    }
    return 0
  }
  let canonical = selector.description
  let reparsed: Selector
  do {
    reparsed = try Selector.parse(canonical)
  } catch {
    violated("the canonical form «\(canonical)» of «\(text)» does not parse: \(error)")
  }
  guard reparsed == selector else {
    violated("«\(text)» parses to \(selector), its canonical form «\(canonical)» to \(reparsed)")
  }
  guard reparsed.description == canonical else {
    violated("the canonical form «\(canonical)» prints as «\(reparsed.description)»")
  }
  // Matching must not crash either, on labels the selector itself mentions.
  _ = selector.matches([:])
  return 0
}
