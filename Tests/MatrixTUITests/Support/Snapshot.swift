import Foundation
import Testing

/// Compares `text` with the file `Snapshots/<suite>/<name>.txt` next to the test sources.
///
/// `suite` defaults to the calling file's name (`CanvasTests`). A mismatch or a missing file
/// records an issue showing a `-expected`/`+actual` line diff. With `RECORD_SNAPSHOTS=1` in the
/// environment the file is (re)written instead and the check passes.
func assertSnapshot(
  _ text: String,
  named name: String,
  suite: String? = nil,
  filePath: String = #filePath,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let suiteName =
    suite ?? URL(fileURLWithPath: filePath).deletingPathExtension().lastPathComponent
  let file = SnapshotStore.directory
    .appendingPathComponent(suiteName)
    .appendingPathComponent(name + ".txt")
  let relative = "Snapshots/\(suiteName)/\(name).txt"
  let recording = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
  let expected = try? String(contentsOf: file, encoding: .utf8)

  if recording {
    if expected.map(SnapshotStore.normalized) != text {
      do {
        try FileManager.default.createDirectory(
          at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try (text + "\n").write(to: file, atomically: true, encoding: .utf8)
      } catch {
        Issue.record("cannot record \(relative): \(error)", sourceLocation: sourceLocation)
      }
    }
    return
  }
  guard let expected else {
    Issue.record(
      "missing snapshot \(relative): run with RECORD_SNAPSHOTS=1 to record it\n\(text)",
      sourceLocation: sourceLocation)
    return
  }
  let normalized = SnapshotStore.normalized(expected)
  if normalized != text {
    let diff = SnapshotStore.lineDiff(expected: normalized, actual: text)
    let message =
      "snapshot \(relative) does not match (-expected +actual; "
      + "RECORD_SNAPSHOTS=1 re-records):\n\(diff)"
    Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
  }
}

/// Where snapshots live and how they are compared.
enum SnapshotStore {
  /// `Tests/MatrixTUITests/Snapshots`, found from this file's path.
  static var directory: URL {
    URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent()
      .deletingLastPathComponent()
      .appendingPathComponent("Snapshots")
  }

  /// File contents without the one trailing newline the recorder adds.
  static func normalized(_ contents: String) -> String {
    contents.hasSuffix("\n") ? String(contents.dropLast()) : contents
  }

  /// A line diff: ` ` unchanged, `-` only in `expected`, `+` only in `actual`. Runs of more
  /// than six unchanged lines are shortened to their first and last two.
  static func lineDiff(expected: String, actual: String) -> String {
    let old = expected.components(separatedBy: "\n")
    let new = actual.components(separatedBy: "\n")
    // Longest common subsequence table, from the end.
    var table = Array(repeating: Array(repeating: 0, count: new.count + 1), count: old.count + 1)
    for i in stride(from: old.count - 1, through: 0, by: -1) {
      for j in stride(from: new.count - 1, through: 0, by: -1) {
        table[i][j] =
          old[i] == new[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
      }
    }
    var lines: [String] = []
    var i = 0
    var j = 0
    while i < old.count || j < new.count {
      if i < old.count, j < new.count, old[i] == new[j] {
        lines.append(" " + old[i])
        i += 1
        j += 1
      } else if i < old.count, j == new.count || table[i + 1][j] >= table[i][j + 1] {
        lines.append("-" + old[i])
        i += 1
      } else {
        lines.append("+" + new[j])
        j += 1
      }
    }
    return collapsed(lines).joined(separator: "\n")
  }

  private static func collapsed(_ lines: [String]) -> [String] {
    var result: [String] = []
    var run: [String] = []
    func flush() {
      if run.count > 6 {
        result += run.prefix(2) + ["  … \(run.count - 4) unchanged lines"] + run.suffix(2)
      } else {
        result += run
      }
      run = []
    }
    for line in lines {
      if line.hasPrefix(" ") {
        run.append(line)
      } else {
        flush()
        result.append(line)
      }
    }
    flush()
    return result
  }
}
