import PolicyKit

/// Everything that can happen to the explorer.
enum Action: Sendable {
  /// A key (or mouse event) from the terminal.
  case key(Key)
  /// The terminal has a new size.
  case resize(width: Int, height: Int)
  /// Time passed (highlights fade, debounced reloads fire).
  case tick(now: Double)
  /// Watched files changed at `now`; a reload follows once the burst settles.
  case filesChanged([FileChange], now: Double)
  /// Manifests (and lesson files) were read.
  case loaded(LoadedManifests, Lesson?)
  /// Open on this cell with its trace (`--select 'SRC -> DST'`).
  case select(source: String, destination: String)
  /// SIGINT, SIGTERM or SIGHUP.
  case terminate
  /// Apply the trap what-if to the policy `reference` names (`--trap`).
  case trap(String)
  /// Read the manifests now (start-up and `r`).
  case reload
  /// The watcher could not start: changes are not followed until a reload retries it.
  case watchFailed(String)
  /// The editor `e` started has exited; `problem` says why it could not run, if it could not.
  case editorFinished(problem: String?)
}

/// Work the runtime does for the reducer, feeding results back as actions.
enum Effect: Hashable, Sendable {
  /// Read the manifests again (the runtime answers with `.loaded`): with `changes`, all
  /// that changed on disk since the last load; without, every file is looked at.
  case reload(changes: [FileChange]?)
  /// Hand the terminal to the user's editor at a file and line; the runtime answers with
  /// `.editorFinished` once it exits.
  case edit(file: String, line: Int)
  /// Leave the explorer.
  case quit
}
