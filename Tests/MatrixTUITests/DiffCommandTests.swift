import Foundation
import Testing

@testable import MatrixTUI

/// `matrix-tui diff`, run as a user runs it: two folders, or a git revision against the working
/// tree; every format, the exit codes, `--expect` as a gate, and hostile names.
@Suite struct DiffCommandTests {
  static let lesson = AppFixtures.lesson("host-firewall")

  /// A copy of the host-firewall lesson in `dir/name` whose firewall also lets `app ==
  /// 'backend'` in (two cells turn green: prod/backend to both hosts).
  static func widenedCopy(in dir: TempDirectory, _ name: String = "new") throws -> String {
    for file in ["00-inventory.yaml", "10-host-firewall.yaml"] {
      var text = try String(contentsOfFile: lesson + "/" + file, encoding: .utf8)
      if file == "10-host-firewall.yaml" {
        text = text.replacingOccurrences(
          of: "tier == 'control-plane'", with: "tier == 'control-plane' || app == 'backend'")
      }
      try dir.write("\(name)/\(file)", text)
    }
    return dir.at(name)
  }

  static func git(_ directory: String, _ arguments: [String]) -> Subprocess.Outcome {
    Subprocess.run(
      "/usr/bin/env",
      ["git", "-C", directory, "-c", "user.name=matrix-tui", "-c", "user.email=tests@matrix-tui.invalid"] + arguments)
  }

  @Test func everyChangedCellIsListedWithItsReasonOnBothSides() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let new = try Self.widenedCopy(in: dir)
    let table = try Subprocess.matrixTUI(["diff", Self.lesson, new])
    #expect(table.status == 1, "cells changed: exit 1")
    let text = table.stdoutText
    #expect(
      text.hasPrefix("TCP/80  enforced  1 cell changed (1 allowed now, 0 denied now); endpoints: 0 added, 0 removed"))
    #expect(text.contains("prod/backend -> host/node-worker  DENY -> ALLOW"))
    // backend runs on the control-plane node: its own node was open to it before.
    #expect(!text.contains("prod/backend -> host/node-control-plane"))
    #expect(
      text.contains(
        "before: ingress at host/node-worker: tier host-firewall default Deny: no rule of GlobalNetworkPolicy/node-host-firewall matched  (\(Self.lesson)/10-host-firewall.yaml:37)"
      ))
    #expect(
      text.contains(
        "after:  ingress at host/node-worker: GlobalNetworkPolicy/node-host-firewall ingress[0] Allow (tier host-firewall)  (\(new)/10-host-firewall.yaml:48)"
      ))
    #expect(!text.contains("dev/frontend ->"), "only changed cells are listed")

    let same = try Subprocess.matrixTUI(["diff", Self.lesson, Self.lesson])
    #expect(same.status == 0)
    #expect(same.stdoutText == "TCP/80  enforced  no cell changed; endpoints: 0 added, 0 removed\n")
  }

  @Test func jsonHasTheDocumentedShape() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let new = try Self.widenedCopy(in: dir)
    let out = try Subprocess.matrixTUI(["diff", Self.lesson, new, "--format", "json"])
    #expect(out.status == 1)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout)) as? [String: Any])
    #expect(Set(object.keys) == ["probe", "view", "added", "removed", "changes"])
    #expect(object["view"] as? String == "enforced")
    let changes = try #require(object["changes"] as? [[String: Any]])
    #expect(changes.count == 1)
    let first = try #require(changes.first { $0["to"] as? String == "host/node-worker" })
    #expect(
      Set(first.keys) == [
        "from", "to", "before", "after", "reasonBefore", "reasonAfter", "decidedByBefore", "decidedByAfter",
      ])
    #expect(first["before"] as? String == "deny" && first["after"] as? String == "allow")
    let before = try #require(first["decidedByBefore"] as? [String: Any])
    let after = try #require(first["decidedByAfter"] as? [String: Any])
    #expect(before["decision"] as? String == "tier-default")
    #expect(after["decision"] as? String == "rule" && after["rule"] as? Int == 0)
    #expect(after["at"] as? String == "\(new)/10-host-firewall.yaml:48")
  }

  @Test func markdownSummaryAndJUnitCountPerNamespacePair() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let new = try Self.widenedCopy(in: dir)
    let markdown = try Subprocess.matrixTUI(["diff", Self.lesson, new, "--format", "markdown"]).stdoutText
    #expect(markdown.contains("| `prod` | `hosts` | 1 | 0 |"))
    #expect(markdown.contains("<details><summary>prod → hosts: 1 cell</summary>"))
    #expect(markdown.contains("| `prod/backend` | `host/node-worker` | deny | **allow** |"))
    let summary = try Subprocess.matrixTUI(["diff", Self.lesson, new, "--format", "summary"]).stdoutText
    #expect(summary.contains("source -> destination\tallowed now\tdenied now\nprod -> hosts\t1\t0\ntotal\t1\t0\n"))
    let junit = try Subprocess.matrixTUI(["diff", Self.lesson, new, "--format", "junit"]).stdoutText
    #expect(junit.contains("<testsuites tests=\"1\" failures=\"1\">"))
    #expect(junit.contains("name=\"prod/backend -&gt; host/node-worker\""))
  }

  @Test func anyProbeComparesAllowedSets() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let new = try Self.widenedCopy(in: dir)
    let out = try Subprocess.matrixTUI(["diff", Self.lesson, new, "--probe", "any"])
    #expect(out.status == 1)
    #expect(out.stdoutText.hasPrefix("any  enforced  1 cell changed (1 allow more, 0 allow less)"))
    #expect(out.stdoutText.contains("prod/backend -> host/node-worker  TCP 22, 179"))
    #expect(out.stdoutText.contains("-> ALL\n"))
  }

  @Test func endpointsThatCameAndWentAreNamed() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let new = try Self.widenedCopy(in: dir)
    let inventory = try String(contentsOfFile: new + "/00-inventory.yaml", encoding: .utf8)
    try dir.write(
      "new/00-inventory.yaml",
      inventory
        + "\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: cache, namespace: prod, labels: {app: cache}}\nspec: {nodeName: workshop-worker, containers: [{name: c}]}\n"
    )
    let out = try Subprocess.matrixTUI(["diff", Self.lesson, new, "--format", "json"])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout)) as? [String: Any])
    #expect(object["added"] as? [String] == ["prod/cache"])
    #expect(object["removed"] as? [String] == [])
    let back = try Subprocess.matrixTUI(["diff", new, Self.lesson])
    #expect(back.stdoutText.contains("removed: prod/cache"))
    #expect(back.stdoutText.contains("endpoints: 0 added, 1 removed"))
  }

  @Test func fromAndToKeepTheCellsAsked() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let new = try Self.widenedCopy(in: dir)
    let out = try Subprocess.matrixTUI(["diff", Self.lesson, new, "--to", "host/node-worker"])
    #expect(out.stdoutText.contains("1 cell changed"))
    #expect(!out.stdoutText.contains("host/node-control-plane  DENY"))
    let typo = try Subprocess.matrixTUI(["diff", Self.lesson, new, "--to", "host/node-wroker"])
    #expect(typo.status == 2)
    #expect(typo.stderr.contains("did you mean"))
  }

  /// The counts come from pairs of endpoint groups, the listed cells from a walk over the
  /// endpoints: both say the same, whatever the filters.
  @Test func countsAgreeWithTheCellsListed() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let new = try Self.widenedCopy(in: dir)
    for extra in [[], ["--from", "prod"], ["--to", "hosts"], ["--from", "dev", "--to", "prod"], ["--probe", "any"]] {
      let summary = try Subprocess.matrixTUI(["diff", Self.lesson, new, "--format", "summary"] + extra).stdoutText
      let total = try #require(summary.split(separator: "\n").last { $0.hasPrefix("total\t") })
      let numbers = total.split(separator: "\t").dropFirst().compactMap { Int($0) }
      let json = try Subprocess.matrixTUI(["diff", Self.lesson, new, "--format", "json"] + extra)
      let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout)) as? [String: Any])
      let changes = try #require(object["changes"] as? [[String: Any]])
      #expect(numbers.reduce(0, +) == changes.count, "\(extra)")
    }
  }

  @Test func inputErrorsOnEitherSideAndUsageHaveTheirOwnExitCodes() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let broken = try dir.write("broken/a.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: [x\n")
    let errors = try Subprocess.matrixTUI(["diff", Self.lesson, (broken as NSString).deletingLastPathComponent])
    #expect(errors.status == 2)
    #expect(errors.stderr.contains("a.yaml:"))
    #expect(errors.stderr.contains("error:"))
    #expect(try Subprocess.matrixTUI(["diff", Self.lesson]).status == 64)
    #expect(try Subprocess.matrixTUI(["diff", Self.lesson, Self.lesson, Self.lesson]).status == 64)
  }

  @Test func expectationsGateOnlyWhatTheChangeBreaks() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let new = try Self.widenedCopy(in: dir)
    let gate = try dir.write(
      "gate.yaml",
      """
      - probe: tcp/80
        note: app pods stay off the hosts
        denied: ["prod/backend -> host/node-worker"]
      - probe: tcp/80
        allowed: ["dev/frontend -> prod/backend"]
      """)
    let broken = try Subprocess.matrixTUI(["diff", Self.lesson, new, "--expect", gate])
    #expect(broken.status == 1)
    #expect(
      broken.stdoutText.contains(
        "gate.yaml:3:12: broken by the change: expected tcp/80 prod/backend -> host/node-worker denied"))
    #expect(broken.stdoutText.contains("  note: app pods stay off the hosts"))
    #expect(broken.stdoutText.hasSuffix("expectations: 1 passed, 1 failed\n"))
    // Cells change, but none of them is expected: the gate passes.
    let unrelated = try dir.write("unrelated.yaml", "- probe: tcp/80\n  allowed: [\"dev/frontend -> prod/backend\"]\n")
    let passes = try Subprocess.matrixTUI(["diff", Self.lesson, new, "--expect", unrelated])
    #expect(passes.status == 0)
    let junit = try Subprocess.matrixTUI(["diff", Self.lesson, new, "--expect", gate, "--format", "junit"])
    #expect(junit.status == 1)
    #expect(junit.stdoutText.contains("<testsuites tests=\"2\" failures=\"1\">"))
  }

  @Test func gitRevisionAgainstTheWorkingTree() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let repo = dir.at("repo")
    let lessonCopy = try Self.widenedCopy(in: dir, "repo/policies")
    // Committed: the lesson as it is; in the working tree: the widened firewall.
    try FileManager.default.removeItem(atPath: lessonCopy + "/10-host-firewall.yaml")
    try FileManager.default.copyItem(
      atPath: Self.lesson + "/10-host-firewall.yaml", toPath: lessonCopy + "/10-host-firewall.yaml")
    #expect(Self.git(repo, ["init", "-q"]).status == 0)
    #expect(Self.git(repo, ["add", "."]).status == 0)
    #expect(Self.git(repo, ["commit", "-q", "-m", "lesson"]).status == 0)
    _ = try Self.widenedCopy(in: dir, "repo/policies")

    let out = try Subprocess.matrixTUI(["diff", "--git", "HEAD", lessonCopy])
    #expect(out.status == 1, "\(out.stderr)")
    #expect(out.stdoutText.contains("1 cell changed"))
    #expect(
      out.stdoutText.contains("(HEAD:\(lessonCopy)/10-host-firewall.yaml:37)"), "the before side names the revision")

    let unknown = try Subprocess.matrixTUI(["diff", "--git", "no-such-branch", lessonCopy])
    #expect(unknown.status == 2)
    #expect(unknown.stderr.contains("unknown revision `no-such-branch`"))
    let option = try Subprocess.matrixTUI(["diff", "--git", "--output=/tmp/x", lessonCopy])
    #expect(option.status == 2)
    #expect(option.stderr.contains("must not start with `-`"))
    let outside = try dir.write("outside/a.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
    let notRepo = try Subprocess.matrixTUI(["diff", "--git", "HEAD", outside])
    #expect(notRepo.status == 2)
    #expect(notRepo.stderr.contains("is not in a git repository"))
  }

  @Test func aFileNameIsDataNeverACommand() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let repo = dir.at("repo")
    let name = "x; touch pwned #$(touch pwned2).yaml"
    try dir.write("repo/\(name)", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
    #expect(Self.git(repo, ["init", "-q"]).status == 0)
    #expect(Self.git(repo, ["add", "."]).status == 0)
    #expect(Self.git(repo, ["commit", "-q", "-m", "one"]).status == 0)
    try dir.write(
      "repo/\(name)",
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\nspec: {containers: [{name: c}]}\n"
    )
    for path in [repo, repo + "/" + name] {
      let out = try Subprocess.matrixTUI(["diff", "--git", "HEAD", path])
      #expect(out.status == 1, "\(out.stderr)")
      #expect(out.stdoutText.contains("endpoints: 1 added, 0 removed"))
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: repo).filter { $0.hasPrefix("pwned") }
    let leftHere = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
      .filter { $0.hasPrefix("pwned") }
    #expect(left.isEmpty && leftHere.isEmpty)
  }
}
