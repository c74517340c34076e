import Foundation
import PolicyKit

/// `matrix-tui PATH...`: the explorer.
struct ExploreCommand: Subcommand {
  static let definition = CommandDefinition(
    name: "explore", abstract: "Open the explorer on the manifests (the default).",
    arguments: EvaluationOptions.arguments + [
      .option("select", completion: .endpointPair, help: "Open on this cell with its trace shown: 'SRC -> DST'."),
      .flag("no-watch", help: "Do not reload when the manifests change."),
      .flag("ascii", help: "ASCII marks and borders only."),
      .flag("monochrome", help: "No colours (also when NO_COLOR is set); marks carry the meaning."),
      .flag("poll", help: "Watch by polling modification times instead of inotify."),
      .choice(
        "zoom", Zoom.self, default: "auto", help: "auto (namespaces above 400 endpoints), endpoints or namespaces."),
      .option(
        "against", completion: .files,
        help: "Mark the cells that differ from this version (a file or folder, loaded once); n/N jump between them."),
      .option(
        "against-git",
        help: "Mark the cells that differ from PATH... as committed at this revision (HEAD, origin/main)."),
    ])

  enum Zoom: String, CaseIterable {
    case auto, endpoints, namespaces
  }

  var options: EvaluationOptions
  var select: String?
  var noWatch: Bool
  var ascii: Bool
  var monochrome: Bool
  var poll: Bool
  var zoom: Zoom
  var against: String?
  var againstGit: String?

  init(_ arguments: ParsedArguments) throws {
    options = try EvaluationOptions(arguments)
    select = arguments.value("select")
    noWatch = arguments.flag("no-watch")
    ascii = arguments.flag("ascii")
    monochrome = arguments.flag("monochrome")
    poll = arguments.flag("poll")
    zoom = try arguments.choice("zoom")
    against = arguments.value("against")
    againstGit = arguments.value("against-git")
    if against != nil, againstGit != nil {
      throw UsageError("give one baseline: --against OLD or --against-git REV, not both")
    }
  }

  /// The baseline to compare with, loaded once; nil without `--against` or `--against-git`.
  /// A missing path, an unknown revision or a baseline with errors ends the command (exit 2).
  func loadBaseline() throws -> Baseline? {
    let load = options.loadOptions
    let result: LoadResult
    let label: String
    if let against {
      guard FileManager.default.fileExists(atPath: against) else {
        DiagnosticPrinter.print([
          .error("--against: no such file or directory `\(against)`\(ManifestInput.pathSuggestion(against))", at: nil)
        ])
        throw ExitCode(2)
      }
      result = LoadedManifests.load([against], options: load).result
      label = against
    } else if let againstGit {
      switch GitRevision(revision: againstGit).files(options.paths) {
      case .success(let files): result = ManifestLoader.load(files, options: load)
      case .failure(let failure):
        let message =
          failure.description.hasPrefix("--git:")
          ? "--against-git:" + failure.description.dropFirst("--git:".count) : failure.description
        DiagnosticPrinter.print([.error(message, at: nil)])
        throw ExitCode(2)
      }
      label = againstGit
    } else {
      return nil
    }
    if result.diagnostics.hasErrors {
      DiagnosticPrinter.print(result.diagnostics)
      DiagnosticPrinter.print([
        .error("the baseline `\(label)` has errors: fix them or compare with another version", at: nil)
      ])
      throw ExitCode(2)
    }
    return Baseline(label: label, cluster: result.cluster)
  }

  func parsedSelection() throws -> (String, String)? {
    guard let select else { return nil }
    let parts = select.components(separatedBy: "->").map { $0.trimmingCharacters(in: .whitespaces) }
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
      throw UsageError("--select needs 'SRC -> DST', e.g. 'prod/backend -> host/node-worker'")
    }
    return (parts[0], parts[1])
  }

  func run() throws {
    let selection = try parsedSelection()
    let probe = try options.resolvedProbe()
    // The explorer watches for files to come back, but one never there is a typo.
    let missing = options.paths.filter { $0 != "-" && !FileManager.default.fileExists(atPath: $0) }
    if !missing.isEmpty {
      DiagnosticPrinter.print(
        missing.map {
          .error("no such file or directory `\($0)`\(ManifestInput.pathSuggestion($0))", at: nil)
        })
      throw ExitCode(2)
    }
    let baseline = try loadBaseline()
    guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1 else {
      DiagnosticPrinter.print([
        .error("the explorer needs a terminal; use `matrix-tui eval` to print the matrix", at: nil)
      ])
      throw ExitCode(2)
    }
    let environment = ProcessInfo.processInfo.environment
    let isMonochrome = monochrome || environment["NO_COLOR"].map { !$0.isEmpty } == true
    let terminal: NcursesTerminal
    do {
      terminal = try NcursesTerminal(options: .init(monochrome: isMonochrome, asciiOnly: ascii))
    } catch {
      // Not a byte the terminal could take for a command: it may be one terminfo does not know.
      DiagnosticPrinter.print([.error("cannot open the explorer: \(error)", at: nil)], plain: true)
      throw ExitCode(2)
    }
    defer { terminal.restore() }
    let signals = try? SignalHandling.install()
    let clock = SystemClock()
    var watcher: FileWatcher?
    if !noWatch {
      if poll {
        watcher = PollingWatcher(clock: clock)
      } else {
        watcher = (try? InotifyWatcher()) ?? PollingWatcher(clock: clock)
      }
      // The runtime starts it, and restarts it when a watched directory goes and comes back.
    }
    var state = AppState(paths: options.paths, isWatching: watcher != nil)
    state.probe = probe
    state.view = options.view
    state.glyphs = ascii ? .ascii : .unicode
    state.isMonochrome = isMonochrome
    state.baseline = baseline
    switch zoom {
    case .auto: break
    case .endpoints: state.zoomOutAbove = .max
    case .namespaces: state.zoomOutAbove = 0
    }
    let session = ManifestSession(options: options.loadOptions)
    let runtime = Runtime(
      state: state, terminal: terminal,
      events: EventLoop(terminal: terminal, watcher: watcher, signals: signals), clock: clock,
      load: { paths, changes in (session.load(paths, changes: changes), Lesson.load(paths)) })
    if let trap = options.trap {
      runtime.pendingTrap = trap
    }
    runtime.environment = environment
    runtime.run(selection: selection)
    if let signal = runtime.endingSignal {
      // Restored first (the deferred restore runs before the exit status is returned).
      throw ExitCode(signal.exitStatus)
    }
  }
}
