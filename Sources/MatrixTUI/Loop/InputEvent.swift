/// Everything the app loop reacts to, as returned by `EventLoop.next(timeoutMs:)`.
enum InputEvent: Hashable, Sendable {
  /// A key, mouse event or `.resize` from the terminal.
  case key(Key)
  /// Watched manifests changed (already drained from the `FileWatcher`).
  case filesChanged([FileChange])
  /// SIGINT, SIGTERM or SIGHUP arrived: the app should quit cleanly (restore, exit 128+n).
  case signal(SignalKind)
  /// The process was stopped (Ctrl-Z) or continued: the screen content is gone, present again.
  case resumed
}
