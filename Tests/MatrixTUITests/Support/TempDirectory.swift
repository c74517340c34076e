import Foundation
import Glibc

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct TempDirectory {
  let path: String

  init() throws {
    let base = FileManager.default.temporaryDirectory.path
    path = base + "/matrix-tui-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  /// `path/relative`.
  func at(_ relative: String) -> String { path + "/" + relative }

  /// Writes `text` with open/write/close (one IN_CLOSE_WRITE), creating parent directories.
  @discardableResult
  func write(_ relative: String, _ text: String) throws -> String {
    let file = at(relative)
    try FileManager.default.createDirectory(
      atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    return file
  }

  /// Saves like an editor: writes a temporary file next to it, then renames it over.
  func saveByRename(_ relative: String, _ text: String) throws {
    let temporary = relative + ".tmp~"
    try write(temporary, text)
    guard rename(at(temporary), at(relative)) == 0 else {
      throw POSIXError(.init(rawValue: errno) ?? .EIO)
    }
  }

  func mkdir(_ relative: String) throws {
    try FileManager.default.createDirectory(atPath: at(relative), withIntermediateDirectories: true)
  }

  func remove(_ relative: String) throws {
    try FileManager.default.removeItem(atPath: at(relative))
  }

  func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }
}
