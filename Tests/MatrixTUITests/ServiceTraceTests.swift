import Foundation
import Testing

@testable import MatrixTUI
@testable import PolicyKit

/// The trace names the service of a Calico `services` match: which endpoints and ports it
/// stands for, and why an address is not one of them.
@Suite struct ServiceTraceTests {
  private func trace(_ from: String, _ to: String, _ probe: Probe) throws -> String {
    let url = AppFixtures.root.appendingPathComponent(
      "Tests/PolicyKitTests/Scenarios/nodes-and-services/manifests.yaml")
    let yaml = try String(contentsOf: url, encoding: .utf8)
    let evaluator = Evaluator(cluster: AppFixtures.loaded(yaml).result.cluster)
    let cell = try #require(evaluator.trace(from: from, to: to, probe: probe))
    return TraceText(evaluator: evaluator).text(cell)
  }

  @Test func aMatchNamesTheServiceAndItsPort() throws {
    let text = try trace("dev/web", "dev/dns", Probe(.udp, 53))
    #expect(text.contains("egress[0] Allow: matches (destination service dev/dns: UDP/53)"), "\(text)")
    #expect(text.contains("destination service dev/dns is served at TCP/53 here, not UDP"), "\(text)")
  }

  @Test func anotherAddressIsNotAnEndpointOfTheService() throws {
    let text = try trace("dev/web", "prod/db", Probe(.udp, 53))
    #expect(text.contains("destination 10.0.1.3 is not an endpoint of service dev/dns serving UDP/53"), "\(text)")
  }

  @Test func aSourceServiceIsNamed() throws {
    let text = try trace("prod/db", "dev/web", Probe(.tcp, 80))
    #expect(text.contains("ingress[0] Allow: matches (source service prod/db)"), "\(text)")
  }
}
