/// A transport protocol a probe or a rule can name.
public enum IPProtocol: String, Hashable, Sendable, CaseIterable, Comparable {
  case tcp = "TCP"
  case udp = "UDP"
  case sctp = "SCTP"

  /// Parses `tcp`, `TCP`, `Udp`... (case-insensitive); nil for anything else.
  public init?(name: String) {
    switch name.uppercased() {
    case "TCP": self = .tcp
    case "UDP": self = .udp
    case "SCTP": self = .sctp
    default: return nil
    }
  }

  public static func < (a: IPProtocol, b: IPProtocol) -> Bool {
    allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
  }
}

/// The destination port of a probe: a number, or a name resolved on each destination.
public enum PortReference: Hashable, Sendable, CustomStringConvertible {
  case number(Int)
  case name(String)

  public var description: String {
    switch self {
    case .number(let port): "\(port)"
    case .name(let name): name
    }
  }
}

/// The connection a matrix is computed for: a protocol and a destination port.
public struct Probe: Hashable, Sendable, CustomStringConvertible {
  /// The protocol.
  public var ipProtocol: IPProtocol
  /// The destination port.
  public var port: PortReference

  /// Creates a probe.
  public init(_ ipProtocol: IPProtocol, _ port: PortReference) {
    self.ipProtocol = ipProtocol
    self.port = port
  }

  /// Creates a probe for a numbered port.
  public init(_ ipProtocol: IPProtocol, _ port: Int) {
    self.init(ipProtocol, .number(port))
  }

  /// Parses `tcp/80`, `udp/53` or `tcp/http`; nil when malformed.
  public init?(parsing text: String) {
    let parts = text.trimmingSpaces.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let ipProtocol = IPProtocol(name: String(parts[0])) else {
      return nil
    }
    let port = String(parts[1])
    if let number = Int(port) {
      guard (1...65535).contains(number) else { return nil }
      self.init(ipProtocol, .number(number))
    } else {
      guard !port.isEmpty, port.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
        return nil
      }
      self.init(ipProtocol, .name(port))
    }
  }

  /// The port number, when the probe names one.
  public var portNumber: Int? {
    if case .number(let number) = port { return number }
    return nil
  }

  /// `TCP/80`.
  public var description: String { "\(ipProtocol.rawValue)/\(port)" }

  /// `tcp/80`, the form the command line and expectation files use.
  public var argument: String { "\(ipProtocol.rawValue.lowercased())/\(port)" }
}
