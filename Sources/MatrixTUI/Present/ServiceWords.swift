import PolicyKit

/// How a trace names the service of a Calico `services` match.
enum ServiceWords {
  /// ` (destination service prod/db: TCP/5432)` after "matches", or nothing without a service.
  static func matched(_ rule: Rule) -> String {
    if let service = rule.destination.services { return " (destination service \(service): \(served(rule)))" }
    if let service = rule.source.services { return " (source service \(service))" }
    return ""
  }

  /// Why an address is not matched by a service: it is not one of its endpoints (serving the
  /// rule's port, for a destination).
  static func notAnEndpoint(_ side: String, _ entity: EntityMatch, _ rule: Rule, _ address: IPAddress?) -> String {
    let who = address?.description ?? "an endpoint without an address"
    let service = entity.services?.description ?? "?"
    guard side == "destination" else { return "\(side) \(who) is not an endpoint of service \(service)" }
    return "\(side) \(who) is not an endpoint of service \(service) serving \(served(rule))"
  }

  /// A destination service's rule for another protocol than the probe's.
  static func otherProtocol(_ rule: Rule, _ ipProtocol: IPProtocol) -> String {
    "destination service \(rule.destination.services?.description ?? "?") is served at \(served(rule)) here, not \(ipProtocol.rawValue)"
  }

  /// `TCP/5432`, or `UDP (every port)`.
  private static func served(_ rule: Rule) -> String {
    let ipProtocol = rule.protocols.only?.first?.rawValue ?? "any protocol"
    guard let ports = rule.destination.ports else { return "\(ipProtocol) (every port)" }
    return "\(ipProtocol)/\(ports.map(\.description).joined(separator: ","))"
  }
}
