import Foundation
import Testing

@testable import PolicyKit

/// `BlockYAML` reads plain block-style text without libyaml; whatever it reads must come out
/// exactly as libyaml's events make it: the same nodes, places, sizes and styles.
@Suite struct BlockYAMLTests {
  /// Every unit the reader delivers and its diagnostics, as text.
  static func read(_ bytes: [UInt8], blockReader: Bool) -> [String] {
    var reader = YAMLReader(file: "a.yaml")
    reader.usesBlockReader = blockReader
    var units: [String] = []
    let diagnostics = reader.read(bytes) { unit in
      switch unit {
      case .document(let node, let index): units.append("document \(index): \(describe(node))")
      case .listItem(let node, let index): units.append("item of \(index): \(describe(node))")
      }
    }
    return units + diagnostics.map(\.description)
  }

  static func describe(_ node: YAMLNode) -> String {
    let place = "\(node.line):\(node.column)/\(node.size)"
    switch node.content {
    case .scalar(let text, let isPlain):
      return "\(place) \(isPlain ? "plain" : "typed") \(node.style) \(text.debugDescription)"
    case .sequence(let items):
      return "\(place) [" + items.map(describe).joined(separator: ", ") + "]"
    case .mapping(let entries):
      return "\(place) {" + entries.map { describe($0.key) + ": " + describe($0.value) }.joined(separator: ", ") + "}"
    }
  }

  /// Whether the block reader takes the whole text on.
  static func accepts(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBufferPointer {
      BlockYAML.read($0, lineOffset: 0, firstDocument: 0, limits: YAMLLimits()) != nil
    }
  }

  static func expectSameAsLibyaml(_ bytes: [UInt8], _ context: String) {
    let fast = read(bytes, blockReader: true)
    let reference = read(bytes, blockReader: false)
    #expect(fast == reference, "\(context)\n\(String(decoding: bytes, as: UTF8.self))")
  }

  @Test func everyManifestInTheRepositoryReadsAsLibyamlReadsIt() throws {
    var files = 0
    var accepted = 0
    for (_, urls) in KernelAgreementTests.manifestSets() {
      for url in urls {
        let bytes = Array(try Data(contentsOf: url))
        Self.expectSameAsLibyaml(bytes, url.path)
        files += 1
        if Self.accepts(String(decoding: bytes, as: UTF8.self)) { accepted += 1 }
      }
    }
    #expect(files > 60)
    #expect(accepted * 2 > files, "most manifests are plain block YAML (\(accepted) of \(files))")
  }

  /// Text the block reader reads itself, each shape it knows.
  static let shapes: [(String, String)] = [
    (
      "mappings and sequences",
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
        labels:
          app: web
      spec:
        containers:
        - name: web
          ports:
          - containerPort: 80
            name: http
          -   containerPort: 81
        - name: side
      """
    ),
    (
      "empty values and empty collections",
      """
      a:
      b: {}
      c: []
      d:
        e:
      f:
      -
      - x
      -  # comment
      g: 1
      """
    ),
    (
      "quoted scalars and keys",
      """
      'single': 'it''s'
      "double": "a: b # not a comment"
      plain: a#b c:d 'x' "y" [z] {w}
      spaced:    value with spaces   # and a comment
      url: http://example.com:8080/x
      empty: ''
      """
    ),
    (
      "comments, indentation and documents",
      """
      # a comment
      ---
        indented: root
        nested:
            deeper: 1
      --- # a marker with a comment
      - a
      -   b
      - - c
      ---
      ---
      last: 1
      ---
      """
    ),
    ("a first document without a marker", "a: 1\n---\nb: 2\n"),
    ("no newline at the end", "a: 1\nb:"),
    ("only comments", "# nothing\n\n   # at all\n"),
    ("a document with nothing in it at the end", "a: 1\n---\n# c\n"),
  ]

  @Test(arguments: shapes)
  func shapesReadAsLibyamlReadsThem(what: String, text: String) {
    Self.expectSameAsLibyaml(Array(text.utf8), what)
  }

  @Test func theShapesAreReadWithoutLibyaml() {
    for (what, text) in Self.shapes where what != "comments, indentation and documents" {
      #expect(Self.accepts(text), "\(what)")
    }
    // A nested entry on the same line (`- - c`) is left to libyaml.
    #expect(!Self.accepts("- - c\n"))
  }

  /// What the block reader leaves to libyaml.
  @Test(arguments: [
    "a: |\n  text\n", "a: >\n  text\n", "a: &x 1\nb: *x\n", "a: !!str 1\n", "%YAML 1.1\n---\na: 1\n",
    "a: {b: 1}\n", "a: [1, 2]\n", "a: \"x\\ty\"\n", "a: 'x\n  y'\n", "a: x\n  y\n", "a: 1\na: 2\n",
    "<<: {}\n", "\ta: 1\n", "a:\t1\n", "a: 1\r\n", "a: é\n", "? a\n: b\n", "a: b: c\n", "a: -1\n",
    "a : 1\n", "a: 1\n...\n", "kind: List\nitems:\n- a: 1\n", "- a\nb: 1\n", "a: 1\n - b\n", "--- x\n",
    "a: 'x' y\n", "a #b: c\n", "a: x:\n", String(repeating: "k", count: 1100) + ": v\n",
  ])
  func unusualTextIsLeftToLibyaml(text: String) {
    #expect(!Self.accepts(text), "\(text.debugDescription)")
    Self.expectSameAsLibyaml(Array(text.utf8), text)
  }

  /// Lines of the repository's manifests deleted, repeated, indented, swapped or given stray
  /// characters: whenever the block reader takes the result on, it reads it as libyaml does.
  @Test func mutatedManifestsReadAsLibyamlReadsThem() throws {
    var generator = SeededGenerator(seed: 5)
    let inserts = [
      " ", ":", "-", "#", "'", "\"", "{", "}", "[", "]", "&", "*", "!", "|", ">", "a", "\\", ",", "?", "- ", ": ", " #",
      "---",
    ]
    var compared = 0
    var accepted = 0
    for (_, urls) in KernelAgreementTests.manifestSets() {
      for url in urls {
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        // Mutations of what the block reader reads themselves reach it most often.
        guard Self.accepts(text) else { continue }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count > 2 else { continue }
        for _ in 0..<6 {
          let original = lines
          let at = Int.random(in: 0..<lines.count, using: &generator)
          switch Int.random(in: 0..<6, using: &generator) {
          case 0: lines.remove(at: at)
          case 1: lines.insert(lines[at], at: at)
          case 2: lines[at] = String(repeating: " ", count: Int.random(in: 1...3, using: &generator)) + lines[at]
          case 3: if lines[at].hasPrefix(" ") { lines[at].removeFirst() }
          case 4: lines.swapAt(at, min(at + 1, lines.count - 1))
          default:
            let insert = inserts.randomElement(using: &generator)!
            let position = Int.random(in: 0...lines[at].count, using: &generator)
            lines[at].insert(contentsOf: insert, at: lines[at].index(lines[at].startIndex, offsetBy: position))
          }
          let mutated = lines.joined(separator: "\n")
          if Self.accepts(mutated) { accepted += 1 }
          Self.expectSameAsLibyaml(Array(mutated.utf8), url.lastPathComponent)
          compared += 1
          lines = Int.random(in: 0..<3, using: &generator) == 0 ? original : lines
        }
      }
    }
    #expect(compared > 300)
    #expect(accepted > 30, "the mutations reach the block reader (\(accepted) of \(compared))")
  }
}
