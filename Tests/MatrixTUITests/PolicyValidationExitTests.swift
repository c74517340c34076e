import Foundation
import Testing

/// What the API server would refuse stops `eval` and `check` with exit 2 and the errors, as
/// any input error does; a warning (two AdminNetworkPolicies of the same priority) does not.
@Suite struct PolicyValidationExitTests {
  private let pods = """
    apiVersion: v1
    kind: Namespace
    metadata: {name: x}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: a, namespace: x}
    spec: {containers: [{name: c}]}

    """

  private func anp(_ name: String, subject: String, action: String = "Deny") -> String {
    """
    apiVersion: policy.networking.k8s.io/v1alpha1
    kind: AdminNetworkPolicy
    metadata: {name: \(name)}
    spec:
      priority: 5
      subject: \(subject)
      ingress:
      - action: \(action)
        from: [{namespaces: {}}]

    """
  }

  @Test func anEmptySubjectIsExit2WithItsErrorAtItsLine() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let file = try dir.write("anp.yaml", pods + "---\n" + anp("empty", subject: "{}"))
    let expect = try dir.write("expect.yaml", "- probe: tcp/80\n  allowed: []\n")
    for arguments in [["eval", file], ["check", file, "--expect", expect]] {
      let command = arguments[0]
      let result = try Subprocess.matrixTUI(arguments)
      #expect(result.status == 2, "\(command): \(result.stderr)")
      #expect(result.stdout.isEmpty)
      #expect(
        result.stderr.contains(
          "\(file):15:12: error: `subject` must set exactly one of `namespaces` or `pods`; it sets none"),
        "\(result.stderr)")
      #expect(result.stderr.contains("AdminNetworkPolicy `empty` is not applied because of its errors"))
    }
  }

  @Test func twoPoliciesOfOnePriorityAreAWarningOnly() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let file = try dir.write(
      "anp.yaml",
      pods + "---\n" + anp("b", subject: "{namespaces: {}}") + "---\n"
        + anp("a", subject: "{namespaces: {}}", action: "Allow"))
    let result = try Subprocess.matrixTUI(["eval", file, "--format", "summary"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("warning: AdminNetworkPolicy `b` has priority 5, as AdminNetworkPolicy `a` does"))
  }
}
