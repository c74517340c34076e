#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What the crash handler needs, in plain memory it can read without allocating.
private struct CrashRestoreState {
  var outputFD: Int32 = -1
  var inputFD: Int32 = -1
  var modes = termios()
  var hasModes = false
  var bytes: UnsafeMutablePointer<UInt8>?
  var byteCount = 0
  var previous: UnsafeMutablePointer<sigaction>?
  var isArmed = false
}

// INVARIANT: written only by `CrashGuard.arm`/`disarm` on the loop's thread, with the crash
// handlers uninstalled while it changes; read by the handlers.
nonisolated(unsafe) private var crashState = CrashRestoreState()

/// The fatal signals guarded, by slot. A Swift runtime trap is SIGILL or SIGTRAP on Linux.
private func crashSlot(_ number: Int32) -> Int? {
  switch number {
  case SIGSEGV: return 0
  case SIGILL: return 1
  case SIGTRAP: return 2
  case SIGABRT: return 3
  case SIGBUS: return 4
  case SIGFPE: return 5
  default: return nil
  }
}

private let crashSignalCount = 6
private func crashSignal(slot: Int) -> Int32 {
  [SIGSEGV, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE][slot]
}

private func handleCrash(_ number: Int32) {
  CrashGuard.emergencyRestore()
  // Put back whatever was there before (the Swift backtracer, or the default action) and
  // deliver the signal again once this handler returns.
  if let previous = crashState.previous, let slot = crashSlot(number) {
    _ = sigaction(number, previous + slot, nil)
  } else {
    var defaultAction = sigaction()
    defaultAction.__sigaction_handler.sa_handler = SIG_DFL
    _ = sigaction(number, &defaultAction, nil)
  }
  _ = raise(number)
}

/// Last-resort terminal restore when the process dies from a fatal signal.
///
/// `endwin` is not async-signal-safe, so when armed the handlers for SIGSEGV, SIGILL, SIGTRAP,
/// SIGABRT, SIGBUS and SIGFPE write a precomputed reset sequence (leave the alternate screen,
/// show the cursor, reset attributes, stop mouse reporting) and restore the saved tty modes
/// with `tcsetattr`, then re-raise the signal to the previous handler.
enum CrashGuard {
  /// Installs the handlers. `resetSequence` goes to `outputFD`; `modes` are restored on
  /// `inputFD`. Arming again replaces the previous state.
  static func arm(outputFD: Int32, inputFD: Int32, modes: termios?, resetSequence: [UInt8]) {
    disarm()
    var state = CrashRestoreState()
    state.outputFD = outputFD
    state.inputFD = inputFD
    if let modes {
      state.modes = modes
      state.hasModes = true
    }
    let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, resetSequence.count))
    bytes.initialize(from: resetSequence, count: resetSequence.count)
    state.bytes = bytes
    state.byteCount = resetSequence.count
    let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: crashSignalCount)
    previous.initialize(repeating: sigaction(), count: crashSignalCount)
    state.previous = previous
    state.isArmed = true
    crashState = state
    for slot in 0..<crashSignalCount {
      var action = sigaction()
      action.__sigaction_handler.sa_handler = handleCrash
      sigemptyset(&action.sa_mask)
      action.sa_flags = 0
      _ = sigaction(crashSignal(slot: slot), &action, previous + slot)
    }
  }

  /// Puts the previous handlers back and frees the state. Safe to call when not armed.
  static func disarm() {
    guard crashState.isArmed else { return }
    if let previous = crashState.previous {
      for slot in 0..<crashSignalCount {
        _ = sigaction(crashSignal(slot: slot), previous + slot, nil)
      }
      previous.deallocate()
    }
    crashState.bytes?.deallocate()
    crashState = CrashRestoreState()
  }

  /// Whether the handlers are installed.
  static var isArmed: Bool { crashState.isArmed }

  /// Writes the reset sequence and restores the tty modes, if armed. Async-signal-safe.
  static func emergencyRestore() {
    guard crashState.isArmed else { return }
    if let bytes = crashState.bytes, crashState.outputFD >= 0 {
      _ = write(crashState.outputFD, bytes, crashState.byteCount)
    }
    if crashState.hasModes, crashState.inputFD >= 0 {
      var modes = crashState.modes
      _ = tcsetattr(crashState.inputFD, TCSANOW, &modes)
    }
  }
}
