import Testing

@testable import MatrixTUI
@testable import PolicyKit

/// A verdict that rests on a made-up address says so in the trace and, on standard error, in
/// `eval`; standard output stays as it is.
@Suite struct MadeUpAddressTextTests {
  private let yaml = """
    apiVersion: v1
    kind: Namespace
    metadata: {name: prod}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: made-up, namespace: prod}
    spec: {containers: [{name: c}]}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: prod, labels: {app: web}}
    spec: {containers: [{name: c}]}
    status: {podIP: 10.0.1.4}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: web-from-cidr, namespace: prod}
    spec:
      podSelector: {matchLabels: {app: web}}
      ingress:
      - from: [{ipBlock: {cidr: 10.244.0.0/16}}]
    """

  @Test func theTraceSaysTheAddressIsMadeUp() throws {
    let evaluator = Evaluator(cluster: AppFixtures.loaded(yaml).result.cluster)
    let address = try #require(evaluator.cluster.endpoint("prod/made-up")?.address)
    let cell = try #require(evaluator.trace(from: "prod/made-up", to: "prod/web", probe: Probe(.tcp, 80)))
    let text = TraceText(evaluator: evaluator).text(cell)
    #expect(
      text.contains(
        "the address \(address) is made up: prod/made-up has no status.podIP, so it was given one in --pod-cidr, and ingress[0] checks it by address"
      ), "\(text)")
    let other = try #require(evaluator.trace(from: "prod/web", to: "prod/made-up", probe: Probe(.tcp, 80)))
    #expect(!TraceText(evaluator: evaluator).text(other).contains("made up"))
  }

  @Test func evalNotesItOnStandardErrorOnly() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let file = try dir.write("cluster.yaml", yaml)
    let result = try Subprocess.matrixTUI(["eval", file, "--format", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stderr.contains("note: 1 cell rests on a made-up address")
        && result.stderr.contains("prod/made-up -> prod/web"),
      "\(result.stderr)")
    #expect(!result.stdoutText.contains("made-up address"))
    let real = try dir.write(
      "real.yaml",
      yaml.replacingOccurrences(
        of: "metadata: {name: made-up, namespace: prod}\nspec: {containers: [{name: c}]}",
        with: "metadata: {name: made-up, namespace: prod}\nspec: {containers: [{name: c}]}\nstatus: {podIP: 10.0.1.9}"))
    let quiet = try Subprocess.matrixTUI(["eval", real, "--format", "json"])
    #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
  }
}
