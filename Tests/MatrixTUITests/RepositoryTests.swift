import Foundation
import Testing

@testable import MatrixTUI

/// The repository stands on its own: its tests and scripts read nothing beside it, and the
/// conformance cases they need are kept in `Tests/Conformance`, with where each comes from.
@Suite struct RepositoryTests {
  private let root = AppFixtures.root

  /// The files of `folder` (recursively), relative to the root, whose names end in one of
  /// `suffixes` (all files when empty).
  private func files(under folder: String, suffixes: [String] = []) -> [String] {
    let base = root.appendingPathComponent(folder)
    guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { return [] }
    var found: [String] = []
    while let relative = enumerator.nextObject() as? String {
      let path = base.appendingPathComponent(relative).path
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
        continue
      }
      if suffixes.isEmpty || suffixes.contains(where: relative.hasSuffix) {
        found.append(folder + "/" + relative)
      }
    }
    return found.sorted()
  }

  private func read(_ relative: String) -> String {
    (try? String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)) ?? ""
  }

  /// The folder beside the repository that nothing may need, spelled in pieces so that this
  /// file, which looks for it, does not name it whole.
  private let beside = ".." + "/" + "shared/"

  @Test func noTestReadsBesideTheRepository() {
    let swiftFiles = files(under: "Tests", suffixes: [".swift"]) + ["Package.swift"]
    #expect(swiftFiles.count > 20)
    for file in swiftFiles where file != "Tests/MatrixTUITests/RepositoryTests.swift" {
      let text = read(file)
      #expect(!text.contains(beside.dropFirst(3) + "conformance"), "\(file) reads the corpus beside the repository")
      #expect(!text.contains("\"../"), "\(file) reads a path beside the repository")
    }
  }

  @Test func scriptsNeedNothingBesideTheRepository() {
    let scripts = files(under: "scripts") + files(under: "Tests", suffixes: [".sh"])
    #expect(scripts.contains("scripts/test"))
    for script in scripts {
      for (number, line) in read(script).split(separator: "\n").enumerated() {
        let code = line.trimmingCharacters(in: .whitespaces)
        guard !code.hasPrefix("#"), code.contains(beside) else { continue }
        // The one use allowed: an extra checker, run only when it is there.
        let optional = script == "scripts/test" && code == "extra=" + beside + "conformance/check.py"
        #expect(optional, "\(script):\(number + 1) needs \(beside): \(code)")
      }
    }
    #expect(read("scripts/test").contains("if [ -f \"$extra\" ]"), "the extra checker runs only when present")
  }

  @Test func conformanceCasesAreKeptWithWhereEachComesFrom() throws {
    let corpus = "Tests/Conformance"
    let readme = read(corpus + "/README.md")
    let expects = files(under: corpus, suffixes: ["/expect.yaml"])
    #expect(expects.count >= 68)
    for expect in expects {
      let folder = String(expect.dropLast("/expect.yaml".count))
      let name = String(folder.dropFirst(corpus.count + 1))
      let caseName = String(name.split(separator: "/").last ?? "")
      #expect(
        FileManager.default.fileExists(atPath: root.appendingPathComponent(folder + "/manifests.yaml").path), "\(name)")
      let text = read(expect)
      #expect(text.contains("\nupstream: "), "\(name) says where it comes from")
      #expect(readme.contains("| `\(caseName)` |"), "Tests/Conformance/README.md lists \(name)")
    }
    // The test targets do not take the corpus for sources.
    #expect(!corpus.hasPrefix("Tests/PolicyKitTests") && !corpus.hasPrefix("Tests/MatrixTUITests"))
  }

  @Test func theReadmeHasTwoCommandsUnderItsHeading() throws {
    let readme = read("README.md")
    guard let start = readme.range(of: "## Two commands\n"),
      let end = readme.range(of: "\n## ", range: start.upperBound..<readme.endIndex)
    else {
      Issue.record("README has no `## Two commands` section")
      return
    }
    let section = readme[start.upperBound..<end.lowerBound]
    // The first code block of the section holds exactly the two commands.
    let blocks = section.components(separatedBy: "```")
    #expect(blocks.count >= 3)
    let commands = blocks[1].split(separator: "\n").dropFirst().map {
      $0.split(separator: " ").first.map(String.init) ?? ""
    }
    #expect(commands == ["scripts/demo", "scripts/test"], "\(commands)")
  }
}
