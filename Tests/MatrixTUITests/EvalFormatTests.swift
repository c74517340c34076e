import Foundation
import Testing

@testable import MatrixTUI

/// `eval` in every format, byte for byte: each case of `Snapshots/EvalFormatTests/cases.txt`
/// (a name, then the arguments, tab-separated) is run in process and its output compared with
/// `<name>.txt`, recorded by the build before the formats were streamed (ae2d11d), which made
/// every output whole in memory. (The host-firewall cases were recorded again when the lesson's
/// pods moved to the control-plane node and a pod's way to its own node came to follow Felix's
/// endpoint-to-host action: 26 allowed, 4 denied became 28 and 2.) Every lesson, at TCP/80 and with `any`, in JSON, CSV,
/// Markdown, the table and the summary; a part of the matrix (`--from`, `--to`), the pending
/// view, a named port and ASCII marks.
struct EvalFormatTests {
  static let directory = SnapshotStore.directory.appendingPathComponent("EvalFormatTests")

  static let cases: [(name: String, arguments: [String])] = {
    let list = (try? String(contentsOf: directory.appendingPathComponent("cases.txt"), encoding: .utf8)) ?? ""
    return list.split(separator: "\n").map { line in
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      return (fields[0], Array(fields.dropFirst()))
    }
  }()

  @Test func everyCaseIsListed() {
    #expect(Self.cases.count >= 80)
  }

  @Test(arguments: cases.map(\.name))
  func outputIsTheRecordedOne(name: String) throws {
    let arguments = try #require(Self.cases.first { $0.name == name }?.arguments)
    // Paths are relative to the repository's root.
    let rooted = arguments.map { $0.hasPrefix("demo/") ? AppFixtures.root.appendingPathComponent($0).path : $0 }
    let command = try EvalCommand(ParsedArguments(rooted, for: EvalCommand.definition))
    var bytes: [UInt8] = []
    let out = ByteWriter(blockSize: 512) { bytes.append(contentsOf: $0) }
    try command.write(to: out)
    out.flush()
    let expected = try Data(contentsOf: Self.directory.appendingPathComponent(name + ".txt"))
    if Array(expected) != bytes {
      let diff = SnapshotStore.lineDiff(
        expected: String(decoding: expected, as: UTF8.self), actual: String(decoding: bytes, as: UTF8.self))
      Issue.record("eval \(arguments.joined(separator: " ")) differs (-recorded +now):\n\(diff)")
    }
  }
}
