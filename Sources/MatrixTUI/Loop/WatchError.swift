#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why watching could not start.
enum WatchError: Error, Equatable, CustomStringConvertible {
  /// Neither the path nor its parent directory exists.
  case notFound(path: String)
  /// `inotify_init1` failed.
  case initFailed(errno: Int32)
  /// More directories than the watcher's cap.
  case tooManyDirectories(limit: Int)
  /// `inotify_add_watch` failed for a directory.
  case addWatchFailed(path: String, errno: Int32)

  var description: String {
    switch self {
    case .notFound(let path):
      return "cannot watch `\(path)`: no such file or directory"
    case .initFailed(let code):
      return "cannot watch files: \(String(cString: strerror(code)))"
    case .tooManyDirectories(let limit):
      return "cannot watch files: more than \(limit) directories"
    case .addWatchFailed(let path, let code) where code == ENOSPC:
      return "cannot watch `\(path)`: the inotify watch limit is reached "
        + "(raise fs.inotify.max_user_watches)"
    case .addWatchFailed(let path, let code):
      return "cannot watch `\(path)`: \(String(cString: strerror(code)))"
    }
  }
}
