#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// INVARIANT: these globals are only written by `SignalHandling` on the loop's thread while the
// handlers are not installed (or before they are), and only read by `forwardSignal`.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1
nonisolated(unsafe) private var unhandledQuitSignals: Int32 = 0
nonisolated(unsafe) private var signalHandlingActive = false

/// The signal handler: writes the signal number to the self-pipe and nothing else.
///
/// Async-signal-safe: only `write`, `errno` and plain integer globals. If quit signals pile
/// up without the loop draining them (the loop is stuck), the second one restores the
/// terminal through `CrashGuard` and exits with 128 + signal.
private func forwardSignal(_ number: Int32) {
  let savedErrno = errno
  if number == SIGINT || number == SIGTERM || number == SIGHUP {
    unhandledQuitSignals += 1
    if unhandledQuitSignals >= 2 {
      CrashGuard.emergencyRestore()
      _exit(128 + number)
    }
  }
  var byte = UInt8(truncatingIfNeeded: number)
  _ = write(signalPipeWriteEnd, &byte, 1)
  errno = savedErrno
}

/// Routes SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT and SIGWINCH to a self-pipe.
///
/// The handlers only write a byte; `EventLoop` polls `fileDescriptor` with the terminal and
/// the watcher and calls `drainSignals()`, so no curses call ever runs inside a handler.
/// Install it once, after creating the terminal or before, either order works:
/// ```
/// let terminal = try NcursesTerminal()
/// let signals = try SignalHandling.install()
/// defer { signals.uninstall(); terminal.restore() }
/// ```
/// Only one instance can be installed at a time. Install it on the thread that runs the loop:
/// that thread's signal mask is opened for these signals.
final class SignalHandling: SignalSource {
  /// Why `install` failed.
  enum InstallError: Error, Equatable, CustomStringConvertible {
    case alreadyInstalled
    case pipeFailed(errno: Int32)
    case sigactionFailed(signal: Int32, errno: Int32)

    var description: String {
      switch self {
      case .alreadyInstalled:
        return "signal handlers are already installed"
      case .pipeFailed(let code):
        return "cannot create the signal pipe: \(String(cString: strerror(code)))"
      case .sigactionFailed(let signal, let code):
        return "cannot handle signal \(signal): \(String(cString: strerror(code)))"
      }
    }
  }

  /// The signals this instance handles.
  let kinds: [SignalKind]
  private let readEnd: Int32
  private let writeEnd: Int32
  private var previous: [Int32: sigaction] = [:]
  private(set) var isInstalled = false

  private init(kinds: [SignalKind], readEnd: Int32, writeEnd: Int32) {
    self.kinds = kinds
    self.readEnd = readEnd
    self.writeEnd = writeEnd
  }

  deinit { uninstall() }

  /// Creates the self-pipe and installs handlers for `kinds`, remembering the old ones.
  static func install(_ kinds: [SignalKind] = SignalKind.allCases) throws -> SignalHandling {
    guard !signalHandlingActive else { throw InstallError.alreadyInstalled }
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { throw InstallError.pipeFailed(errno: errno) }
    for end in ends {
      // Never block the handler or the loop; do not leak into child processes.
      _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
      _ = fcntl(end, F_SETFD, FD_CLOEXEC)
    }
    let handling = SignalHandling(kinds: kinds, readEnd: ends[0], writeEnd: ends[1])
    signalPipeWriteEnd = ends[1]
    unhandledQuitSignals = 0
    signalHandlingActive = true
    handling.isInstalled = true
    for kind in kinds {
      var action = sigaction()
      action.__sigaction_handler.sa_handler = forwardSignal
      sigemptyset(&action.sa_mask)
      action.sa_flags = SA_RESTART
      var old = sigaction()
      guard sigaction(kind.signalNumber, &action, &old) == 0 else {
        let code = errno
        handling.uninstall()
        throw InstallError.sigactionFailed(signal: kind.signalNumber, errno: code)
      }
      handling.previous[kind.signalNumber] = old
    }
    // Worker threads (Dispatch, the test runner) may run with signals blocked; make sure the
    // loop's thread receives them.
    var unblock = sigset_t()
    sigemptyset(&unblock)
    for kind in kinds { sigaddset(&unblock, kind.signalNumber) }
    _ = pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    return handling
  }

  var fileDescriptor: Int32? { isInstalled ? readEnd : nil }

  func drainSignals() -> [SignalKind] {
    guard isInstalled else { return [] }
    unhandledQuitSignals = 0
    var result: [SignalKind] = []
    var buffer = [UInt8](repeating: 0, count: 64)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
      if count <= 0 { break }
      for byte in buffer.prefix(count) {
        if let kind = SignalKind(signalNumber: Int32(byte)) { result.append(kind) }
      }
    }
    return result
  }

  /// Restores the previous handlers and closes the pipe. Safe to call more than once.
  func uninstall() {
    guard isInstalled else { return }
    isInstalled = false
    for (number, old) in previous {
      var action = old
      _ = sigaction(number, &action, nil)
    }
    previous = [:]
    signalPipeWriteEnd = -1
    signalHandlingActive = false
    close(readEnd)
    close(writeEnd)
  }

  /// Stops the process as Ctrl-Z would, returning when it is continued.
  ///
  /// Our SIGTSTP handler only queues the signal, so the loop calls this (through
  /// `Terminal.suspend()`) after giving the screen back. SIGTSTP is sent with its default
  /// action; in an orphaned process group the kernel discards it and this returns at once.
  static func stopProcess() {
    var defaultAction = sigaction()
    defaultAction.__sigaction_handler.sa_handler = SIG_DFL
    sigemptyset(&defaultAction.sa_mask)
    var current = sigaction()
    _ = sigaction(SIGTSTP, &defaultAction, &current)
    var unblock = sigset_t()
    sigemptyset(&unblock)
    sigaddset(&unblock, SIGTSTP)
    var oldMask = sigset_t()
    _ = pthread_sigmask(SIG_UNBLOCK, &unblock, &oldMask)
    _ = raise(SIGTSTP)
    _ = pthread_sigmask(SIG_SETMASK, &oldMask, nil)
    _ = sigaction(SIGTSTP, &current, nil)
  }
}
