#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A thin wrapper over `poll(2)` for readability of several descriptors.
enum Poller {
  /// Waits until one of `descriptors` is readable (or hung up / in error) or `timeoutMs`
  /// passes; a negative timeout waits forever.
  ///
  /// Returns the ready descriptors: empty on timeout and when a signal interrupted the wait
  /// (`EINTR`), so callers simply go round their loop again.
  static func readable(_ descriptors: [Int32], timeoutMs: Int) -> Set<Int32> {
    var fds = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    let timeout = Int32(clamping: timeoutMs < 0 ? -1 : timeoutMs)
    let count = fds.withUnsafeMutableBufferPointer { buffer in
      poll(buffer.baseAddress, nfds_t(buffer.count), timeout)
    }
    guard count > 0 else { return [] }
    let ready = Int16(POLLIN) | Int16(POLLHUP) | Int16(POLLERR) | Int16(POLLNVAL)
    return Set(fds.filter { $0.revents & ready != 0 }.map(\.fd))
  }
}
