import Foundation
import Testing

@testable import PolicyKit

/// Big files are decoded in pieces of whole documents on every core; what they load must be
/// what reading them whole loads, diagnostics included.
@Suite struct PieceTests {
  /// Loads `files` whole and cut at every `---` line, and expects the same result.
  static func expectPiecesLoadAsWhole(_ files: [SourceFile], _ context: String) {
    var whole = LoadOptions()
    whole.pieceSize = 0
    var cut = LoadOptions()
    cut.pieceSize = 1
    IncrementalTests.expectSame(
      ManifestLoader.load(files, options: cut), ManifestLoader.load(files, options: whole), context)
  }

  @Test func everyManifestInTheRepositoryLoadsTheSameInPieces() throws {
    var cutFiles = 0
    var assembled = 0
    for (name, urls) in KernelAgreementTests.manifestSets() {
      let files = try urls.map { SourceFile(path: $0.lastPathComponent, bytes: Array(try Data(contentsOf: $0))) }
      Self.expectPiecesLoadAsWhole(files, name)
      for file in files {
        let cut = YAMLPiece.pieces(of: file.bytes, size: 1)
        guard cut.count > 1 else { continue }
        cutFiles += 1
        let pieces = cut.map { FileDecoder.decode(file, piece: $0, limits: YAMLLimits()) }
        if FileDecoder.assemble(pieces, cut: cut) != nil { assembled += 1 }
      }
    }
    #expect(cutFiles > 50)
    #expect(assembled == cutFiles, "clean files are put together from their pieces, not read again")
  }

  /// Text where a cut at a `---` line falls inside something, or where the first document
  /// has no marker: the file is still read as a whole would be.
  static let awkward: [(String, String)] = [
    (
      "a quoted scalar running over a marker line",
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: "one
      --- two"
      ---
      apiVersion: v1
      kind: Namespace
      metadata:
        name: three
      """
    ),
    (
      "a flow mapping running over a marker line",
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: one,
      --- }
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: two}
      """
    ),
    (
      "directives",
      """
      %YAML 1.1
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: one}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: two}
      """
    ),
    (
      "comments, empty documents and end markers",
      """
      # a comment before anything
      ---
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: one}
      ...
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: one}
      """
    ),
    (
      "a first document without a marker, then a broken one",
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: one}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: [name: two
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: three}
      """
    ),
    (
      "a list with a bad item and an unknown kind",
      """
      ---
      apiVersion: v1
      kind: List
      items:
      - apiVersion: v1
        kind: Namespace
        metadata: {name: one}
      - kind: Namespace
      ---
      apiVersion: v1
      kind: Widget
      metadata: {name: w}
      ---
      apiVersion: v1
      kind: Widget
      metadata: {name: w2, namespace: ghost}
      """
    ),
    (
      "a lone carriage return: two lines merged, the line feed between them lost (libyaml counts a line there)",
      "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: one\r  labels: {a: b}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: two}\n---\nkind: Namespace\n"
    ),
    (
      "carriage returns before line feeds, and a marker after a lone carriage return",
      "apiVersion: v1\r\nkind: Namespace\r\nmetadata: {name: one}\r---\rapiVersion: v1\nkind: Namespace\nmetadata: {name: two}\n---\nmetadata: {name: three}\n"
    ),
    (
      "the Unicode line breaks NEL, LS and PS",
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: \"one\u{85}two\"}\n# x\u{2028}y\u{2029}\n---\nkind: Namespace\nmetadata: {name: three}\n---\nkind: Namespace\n"
    ),
    (
      "a control character after a lone carriage return (the document is skipped, the error placed)",
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: one}\n---\na: 1\rb: \u{7}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: two}\n"
    ),
    (
      "an unclosed bracket after a lone carriage return",
      "a: 1\rb: [x\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: two}\n---\nc: 1\n"
    ),
    (
      "typed lists: `kind` before `items`, after them, an item of its own kind, an unknown FooList",
      """
      apiVersion: v1
      kind: NamespaceList
      items:
      - metadata: {name: one}
      ---
      apiVersion: v1
      items:
      - metadata: {name: p, namespace: one}
        spec: {containers: [{name: p}]}
        status: {phase: Succeeded}
      - apiVersion: v1
        kind: Namespace
        metadata: {name: two}
      - metadata: {name: q, namespace: two}
        spec: {containers: [{name: q}]}
        status: {phase: Running, podIPs: [{ip: 10.0.0.1}, {ip: "fd00::1"}]}
      kind: PodList
      ---
      {"kind":"NetworkPolicyList","apiVersion":"networking.k8s.io/v1","items":[
        {"metadata":{"name":"deny","namespace":"one"},"spec":{"podSelector":{}}}]}
      ---
      apiVersion: example.com/v1
      items:
      - metadata: {name: w}
      kind: WidgetList
      """
    ),
    (
      "a typed list broken after its first item, then a list whose kind never comes",
      """
      apiVersion: v1
      kind: NamespaceList
      items:
      - metadata: {name: one}
      - metadata: {name: [two
      ---
      apiVersion: v1
      items:
      - metadata: {name: three}
      - {apiVersion: v1, kind: Namespace, metadata: {name: four}}
      - [
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: five}
      """
    ),
    (
      "a byte order mark and a control character",
      "\u{FEFF}apiVersion: v1\nkind: Namespace\nmetadata: {name: one}\n---\nname: \u{7}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: two}\n"
    ),
  ]

  @Test(arguments: awkward)
  func awkwardTextLoadsTheSameInPieces(what: String, text: String) {
    Self.expectPiecesLoadAsWhole([SourceFile(path: "a.yaml", text: text)], what)
  }

  /// libyaml reads input that starts with a UTF-16 byte order mark as UTF-16, all of it: a
  /// piece after a cut would have no mark, and be read as UTF-8.
  @Test(arguments: [[0xFE, 0xFF], [0xFF, 0xFE]] as [[UInt8]])
  func textAfterAUTF16ByteOrderMarkIsReadWhole(mark: [UInt8]) {
    let namespaces = (0..<3).map { "apiVersion: v1\nkind: Namespace\nmetadata: {name: n\($0)}\n" }
    let file = SourceFile(path: "a.yaml", bytes: mark + Array(namespaces.joined(separator: "---\n").utf8))
    #expect(YAMLPiece.pieces(of: file.bytes, size: 1).count == 1)
    Self.expectPiecesLoadAsWhole([file], "UTF-16 mark \(mark)")
  }

  /// The fuzz seeds (inputs that once broke a property among them) load the same in pieces,
  /// also when pieces of an earlier version with a comment line more are taken over.
  @Test func everyFuzzSeedLoadsTheSameInPiecesAndAfterAnEarlierVersion() throws {
    let root = testsDirectory().deletingLastPathComponent().deletingLastPathComponent()
    var seeds = 0
    for target in ["yaml", "evaluate"] {
      let folder = root.appendingPathComponent("Fuzz/corpus/\(target)")
      for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
        let bytes = Array(try Data(contentsOf: folder.appendingPathComponent(name)))
        let file = SourceFile(path: name, bytes: bytes)
        Self.expectPiecesLoadAsWhole([file], name)
        var cut = LoadOptions()
        cut.pieceSize = 1
        let middle = bytes[(bytes.count / 2)...].firstIndex(of: 0x0A).map { $0 + 1 } ?? bytes.count
        let earlier = Array(bytes[..<middle]) + Array("# an earlier version\n".utf8) + Array(bytes[middle...])
        var cache = ManifestCache()
        _ = ManifestLoader.load([SourceFile(path: name, bytes: earlier)], options: cut, cache: &cache)
        IncrementalTests.expectSame(
          ManifestLoader.load([file], options: cut, cache: &cache), ManifestLoader.load([file]),
          "\(name) after an earlier version")
        seeds += 1
      }
    }
    #expect(seeds >= 14)
  }

  /// Lines end where libyaml's do, so lines and documents are numbered as it numbers them.
  @Test func piecesCountTheLineBreaksLibyamlCounts() {
    let text = "a: 1\rb: 2\r\n---\nc: 3\u{85}d: 4\n--- # x\ne: 5\u{2028}\n"
    let bytes = Array(text.utf8)
    let pieces = YAMLPiece.pieces(of: bytes, size: 1)
    #expect(pieces.map(\.lineOffset) == [0, 2, 5])
    #expect(pieces.map(\.firstDocument) == [0, 1, 2])
    let merged = Array("a: 1\r---\nb: 2\n---\nc: 3\n".utf8)
    #expect(
      YAMLPiece.pieces(of: merged, size: 1).map(\.firstDocument) == [0, 2],
      "a marker after a lone carriage return starts a document")
  }

  @Test func piecesStartAtMarkersAndNumberLinesAndDocumentsOn() {
    let text = "a: 1\n---\nb: 2\nc: 3\n--- # x\nd: 4\n"
    let bytes = Array(text.utf8)
    let pieces = YAMLPiece.pieces(of: bytes, size: 1)
    #expect(pieces.map(\.lineOffset) == [0, 1, 4])
    #expect(pieces.map(\.firstDocument) == [0, 1, 2])
    #expect(
      pieces.map { String(decoding: bytes[$0.range], as: UTF8.self) } == [
        "a: 1\n", "---\nb: 2\nc: 3\n", "--- # x\nd: 4\n",
      ])
    #expect(YAMLPiece.pieces(of: Array("# only\n---\nx: 1\n---\n".utf8), size: 1).map(\.firstDocument) == [0, 0, 1])
    #expect(YAMLPiece.pieces(of: bytes, size: 1000).count == 1, "small files are read whole")
    #expect(YAMLPiece.pieces(of: Array("%TAG ! x\n---\na: 1\n---\nb: 2\n".utf8), size: 1).count == 1)
  }
}
