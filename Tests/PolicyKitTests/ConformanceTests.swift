import Foundation
import Testing

@testable import PolicyKit

// The conformance corpus (`Tests/Conformance/<source>/<case>/`, kept in the repository; its
// README says where each case comes from): every case's `manifests.yaml` is loaded and every ordered pair of the endpoints its
// `expect.yaml` lists must have the expected verdict (allowed exactly when listed under
// `allowed`). The answers come from upstream suites and documentation, never from this engine.

/// `Tests/Conformance`, in the package.
func conformanceDirectory() -> URL {
  testsDirectory()  // <root>/Tests/PolicyKitTests
    .deletingLastPathComponent()  // <root>/Tests
    .appendingPathComponent("Conformance")
}

/// What one `expect.yaml` says.
struct ConformanceCase {
  var name: String
  var probe: Probe
  var includesSelf: Bool
  var endpoints: [String]
  var allowed: Set<String>

  /// Reads `expect.yaml` with PolicyKit's YAML reader; nil with a reason when malformed.
  static func parse(_ bytes: [UInt8], name: String) -> Result<ConformanceCase, ConformanceError> {
    var root: YAMLNode?
    let problems = YAMLReader(file: "expect.yaml").read(bytes) { unit in
      if case .document(let node, _) = unit, root == nil { root = node }
    }
    guard problems.isEmpty, let root else {
      return .failure(.init("unreadable expect.yaml: \(describe(problems))"))
    }
    guard let protocolText = root["probe"]?["protocol"]?.scalar,
      let ipProtocol = IPProtocol(name: protocolText),
      let portText = root["probe"]?["port"]?.scalar, let port = Int(portText)
    else {
      return .failure(.init("expect.yaml has no `probe: {protocol, port}`"))
    }
    guard let endpoints = root["endpoints"]?.sequence?.compactMap(\.scalar), !endpoints.isEmpty
    else {
      return .failure(.init("expect.yaml lists no `endpoints`"))
    }
    let allowed = root["allowed"]?.sequence?.compactMap(\.scalar) ?? []
    return .success(
      ConformanceCase(
        name: name, probe: Probe(ipProtocol, port),
        includesSelf: root["self"]?.scalar == "included",
        endpoints: endpoints, allowed: Set(allowed.map(Self.normalized))))
  }

  /// `a -> b` with single spaces, as the pairs are compared.
  static func normalized(_ pair: String) -> String {
    pair.components(separatedBy: "->").map { $0.trimmingCharacters(in: .whitespaces) }.joined(
      separator: " -> ")
  }
}

struct ConformanceError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// The case folders: `<source>/<case>/` holding both files, sorted.
func conformanceCaseFolders() throws -> [URL] {
  let fileManager = FileManager.default
  let root = conformanceDirectory()
  var folders: [URL] = []
  for source in try fileManager.contentsOfDirectory(atPath: root.path).sorted() {
    let sourceURL = root.appendingPathComponent(source)
    var isDirectory: ObjCBool = false
    guard fileManager.fileExists(atPath: sourceURL.path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      continue
    }
    for name in try fileManager.contentsOfDirectory(atPath: sourceURL.path).sorted() {
      let folder = sourceURL.appendingPathComponent(name)
      if fileManager.fileExists(atPath: folder.appendingPathComponent("expect.yaml").path),
        fileManager.fileExists(atPath: folder.appendingPathComponent("manifests.yaml").path)
      {
        folders.append(folder)
      }
    }
  }
  return folders
}

/// Checks one case; returns the wrong cells (empty when the case passes).
func checkConformanceCase(_ folder: URL) throws -> [String] {
  let name = "\(folder.deletingLastPathComponent().lastPathComponent)/\(folder.lastPathComponent)"
  let expectBytes = Array(try Data(contentsOf: folder.appendingPathComponent("expect.yaml")))
  let expectation = try ConformanceCase.parse(expectBytes, name: name).get()
  let manifests = Array(try Data(contentsOf: folder.appendingPathComponent("manifests.yaml")))
  let result = ManifestLoader.load([SourceFile(path: "\(name)/manifests.yaml", bytes: manifests)])
  if result.diagnostics.hasErrors {
    return ["the manifests do not load cleanly:\n\(describe(result.diagnostics))"]
  }
  let evaluator = Evaluator(cluster: result.cluster)
  var wrong: [String] = []
  for source in expectation.endpoints {
    for destination in expectation.endpoints where source != destination || expectation.includesSelf {
      let pair = "\(source) -> \(destination)"
      let expected: Verdict = expectation.allowed.contains(pair) ? .allow : .deny
      guard let cell = evaluator.trace(from: source, to: destination, probe: expectation.probe)
      else {
        wrong.append("\(pair): no such endpoint")
        continue
      }
      if cell.outcome.verdict != expected {
        wrong.append(
          "\(pair) \(expectation.probe.argument): expected \(expected.rawValue), got \(fact(cell))")
      }
    }
  }
  return wrong
}

@Suite("Conformance corpus")
struct ConformanceTests {
  @Test("every case of Tests/Conformance has its expected verdict for every ordered pair")
  func corpus() throws {
    let root = conformanceDirectory()
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      Issue.record(
        "the conformance corpus is missing: expected it at \(root.path) (Tests/Conformance in the package)"
      )
      return
    }
    let folders = try conformanceCaseFolders()
    var failed: [String] = []
    for folder in folders {
      let name =
        "\(folder.deletingLastPathComponent().lastPathComponent)/\(folder.lastPathComponent)"
      do {
        let wrong = try checkConformanceCase(folder)
        if !wrong.isEmpty {
          failed.append(name)
          let cells = wrong.prefix(8).joined(separator: "\n")
          Issue.record("\(name): \(wrong.count) wrong cell(s):\n\(cells)")
        }
      } catch {
        failed.append(name)
        Issue.record("\(name): \(error)")
      }
    }
    #expect(!folders.isEmpty, "no case found under \(root.path)")
    #expect(
      failed.isEmpty, "\(folders.count - failed.count) of \(folders.count) conformance cases passed"
    )
    print("conformance: \(folders.count) cases checked, \(folders.count - failed.count) passed")
  }

  @Test("expect.yaml is read with PolicyKit's YAML reader")
  func parsesExpectFile() throws {
    let text = """
      # comment
      probe: {protocol: UDP, port: 53}
      self: excluded
      endpoints:
        - "a/x"
        - "b/y"
      allowed:
        - "a/x -> b/y"
      """
    let parsed = try ConformanceCase.parse(Array(text.utf8), name: "t").get()
    #expect(parsed.probe == Probe(.udp, 53))
    #expect(!parsed.includesSelf)
    #expect(parsed.endpoints == ["a/x", "b/y"])
    #expect(parsed.allowed == ["a/x -> b/y"])
  }
}
