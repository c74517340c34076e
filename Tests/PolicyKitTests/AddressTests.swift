import Testing

@testable import PolicyKit

/// Address parsing: what `status.podIP`, host endpoint addresses and `nets` accept.
struct AddressTests {
  @Test(arguments: [
    ("10.0.0.1", true), ("0.0.0.0", true), ("255.255.255.255", true), ("010.001.000.009", true),
    ("256.0.0.1", false), ("1.2.3", false), ("1.2.3.4.5", false), ("1..2.3", false),
    (".1.2.3", false), ("1.2.3.", false), ("1.2.3.0004", false), ("+1.2.3.4", false),
    ("1.2.3.4 ", false), ("", false), ("a.b.c.d", false), ("1.2.3.٤", false),
  ])
  func ipv4(text: String, valid: Bool) {
    let address = IPAddress(text)
    #expect((address != nil) == valid, "\(text)")
    if let address { #expect(address.isIPv4) }
  }

  @Test func ipv4Value() {
    #expect(IPAddress("10.1.2.3") == IPAddress(ipv4: 0x0A01_0203))
    #expect(IPAddress("010.001.000.009")?.description == "10.1.0.9")
  }

  @Test func ipv6() {
    #expect(IPAddress("fd00::5")?.isIPv4 == false)
    #expect(IPAddress("::ffff:10.0.0.1") == IPAddress(ipv6High: 0, low: 0x0000_FFFF_0A00_0001))
    #expect(IPAddress("::ffff:10.0.0") == nil)
    #expect(IPAddress("fd00::1::2") == nil)
  }
}
