/// Everything a key can ask the explorer to do.
enum Command: Hashable, Sendable {
  case moveUp, moveDown, moveLeft, moveRight
  case pageUp, pageDown, rowStart, rowEnd, top, bottom
  case select
  case switchFocus
  case filter
  case setProbe
  case previousProbe, nextProbe
  case toggleView
  case toggleTrap
  case zoom
  case reload
  case nextChange, previousChange
  case toggleBaseline
  case edit
  case checklist
  case quiz
  case help
  case close
  case quit
  /// In the quiz: choose the answer with this number (from 1).
  case answer(Int)
  /// In a prompt: delete the last character, or everything typed.
  case deleteBackward, clearPrompt
}

/// What has the keyboard: a key means what its binding says in the context it is pressed in.
enum KeyContext: String, Hashable, Sendable, CaseIterable {
  /// The grid of endpoints has the cursor.
  case grid
  /// The trace pane has the cursor.
  case trace
  /// The grid of groups (namespaces, hosts, network sets).
  case zoomedOut = "zoomed out"
  /// A one-line prompt (filter, probe): keys type text.
  case prompt
  /// The help overlay.
  case help
  /// The lesson checklist overlay.
  case checklist
  /// The lesson quiz overlay.
  case quiz

  /// The explorer's own contexts, where its commands apply.
  static let explorer: Set<KeyContext> = [.grid, .trace, .zoomedOut]
  /// The contexts of a cell grid with a cell selected (not zoomed out).
  static let endpoints: Set<KeyContext> = [.grid, .trace]
}

/// A binding's hint in the status line.
struct KeyHint: Hashable, Sendable {
  /// Its place among the hints.
  var rank: Int
  /// The word after the key: `Enter trace`.
  var word: String
  /// The keys as the hint names them, when not the binding's first key (`n/N`).
  var keys: String? = nil
  /// Shown only when a baseline is loaded (`--against`), before the others.
  var needsBaseline = false
}

/// One line of the key map: the keys, the command, where it applies, and how help, the
/// status line and the README describe it.
///
/// The dispatcher, the help overlay, the status-line hints and the README's key table are all
/// generated from `KeyMap.bindings` and `KeyMap.overlayBindings`, so they cannot disagree.
struct Binding: Hashable, Sendable {
  var keys: [Key]
  var command: Command
  var help: String
  var group: String
  /// Where the keys mean this command.
  var contexts: Set<KeyContext> = KeyContext.explorer
  /// Where they mean nothing, with the reason said when one is pressed there.
  var unavailable: [KeyContext: String] = [:]
  /// Its hint in the status line (nil: not hinted).
  var hint: KeyHint? = nil
  /// How help names the keys, when not one by one (`1-9`).
  var keyLabel: String? = nil
}

/// What a key means in a context.
enum KeyLookup: Hashable, Sendable {
  case command(Command)
  /// The key is bound, but not here: why.
  case unavailable(String)
  case unbound
}

/// The explorer's key map.
enum KeyMap {
  private static let zoomInFirst = "zoom into a pair first (Enter, or z for every endpoint)"

  /// The explorer's keys: the grid, the trace pane and the zoomed-out grid.
  static let bindings: [Binding] = [
    Binding(keys: [.up, .char("k")], command: .moveUp, help: "move up", group: "Move"),
    Binding(keys: [.down, .char("j")], command: .moveDown, help: "move down", group: "Move"),
    Binding(keys: [.left, .char("h")], command: .moveLeft, help: "move left", group: "Move"),
    Binding(keys: [.right, .char("l")], command: .moveRight, help: "move right", group: "Move"),
    Binding(keys: [.pageUp], command: .pageUp, help: "page up", group: "Move"),
    Binding(keys: [.pageDown], command: .pageDown, help: "page down", group: "Move"),
    Binding(keys: [.home], command: .rowStart, help: "first column", group: "Move"),
    Binding(keys: [.end], command: .rowEnd, help: "last column", group: "Move"),
    Binding(keys: [.char("g")], command: .top, help: "first row", group: "Move"),
    Binding(keys: [.char("G")], command: .bottom, help: "last row", group: "Move"),
    Binding(
      keys: [.enter], command: .select, help: "select the cell and focus its trace", group: "Trace",
      hint: KeyHint(rank: 1, word: "trace")),
    Binding(
      keys: [.tab], command: .switchFocus, help: "switch between grid and trace", group: "Trace",
      contexts: KeyContext.endpoints, unavailable: [.zoomedOut: "no trace while zoomed out: " + zoomInFirst]),
    Binding(
      keys: [.char("/")], command: .filter, help: "filter rows and columns (text or selector)", group: "View",
      contexts: KeyContext.endpoints, unavailable: [.zoomedOut: "the filter picks endpoints: " + zoomInFirst],
      hint: KeyHint(rank: 2, word: "filter")),
    Binding(
      keys: [.char("p")], command: .setProbe, help: "set the probe (tcp/443, udp/53, tcp/http)", group: "View",
      hint: KeyHint(rank: 3, word: "probe")),
    Binding(keys: [.char("[")], command: .previousProbe, help: "previous probe the policies mention", group: "View"),
    Binding(keys: [.char("]")], command: .nextProbe, help: "next probe the policies mention", group: "View"),
    Binding(
      keys: [.char("z")], command: .zoom, help: "zoom out to namespaces (counts per pair) / back", group: "View",
      hint: KeyHint(rank: 5, word: "zoom")),
    Binding(
      keys: [.char("v")], command: .toggleView, help: "enforced / pending (staged) view", group: "View",
      hint: KeyHint(rank: 4, word: "view")),
    Binding(
      keys: [.char("t")], command: .toggleTrap, help: "trap: widen the deciding policy's Allow peers to all()",
      group: "What-if", hint: KeyHint(rank: 6, word: "trap")),
    Binding(keys: [.char("r")], command: .reload, help: "reload the manifests", group: "What-if"),
    Binding(
      keys: [.char("e")], command: .edit, help: "edit the deciding rule (or the trace line's) in $VISUAL/$EDITOR",
      group: "What-if", contexts: KeyContext.endpoints,
      unavailable: [.zoomedOut: "zoom into a pair (Enter) and pick a cell to edit the rule that decides it"],
      hint: KeyHint(rank: -1, word: "edit", needsBaseline: true)),
    Binding(
      keys: [.char("n")], command: .nextChange, help: "next cell that differs from the baseline (--against)",
      group: "Baseline", hint: KeyHint(rank: -2, word: "changes", keys: "n/N", needsBaseline: true)),
    Binding(
      keys: [.char("N")], command: .previousChange, help: "previous cell that differs from the baseline",
      group: "Baseline"),
    Binding(keys: [.char("b")], command: .toggleBaseline, help: "baseline marks on / off", group: "Baseline"),
    Binding(
      keys: [.char("o")], command: .checklist, help: "lesson expectations checklist", group: "Lesson",
      hint: KeyHint(rank: 7, word: "checks")),
    Binding(
      keys: [.char("Q")], command: .quiz, help: "lesson quiz", group: "Lesson", hint: KeyHint(rank: 8, word: "quiz")),
    Binding(
      keys: [.char("?")], command: .help, help: "this help", group: "General", hint: KeyHint(rank: 9, word: "help")),
    Binding(keys: [.escape], command: .close, help: "close an overlay or prompt", group: "General"),
    Binding(
      keys: [.char("q"), .ctrl("c")], command: .quit, help: "quit", group: "General",
      hint: KeyHint(rank: 10, word: "quit")),
  ]

  /// The keys of the overlays and prompts, which have the keyboard while they are open.
  static let overlayBindings: [Binding] = [
    Binding(
      keys: [.enter], command: .select, help: "apply what was typed", group: "In a prompt (/ or p)",
      contexts: [.prompt]),
    Binding(keys: [.escape], command: .close, help: "cancel", group: "In a prompt (/ or p)", contexts: [.prompt]),
    Binding(
      keys: [.backspace, .delete], command: .deleteBackward, help: "delete the last character",
      group: "In a prompt (/ or p)", contexts: [.prompt]),
    Binding(
      keys: [.ctrl("u")], command: .clearPrompt, help: "clear the line", group: "In a prompt (/ or p)",
      contexts: [.prompt]),
    Binding(
      keys: [.up, .char("k")], command: .moveUp, help: "previous line or expectation",
      group: "In the help and checklist",
      contexts: [.help, .checklist]),
    Binding(
      keys: [.down, .char("j")], command: .moveDown, help: "next line or expectation",
      group: "In the help and checklist", contexts: [.help, .checklist]),
    Binding(
      keys: [.pageUp], command: .pageUp, help: "page up", group: "In the help and checklist", contexts: [.help]),
    Binding(
      keys: [.pageDown, .char(" ")], command: .pageDown, help: "page down", group: "In the help and checklist",
      contexts: [.help]),
    Binding(
      keys: [.enter], command: .select, help: "go to the expectation's cell", group: "In the help and checklist",
      contexts: [.checklist]),
    Binding(
      keys: (1...9).map { .char(Character(String($0))) }, command: .answer(0), help: "choose an answer",
      group: "In the quiz", contexts: [.quiz], keyLabel: "1-9"),
    Binding(
      keys: [.enter, .char(" ")], command: .select, help: "reveal the answer, then the next question",
      group: "In the quiz", contexts: [.quiz]),
    Binding(
      keys: [.right, .char("n")], command: .moveRight, help: "next question", group: "In the quiz", contexts: [.quiz]),
    Binding(
      keys: [.left, .char("b")], command: .moveLeft, help: "previous question", group: "In the quiz",
      contexts: [.quiz]),
    Binding(
      keys: [.escape, .char("?"), .char("q"), .enter], command: .close, help: "close the help",
      group: "Closing an overlay",
      contexts: [.help]),
    Binding(
      keys: [.escape, .char("o"), .char("q")], command: .close, help: "close the checklist",
      group: "Closing an overlay",
      contexts: [.checklist]),
    Binding(
      keys: [.escape, .char("Q"), .char("q")], command: .close, help: "close the quiz", group: "Closing an overlay",
      contexts: [.quiz]),
    Binding(
      keys: [.ctrl("c")], command: .quit, help: "quit, from anywhere", group: "Closing an overlay",
      contexts: [.prompt, .help, .checklist, .quiz]),
  ]

  /// What `key` means in `context`.
  static func lookup(_ key: Key, in context: KeyContext) -> KeyLookup {
    var reason: String?
    for binding in bindings + overlayBindings where binding.keys.contains(key) {
      if binding.contexts.contains(context) {
        if case .answer = binding.command, case .char(let character) = key, let number = character.wholeNumberValue {
          return .command(.answer(number))
        }
        return .command(binding.command)
      }
      reason = reason ?? binding.unavailable[context]
    }
    return reason.map(KeyLookup.unavailable) ?? .unbound
  }

  /// The command bound to `key` in the grid, if any.
  static func command(for key: Key) -> Command? {
    if case .command(let command) = lookup(key, in: .grid) { return command }
    return nil
  }

  /// `↑/k`.
  static func keyNames(_ binding: Binding) -> String {
    binding.keyLabel ?? binding.keys.map(\.displayName).joined(separator: "/")
  }

  /// The status line's hints: `Enter trace  / filter  p probe ...`.
  static var hints: String { hints(width: .max) }

  /// The hints in `width` columns (after a leading space): two spaces between them when that
  /// fits, else one, so that every hinted key is named at 80 columns.
  static func hints(width: Int) -> String { hints(width: width, hasBaseline: false) }

  /// The hints; with a baseline, those that need one come first when they fit with the others.
  static func hints(width: Int, hasBaseline: Bool) -> String {
    let hinted = bindings.compactMap { binding in binding.hint.map { (binding, $0) } }.sorted { $0.1.rank < $1.1.rank }
    func text(_ item: (Binding, KeyHint)) -> String { "\(item.1.keys ?? item.0.keys[0].displayName) \(item.1.word)" }
    let items = hinted.filter { !$0.1.needsBaseline }.map(text)
    let roomy = items.joined(separator: "  ")
    let plain = roomy.count + 1 <= width ? roomy : items.joined(separator: " ")
    guard hasBaseline else { return plain }
    let withBaseline = hinted.filter { $0.1.needsBaseline }.map(text) + items
    for separator in ["  ", " "] where withBaseline.joined(separator: separator).count + 1 <= width {
      return withBaseline.joined(separator: separator)
    }
    return plain
  }

  /// The key table in Markdown, for the README.
  static var markdownTable: String {
    var lines = ["| Keys | Action |", "|---|---|"]
    for binding in bindings {
      let keys = binding.keys.map { "`\($0.displayName)`" }.joined(separator: " ")
      lines.append("| \(keys) | \(binding.help) |")
    }
    lines.append("| mouse | click a cell to select it; the wheel scrolls |")
    lines += [
      "", "While a prompt or an overlay is open, its own keys apply:", "", "| Where | Keys | Action |", "|---|---|---|",
    ]
    for binding in overlayBindings {
      let keys = binding.keyLabel.map { "`\($0)`" } ?? binding.keys.map { "`\($0.displayName)`" }.joined(separator: " ")
      let contexts = KeyContext.allCases.filter { binding.contexts.contains($0) }.map(\.rawValue).joined(
        separator: ", ")
      lines.append("| \(contexts) | \(keys) | \(binding.help) |")
    }
    return lines.joined(separator: "\n")
  }
}
