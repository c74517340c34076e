/// A mouse click or wheel step at a cell (0-based column `x`, row `y`).
struct MouseEvent: Hashable, Sendable {
  /// What happened.
  enum Kind: Hashable, Sendable {
    case press, release, scrollUp, scrollDown
  }

  var x: Int
  var y: Int
  var kind: Kind
}

/// One decoded input: a key, a mouse event, or a terminal resize.
///
/// `char` holds printable characters (including space and non-ASCII). Control combinations are
/// `ctrl` with the lowercase letter (`.ctrl("c")`), except those with their own case: Ctrl-H
/// is `backspace`, Ctrl-I `tab`, Ctrl-J/Ctrl-M `enter`, Ctrl-[ `escape`. Alt-x arrives as
/// `escape` followed by `char("x")`.
enum Key: Hashable, Sendable {
  case char(Character)
  case up, down, left, right
  case pageUp, pageDown, home, end
  case enter, escape, backspace, tab, backTab, delete
  case ctrl(Character)
  case function(Int)
  /// The terminal changed size: re-read `Terminal.size` and redraw.
  case resize
  case mouse(MouseEvent)

  /// A short human name for help screens and hints: `q`, `Space`, `Ctrl-C`, `PgDn`, `F5`.
  var displayName: String {
    switch self {
    case .char(" "): return "Space"
    case .char(let c): return String(c)
    case .up: return "↑"
    case .down: return "↓"
    case .left: return "←"
    case .right: return "→"
    case .pageUp: return "PgUp"
    case .pageDown: return "PgDn"
    case .home: return "Home"
    case .end: return "End"
    case .enter: return "Enter"
    case .escape: return "Esc"
    case .backspace: return "Backspace"
    case .tab: return "Tab"
    case .backTab: return "Shift-Tab"
    case .delete: return "Del"
    case .ctrl(let c): return "Ctrl-" + String(c).uppercased()
    case .function(let n): return "F\(n)"
    case .resize: return "Resize"
    case .mouse: return "Mouse"
    }
  }
}
