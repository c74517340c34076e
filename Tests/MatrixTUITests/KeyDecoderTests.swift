import Testing

@testable import MatrixTUI

@Suite struct KeyDecoderTests {
  static let characters: [(UInt32, Key)] = [
    (UInt32(UInt8(ascii: "q")), .char("q")),
    (32, .char(" ")),
    (0xE9, .char("é")),
    (0x2713, .char("✓")),
    (27, .escape),
    (13, .enter),
    (10, .enter),
    (9, .tab),
    (127, .backspace),
    (8, .backspace),
    (3, .ctrl("c")),
    (1, .ctrl("a")),
    (26, .ctrl("z")),
    (0, .ctrl(" ")),
    (31, .ctrl("_")),
  ]

  @Test(arguments: characters)
  func decodesCharacters(value: UInt32, key: Key) {
    #expect(KeyDecoder.decode(status: 0, value: value) == .key(key))
  }

  static let keyCodes: [(UInt32, KeyDecoder.Decoded)] = [
    (0o403, .key(.up)), (0o402, .key(.down)), (0o404, .key(.left)), (0o405, .key(.right)),
    (0o523, .key(.pageUp)), (0o522, .key(.pageDown)), (0o406, .key(.home)),
    (0o550, .key(.end)), (0o527, .key(.enter)), (0o407, .key(.backspace)),
    (0o512, .key(.delete)), (0o541, .key(.backTab)), (0o411, .key(.function(1))),
    (0o414, .key(.function(4))), (0o410 + 12, .key(.function(12))),
    (0o632, .key(.resize)), (0o631, .mouse), (0o410, .ignored), (0o777, .ignored),
  ]

  @Test(arguments: keyCodes)
  func decodesKeyCodes(code: UInt32, expected: KeyDecoder.Decoded) {
    #expect(KeyDecoder.decode(status: 0o400, value: code) == expected)
  }

  @Test func errAndInvalidValuesAreIgnored() {
    #expect(KeyDecoder.decode(status: -1, value: 65) == .ignored)
    #expect(KeyDecoder.decode(status: 0, value: 0xD800) == .ignored)
    #expect(KeyDecoder.decode(status: 0, value: 0x9B) == .ignored)
  }

  @Test func usesTheGivenCodeTable() {
    var codes = CursesKeyCodes.standard
    codes.up = 1000
    #expect(KeyDecoder.decode(status: 0o400, value: 1000, codes: codes) == .key(.up))
    #expect(KeyDecoder.decode(status: 0o400, value: 0o403, codes: codes) == .ignored)
  }

  @Test func decodesMouse() {
    let codes = CursesKeyCodes.standard
    func decode(_ state: UInt32) -> Key? {
      KeyDecoder.decodeMouse(x: 3, y: 4, buttonState: state, codes: codes)
    }
    #expect(decode(codes.button1Pressed) == .mouse(MouseEvent(x: 3, y: 4, kind: .press)))
    #expect(decode(codes.button1Clicked) == .mouse(MouseEvent(x: 3, y: 4, kind: .press)))
    #expect(decode(codes.button1Released) == .mouse(MouseEvent(x: 3, y: 4, kind: .release)))
    #expect(decode(codes.button4Pressed) == .mouse(MouseEvent(x: 3, y: 4, kind: .scrollUp)))
    #expect(decode(codes.button5Pressed) == .mouse(MouseEvent(x: 3, y: 4, kind: .scrollDown)))
    #expect(decode(0o2 << 5) == nil)
  }

  @Test func displayNames() {
    #expect(Key.ctrl("c").displayName == "Ctrl-C")
    #expect(Key.char(" ").displayName == "Space")
    #expect(Key.function(5).displayName == "F5")
    #expect(Key.pageDown.displayName == "PgDn")
  }
}
