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
}

/// One line of the key map: the keys, the command, and how help describes it.
///
/// The dispatcher, the help overlay, the status-line hints and the README's key table are all
/// generated from `KeyMap.bindings`, so they cannot disagree.
struct Binding: Hashable, Sendable {
  var keys: [Key]
  var command: Command
  var help: String
  var group: String
  /// Shown in the status line's short list of hints, in this order (nil: not shown).
  var hintRank: Int?
}

/// The explorer's key map.
enum KeyMap {
  static let bindings: [Binding] = [
    Binding(keys: [.up, .char("k")], command: .moveUp, help: "move up", group: "Move", hintRank: nil),
    Binding(keys: [.down, .char("j")], command: .moveDown, help: "move down", group: "Move", hintRank: nil),
    Binding(keys: [.left, .char("h")], command: .moveLeft, help: "move left", group: "Move", hintRank: nil),
    Binding(keys: [.right, .char("l")], command: .moveRight, help: "move right", group: "Move", hintRank: nil),
    Binding(keys: [.pageUp], command: .pageUp, help: "page up", group: "Move", hintRank: nil),
    Binding(keys: [.pageDown], command: .pageDown, help: "page down", group: "Move", hintRank: nil),
    Binding(keys: [.home], command: .rowStart, help: "first column", group: "Move", hintRank: nil),
    Binding(keys: [.end], command: .rowEnd, help: "last column", group: "Move", hintRank: nil),
    Binding(keys: [.char("g")], command: .top, help: "first row", group: "Move", hintRank: nil),
    Binding(keys: [.char("G")], command: .bottom, help: "last row", group: "Move", hintRank: nil),
    Binding(keys: [.enter], command: .select, help: "select the cell and focus its trace", group: "Trace", hintRank: 1),
    Binding(keys: [.tab], command: .switchFocus, help: "switch between grid and trace", group: "Trace", hintRank: nil),
    Binding(
      keys: [.char("/")], command: .filter, help: "filter rows and columns (text or selector)", group: "View",
      hintRank: 2),
    Binding(
      keys: [.char("p")], command: .setProbe, help: "set the probe (tcp/443, udp/53, tcp/http)", group: "View",
      hintRank: 3),
    Binding(
      keys: [.char("[")], command: .previousProbe, help: "previous probe the policies mention", group: "View",
      hintRank: nil),
    Binding(
      keys: [.char("]")], command: .nextProbe, help: "next probe the policies mention", group: "View", hintRank: nil),
    Binding(
      keys: [.char("z")], command: .zoom, help: "zoom out to namespaces (counts per pair) / back", group: "View",
      hintRank: 5),
    Binding(
      keys: [.char("v")], command: .toggleView, help: "enforced / pending (staged) view", group: "View", hintRank: 4),
    Binding(
      keys: [.char("t")], command: .toggleTrap, help: "trap: widen the deciding policy's Allow peers to all()",
      group: "What-if", hintRank: 6),
    Binding(keys: [.char("r")], command: .reload, help: "reload the manifests", group: "What-if", hintRank: nil),
    Binding(
      keys: [.char("e")], command: .edit, help: "edit the deciding rule (or the trace line's) in $VISUAL/$EDITOR",
      group: "What-if", hintRank: nil),
    Binding(
      keys: [.char("n")], command: .nextChange, help: "next cell that differs from the baseline (--against)",
      group: "Baseline", hintRank: nil),
    Binding(
      keys: [.char("N")], command: .previousChange, help: "previous cell that differs from the baseline",
      group: "Baseline", hintRank: nil),
    Binding(
      keys: [.char("b")], command: .toggleBaseline, help: "baseline marks on / off", group: "Baseline", hintRank: nil),
    Binding(
      keys: [.char("o")], command: .checklist, help: "lesson expectations checklist", group: "Lesson", hintRank: 7),
    Binding(keys: [.char("Q")], command: .quiz, help: "lesson quiz", group: "Lesson", hintRank: 8),
    Binding(keys: [.char("?")], command: .help, help: "this help", group: "General", hintRank: 9),
    Binding(keys: [.escape], command: .close, help: "close an overlay or prompt", group: "General", hintRank: nil),
    Binding(keys: [.char("q"), .ctrl("c")], command: .quit, help: "quit", group: "General", hintRank: 10),
  ]

  /// The command bound to `key`, if any.
  static func command(for key: Key) -> Command? {
    bindings.first { $0.keys.contains(key) }?.command
  }

  /// `↑/k`.
  static func keyNames(_ binding: Binding) -> String {
    binding.keys.map(\.displayName).joined(separator: "/")
  }

  /// The status line's hints: `Enter trace  / filter  p probe ...`.
  static var hints: String { hints(width: .max) }

  /// The hints in `width` columns (after a leading space): two spaces between them when that
  /// fits, else one, so that every hinted key is named at 80 columns.
  static func hints(width: Int) -> String { hints(width: width, hasBaseline: false) }

  /// The hints; with a baseline, `n/N` and `e` come first when they fit with the others.
  static func hints(width: Int, hasBaseline: Bool) -> String {
    let items = bindings.filter { $0.hintRank != nil }.sorted { ($0.hintRank ?? 0) < ($1.hintRank ?? 0) }
      .map { "\($0.keys[0].displayName) \(shortHelp($0.command))" }
    let roomy = items.joined(separator: "  ")
    let plain = roomy.count + 1 <= width ? roomy : items.joined(separator: " ")
    guard hasBaseline else { return plain }
    let withBaseline = ["n/N changes", "e edit"] + items
    for separator in ["  ", " "] where withBaseline.joined(separator: separator).count + 1 <= width {
      return withBaseline.joined(separator: separator)
    }
    return plain
  }

  private static func shortHelp(_ command: Command) -> String {
    switch command {
    case .select: "trace"
    case .filter: "filter"
    case .setProbe: "probe"
    case .toggleView: "view"
    case .toggleTrap: "trap"
    case .zoom: "zoom"
    case .checklist: "checks"
    case .quiz: "quiz"
    case .help: "help"
    case .quit: "quit"
    default: ""
    }
  }

  /// The key table in Markdown, for the README.
  static var markdownTable: String {
    var lines = ["| Keys | Action |", "|---|---|"]
    for binding in bindings {
      let keys = binding.keys.map { "`\($0.displayName)`" }.joined(separator: " ")
      lines.append("| \(keys) | \(binding.help) |")
    }
    lines.append("| mouse | click a cell to select it; the wheel scrolls |")
    return lines.joined(separator: "\n")
  }
}
