import CNcurses
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The terminal behind the current ncurses screen, for the `atexit` hook.
nonisolated(unsafe) private weak var activeNcursesTerminal: NcursesTerminal?
nonisolated(unsafe) private var atexitRegistered = false

/// The real terminal, through ncursesw. The only file that imports `CNcurses`.
///
/// Start-up checks `TERM` and the TTYs before touching anything, then uses `newterm` (not
/// `initscr`, which exits on failure). Input is never blocking: `EventLoop` polls `inputFD`
/// and calls `readInput()`, which drains `wget_wch`. `present` diffs against the previous
/// canvas and sends only changed cells (`wnoutrefresh` + `doupdate`). Colour pairs are
/// allocated lazily per (fg, bg). The terminal is restored by `restore()`, by `deinit`, at
/// `exit()`, and (best effort) on fatal signals through `CrashGuard`.
final class NcursesTerminal: Terminal {
  /// Start-up choices.
  struct Options: Hashable, Sendable {
    /// No colours, attributes only (also forced by a non-empty `NO_COLOR`).
    var monochrome = false
    /// Draw only ASCII: box drawing becomes `+-|` (also forced by a non-UTF-8 locale).
    var asciiOnly = false
    /// Report clicks and the wheel as `Key.mouse`.
    var mouse = true
    /// How long a lone ESC waits for the rest of an escape sequence.
    var escapeDelayMs = 25

    init(monochrome: Bool = false, asciiOnly: Bool = false, mouse: Bool = true) {
      self.monochrome = monochrome
      self.asciiOnly = asciiOnly
      self.mouse = mouse
    }
  }

  /// Why the terminal could not be started. The terminal is left untouched in every case.
  enum StartError: Error, Equatable, CustomStringConvertible {
    case notATerminal
    case termUnset
    case dumbTerminal
    case unknownTerminal(String)
    case missingCapability(term: String, capability: String)
    case alreadyActive

    var description: String {
      switch self {
      case .notATerminal:
        return "the interactive view needs a terminal on standard input and output"
          + " (use `eval` for output to a file or pipe)"
      case .termUnset:
        return "the TERM environment variable is not set: cannot drive the terminal"
      case .dumbTerminal:
        return "TERM is `dumb`: this terminal cannot move the cursor"
      case .unknownTerminal(let term):
        return "unknown terminal type `\(term)`: no terminfo entry (try TERM=xterm-256color)"
      case .missingCapability(let term, let capability):
        return "terminal type `\(term)` lacks `\(capability)`: cannot draw the interface"
      case .alreadyActive:
        return "another terminal screen is already active"
      }
    }
  }

  let options: Options
  /// Whether colours are used (false for monochrome, NO_COLOR, or no colour support).
  let usesColor: Bool
  /// Whether characters are mapped to ASCII before output.
  let isASCIIOnly: Bool
  /// Whether `restore()` has not been called yet.
  private(set) var isActive = true

  private let screen: OpaquePointer
  private let window: UnsafeMutablePointer<WINDOW>
  private let codes: CursesKeyCodes
  private var previous: Canvas?
  private var pairs: [PairKey: Int16] = [:]
  private let colorCount: Int
  private let maxPairs: Int
  private let defaultColors: Bool

  private struct PairKey: Hashable {
    var fg: Int16
    var bg: Int16
  }

  /// Checks the environment before anything is changed; nil when start-up may proceed.
  ///
  /// Pure, for tests: `dumb` is refused because it cannot position the cursor.
  static func environmentProblem(
    term: String?, stdinIsTTY: Bool, stdoutIsTTY: Bool
  ) -> StartError? {
    guard stdinIsTTY, stdoutIsTTY else { return .notATerminal }
    guard let term, !term.isEmpty else { return .termUnset }
    if term == "dumb" { return .dumbTerminal }
    return nil
  }

  /// Takes over the terminal on standard input/output.
  init(
    options: Options = Options(),
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws {
    let term = environment["TERM"]
    if let problem = NcursesTerminal.environmentProblem(
      term: term, stdinIsTTY: isatty(STDIN_FILENO) == 1, stdoutIsTTY: isatty(STDOUT_FILENO) == 1)
    {
      throw problem
    }
    guard let term, activeNcursesTerminal == nil else { throw StartError.alreadyActive }
    // Box drawing and UTF-8 output need the user's locale before curses starts.
    setlocale(LC_ALL, "")
    var savedModes = termios()
    let hasModes = tcgetattr(STDIN_FILENO, &savedModes) == 0

    guard let screen = cn_newterm_stdio(term) else { throw StartError.unknownTerminal(term) }
    guard cn_tigetstr("cup") != nil, let window = cn_stdscr() else {
      endwin()
      delscreen(screen)
      throw StartError.missingCapability(term: term, capability: "cup")
    }
    self.screen = screen
    self.window = window
    self.options = options

    Self.setInputModes(window, escapeDelayMs: options.escapeDelayMs)

    let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
    var colorOn = !options.monochrome && !noColor && has_colors()
    var useDefault = false
    if colorOn {
      colorOn = start_color() == OK
      useDefault = colorOn && use_default_colors() == OK
    }
    usesColor = colorOn
    defaultColors = useDefault
    colorCount = colorOn ? Int(cn_colors()) : 0
    maxPairs = colorOn ? min(Int(cn_color_pairs()), Int(Int16.max)) : 0

    // Without a UTF-8 locale, box drawing cannot be output: fall back to ASCII.
    let codeset = String(cString: nl_langinfo(nl_item(CODESET))).uppercased()
    let isUTF8 = codeset.replacingOccurrences(of: "-", with: "") == "UTF8"
    isASCIIOnly = options.asciiOnly || !isUTF8

    codes = Self.keyCodes
    if options.mouse { Self.reportMouse() }

    CrashGuard.arm(
      outputFD: STDOUT_FILENO, inputFD: STDIN_FILENO, modes: hasModes ? savedModes : nil,
      resetSequence: NcursesTerminal.resetSequence(mouse: options.mouse))
    activeNcursesTerminal = self
    if !atexitRegistered {
      atexitRegistered = true
      atexit { activeNcursesTerminal?.restore() }
    }
  }

  deinit { restore() }

  /// Keys as they come (no line buffering, no echo, no newline translation), keypad keys
  /// decoded, reads that never wait, no cursor.
  private static func setInputModes(_ window: UnsafeMutablePointer<WINDOW>, escapeDelayMs: Int) {
    cbreak()
    noecho()
    nonl()
    intrflush(window, false)
    keypad(window, true)
    leaveok(window, true)
    wtimeout(window, 0)
    curs_set(0)
    set_escdelay(Int32(escapeDelayMs))
  }

  /// The key and mouse codes of this curses, for the decoder.
  private static var keyCodes: CursesKeyCodes {
    CursesKeyCodes(
      ok: OK, codeYes: KEY_CODE_YES,
      up: UInt32(KEY_UP), down: UInt32(KEY_DOWN), left: UInt32(KEY_LEFT),
      right: UInt32(KEY_RIGHT), home: UInt32(KEY_HOME), end: UInt32(KEY_END),
      pageUp: UInt32(KEY_PPAGE), pageDown: UInt32(KEY_NPAGE), enter: UInt32(KEY_ENTER),
      backspace: UInt32(KEY_BACKSPACE), delete: UInt32(KEY_DC), backTab: UInt32(KEY_BTAB),
      f0: UInt32(KEY_F0), resize: UInt32(KEY_RESIZE), mouse: UInt32(KEY_MOUSE),
      button1Pressed: UInt32(CN_BUTTON1_PRESSED), button1Released: UInt32(CN_BUTTON1_RELEASED),
      button1Clicked: UInt32(CN_BUTTON1_CLICKED), button4Pressed: UInt32(CN_BUTTON4_PRESSED),
      button5Pressed: UInt32(CN_BUTTON5_PRESSED))
  }

  /// Mouse presses, releases and the wheel reported at once (not held back to detect clicks).
  private static func reportMouse() {
    let wanted =
      CN_BUTTON1_PRESSED | CN_BUTTON1_RELEASED | CN_BUTTON4_PRESSED | CN_BUTTON5_PRESSED
    mousemask(wanted, nil)
    mouseinterval(0)
  }

  var size: (width: Int, height: Int) {
    guard isActive else { return (0, 0) }
    return (Int(getmaxx(window)), Int(getmaxy(window)))
  }

  var inputFD: Int32? { STDIN_FILENO }

  func readInput() -> [Key] {
    guard isActive else { return [] }
    var keys: [Key] = []
    if updateSizeFromTTY() { keys.append(.resize) }
    // Drain everything curses has; bounded so a flood of input cannot starve drawing.
    for _ in 0..<4096 {
      var value: wint_t = 0
      let status = wget_wch(window, &value)
      if status == ERR { break }
      switch KeyDecoder.decode(status: status, value: UInt32(value), codes: codes) {
      case .key(.resize):
        previous = nil
        if keys.last != .resize { keys.append(.resize) }
      case .key(let key):
        keys.append(key)
      case .mouse:
        var x: Int32 = 0
        var y: Int32 = 0
        var state: mmask_t = 0
        if cn_getmouse(&x, &y, &state) == OK,
          let key = KeyDecoder.decodeMouse(
            x: Int(x), y: Int(y), buttonState: UInt32(state), codes: codes)
        {
          keys.append(key)
        }
      case .ignored:
        continue
      }
    }
    return keys
  }

  func present(_ canvas: Canvas) {
    guard isActive else { return }
    let shown = isASCIIOnly ? canvas.asciiOnly() : canvas
    let (width, height) = size
    if previous == nil || previous?.width != shown.width || previous?.height != shown.height {
      werase(window)
      previous = nil
    }
    for change in shown.changes(since: previous) where change.x < width && change.y < height {
      put(change.glyph, x: change.x, y: change.y)
    }
    wnoutrefresh(window)
    doupdate()
    previous = shown
  }

  func suspend() {
    guard isActive else { return }
    endwin()
    SignalHandling.stopProcess()
    // Continued: the first refresh after endwin puts curses' modes back and repaints.
    previous = nil
    _ = updateSizeFromTTY()
    clearok(window, true)
    wrefresh(window)
  }

  func handOver(_ body: () -> Void) {
    guard isActive else { return body() }
    endwin()
    body()
    // The first refresh after endwin puts curses' modes back and repaints.
    previous = nil
    _ = updateSizeFromTTY()
    clearok(window, true)
    wrefresh(window)
  }

  func restore() {
    guard isActive else { return }
    isActive = false
    endwin()
    delscreen(screen)
    CrashGuard.disarm()
    if activeNcursesTerminal === self { activeNcursesTerminal = nil }
  }

  // MARK: - Drawing

  private func put(_ glyph: Glyph, x: Int, y: Int) {
    var wide: [wchar_t] = []
    for scalar in glyph.char.unicodeScalars.prefix(Int(CCHARW_MAX)) {
      wide.append(wchar_t(bitPattern: scalar.value))
    }
    // One column exactly: a base that is one column wide plus zero-width marks. Anything
    // else (wide, invisible, or unknown to the locale) would shift the rest of the row.
    let isOneColumn =
      !wide.isEmpty && cn_wcwidth(wide[0]) == 1
      && !wide.dropFirst().contains { cn_wcwidth($0) != 0 }
    if !isOneColumn {
      wide = [wchar_t(63)]  // "?"
    }
    wide.append(0)
    var cell = cchar_t()
    setcchar(&cell, wide, attributes(for: glyph.style), pair(for: glyph.style), nil)
    // Writing the bottom-right cell reports ERR (the cursor cannot advance) but still draws.
    mvwadd_wch(window, Int32(y), Int32(x), &cell)
  }

  private func attributes(for style: Style) -> attr_t {
    var attrs = CN_A_NORMAL
    if style.bold { attrs |= CN_A_BOLD }
    if style.dim { attrs |= CN_A_DIM }
    if style.reverse { attrs |= CN_A_REVERSE }
    if style.underline { attrs |= CN_A_UNDERLINE }
    return attrs
  }

  private func pair(for style: Style) -> Int16 {
    guard usesColor else { return 0 }
    let key = PairKey(
      fg: colorNumber(style.fg, isForeground: true),
      bg: colorNumber(style.bg, isForeground: false))
    if key.fg == -1 && key.bg == -1 { return 0 }
    if let known = pairs[key] { return known }
    let next = pairs.count + 1
    guard next < maxPairs, init_pair(Int16(next), key.fg, key.bg) == OK else { return 0 }
    pairs[key] = Int16(next)
    return Int16(next)
  }

  private func colorNumber(_ color: TermColor, isForeground: Bool) -> Int16 {
    guard var index = color.ansiIndex else {
      if defaultColors { return -1 }
      return isForeground ? Int16(COLOR_WHITE) : Int16(COLOR_BLACK)
    }
    if index >= colorCount { index = color.basic.ansiIndex ?? 0 }
    return Int16(index)
  }

  // MARK: - Size

  /// Compares the tty's size with curses' and resizes curses when they differ. Needed
  /// because our SIGWINCH handler replaces ncurses' own, which would otherwise do this.
  private func updateSizeFromTTY() -> Bool {
    var size = winsize()
    guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0, size.ws_col > 0
    else { return false }
    let rows = Int32(size.ws_row)
    let cols = Int32(size.ws_col)
    guard rows != cn_lines() || cols != cn_cols() else { return false }
    resizeterm(rows, cols)
    previous = nil
    return true
  }

  // MARK: - Emergency restore

  /// What `CrashGuard` writes when the process dies: leave the alternate screen, show the
  /// cursor, reset attributes and keypad mode (from terminfo), and stop mouse reporting.
  private static func resetSequence(mouse: Bool) -> [UInt8] {
    var bytes: [UInt8] = []
    for capability in ["sgr0", "rmkx", "cnorm", "rmcup"] {
      if let value = cn_tigetstr(capability) {
        bytes += withoutPadding(Array(String(cString: value).utf8))
      }
    }
    if mouse {
      bytes += Array("\u{1B}[?1000l\u{1B}[?1002l\u{1B}[?1003l\u{1B}[?1006l".utf8)
    }
    return bytes
  }

  /// Removes terminfo delay specifications (`$<5>`, `$<2*/>`), which only `tputs` understands.
  static func withoutPadding(_ bytes: [UInt8]) -> [UInt8] {
    var result: [UInt8] = []
    var index = 0
    while index < bytes.count {
      if bytes[index] == UInt8(ascii: "$"), index + 1 < bytes.count,
        bytes[index + 1] == UInt8(ascii: "<"),
        let close = bytes[(index + 2)...].firstIndex(of: UInt8(ascii: ">"))
      {
        index = close + 1
        continue
      }
      result.append(bytes[index])
      index += 1
    }
    return result
  }
}
