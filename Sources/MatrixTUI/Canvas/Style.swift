/// One of the 16 ANSI terminal colours, or the terminal's own default.
///
/// Only these colours are used so that the UI works on 8/16-colour terminals and follows
/// the user's palette. On a terminal with 8 colours the bright variants fall back to the
/// basic ones (see `basic`).
enum TermColor: Hashable, Sendable, CaseIterable {
  case `default`
  case black, red, green, yellow, blue, magenta, cyan, white
  case brightBlack, brightRed, brightGreen, brightYellow
  case brightBlue, brightMagenta, brightCyan, brightWhite

  /// The ANSI colour number (0-15), or nil for the terminal default.
  var ansiIndex: Int? {
    switch self {
    case .default: return nil
    case .black: return 0
    case .red: return 1
    case .green: return 2
    case .yellow: return 3
    case .blue: return 4
    case .magenta: return 5
    case .cyan: return 6
    case .white: return 7
    case .brightBlack: return 8
    case .brightRed: return 9
    case .brightGreen: return 10
    case .brightYellow: return 11
    case .brightBlue: return 12
    case .brightMagenta: return 13
    case .brightCyan: return 14
    case .brightWhite: return 15
    }
  }

  /// The basic colour (ANSI 0-7) a bright colour falls back to; itself otherwise.
  var basic: TermColor {
    switch self {
    case .brightBlack: return .black
    case .brightRed: return .red
    case .brightGreen: return .green
    case .brightYellow: return .yellow
    case .brightBlue: return .blue
    case .brightMagenta: return .magenta
    case .brightCyan: return .cyan
    case .brightWhite: return .white
    default: return self
    }
  }

  /// The lowerCamelCase case name, used by `Canvas.dump`.
  var name: String {
    switch self {
    case .default: return "default"
    case .black: return "black"
    case .red: return "red"
    case .green: return "green"
    case .yellow: return "yellow"
    case .blue: return "blue"
    case .magenta: return "magenta"
    case .cyan: return "cyan"
    case .white: return "white"
    case .brightBlack: return "brightBlack"
    case .brightRed: return "brightRed"
    case .brightGreen: return "brightGreen"
    case .brightYellow: return "brightYellow"
    case .brightBlue: return "brightBlue"
    case .brightMagenta: return "brightMagenta"
    case .brightCyan: return "brightCyan"
    case .brightWhite: return "brightWhite"
    }
  }
}

/// How one cell looks: colours plus text attributes.
///
/// A value type compared by value; `Style.plain` is the terminal default. Build styles with
/// the chaining helpers: `Style.plain.fg(.red).bolded()`.
struct Style: Hashable, Sendable {
  var fg: TermColor = .default
  var bg: TermColor = .default
  var bold = false
  var dim = false
  var reverse = false
  var underline = false

  /// The terminal's default colours with no attributes.
  static let plain = Style()

  init(
    fg: TermColor = .default, bg: TermColor = .default,
    bold: Bool = false, dim: Bool = false, reverse: Bool = false, underline: Bool = false
  ) {
    self.fg = fg
    self.bg = bg
    self.bold = bold
    self.dim = dim
    self.reverse = reverse
    self.underline = underline
  }

  /// Whether this is `Style.plain`.
  var isPlain: Bool { self == .plain }

  /// A copy with the foreground colour replaced.
  func fg(_ color: TermColor) -> Style { with { $0.fg = color } }
  /// A copy with the background colour replaced.
  func bg(_ color: TermColor) -> Style { with { $0.bg = color } }
  /// A copy with `bold` set.
  func bolded(_ on: Bool = true) -> Style { with { $0.bold = on } }
  /// A copy with `dim` set.
  func dimmed(_ on: Bool = true) -> Style { with { $0.dim = on } }
  /// A copy with `reverse` set.
  func reversed(_ on: Bool = true) -> Style { with { $0.reverse = on } }
  /// A copy with `underline` set.
  func underlined(_ on: Bool = true) -> Style { with { $0.underline = on } }

  /// A copy changed by `transform`.
  func with(_ transform: (inout Style) -> Void) -> Style {
    var copy = self
    transform(&copy)
    return copy
  }

  /// The attributes as a comma-separated list (`bold,reverse`), or `-` when there are none.
  var attributesDescription: String {
    var names: [String] = []
    if bold { names.append("bold") }
    if dim { names.append("dim") }
    if reverse { names.append("reverse") }
    if underline { names.append("underline") }
    return names.isEmpty ? "-" : names.joined(separator: ",")
  }
}
