import Foundation

/// An IPv4 or IPv6 address, stored as 128 bits (IPv4 in the low 32 bits) plus its family.
public struct IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// Whether the address is IPv4.
  public var isIPv4: Bool
  /// The high 64 bits (always 0 for IPv4).
  public var high: UInt64
  /// The low 64 bits.
  public var low: UInt64

  /// Creates an IPv4 address from its 32-bit value.
  public init(ipv4 value: UInt32) {
    isIPv4 = true
    high = 0
    low = UInt64(value)
  }

  /// Creates an IPv6 address from its two halves.
  public init(ipv6High high: UInt64, low: UInt64) {
    isIPv4 = false
    self.high = high
    self.low = low
  }

  /// Parses dotted IPv4 (`10.0.0.1`) or IPv6 (`fd00::1`, `::ffff:10.0.0.1`); nil if invalid.
  public init?(_ text: String) {
    if text.utf8.contains(UInt8(ascii: ":")) {
      guard let (high, low) = Self.parseIPv6(text) else { return nil }
      self.init(ipv6High: high, low: low)
    } else {
      guard let value = Self.parseIPv4(text) else { return nil }
      self.init(ipv4: value)
    }
  }

  /// The number of bits in this family (32 or 128).
  public var bitWidth: Int { isIPv4 ? 32 : 128 }

  /// The address with every bit after the first `prefix` set to zero.
  public func masked(to prefix: Int) -> IPAddress {
    var copy = self
    if isIPv4 {
      let mask: UInt64 = prefix <= 0 ? 0 : (0xFFFF_FFFF << UInt64(32 - min(prefix, 32))) & 0xFFFF_FFFF
      copy.low &= mask
    } else {
      copy.high &= Self.mask(prefix)
      copy.low &= Self.mask(prefix - 64)
    }
    return copy
  }

  /// The address `offset` further on, within the same family (wrapping inside 32 bits for v4).
  public func adding(_ offset: UInt64) -> IPAddress {
    var copy = self
    if isIPv4 {
      copy.low = (low &+ offset) & 0xFFFF_FFFF
    } else {
      let (sum, overflow) = low.addingReportingOverflow(offset)
      copy.low = sum
      if overflow { copy.high &+= 1 }
    }
    return copy
  }

  private static func mask(_ bits: Int) -> UInt64 {
    if bits <= 0 { return 0 }
    if bits >= 64 { return .max }
    return ~(UInt64.max >> UInt64(bits))
  }

  public var description: String {
    if isIPv4 {
      let v = UInt32(truncatingIfNeeded: low)
      return "\(v >> 24).\((v >> 16) & 0xFF).\((v >> 8) & 0xFF).\(v & 0xFF)"
    }
    var groups: [UInt16] = []
    for shift in stride(from: 48, through: 0, by: -16) {
      groups.append(UInt16(truncatingIfNeeded: high >> UInt64(shift)))
    }
    for shift in stride(from: 48, through: 0, by: -16) {
      groups.append(UInt16(truncatingIfNeeded: low >> UInt64(shift)))
    }
    // Compress the longest run of zero groups (length >= 2) as `::`.
    var bestStart = -1
    var bestLength = 0
    var index = 0
    while index < 8 {
      if groups[index] == 0 {
        var end = index
        while end < 8 && groups[end] == 0 { end += 1 }
        if end - index > bestLength && end - index >= 2 {
          bestStart = index
          bestLength = end - index
        }
        index = end
      } else {
        index += 1
      }
    }
    func hex(_ slice: ArraySlice<UInt16>) -> String {
      slice.map { String($0, radix: 16) }.joined(separator: ":")
    }
    if bestStart < 0 { return hex(groups[...]) }
    return hex(groups[..<bestStart]) + "::" + hex(groups[(bestStart + bestLength)...])
  }

  public static func < (a: IPAddress, b: IPAddress) -> Bool {
    (a.isIPv4 ? 0 : 1, a.high, a.low) < (b.isIPv4 ? 0 : 1, b.high, b.low)
  }

  private static func parseIPv4(_ text: Substring) -> UInt32? {
    // Four dot-separated decimal octets of one to three digits each, read byte by byte.
    var value: UInt32 = 0
    var octet: UInt32 = 0
    var digits = 0
    var dots = 0
    for byte in text.utf8 {
      if byte == UInt8(ascii: ".") {
        guard digits > 0, dots < 3 else { return nil }
        value = value << 8 | octet
        octet = 0
        digits = 0
        dots += 1
      } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 3 {
        octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
        guard octet <= 255 else { return nil }
        digits += 1
      } else {
        return nil
      }
    }
    guard dots == 3, digits > 0 else { return nil }
    return value << 8 | octet
  }

  private static func parseIPv4(_ text: String) -> UInt32? { parseIPv4(text[...]) }

  private static func parseIPv6(_ text: String) -> (UInt64, UInt64)? {
    var head: [UInt16] = []
    var tail: [UInt16] = []
    let halves = text.components(separatedBy: "::")
    guard halves.count <= 2 else { return nil }
    func groups(_ part: String, allowIPv4: Bool) -> [UInt16]? {
      if part.isEmpty { return [] }
      var result: [UInt16] = []
      let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
      for (i, piece) in pieces.enumerated() {
        if allowIPv4 && i == pieces.count - 1 && piece.utf8.contains(UInt8(ascii: ".")) {
          guard let v4 = parseIPv4(piece) else { return nil }
          result.append(UInt16(v4 >> 16))
          result.append(UInt16(v4 & 0xFFFF))
          continue
        }
        guard (1...4).contains(piece.count), let group = UInt16(piece, radix: 16) else {
          return nil
        }
        result.append(group)
      }
      return result
    }
    if halves.count == 2 {
      guard let h = groups(halves[0], allowIPv4: false), let t = groups(halves[1], allowIPv4: true),
        h.count + t.count <= 7
      else { return nil }
      head = h
      tail = t
    } else {
      guard let all = groups(halves[0], allowIPv4: true), all.count == 8 else { return nil }
      head = all
    }
    let full = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    var high: UInt64 = 0
    var low: UInt64 = 0
    for group in full[0..<4] { high = high << 16 | UInt64(group) }
    for group in full[4..<8] { low = low << 16 | UInt64(group) }
    return (high, low)
  }
}

/// A block of addresses written `address/prefix` (a bare address is a /32 or /128).
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
  /// The network address (host bits cleared).
  public var address: IPAddress
  /// The prefix length.
  public var prefix: Int

  /// Creates a block, clearing the host bits of `address`.
  public init(address: IPAddress, prefix: Int) {
    self.address = address.masked(to: prefix)
    self.prefix = prefix
  }

  /// Parses `10.0.0.0/8`, `fd00::/64` or a bare address; nil if invalid.
  public init?(_ text: String) {
    let trimmed = text.trimmingSpaces
    let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count <= 2, let address = IPAddress(String(parts[0])) else { return nil }
    var prefix = address.bitWidth
    if parts.count == 2 {
      guard parts[1].allSatisfy(\.isASCII), let value = Int(parts[1]),
        (0...address.bitWidth).contains(value)
      else { return nil }
      prefix = value
    }
    self.init(address: address, prefix: prefix)
  }

  /// Whether `ip` lies inside the block (never across families).
  public func contains(_ ip: IPAddress) -> Bool {
    ip.isIPv4 == address.isIPv4 && ip.masked(to: prefix) == address
  }

  /// Whether every address of `other` lies inside this block.
  public func contains(_ other: CIDR) -> Bool {
    other.prefix >= prefix && contains(other.address)
  }

  public var description: String { "\(address)/\(prefix)" }
}

extension String {
  /// The string without leading and trailing spaces, tabs and newlines.
  public var trimmingSpaces: String {
    var scalars = Substring(self)
    while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
    while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
    return String(scalars)
  }
}
