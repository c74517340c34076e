/// The ncurses constants `KeyDecoder` needs, as a table so decoding is testable without a TTY.
///
/// `NcursesTerminal` fills it from the real headers; `standard` holds the values of
/// ncurses 6.4 on Linux (`curses.h`, octal).
struct CursesKeyCodes: Hashable, Sendable {
  var ok: Int32
  var codeYes: Int32
  var up: UInt32
  var down: UInt32
  var left: UInt32
  var right: UInt32
  var home: UInt32
  var end: UInt32
  var pageUp: UInt32
  var pageDown: UInt32
  var enter: UInt32
  var backspace: UInt32
  var delete: UInt32
  var backTab: UInt32
  /// `KEY_F0`; `KEY_F(n)` is `f0 + n` for n in 0...63.
  var f0: UInt32
  var resize: UInt32
  var mouse: UInt32
  /// Mouse masks from `getmouse`'s `bstate`.
  var button1Pressed: UInt32
  var button1Released: UInt32
  var button1Clicked: UInt32
  var button4Pressed: UInt32
  var button5Pressed: UInt32

  /// ncurses 6.4 (ABI 6, mouse version 2) values.
  static let standard = CursesKeyCodes(
    ok: 0, codeYes: 0o400,
    up: 0o403, down: 0o402, left: 0o404, right: 0o405,
    home: 0o406, end: 0o550, pageUp: 0o523, pageDown: 0o522,
    enter: 0o527, backspace: 0o407, delete: 0o512, backTab: 0o541,
    f0: 0o410, resize: 0o632, mouse: 0o631,
    button1Pressed: 0o2, button1Released: 0o1, button1Clicked: 0o4,
    button4Pressed: 0o2 << 15, button5Pressed: 0o2 << 20)
}

/// Maps `wget_wch` results to `Key`s. Pure: no curses calls.
enum KeyDecoder {
  /// What one `wget_wch` result means.
  enum Decoded: Hashable, Sendable {
    case key(Key)
    /// `KEY_MOUSE`: call `getmouse` and pass the result to `decodeMouse`.
    case mouse
    /// Nothing to report (`ERR`, or a key code the app does not use).
    case ignored
  }

  /// Decodes `wget_wch`'s return `status` and the `value` it stored.
  static func decode(status: Int32, value: UInt32, codes: CursesKeyCodes = .standard) -> Decoded {
    if status == codes.codeYes {
      return decodeKeyCode(value, codes: codes)
    }
    guard status == codes.ok else { return .ignored }
    return decodeCharacter(value)
  }

  /// Decodes a `getmouse` state; nil for events the app does not use (middle button, drags).
  static func decodeMouse(
    x: Int, y: Int, buttonState: UInt32, codes: CursesKeyCodes = .standard
  ) -> Key? {
    let kind: MouseEvent.Kind
    if buttonState & codes.button4Pressed != 0 {
      kind = .scrollUp
    } else if buttonState & codes.button5Pressed != 0 {
      kind = .scrollDown
    } else if buttonState & (codes.button1Pressed | codes.button1Clicked) != 0 {
      kind = .press
    } else if buttonState & codes.button1Released != 0 {
      kind = .release
    } else {
      return nil
    }
    return .mouse(MouseEvent(x: x, y: y, kind: kind))
  }

  private static func decodeKeyCode(_ code: UInt32, codes: CursesKeyCodes) -> Decoded {
    switch code {
    case codes.up: return .key(.up)
    case codes.down: return .key(.down)
    case codes.left: return .key(.left)
    case codes.right: return .key(.right)
    case codes.home: return .key(.home)
    case codes.end: return .key(.end)
    case codes.pageUp: return .key(.pageUp)
    case codes.pageDown: return .key(.pageDown)
    case codes.enter: return .key(.enter)
    case codes.backspace: return .key(.backspace)
    case codes.delete: return .key(.delete)
    case codes.backTab: return .key(.backTab)
    case codes.resize: return .key(.resize)
    case codes.mouse: return .mouse
    case (codes.f0 + 1)...(codes.f0 + 63): return .key(.function(Int(code - codes.f0)))
    default: return .ignored
    }
  }

  private static func decodeCharacter(_ value: UInt32) -> Decoded {
    switch value {
    case 27: return .key(.escape)
    case 9: return .key(.tab)
    case 10, 13: return .key(.enter)
    case 8, 127: return .key(.backspace)
    case 0: return .key(.ctrl(" "))
    case 1...26: return .key(.ctrl(Character(Unicode.Scalar(UInt8(value + 96)))))
    case 28...31: return .key(.ctrl(Character(Unicode.Scalar(UInt8(value + 64)))))
    case 0x80...0x9F: return .ignored
    default:
      guard let scalar = Unicode.Scalar(value) else { return .ignored }
      return .key(.char(Character(scalar)))
    }
  }
}
