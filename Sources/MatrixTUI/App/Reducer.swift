import PolicyKit

extension AppState {
  /// The only place state changes: applies `action`, brings what is derived for drawing up
  /// to date (the selected cell's trace; the counts come with each evaluation), and returns
  /// the work to do. Views only read the result: drawing never evaluates.
  mutating func reduce(_ action: Action) -> [Effect] {
    let effects = update(action)
    refreshTrace()
    return effects
  }

  /// Applies `action` and returns the work to do.
  private mutating func update(_ action: Action) -> [Effect] {
    switch action {
    case .key(let key):
      return handle(key)
    case .resize(let width, let height):
      self.width = width
      self.height = height
      scrollToCursor()
      return []
    case .tick(let now):
      self.now = now
      if let due = pendingReloadAt, now >= due {
        pendingReloadAt = nil
        return [reload(changes: changesSinceLoad)]
      }
      if let status, now >= status.until { self.status = nil }
      return []
    case .filesChanged(let changes, let now):
      self.now = now
      guard isWatching else { return [] }
      changesSinceLoad?.append(contentsOf: changes)
      pendingReloadAt = now + debounceSeconds
      return []
    case .loaded(let loaded, let lesson):
      apply(loaded, lesson: lesson)
      return []
    case .select(let source, let destination):
      let ids = endpoints.map(\.id)
      if let s = ids.firstIndex(of: source), let d = ids.firstIndex(of: destination) {
        moveCursor(toSource: s, destination: d)
        focus = .trace
      } else {
        // Which of the two names no endpoint, and the closest that does.
        let unknown = [source, destination].filter { !ids.contains($0) }
          .map { "`\($0)`\(DidYouMean.suffix($0, among: ids))" }
        say("no cell `\(source) -> \(destination)`: no endpoint \(unknown.joined(separator: ", no endpoint "))", .bad)
      }
      return []
    case .terminate:
      hasQuit = true
      return [.quit]
    case .reload:
      return [reload(changes: nil)]
    case .editorFinished(let problem):
      if let problem {
        say(problem, .bad)
      } else if !isWatching {
        // Nothing follows the files: what the editor saved is read now.
        return [reload(changes: nil)]
      }
      return []
    case .watchFailed(let reason):
      say("not watching the files (press r to reload): \(reason)", .bad)
      return []
    case .trap(let reference):
      guard let cluster else { return [] }
      switch cluster.applyingTrap(reference) {
      case .success(let (_, report)):
        trap = TrapState(reference: reference, report: report)
        recompute(reason: "trap: \(report.summary)")
      case .failure(let error):
        say("trap: \(cluster.describe(error))", .bad)
      }
      return []
    }
  }

  // MARK: - Loading

  /// The reload effect; changes seen from now on are for the reload after it.
  private mutating func reload(changes: [FileChange]?) -> Effect {
    changesSinceLoad = []
    return .reload(changes: changes)
  }

  /// Adopts a load: a load with errors keeps the last good cluster on screen, and so does one
  /// where a file that had content is now empty, for `emptyFileGraceSeconds` (an editor or a
  /// redirection truncates before it writes; an empty matrix flashing by helps nobody).
  mutating func apply(_ loaded: LoadedManifests, lesson: Lesson?) {
    let isFirst = snapshot == nil
    let hasErrors = loaded.result.diagnostics.hasErrors
    let waiting = loaded.emptyFiles.intersection(filesWithContent).filter { file in
      now < (emptySince[file] ?? now) + emptyFileGraceSeconds
    }
    if cluster != nil, !hasErrors, !waiting.isEmpty {
      for file in waiting where emptySince[file] == nil { emptySince[file] = now }
      // Look again when the first of them has been empty for the grace time.
      let due = (waiting.compactMap { emptySince[$0] }.min() ?? now) + emptyFileGraceSeconds
      pendingReloadAt = min(pendingReloadAt ?? due, due)
      // That look goes over every file.
      changesSinceLoad = nil
      let names = waiting.sorted().map { "`\(Self.displayName($0))`" }.joined(separator: ", ")
      say(
        "\(names) \(waiting.count == 1 ? "is" : "are") empty (still being saved?): the matrix waits a moment", .normal)
      return
    }
    emptySince = [:]
    let idsBefore = cluster.map { $0.endpoints.map(\.id) } ?? []
    diagnostics = loaded.result.diagnostics + (lesson?.diagnostics ?? [])
    self.lesson = lesson
    clusterIsFromEarlierLoad = hasErrors && cluster != nil
    if !clusterIsFromEarlierLoad {
      cluster = loaded.result.cluster
      files = loaded.files
      filesWithContent = Set(loaded.files).subtracting(loaded.emptyFiles)
    }
    let idsAfter = cluster.map { $0.endpoints.map(\.id) } ?? []
    recompute(
      reason: isFirst ? nil : "reload",
      cameAndWent: isFirst ? nil : Self.cameAndWent(before: idsBefore, after: idsAfter))
    // Open on the first cell between two different endpoints, not on a self cell.
    if isFirst, cursorRow == 0, cursorColumn == 0, columns.count > 1 {
      cursorColumn = 1
    }
    if isFirst, endpoints.count > zoomOutAbove { zoomOut() }
    if hasErrors, !isFirst {
      say("\(errors.count) error\(errors.count == 1 ? "" : "s"): the last good matrix stays on screen", .bad)
    }
  }

  /// Re-evaluates after anything that changes the matrix. With a `reason` (what changed, for the
  /// status line), the cells the session reports changed are marked as flipped.
  mutating func recompute(reason: String?, cameAndWent: String? = nil) {
    guard let cluster else { return }
    let selected = selectedCell.map { (endpoints[$0.source].id, endpoints[$0.destination].id) }
    let question = Question(view: view, probe: probe, everyConnection: isAnyProbe, trap: trap?.reference)
    baseline?.evaluate(question)
    let hadSnapshot = snapshot != nil
    // What the edit cannot have changed is taken over from the last evaluation (or, at
    // first, from the baseline: the version on screen is an edit of it). The session is
    // left the only holder of that evaluation, so that it can update its rows in place.
    snapshot = nil
    guard let update = session.update(cluster: cluster, question: question, startingFrom: baseline?.snapshot)
    else { return }
    if let error = update.trapError {
      trap = nil
      say("trap removed: \(error)", .bad)
    } else if let report = update.snapshot.trapReport {
      trap?.report = report
    }
    let sameEndpoints = hadSnapshot && update.snapshot.evaluator.sameEndpoints
    snapshot = update.snapshot
    let evaluator = update.snapshot.evaluator
    if !sameEndpoints {
      // Other endpoints (otherwise the same ones, measured before).
      longestEndpointID = evaluator.cluster.endpoints.lazy.map { $0.rowLabel().count }.max() ?? 0
    }
    evaluationChanged()
    updateChecklist()
    applyFilter()
    if let (source, destination) = selected {
      if let s = evaluator.index[source], let d = evaluator.index[destination] {
        if groupMatrix != nil {
          // Zoomed out stays zoomed out; the endpoint cursor keeps its cell for zooming in.
          cursorRow = rows.firstIndex(of: s) ?? cursorRow
          cursorColumn = columns.firstIndex(of: d) ?? cursorColumn
        } else {
          moveCursor(toSource: s, destination: d)
        }
      }
    }
    clampCursor()
    guard let reason, let changed = update.changed else {
      if groupMatrix != nil { groupMatrix = GroupMatrix(state: self) }
      return
    }
    let (flipped, nowAllowed) = recordFlips(changed)
    if let zoomed = groupMatrix {
      // The same endpoints: the flipped pairs adjust the counts.
      if !isAnyProbe,
        let updated = zoomed.updated(changed: changed, in: update.snapshot.matrix, classes: evaluator.classes)
      {
        groupMatrix = updated
        groupMatrix?.countChanges(baselineDiff)
      } else {
        groupMatrix = GroupMatrix(state: self)
      }
    }
    let nowDenied = flipped - nowAllowed
    let others = cameAndWent.map { "; \($0)" } ?? ""
    if flipped == 0 {
      let none = cameAndWent == nil ? "no cell changed" : "no cell between the endpoints that stayed changed"
      say("\(reason): \(none)\(others)", .normal)
    } else {
      say(
        "\(reason): \(flipped) cell\(flipped == 1 ? "" : "s") flipped: +\(nowAllowed) allowed, +\(nowDenied) denied\(others)",
        .good)
    }
  }

  /// `came: prod/new; went: prod/old` (the first few of each), or nil when the same endpoints.
  static func cameAndWent(before: [String], after: [String]) -> String? {
    let old = Set(before)
    let new = Set(after)
    func list(_ ids: [String]) -> String {
      let shown = ids.prefix(3).joined(separator: ", ")
      return ids.count > 3 ? "\(shown) and \(ids.count - 3) more" : shown
    }
    let came = after.filter { !old.contains($0) }
    let went = before.filter { !new.contains($0) }
    var parts: [String] = []
    if !came.isEmpty { parts.append("came: \(list(came))") }
    if !went.isEmpty { parts.append("went: \(list(went))") }
    return parts.isEmpty ? nil : parts.joined(separator: "; ")
  }

  /// Remembers the cells that changed (with `any`: whose connections changed) for the
  /// highlight, and counts them: how many flipped and how many of those are now allowed (with
  /// `any`: now allow something).
  private mutating func recordFlips(_ changed: ChangedCells) -> (flipped: Int, nowAllowed: Int) {
    guard let matrix else { return (0, 0) }
    flips.removeAll { now - $0.at >= flipHighlightSeconds }
    if let olderIndex = changed.olderIndex {
      // Other endpoints: earlier highlights follow their endpoints to their new places.
      flips = flips.map { record in
        FlipRecord(
          at: record.at, pairs: record.pairs,
          groupOf: olderIndex.map { $0 >= 0 ? record.groupOf[Int($0)] : -1 })
      }
    }
    var flipped = 0
    var nowAllowed = 0
    changed.forEachPair { source, destination, cells in
      flipped += cells
      let (from, to) = (Int(changed.newerClass[source]), Int(changed.newerClass[destination]))
      let allows =
        isAnyProbe
        ? connections.map { !$0.classConnections(from, to).isEmpty } ?? false
        : matrix.classAllows(from, to)
      if allows { nowAllowed += cells }
    }
    if flipped > 0 { flips.append(FlipRecord(at: now, pairs: changed.pairs, groupOf: changed.groupOf)) }
    return (flipped, nowAllowed)
  }

  /// Shows groups (hosts, namespaces, network sets) instead of endpoints, on the groups of the
  /// selected cell.
  mutating func zoomOut() {
    let zoomed = GroupMatrix(state: self)
    groupMatrix = zoomed
    if let cell = selectedCell {
      groupCursorRow = zoomed.groups.firstIndex { $0.members.contains(cell.source) } ?? 0
      groupCursorColumn = zoomed.groups.firstIndex { $0.members.contains(cell.destination) } ?? 0
    }
    say("zoomed out: \(zoomed.groups.count) groups; Enter zooms into a pair, z back to endpoints", .normal)
  }

  /// Keys while zoomed out; nil hands the command to the usual handling.
  private mutating func performZoomedOut(_ command: Command) -> [Effect]? {
    guard let zoomed = groupMatrix else { return nil }
    let last = zoomed.groups.count - 1
    switch command {
    case .moveUp: groupCursorRow -= 1
    case .moveDown: groupCursorRow += 1
    case .moveLeft: groupCursorColumn -= 1
    case .moveRight: groupCursorColumn += 1
    case .pageUp: groupCursorRow -= max(1, gridHeight - 1)
    case .pageDown: groupCursorRow += max(1, gridHeight - 1)
    case .top: groupCursorRow = 0
    case .bottom: groupCursorRow = last
    case .rowStart: groupCursorColumn = 0
    case .rowEnd: groupCursorColumn = last
    case .select:
      // Zoom into the pair: its sources as rows, its destinations as columns.
      let source = zoomed.groups[groupCursorRow]
      let destination = zoomed.groups[groupCursorColumn]
      groupMatrix = nil
      filter = ""
      zoomedInto = (source.group, destination.group)
      applyFilter()
      cursorRow = 0
      cursorColumn = rows.first == columns.first && columns.count > 1 ? 1 : 0
      rowOffset = 0
      columnOffset = 0
      say("\(source.name) -> \(destination.name): Esc or z zooms out", .normal)
    case .zoom, .close:
      groupMatrix = nil
      applyFilter()
      clampCursor()
      // The zoomed-out message would describe a view no longer shown.
      say("back to endpoints: \(rows.count) rows; z zooms out again", .normal)
    default:
      return nil
    }
    groupCursorRow = max(0, min(groupCursorRow, last))
    groupCursorColumn = max(0, min(groupCursorColumn, last))
    scrollToCursor()
    return []
  }

  /// Re-checks the lesson's expectations.
  mutating func updateChecklist() {
    guard let lesson, let cluster else {
      checklist = []
      return
    }
    var checker = ExpectationChecker(cluster: cluster)
    checklist = lesson.expectations.map { ($0, checker.check($0).holds) }
  }

  /// Every probe the loaded policies name (ports and named ports, per protocol), sorted.
  static func probes(in cluster: Cluster) -> [Probe] {
    var found: Set<Probe> = [Probe(.tcp, 80)]
    // By index: thousands of policies, and copying each (or joining its rule lists) costs
    // more than reading the few fields needed.
    func add(_ rules: [Rule]) {
      for index in rules.indices {
        guard let ports = rules[index].destination.ports else { continue }
        let protocols = rules[index].protocols.only.map(Array.init) ?? [.tcp]
        for ipProtocol in protocols {
          for port in ports {
            switch port {
            case .range(let low, _): if low > 0 { found.insert(Probe(ipProtocol, low)) }
            case .named(let name): found.insert(Probe(ipProtocol, .name(name)))
            }
          }
        }
      }
    }
    for index in cluster.policies.indices {
      add(cluster.policies[index].ingress)
      add(cluster.policies[index].egress)
    }
    return found.sorted { a, b in
      switch (a.port, b.port) {
      case (.number(let x), .number(let y)): return (a.ipProtocol, x) < (b.ipProtocol, y)
      case (.number, .name): return true
      case (.name, .number): return false
      case (.name(let x), .name(let y)): return (a.ipProtocol, x) < (b.ipProtocol, y)
      }
    }
  }

  // MARK: - Keys

  private mutating func handle(_ key: Key) -> [Effect] {
    if case .mouse(let event) = key { return handleMouse(event) }
    if key == .resize { return [] }
    let context = keyContext
    switch KeyMap.lookup(key, in: context) {
    case .command(let command):
      if let overlay { return perform(command, in: overlay) }
      return perform(command)
    case .unavailable(let reason):
      say(reason, .normal)
      return []
    case .unbound:
      // In a prompt, the keys no binding claims are typed.
      if case .prompt(var prompt)? = overlay, case .char(let character) = key {
        prompt.text.append(character)
        prompt.error = nil
        overlay = .prompt(prompt)
      }
      return []
    }
  }

  /// What has the keyboard now.
  var keyContext: KeyContext {
    switch overlay {
    case .prompt: .prompt
    case .help: .help
    case .checklist: .checklist
    case .quiz: .quiz
    case nil: groupMatrix != nil ? .zoomedOut : (focus == .trace ? .trace : .grid)
    }
  }

  /// Runs a command of the key map.
  mutating func perform(_ command: Command) -> [Effect] {
    let page = max(1, gridHeight - 1)
    if groupMatrix != nil, let effects = performZoomedOut(command) { return effects }
    switch command {
    case .quit:
      hasQuit = true
      return [.quit]
    case .help:
      overlay = .help(scroll: 0)
    case .close:
      if overlay != nil {
        overlay = nil
      } else if focus == .trace {
        focus = .grid
      } else if zoomedInto != nil {
        zoomedInto = nil
        zoomOut()
      }
    case .moveUp:
      if focus == .trace { moveTraceCursor(-1) } else { cursorRow -= 1 }
    case .moveDown:
      if focus == .trace { moveTraceCursor(1) } else { cursorRow += 1 }
    case .moveLeft: cursorColumn -= 1
    case .moveRight: cursorColumn += 1
    case .pageUp:
      if focus == .trace { moveTraceCursor(-page) } else { cursorRow -= page }
    case .pageDown:
      if focus == .trace { moveTraceCursor(page) } else { cursorRow += page }
    case .rowStart: cursorColumn = 0
    case .rowEnd: cursorColumn = columns.count - 1
    case .top:
      if focus == .trace { moveTraceCursor(-traceCursor) } else { cursorRow = 0 }
    case .bottom:
      if focus == .trace { moveTraceCursor(Int.max / 2) } else { cursorRow = rows.count - 1 }
    case .select:
      focus = .trace
      traceCursor = 0
      traceOffset = 0
    case .switchFocus:
      focus = focus == .grid ? .trace : .grid
    case .filter:
      overlay = .prompt(Prompt(kind: .filter, text: filter, error: nil))
    case .setProbe:
      overlay = .prompt(Prompt(kind: .probe, text: "", error: nil))
    case .previousProbe, .nextProbe:
      cycleProbe(command == .nextProbe ? 1 : -1)
    case .toggleView:
      view = view == .enforced ? .pending : .enforced
      recompute(reason: nil)
      let differing = countPendingDifferences()
      say(
        view == .pending
          ? "pending view: staged policies as if enforced; \(differing) cell\(differing == 1 ? "" : "s") would change"
          : "enforced view", .normal)
    case .toggleTrap:
      toggleTrap()
    case .zoom:
      zoomedInto = nil
      zoomOut()
    case .reload:
      return [reload(changes: nil)]
    case .nextChange, .previousChange:
      jumpToChange(forward: command == .nextChange)
    case .toggleBaseline:
      toggleBaselineMarks()
    case .edit:
      return editEffects()
    case .checklist, .quiz:
      openLessonOverlay(command)
    case .answer, .deleteBackward, .clearPrompt:
      // Keys of the quiz and of prompts, which have their own handling.
      break
    }
    clampCursor()
    scrollToCursor()
    return []
  }

  /// Opens the lesson's checklist or quiz (its options shuffled by `quizSeed`), or says the
  /// folder has none.
  private mutating func openLessonOverlay(_ command: Command) {
    if command == .checklist {
      guard lesson != nil, !checklist.isEmpty else {
        say("no lesson expectations here (expect.yaml in the folder opened)", .normal)
        return
      }
      overlay = .checklist(selected: 0)
      return
    }
    guard let lesson, !lesson.quiz.isEmpty else {
      say("no lesson quiz here (quiz.json in the folder opened)", .normal)
      return
    }
    var generator = SeededGenerator(seed: quizSeed)
    quizQuestions = lesson.quiz.map { $0.shuffled(using: &generator) }
    quizAnswers = [:]
    overlay = .quiz(index: 0, chosen: nil, revealed: false)
  }

  private mutating func cycleProbe(_ step: Int) {
    // The probes the policies name, looked for when asked (a trap only widens peers).
    guard let cluster else { return }
    let probes = Self.probes(in: cluster)
    let current = probes.firstIndex(of: probe) ?? (step > 0 ? -1 : 0)
    let next = ((current + step) % probes.count + probes.count) % probes.count
    probe = probes[next]
    isAnyProbe = false
    recompute(reason: nil)
    if probes.count == 1 {
      // Only the default: no rule names a port.
      say("probe \(probe): no policy mentions a port (p sets any probe)", .normal)
    } else {
      say("probe \(probe) (\(next + 1) of \(probes.count) the policies mention)", .normal)
    }
  }

  /// `7 of 22 right (3 not answered)`.
  var quizScore: String {
    let right = quizAnswers.values.filter { $0 }.count
    let unanswered = quizQuestions.count - quizAnswers.count
    return "\(right) of \(quizQuestions.count) right" + (unanswered > 0 ? " (\(unanswered) not answered)" : "")
  }

  private mutating func countPendingDifferences() -> Int {
    guard let enforcedMatrix, let matrix else { return 0 }
    return matrix.changes(from: enforcedMatrix).count
  }

  /// `t`: widen the deciding policy (or the one under the trace cursor), or restore.
  mutating func toggleTrap() {
    refreshTrace()
    if let active = trap {
      trap = nil
      recompute(reason: "trap off: \(active.report.policy.name) restored")
      return
    }
    guard let policy = trapTarget() else {
      say("no policy decided this cell (select a cell a policy decides, or a policy in the trace)", .bad)
      return
    }
    guard let cluster else { return }
    switch cluster.applyingTrap(policy.description) {
    case .failure(let error):
      say("trap: \(error)", .bad)
    case .success(let (_, report)):
      trap = TrapState(reference: policy.description, report: report)
      recompute(reason: "trap: \(report.summary)")
    }
  }

  /// The policy the trap would widen.
  func trapTarget() -> PolicyID? {
    guard let trace = selectedTrace else { return nil }
    if focus == .trace {
      let lines = tracePaneLines
      if lines.indices.contains(traceCursor), let policy = lines[traceCursor].policy { return policy }
    }
    switch trace.decidingSide.decider {
    case .rule(let policy, _, _): return policy
    case .tierDefault(_, let policy, _): return policy
    default:
      for side in [trace.ingress, trace.egress] {
        if case .rule(let policy, _, _) = side.decider { return policy }
        if case .tierDefault(_, let policy, _) = side.decider { return policy }
      }
      return nil
    }
  }

  private mutating func moveTraceCursor(_ delta: Int) {
    refreshTrace()
    let count = tracePaneLines.count
    traceCursor = max(0, min(count - 1, traceCursor + delta))
  }

  // MARK: - Prompts and overlays

  /// A command of a prompt: apply, cancel, edit the line.
  private mutating func performInPrompt(_ prompt: Prompt, _ command: Command) -> [Effect] {
    var prompt = prompt
    switch command {
    case .close:
      overlay = nil
    case .select:
      switch prompt.kind {
      case .filter:
        if let error = Self.filterError(prompt.text) {
          prompt.error = error
          overlay = .prompt(prompt)
          return []
        }
        filter = prompt.text
        overlay = nil
        applyFilter()
        clampCursor()
        scrollToCursor()
        let shown = rows.count == 1 ? "1 endpoint" : "\(rows.count) endpoints"
        say(filter.isEmpty ? "filter cleared" : "filter: \(filter)  (\(shown) shown as rows and columns)", .normal)
      case .probe:
        if prompt.text.trimmingSpaces.lowercased() == "any" {
          isAnyProbe = true
          overlay = nil
          recompute(reason: nil)
          say(
            "any: each cell shows all (\(glyphs.allowed)), some (\(glyphs.some)) or no (\(glyphs.denied)) connections",
            .normal)
          return []
        }
        guard let parsed = Probe(parsing: prompt.text) else {
          prompt.error = "expected e.g. tcp/443, udp/53, tcp/http, any"
          overlay = .prompt(prompt)
          return []
        }
        probe = parsed
        isAnyProbe = false
        overlay = nil
        recompute(reason: nil)
        say("probe \(probe)", .normal)
      }
    case .deleteBackward:
      if !prompt.text.isEmpty { prompt.text.removeLast() }
      prompt.error = nil
      overlay = .prompt(prompt)
    case .clearPrompt:
      prompt.text = ""
      overlay = .prompt(prompt)
    default:
      break
    }
    return []
  }

  /// A command while an overlay or prompt has the keyboard.
  private mutating func perform(_ command: Command, in overlay: Overlay) -> [Effect] {
    if command == .quit {
      hasQuit = true
      return [.quit]
    }
    switch overlay {
    case .prompt(let prompt):
      return performInPrompt(prompt, command)
    case .help(let scroll):
      let page = max(1, height - 4)
      switch command {
      case .moveUp: self.overlay = .help(scroll: max(0, scroll - 1))
      case .moveDown: self.overlay = .help(scroll: scroll + 1)
      case .pageUp: self.overlay = .help(scroll: max(0, scroll - page))
      case .pageDown: self.overlay = .help(scroll: scroll + page)
      case .close: self.overlay = nil
      default: break
      }
    case .checklist(let selected):
      switch command {
      case .moveUp: self.overlay = .checklist(selected: max(0, selected - 1))
      case .moveDown: self.overlay = .checklist(selected: min(checklist.count - 1, selected + 1))
      case .select:
        jump(to: checklist[selected].expectation)
        self.overlay = nil
      case .close: self.overlay = nil
      default: break
      }
    case .quiz(let index, let chosen, let revealed):
      performInQuiz(command, index: index, chosen: chosen, revealed: revealed)
    }
    return []
  }

  private mutating func performInQuiz(_ command: Command, index: Int, chosen: Int?, revealed: Bool) {
    let questions = quizQuestions
    guard questions.indices.contains(index) else {
      overlay = nil
      return
    }
    switch command {
    case .answer(let number):
      if questions[index].options.indices.contains(number - 1) {
        overlay = .quiz(index: index, chosen: number - 1, revealed: revealed)
      }
    case .select:
      if revealed {
        overlay = index + 1 < questions.count ? .quiz(index: index + 1, chosen: nil, revealed: false) : nil
        if overlay == nil { say("quiz: \(quizScore)", .normal) }
      } else {
        // The first answer revealed is the one that counts.
        if quizAnswers[index] == nil, let chosen { quizAnswers[index] = chosen == questions[index].answer }
        overlay = .quiz(index: index, chosen: chosen, revealed: true)
      }
    case .moveRight:
      overlay = .quiz(index: min(questions.count - 1, index + 1), chosen: nil, revealed: false)
    case .moveLeft:
      overlay = .quiz(index: max(0, index - 1), chosen: nil, revealed: false)
    case .close:
      overlay = nil
    default:
      break
    }
  }

  /// Moves to an expectation's cell under its probe, view and trap.
  mutating func jump(to expectation: Expectation) {
    probe = expectation.probe
    isAnyProbe = false
    view = expectation.view
    if let reference = expectation.trap, let cluster,
      case .success(let (_, report)) = cluster.applyingTrap(reference)
    {
      trap = TrapState(reference: reference, report: report)
    } else {
      trap = nil
    }
    filter = ""
    recompute(reason: nil)
    let ids = endpoints.map(\.id)
    if let s = ids.firstIndex(of: expectation.source), let d = ids.firstIndex(of: expectation.destination) {
      moveCursor(toSource: s, destination: d)
    }
    say("expectation: \(expectation.summary)", .normal)
  }

  // MARK: - Mouse

  private mutating func handleMouse(_ event: MouseEvent) -> [Effect] {
    let layout = ScreenLayout(state: self)
    switch event.kind {
    case .scrollUp:
      if layout.trace.contains(x: event.x, y: event.y) { traceOffset = max(0, traceOffset - 3) } else { cursorRow -= 3 }
    case .scrollDown:
      if layout.trace.contains(x: event.x, y: event.y) { traceOffset += 3 } else { cursorRow += 3 }
    case .press:
      if let (row, column) = MatrixView.cell(at: event.x, event.y, state: self) {
        cursorRow = row
        cursorColumn = column
        focus = .trace
        traceCursor = 0
        traceOffset = 0
      } else if layout.trace.contains(x: event.x, y: event.y) {
        focus = .trace
      }
    case .release:
      break
    }
    clampCursor()
    scrollToCursor()
    return []
  }

  // MARK: - Filtering and the cursor

  /// A filter that looks like a selector must parse; plain text is a substring.
  static func filterError(_ text: String) -> String? {
    guard looksLikeSelector(text) else { return nil }
    do {
      _ = try Selector.parse(text)
      return nil
    } catch {
      return "selector: \(error.message) (column \(error.column))"
    }
  }

  static func looksLikeSelector(_ text: String) -> Bool {
    ["==", "!=", "has(", " in ", "all()", "&&", "||", "!", " contains ", " starts with ", " ends with "]
      .contains { text.contains($0) }
  }

  /// Recomputes the visible rows and columns from the filter.
  mutating func applyFilter() {
    let list = endpoints
    var all = Array(endpoints.indices)
    var allColumns = all
    if let zoomedInto {
      all = all.filter { EndpointGroup(list[$0]) == zoomedInto.source }
      allColumns = allColumns.filter { EndpointGroup(list[$0]) == zoomedInto.destination }
    }
    let trimmed = filter.trimmingSpaces
    guard !trimmed.isEmpty else {
      rows = all
      columns = allColumns
      return
    }
    if Self.looksLikeSelector(trimmed), let selector = try? Selector.parse(trimmed) {
      rows = all.filter { selector.matches(list[$0].selectorLabels) }
      columns = allColumns.filter { selector.matches(list[$0].selectorLabels) }
    } else {
      let needle = trimmed.lowercased()
      rows = all.filter { list[$0].id.lowercased().contains(needle) }
      columns = allColumns.filter { list[$0].id.lowercased().contains(needle) }
    }
  }

  mutating func moveCursor(toSource source: Int, destination: Int) {
    groupMatrix = nil
    if !rows.contains(source) || !columns.contains(destination) {
      filter = ""
      zoomedInto = nil
      applyFilter()
    }
    cursorRow = rows.firstIndex(of: source) ?? cursorRow
    cursorColumn = columns.firstIndex(of: destination) ?? cursorColumn
    clampCursor()
    scrollToCursor()
  }

  mutating func clampCursor() {
    cursorRow = max(0, min(cursorRow, rows.count - 1))
    cursorColumn = max(0, min(cursorColumn, columns.count - 1))
  }

  /// Rows the grid shows at once.
  var gridHeight: Int { ScreenLayout(state: self).gridRows }

  /// Scrolls so the cursor is visible.
  mutating func scrollToCursor() {
    let layout = ScreenLayout(state: self)
    let visibleRows = max(1, layout.gridRows)
    let visibleColumns = max(1, layout.gridColumns)
    if groupMatrix != nil {
      if groupCursorRow < rowOffset { rowOffset = groupCursorRow }
      if groupCursorRow >= rowOffset + visibleRows { rowOffset = groupCursorRow - visibleRows + 1 }
      if groupCursorColumn < columnOffset { columnOffset = groupCursorColumn }
      if groupCursorColumn >= columnOffset + visibleColumns { columnOffset = groupCursorColumn - visibleColumns + 1 }
      rowOffset = max(0, rowOffset)
      columnOffset = max(0, columnOffset)
      return
    }
    if cursorRow < rowOffset { rowOffset = cursorRow }
    if cursorRow >= rowOffset + visibleRows { rowOffset = cursorRow - visibleRows + 1 }
    if cursorColumn < columnOffset { columnOffset = cursorColumn }
    if cursorColumn >= columnOffset + visibleColumns { columnOffset = cursorColumn - visibleColumns + 1 }
    // No blank space past the last row or column (after the terminal grows, or fewer rows).
    rowOffset = min(rowOffset, max(0, rows.count - visibleRows))
    columnOffset = min(columnOffset, max(0, columns.count - visibleColumns))
    rowOffset = max(0, rowOffset)
    columnOffset = max(0, columnOffset)
  }

  /// Shows a message in the status line for a few seconds.
  /// The last component of a path, for short messages.
  static func displayName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
  }

  mutating func say(_ text: String, _ tone: Tone) {
    status = StatusMessage(text: text, tone: tone, until: now + 6)
  }
}
