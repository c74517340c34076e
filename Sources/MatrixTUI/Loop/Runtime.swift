import PolicyKit

/// Runs the explorer: waits for input, file changes, signals and deadlines; feeds them to
/// the reducer as actions; carries out its effects; and presents the rendered screen.
///
/// Everything happens on one thread (curses is not thread-safe). The terminal, the watcher,
/// the clock and the loader are ports, so tests drive the same loop with fakes.
final class Runtime {
  private(set) var state: AppState
  let terminal: Terminal
  let events: EventLoop
  let clock: Clock
  /// Loads the paths; the changes, when given, are all the watcher saw since the last load.
  let load: ([String], [FileChange]?) -> (LoadedManifests, Lesson?)
  /// A trap to apply once the manifests are loaded (`--trap`).
  var pendingTrap: String?
  /// Arguments the watcher could not watch (not even their directory exists): retried at
  /// every reload, so they are picked up once they reappear.
  private(set) var unwatchedPaths: [String] = []
  /// Starts the editor with these arguments and waits for it (returns why it failed, or nil);
  /// tests put a recorder here.
  var launchEditor: ([String]) -> String? = EditorLauncher.run
  /// The environment `$VISUAL` and `$EDITOR` are read from.
  var environment: [String: String] = [:]
  /// The signal that ended the loop, if one did (the process then exits with 128 + its number).
  private(set) var endingSignal: SignalKind?

  init(
    state: AppState, terminal: Terminal, events: EventLoop, clock: Clock,
    load: @escaping ([String], [FileChange]?) -> (LoadedManifests, Lesson?)
  ) {
    self.state = state
    self.terminal = terminal
    self.events = events
    self.clock = clock
    self.load = load
  }

  /// Dispatches an action and every action its effects produce.
  func dispatch(_ action: Action) {
    var queue = [action]
    while !queue.isEmpty {
      let next = queue.removeFirst()
      for effect in state.reduce(next) {
        switch effect {
        case .reload(let changes):
          // A path watched only from now on may have changed unseen.
          let rewatched = !unwatchedPaths.isEmpty
          if rewatched { watch() }
          let (loaded, lesson) = load(state.paths, rewatched ? nil : changes)
          queue.append(.loaded(loaded, lesson))
        case .edit(let file, let line):
          let arguments = EditorLauncher.arguments(environment: environment, file: file, line: line)
          var problem: String?
          terminal.handOver { problem = launchEditor(arguments) }
          let size = terminal.size
          queue.append(.resize(width: size.width, height: size.height))
          queue.append(.editorFinished(problem: problem))
        case .quit:
          return
        }
      }
    }
  }

  /// (Re)starts the watcher on every argument that can be watched now. One missing path does
  /// not stop the others from being watched.
  func watch() {
    guard let watcher = events.watcher, state.isWatching else { return }
    var watchable: [String] = []
    var missing: [String] = []
    for path in state.paths {
      if (try? WatchTargets.resolve([path])) != nil {
        watchable.append(path)
      } else {
        missing.append(path)
      }
    }
    do {
      try watcher.watch(paths: watchable)
      unwatchedPaths = missing
    } catch {
      unwatchedPaths = state.paths
      dispatch(.watchFailed("\(error)"))
    }
  }

  /// Whether `changes` alter what has to be watched: an argument itself appeared or went
  /// (a directory argument removed and made again), or events were lost.
  func needsRewatch(_ changes: [FileChange]) -> Bool {
    let arguments = Set(state.paths.map(Self.trimmed))
    return changes.contains { change in
      change.kind == .rescan
        || (change.kind == .created || change.kind == .deleted)
          && arguments.contains(Self.trimmed(change.path))
    }
  }

  private static func trimmed(_ path: String) -> String {
    var result = path
    while result.count > 1, result.hasSuffix("/") { result.removeLast() }
    return result
  }

  /// Loads, opens on `selection` if given, and loops until the user quits.
  func run(selection: (String, String)? = nil, maxTurns: Int = .max) {
    start(selection: selection)
    var turns = 0
    while !state.hasQuit && turns < maxTurns {
      turns += 1
      turn(timeoutMs: timeoutMs())
    }
  }

  /// Starts watching, loads, opens on `selection` if given, and presents the first screen.
  func start(selection: (String, String)? = nil) {
    state.now = clock.now
    watch()
    let size = terminal.size
    dispatch(.resize(width: size.width, height: size.height))
    // A first frame at once ("loading…"), so a big cluster never shows a blank screen.
    terminal.present(Screen.render(state))
    dispatch(.reload)
    if let pendingTrap { dispatch(.trap(pendingTrap)) }
    if let (source, destination) = selection {
      dispatch(.select(source: source, destination: destination))
    }
    terminal.present(Screen.render(state))
  }

  /// One turn of the loop: waits up to `timeoutMs` for input, file changes and signals,
  /// handles them, lets the clock's time pass (debounced reloads fire), and presents.
  func turn(timeoutMs: Int) {
    for event in events.next(timeoutMs: timeoutMs) {
      state.now = clock.now
      switch event {
      case .key(.resize):
        let size = terminal.size
        dispatch(.resize(width: size.width, height: size.height))
      case .key(let key):
        dispatch(.key(key))
      case .filesChanged(let changes):
        if needsRewatch(changes) { watch() }
        dispatch(.filesChanged(changes, now: clock.now))
      case .signal(let kind):
        endingSignal = kind
        dispatch(.terminate)
      case .resumed:
        let size = terminal.size
        dispatch(.resize(width: size.width, height: size.height))
      }
      if state.hasQuit { return }
    }
    dispatch(.tick(now: clock.now))
    terminal.present(Screen.render(state))
  }

  /// How long to wait: until the next debounced reload, highlight fade or status expiry.
  func timeoutMs() -> Int {
    var deadlines: [Double] = []
    if let due = state.pendingReloadAt { deadlines.append(due) }
    if let status = state.status { deadlines.append(status.until) }
    if let newest = state.flips.map(\.at).max(), state.now - newest < state.flipHighlightSeconds {
      deadlines.append(newest + state.flipHighlightSeconds)
    }
    guard let next = deadlines.min() else { return -1 }
    return max(0, min(1000, Int(((next - clock.now) * 1000).rounded(.up))))
  }
}
