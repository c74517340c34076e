#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A signal the event loop reacts to.
enum SignalKind: Hashable, Sendable, CaseIterable {
  /// SIGINT (Ctrl-C).
  case interrupt
  /// SIGTERM.
  case terminate
  /// SIGHUP (the terminal went away).
  case hangup
  /// SIGTSTP (Ctrl-Z).
  case suspend
  /// SIGCONT (after `fg`, or `kill -CONT`).
  case resume
  /// SIGWINCH (the window changed size).
  case windowChanged

  /// The POSIX signal number.
  var signalNumber: Int32 {
    switch self {
    case .interrupt: return SIGINT
    case .terminate: return SIGTERM
    case .hangup: return SIGHUP
    case .suspend: return SIGTSTP
    case .resume: return SIGCONT
    case .windowChanged: return SIGWINCH
    }
  }

  /// The kind for a signal number, if it is one of these.
  init?(signalNumber: Int32) {
    guard let kind = SignalKind.allCases.first(where: { $0.signalNumber == signalNumber }) else {
      return nil
    }
    self = kind
  }

  /// The conventional exit status of a process ended by this signal (128 + number).
  var exitStatus: Int32 { 128 + signalNumber }
}

/// Where signals are read from: the self-pipe of `SignalHandling`, or a fake in tests.
protocol SignalSource: AnyObject {
  /// Readable when signals are pending; nil when the loop should ask on every turn.
  var fileDescriptor: Int32? { get }
  /// The signals received since the last call, in order, without blocking.
  func drainSignals() -> [SignalKind]
}
