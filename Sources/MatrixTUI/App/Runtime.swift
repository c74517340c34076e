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
  let load: ([String]) -> (LoadedManifests, Lesson?)
  /// A trap to apply once the manifests are loaded (`--trap`).
  var pendingTrap: String?

  init(
    state: AppState, terminal: Terminal, events: EventLoop, clock: Clock,
    load: @escaping ([String]) -> (LoadedManifests, Lesson?)
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
        case .reload:
          let (loaded, lesson) = load(state.paths)
          queue.append(.loaded(loaded, lesson))
        case .quit:
          return
        }
      }
    }
  }

  /// Loads, opens on `selection` if given, and loops until the user quits.
  func run(selection: (String, String)? = nil, maxTurns: Int = .max) {
    state.now = clock.now
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
    var turns = 0
    while !state.hasQuit && turns < maxTurns {
      turns += 1
      for event in events.next(timeoutMs: timeoutMs()) {
        state.now = clock.now
        switch event {
        case .key(.resize):
          let size = terminal.size
          dispatch(.resize(width: size.width, height: size.height))
        case .key(let key):
          dispatch(.key(key))
        case .filesChanged:
          dispatch(.filesChanged(now: clock.now))
        case .signal:
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
  }

  /// How long to wait: until the next debounced reload, highlight fade or status expiry.
  func timeoutMs() -> Int {
    var deadlines: [Double] = []
    if let due = state.pendingReloadAt { deadlines.append(due) }
    if let status = state.status { deadlines.append(status.until) }
    if let newest = state.flips.values.max(), state.now - newest < state.flipHighlightSeconds {
      deadlines.append(newest + state.flipHighlightSeconds)
    }
    guard let next = deadlines.min() else { return -1 }
    return max(0, min(1000, Int(((next - clock.now) * 1000).rounded(.up))))
  }
}
