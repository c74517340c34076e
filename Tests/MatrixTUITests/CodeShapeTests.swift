import Foundation
import Testing

@testable import MatrixTUI

/// The code keeps the shape that makes it easy to work in: no function longer than a screen.
@Suite struct CodeShapeTests {
  static let longest = 80

  /// `Sources/…/File.swift:12: func name (93 lines)` for every function, initializer or
  /// subscript of `text` longer than `longest` lines, from its declaration to its closing brace.
  static func longFunctions(in text: String, file: String) -> [String] {
    let lines = text.components(separatedBy: "\n")
    let declaration = try! NSRegularExpression(
      pattern:
        #"^\s*(@\w+(\([^)]*\))?\s+)*((public|private|fileprivate|internal|static|final|override|mutating|nonmutating|convenience|required|class)\s+)*(func\s+[^\s(<]+|init[?!]?|deinit|subscript)\s*[(<{]"#
    )
    var found: [String] = []
    var inMultilineString = false
    for (start, line) in lines.enumerated() {
      if line.components(separatedBy: "\"\"\"").count % 2 == 0 { inMultilineString.toggle() }
      guard !inMultilineString,
        let match = declaration.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)),
        let nameRange = Range(match.range(at: 5), in: line)
      else { continue }
      var depth = 0
      var opened = false
      var end = start
      var inString = false
      scan: for index in start..<lines.count {
        // Braces in strings and comments do not count; a multi-line string's lines hold no code.
        let code = lines[index].components(separatedBy: "//")[0]
        if code.components(separatedBy: "\"\"\"").count % 2 == 0 { inString.toggle() }
        if inString && !code.contains("\"\"\"") { continue }
        var quoted = false
        var escaped = false
        for character in code {
          if quoted && escaped {
            escaped = false
            continue
          }
          if quoted && character == "\\" {
            escaped = true
            continue
          }
          if character == "\"" { quoted.toggle() }
          guard !quoted else { continue }
          if character == "{" {
            depth += 1
            opened = true
          } else if character == "}" {
            depth -= 1
          }
        }
        end = index
        if opened && depth <= 0 { break scan }
      }
      let length = end - start + 1
      if length > Self.longest { found.append("\(file):\(start + 1): \(line[nameRange]) (\(length) lines)") }
    }
    return found
  }

  @Test func theCheckFindsALongFunctionAndOnlyIt() {
    let body = (1...Self.longest).map { "  let x\($0) = \"{\\\"\" // }" }.joined(separator: "\n")
    let text = "func short() {\n}\n\nfunc long() {\n\(body)\n}\n"
    #expect(Self.longFunctions(in: text, file: "a.swift") == ["a.swift:4: func long (\(Self.longest + 2) lines)"])
  }

  @Test func noFunctionInSourcesIsLongerThanAScreen() throws {
    let sources = AppFixtures.root.appendingPathComponent("Sources")
    let enumerator = try #require(FileManager.default.enumerator(atPath: sources.path))
    var checked = 0
    var long: [String] = []
    while let relative = enumerator.nextObject() as? String {
      guard relative.hasSuffix(".swift") else { continue }
      let text = try String(contentsOf: sources.appendingPathComponent(relative), encoding: .utf8)
      long += Self.longFunctions(in: text, file: "Sources/" + relative)
      checked += 1
    }
    #expect(checked > 100)
    #expect(long.isEmpty, "\(long.joined(separator: "\n"))")
  }
}
