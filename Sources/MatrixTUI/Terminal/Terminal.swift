/// The screen and keyboard, as the app sees them (a port: `NcursesTerminal`, `FakeTerminal`).
///
/// The terminal never blocks: `EventLoop` waits on `inputFD` together with the file watcher
/// and the signal pipe in one `poll()`, then calls `readInput()`. Everything happens on the
/// loop's thread (ncurses is not thread-safe).
protocol Terminal: AnyObject {
  /// Size in cells; re-read after `.key(.resize)`.
  var size: (width: Int, height: Int) { get }
  /// The descriptor that becomes readable when input is waiting; nil when there is none
  /// (fakes), in which case the loop calls `readInput()` on every turn.
  var inputFD: Int32? { get }
  /// All input available now, without blocking; empty when there is none.
  func readInput() -> [Key]
  /// Shows `canvas`, redrawing only the cells that changed since the last call.
  func present(_ canvas: Canvas)
  /// Gives the screen back to the shell, stops the process (Ctrl-Z), and takes the screen
  /// again when continued. The next `present` redraws everything.
  func suspend()
  /// Puts the terminal back the way it was. Safe to call more than once.
  func restore()
  /// Gives the screen back to the shell while `body` runs (an editor), then takes it again;
  /// the next `present` redraws everything.
  func handOver(_ body: () -> Void)
}

extension Terminal {
  /// Fakes have no screen to give back.
  func handOver(_ body: () -> Void) { body() }
}
