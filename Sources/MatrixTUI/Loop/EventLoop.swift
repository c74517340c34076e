/// Waits for terminal input, file changes and signals in one `poll()` and returns them as
/// `InputEvent`s. Single-threaded: call it from the app's run loop only.
///
/// `Runtime.turn` asks it for the next events, waiting no longer than the reducer's next
/// deadline (a debounced reload, a status message to clear):
///
/// ```
/// for event in events.next(timeoutMs: timeoutMs()) { ... dispatch(action) ... }
/// terminal.present(Screen.render(state))
/// ```
/// Sources without a descriptor (fakes, `PollingWatcher`) are asked on every turn, and their
/// events are returned without waiting; a watcher without a descriptor caps the wait at
/// `pollIntervalMs`. Ctrl-Z (SIGTSTP) is handled here: the terminal is suspended and the
/// turn returns `.resumed`. SIGWINCH only wakes the loop; the terminal reports `.resize`.
final class EventLoop {
  let terminal: Terminal
  let watcher: FileWatcher?
  let signals: SignalSource?
  /// Longest wait between two drains of a watcher without a descriptor.
  var pollIntervalMs: Int

  init(
    terminal: Terminal, watcher: FileWatcher? = nil, signals: SignalSource? = nil,
    pollIntervalMs: Int = 500
  ) {
    self.terminal = terminal
    self.watcher = watcher
    self.signals = signals
    self.pollIntervalMs = pollIntervalMs
  }

  /// The events that arrive within `timeoutMs` (negative: wait until something happens).
  ///
  /// Returns as soon as at least one source has something, with everything available at
  /// that moment, in this order: signals, keys, file changes. Returns an empty array on
  /// timeout or when a wake-up produced nothing for the app (e.g. SIGWINCH with no resize).
  func next(timeoutMs: Int) -> [InputEvent] {
    var signalKinds: [SignalKind] = []
    var keys: [Key] = []
    var changes: [FileChange] = []

    // 1. Sources that cannot be polled are asked first; if they have something, no waiting.
    if let signals, signals.fileDescriptor == nil { signalKinds += signals.drainSignals() }
    if terminal.inputFD == nil { keys += terminal.readInput() }
    if let watcher, watcher.fileDescriptor == nil { changes += watcher.drainEvents() }
    if !signalKinds.isEmpty || !keys.isEmpty || !changes.isEmpty {
      return events(signals: signalKinds, keys: keys, changes: changes)
    }

    // 2. Wait on every descriptor at once.
    let descriptors = [signals?.fileDescriptor, terminal.inputFD, watcher?.fileDescriptor]
      .compactMap { $0 }
    var timeout = timeoutMs
    if descriptors.isEmpty || (watcher != nil && watcher?.fileDescriptor == nil) {
      timeout = timeout < 0 ? pollIntervalMs : min(timeout, pollIntervalMs)
    }
    let ready = Poller.readable(descriptors, timeoutMs: timeout)

    // 3. Drain what is ready. The terminal is always read: a signal may have interrupted the
    // wait (a resize), and curses may hold bytes it has read ahead that poll() cannot see.
    if let signals, let fd = signals.fileDescriptor, ready.contains(fd) {
      signalKinds += signals.drainSignals()
    }
    if terminal.inputFD != nil { keys += terminal.readInput() }
    if let watcher {
      if let fd = watcher.fileDescriptor {
        if ready.contains(fd) { changes += watcher.drainEvents() }
      } else {
        changes += watcher.drainEvents()
      }
    }
    return events(signals: signalKinds, keys: keys, changes: changes)
  }

  private func events(signals: [SignalKind], keys: [Key], changes: [FileChange]) -> [InputEvent] {
    var result: [InputEvent] = []
    var keys = keys
    var resumed = false
    var pending = signals[...]
    while let kind = pending.popFirst() {
      switch kind {
      case .suspend:
        terminal.suspend()
        resumed = true
        // The SIGCONT that woke us is already in the pipe: take it now, not as a second
        // `.resumed` on the next turn. The size may also have changed while stopped.
        pending += self.signals?.drainSignals() ?? []
        keys += terminal.readInput()
      case .resume:
        resumed = true
      case .windowChanged:
        break
      case .interrupt, .terminate, .hangup:
        if !result.contains(.signal(kind)) { result.append(.signal(kind)) }
      }
    }
    if resumed { result.append(.resumed) }
    for key in keys {
      // A burst of resizes needs one redraw.
      if key == .resize, result.last == .key(.resize) { continue }
      result.append(.key(key))
    }
    if !changes.isEmpty { result.append(.filesChanged(changes)) }
    return result
  }
}
