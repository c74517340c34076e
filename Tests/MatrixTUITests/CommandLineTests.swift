import Foundation
import Testing

@testable import MatrixTUI

/// The built `matrix-tui`, run as a separate process: exit codes, what goes to standard output
/// and standard error, and that nothing from a manifest reaches either raw.
enum Subprocess {
  static let root = AppFixtures.root

  /// The executable: `MATRIX_TUI_BIN` if set (scripts/test sets it to the release build), else
  /// the one `swift test` built next to the test runner, else (not built yet) a debug build
  /// made for these tests in their own scratch directory, as SwiftPM's lock on `.build` is
  /// held while tests run.
  static let executable: Result<String, BuildFailure> = {
    if let path = ProcessInfo.processInfo.environment["MATRIX_TUI_BIN"] { return .success(path) }
    let runner = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    let sibling = runner.deletingLastPathComponent().appendingPathComponent("matrix-tui").path
    if FileManager.default.isExecutableFile(atPath: sibling) { return .success(sibling) }
    let scratch = root.appendingPathComponent(".build-cli-tests").path
    let build = run(
      "/usr/bin/env",
      ["swift", "build", "--product", "matrix-tui", "--scratch-path", scratch, "--package-path", root.path],
      timeout: 1200)
    guard build.status == 0 else { return .failure(BuildFailure(log: build.stderr + build.stdoutText)) }
    return .success(scratch + "/debug/matrix-tui")
  }()

  struct BuildFailure: Error, CustomStringConvertible {
    var log: String
    var description: String { "cannot build matrix-tui:\n\(log.suffix(2000))" }
  }

  struct Outcome {
    var status: Int32
    var stdout: [UInt8]
    var stderr: String
    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
  }

  /// Runs `matrix-tui` with `arguments`; standard input from `stdin` (a path).
  static func matrixTUI(
    _ arguments: [String], stdin: String = "/dev/null", asUnprivilegedUser: Bool = false
  ) throws -> Outcome {
    let binary = try executable.get()
    if asUnprivilegedUser && geteuid() == 0 {
      // Root reads every file whatever its mode: drop to `nobody` so a chmod 000 file is
      // really unreadable, as it is for the people who run this.
      return run(
        "/usr/bin/setpriv",
        ["--reuid=65534", "--regid=65534", "--clear-groups", binary] + arguments, stdin: stdin)
    }
    return run(binary, arguments, stdin: stdin)
  }

  /// Runs a shell command line with `$0` set to the executable.
  static func shell(_ script: String) throws -> Outcome {
    run("/bin/sh", ["-c", script, try executable.get()])
  }

  static func run(
    _ executable: String, _ arguments: [String], stdin: String = "/dev/null", timeout: Double = 60
  ) -> Outcome {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
    // Plain writes: an atomic one (createFile's way) leaves a TemporaryDirectory.* behind.
    try? Data().write(to: URL(fileURLWithPath: out.path + ".out"))
    try? Data().write(to: URL(fileURLWithPath: out.path + ".err"))
    defer {
      try? FileManager.default.removeItem(atPath: out.path + ".out")
      try? FileManager.default.removeItem(atPath: out.path + ".err")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = FileManager.default.temporaryDirectory
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = "1"
    process.environment = environment
    process.standardInput = FileHandle(forReadingAtPath: stdin)
    process.standardOutput = FileHandle(forWritingAtPath: out.path + ".out")
    process.standardError = FileHandle(forWritingAtPath: out.path + ".err")
    do {
      try process.run()
    } catch {
      return Outcome(status: -1, stdout: [], stderr: "cannot run \(executable): \(error)")
    }
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning {
      process.terminate()
      process.waitUntilExit()
      return Outcome(status: -2, stdout: [], stderr: "timed out after \(timeout)s")
    }
    let stdout = (try? Data(contentsOf: URL(fileURLWithPath: out.path + ".out"))) ?? Data()
    let stderr = (try? String(contentsOfFile: out.path + ".err", encoding: .utf8)) ?? ""
    return Outcome(status: process.terminationStatus, stdout: [UInt8](stdout), stderr: stderr)
  }
}

private let namespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n"

private func pod(_ name: String) -> String {
  "apiVersion: v1\nkind: Pod\nmetadata: {name: \(name), namespace: prod}\nspec: {containers: [{name: c}]}\n"
}

@Suite struct CommandLineTests {
  @Test func benchTimesEveryKindOfEditAsTheExplorerMakesThem() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let web =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: prod\n  labels:\n    app: web\nspec: {containers: [{name: c}]}\n"
    try dir.write("00-pods.yaml", namespace + "---\n" + web + "---\n" + pod("db"))
    try dir.write(
      "10-policy.yaml",
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: web, namespace: prod}
      spec:
        podSelector:
          matchLabels: {app: web}
        ingress:
        - ports:
          - port: 80
      """)
    try dir.write(
      "20-deny.yaml",
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: deny, namespace: prod}
      spec: {podSelector: {}, policyTypes: [Ingress]}
      """)
    let result = try Subprocess.matrixTUI(["bench", dir.path, "--incremental", "--repetitions", "1"])
    #expect(result.status == 0, "\(result.stderr)")
    let text = String(decoding: result.stdout, as: UTF8.self)
    // The port changes from 80 to 81 and back: db -> web (TCP/80) flips each time, and the
    // verdicts are changed where they are.
    #expect(
      text.contains(
        "edit: a policy's first `port: N` in \(dir.at("10-policy.yaml")) (decoded 1 file and 1 file; rows redone for 1 and 1 of 2 classes; 1 and 1 cells flipped; verdicts updated in place: yes and yes)"
      ), "\(text)")
    // web's label changes: only the deny-all selects it now. Its new labels make a class of
    // their own (every row gains its column: 3 rows); back as it was, it rejoins its old
    // class, whose rows were kept (none redone). Either way the endpoints' classes changed, so
    // the verdicts are updated in a copy, to compare with the ones before.
    #expect(
      text.contains(
        "pod-edit: a pod's first label value in \(dir.at("00-pods.yaml")) (decoded 1 file and 1 file; rows redone for 3 and 0 of 3 classes; 1 and 1 cells flipped; verdicts updated in place: no and no)"
      ), "\(text)")
    // A copy of web added, then removed: it joins web's class, no row is worked out again, and
    // the cells of the pods there were stay as they were.
    #expect(
      text.contains(
        "pod-add: a copy of the first pod added at the end in \(dir.at("00-pods.yaml")) (decoded 1 file and 1 file; rows redone for 0 and 0 of 3 classes; 0 and 0 cells flipped; verdicts updated in place: no and no)"
      ), "\(text)")
  }

  @Test func aMissingFileIsExit2WithAMessageAndNoOutput() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let good = try dir.write("good.yaml", namespace + "---\n" + pod("a"))
    let result = try Subprocess.matrixTUI(["eval", good, dir.at("missing.yaml")])
    #expect(result.status == 2)
    #expect(result.stderr == "matrix-tui: error: cannot read `\(dir.at("missing.yaml"))`: no such file or directory\n")
    #expect(result.stdout.isEmpty)
  }

  @Test func anUnreadableFileIsExit2() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let secret = try dir.write("secret.yaml", namespace)
    #expect(chmod(secret, 0) == 0)
    let result = try Subprocess.matrixTUI(["eval", secret], asUnprivilegedUser: true)
    #expect(result.status == 2)
    #expect(result.stderr == "matrix-tui: error: cannot read `\(secret)`: permission denied\n")
    #expect(result.stdout.isEmpty)
    // Unreadable even for root: a file used as if it were a directory.
    let inside = secret + "/policy.yaml"
    let asRoot = try Subprocess.matrixTUI(["eval", inside])
    #expect(asRoot.status == 2)
    #expect(asRoot.stderr == "matrix-tui: error: cannot read `\(inside)`: not a directory\n")
  }

  @Test func symlinkLoopsEndAndEachFileIsReadOnce() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    try dir.write("tree/a.yaml", namespace + "---\n" + pod("a"))
    try dir.write("tree/sub/b.yaml", pod("b"))
    try FileManager.default.createSymbolicLink(atPath: dir.at("tree/sub/up"), withDestinationPath: "..")
    try FileManager.default.createSymbolicLink(atPath: dir.at("tree/self"), withDestinationPath: ".")
    try FileManager.default.createSymbolicLink(
      atPath: dir.at("tree/dangling.yaml"), withDestinationPath: "nowhere.yaml")
    #expect(mkfifo(dir.at("tree/fifo.yaml"), 0o644) == 0, "a FIFO in a tree would block a reader")
    let result = try Subprocess.matrixTUI(["endpoints", dir.at("tree")])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.isEmpty)
    #expect(
      result.stdoutText.split(separator: "\n").map { $0.split(separator: "\t")[0] } == [
        "prod/a", "prod/b", "* address made up from the pod CIDR (the manifest has no status.podIP)",
      ])
  }

  /// A dump as `kubectl get --raw /api/v1/pods` writes it: a typed list in JSON whose items
  /// name no kind, a dual-stack pod, a finished one and one not scheduled yet.
  /// The dump of a kubeadm cluster: `endpoints` marks its host-networked pods, the explorer's
  /// rows too, and `check` holds every cell of its expectations.
  @Test func aKubeadmDumpMarksHostNetworkedPodsAndPassesItsChecks() throws {
    let dump = AppFixtures.root.appendingPathComponent("Tests/PolicyKitTests/Scenarios/kubeadm-calico").path
    let endpoints = try Subprocess.matrixTUI(["endpoints", dump])
    #expect(endpoints.status == 0, "\(endpoints.stderr)")
    let marked = endpoints.stdoutText.split(separator: "\n").filter { $0.contains("(host network)") }
      .map { String($0.split(separator: "\t")[0]) }
    #expect(marked.count == 8)
    #expect(marked.contains("kube-system/kube-apiserver-kubeadm-cp"))
    #expect(
      endpoints.stdoutText.contains("kube-system/kube-proxy-c8v5r\t172.18.0.4\tkubeadm-worker-2 (host network)\t"))
    #expect(endpoints.stdoutText.contains("  shop/migrate-9fz2c (Pod): finished (phase Succeeded)"))
    let check = try Subprocess.matrixTUI(["check", dump])
    #expect(check.status == 0, "\(check.stdoutText)")
    #expect(check.stdoutText.hasSuffix("17 passed, 0 failed\n"))
    let state = AppFixtures.state([dump], width: 120, height: 40)
    let screen = Screen.render(state).plainText
    #expect(screen.contains("9 ⌂ kube-system/etcd-kubeadm-cp "))
    #expect(screen.contains("8 kube-system/coredns-674b8bbfcf-6qzxl "))
  }

  @Test func endpointsOfATypedListListWhatIsLeftOutAndWhy() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    try dir.write("dump/namespaces.yaml", namespace)
    try dir.write(
      "dump/pods.json",
      ##"""
      {"kind":"PodList","apiVersion":"v1","items":[
      {"metadata":{"name":"web","namespace":"prod"},"spec":{"containers":[{"name":"c"}]},
       "status":{"phase":"Running","podIP":"10.0.0.5","podIPs":[{"ip":"10.0.0.5"},{"ip":"fd00::5"}]}},
      {"metadata":{"name":"backup-28391","namespace":"prod"},"spec":{"containers":[{"name":"c"}]},
       "status":{"phase":"Succeeded","podIP":"10.0.0.9"}},
      {"metadata":{"name":"web-2","namespace":"prod"},"spec":{"containers":[{"name":"c"}]},
       "status":{"phase":"Pending"}}]}
      """##)
    try dir.write(
      "dump/apps.yaml",
      """
      apiVersion: apps/v1
      kind: DeploymentList
      items:
      - metadata: {name: old, namespace: prod}
        spec: {replicas: 0, template: {spec: {containers: [{name: c}]}}}
      """)
    let result = try Subprocess.matrixTUI(["endpoints", dir.at("dump")])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.isEmpty)
    let dump = dir.at("dump")
    #expect(
      result.stdoutText == """
        prod/web\t10.0.0.5,fd00::5\t-\t-
        left out:
          prod/backup-28391 (Pod): finished (phase Succeeded)  \(dump)/pods.json:4:1
          prod/old (Deployment): replicas: 0  \(dump)/apps.yaml:4:3
          prod/web-2 (Pod): no address yet (phase Pending)  \(dump)/pods.json:6:1

        """)
  }

  @Test func emptyAndClosedStandardInput() throws {
    let empty = try Subprocess.matrixTUI(["eval", "-"])
    #expect(empty.status == 0)
    #expect(empty.stderr == "matrix-tui: warning: standard input is empty: no manifests were read\n")
    let closed = try Subprocess.shell(#"exec "$0" eval - <&-"#)
    #expect(closed.status == 2)
    #expect(closed.stderr == "matrix-tui: error: cannot read standard input: bad file descriptor\n")
    #expect(closed.stdout.isEmpty)
    // A writer that stops mid-document.
    let cut = try Subprocess.shell(#"printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "a' | "$0" eval -"#)
    #expect(cut.status == 2)
    #expect(
      cut.stderr == "<stdin>:4:11: error: invalid YAML: found unexpected end of stream while scanning a quoted scalar\n"
    )
  }

  @Test func helpIsExit0OnStandardOutput() throws {
    for (arguments, usage) in [
      (["--help"], "USAGE: matrix-tui [<subcommand>] <paths> ..."), (["help"], "SUBCOMMANDS:"),
      (["help", "eval"], "USAGE: matrix-tui eval [<options>] <paths> ..."),
      (["trace", "--help"], "USAGE: matrix-tui trace [<options>] <paths> ..."),
      (["check", "-h"], "--expect <expect>"),
    ] {
      let result = try Subprocess.matrixTUI(arguments)
      #expect(result.status == 0, "\(arguments)")
      #expect(result.stdoutText.contains(usage), "\(arguments): \(result.stdoutText)")
      #expect(result.stderr.isEmpty)
    }
  }

  @Test func usageErrorsAreExit64() throws {
    for arguments in [
      ["eval"], ["eval", "--format", "nope", "x.yaml"], ["eval", "--probe", "icmp/x", "x.yaml"], ["trace", "x.yaml"],
      ["eval", "--nope", "x.yaml"], ["help", "nope"], ["eval", "x.yaml", "--from"],
    ] {
      let result = try Subprocess.matrixTUI(arguments)
      #expect(result.status == 64, "\(arguments): \(result.stderr)")
      #expect(result.stdout.isEmpty)
      #expect(result.stderr.contains("Error:"))
    }
  }

  @Test func aBinaryFileIsOneErrorAtItsStart() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let path = dir.at("tool.yaml")
    try? Data([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0, 0, 0]).write(to: URL(fileURLWithPath: path))
    let result = try Subprocess.matrixTUI(["eval", path])
    #expect(result.status == 2)
    #expect(
      result.stderr
        == "\(path):1:1: error: invalid YAML: control character U+007F is not allowed (is this a binary file?)\n")
  }

  @Test func hostileNamesNeverReachTheOutputRaw() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let evil = "evil\u{1B}[2J\u{7}\u{202E}"
    let path = try dir.write(
      "evil.yaml",
      namespace + "---\n" + pod("web") + """
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: "evil\\e[2J\\a\\u202e"
          namespace: prod
          labels: {"k\\e]0;title\\a": "v\\e[31m"}
        spec: {containers: [{name: c}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: "deny\\e[5m", namespace: prod}
        spec: {podSelector: {}, policyTypes: [Ingress]}
        """)
    let runs: [(String, [String])] = [
      ("table", ["eval", path]),
      ("csv", ["eval", "--format", "csv", path]),
      ("markdown", ["eval", "--format", "markdown", path]),
      ("json", ["eval", "--format", "json", path]),
      ("trace", ["trace", path, "--from", "prod/web", "--to", "prod/" + evil]),
      ("trace json", ["trace", path, "--from", "prod/" + evil, "--to", "prod/web", "--format", "json"]),
      ("endpoints", ["endpoints", path]),
    ]
    for (name, arguments) in runs {
      let result = try Subprocess.matrixTUI(arguments)
      #expect(result.status == 0, "\(name): \(result.stderr)")
      #expect(!result.stdout.isEmpty, "\(name)")
      #expect(!result.stdout.contains(0x1B) && !result.stdout.contains(0x07), "\(name): a raw control byte")
      #expect(!result.stdoutText.contains("\u{202E}"), "\(name): a raw direction override")
      if name.hasPrefix("json") || name == "trace json" {
        #expect(result.stdoutText.contains(#"evil\u001b[2J\u0007\u202e"#), "\(name)")
      } else {
        #expect(result.stdoutText.contains(#"evil\e[2J\x07"#), "\(name): \(result.stdoutText.prefix(400))")
      }
    }
    // Diagnostics naming it go to standard error escaped too.
    let twice = try Subprocess.matrixTUI(["eval", path, path])
    #expect(twice.status == 2)
    #expect(twice.stderr.contains(#"duplicate Pod `prod/evil\e[2J\x07\u202e`"#), "\(twice.stderr)")
    #expect(!twice.stderr.utf8.contains(0x1B))
  }

  @Test func theExplorerWithoutATerminalSaysSoAndWritesNothing() throws {
    let result = try Subprocess.matrixTUI([AppFixtures.lesson("host-firewall")])
    #expect(result.status == 2)
    #expect(result.stdout.isEmpty)
    #expect(
      result.stderr
        == "matrix-tui: error: the explorer needs a terminal; use `matrix-tui eval` to print the matrix\n")
  }

  @Test(
    arguments: [
      (nil, "the TERM environment variable is not set: cannot drive the terminal"),
      ("dumb", "TERM is `dumb`: this terminal cannot move the cursor"),
      ("no-such-terminal", "unknown terminal type `no-such-terminal`: no terminfo entry (try TERM=xterm-256color)"),
    ] as [(String?, String)])
  func theExplorerOnATerminalItCannotDriveLeavesItUntouched(term: String?, reason: String) throws {
    // A pseudo-terminal from script(1) (util-linux), so only TERM is wrong.
    let setTerm = term.map { "TERM=\($0); export TERM" } ?? "unset TERM"
    let lesson = AppFixtures.lesson("host-firewall")
    let result = try Subprocess.shell(
      #"\#(setTerm); exec script -qec "\"$0\" '\#(lesson)'" /dev/null"#)
    #expect(result.status == 2)
    // Every byte the terminal got: the message, and no escape sequence (no alternate screen,
    // no colour, no cursor movement).
    #expect(result.stdoutText == "matrix-tui: error: cannot open the explorer: \(reason)\r\n")
  }
}

/// What a newcomer types first: the version, typos in every name, shell completion, and the
/// what-ifs said in every output format.
@Suite struct FirstContactCommandLineTests {
  private let lesson = AppFixtures.root.appendingPathComponent("demo/host-firewall").path

  @Test func versionIsPrintedThreeWays() throws {
    for argument in ["--version", "-V", "version"] {
      let result = try Subprocess.matrixTUI([argument])
      #expect(result.status == 0, "\(argument): \(result.stderr)")
      #expect(result.stdoutText == "matrix-tui \(MatrixTUICommand.version)\n", "\(argument)")
    }
    #expect(MatrixTUICommand.programHelp.contains("-V, --version"))
  }

  @Test func aMissingPathIsAnErrorWithTheClosestName() throws {
    let typo = String(lesson.dropLast())  // demo/host-firewal
    // The explorer checks before it needs a terminal; eval reads and says the same.
    for arguments in [[typo], ["eval", typo]] {
      let result = try Subprocess.matrixTUI(arguments)
      #expect(result.status == 2, "\(arguments)")
      #expect(result.stderr.contains("did you mean `\(lesson)`?"), "\(arguments): \(result.stderr)")
    }
    // A directory typed wrong too: both parts are corrected.
    let both = AppFixtures.root.appendingPathComponent("dmo/host-firewal").path
    let result = try Subprocess.matrixTUI(["eval", both])
    #expect(result.stderr.contains("did you mean `\(lesson)`?"), "\(result.stderr)")
  }

  @Test func everyTypedNameGetsTheClosestKnownOne() throws {
    let cases: [([String], String)] = [
      (
        ["trace", lesson, "--from", "prod/backnd", "--to", "host/worker"],
        "no endpoint `prod/backnd`; did you mean `prod/backend`?"
      ),
      (
        ["trace", lesson, "--from", "prod/backnd", "--to", "host/worker"],
        "no endpoint `host/worker`; did you mean `host/node-worker`?"
      ),
      (
        ["eval", lesson, "--trap", "node-host-firewal"],
        "no policy named `node-host-firewal`; did you mean `node-host-firewall`?"
      ),
      (["eval", lesson, "--from", "prod/backnd"], "did you mean `prod/backend`?"),
      (["eval", lesson, "--to", "dve"], "did you mean `dev`?"),
      (["help", "evl"], "no subcommand 'evl'; did you mean `eval`?"),
    ]
    for (arguments, message) in cases {
      let result = try Subprocess.matrixTUI(arguments)
      #expect(result.status != 0, "\(arguments)")
      #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }
  }

  @Test func idsInACheckFileGetTheClosestKnownOne() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    try dir.write(
      "expect.yaml",
      """
      - probe: tcp/80
        denied:
          - "prod/backnd -> host/node-worker"
      """)
    let result = try Subprocess.matrixTUI(["check", lesson, "--expect", dir.at("expect.yaml")])
    #expect(result.status == 2)
    #expect(result.stderr.contains("no endpoint `prod/backnd`; did you mean `prod/backend`?"), "\(result.stderr)")
  }

  @Test func evalTakesTextAsTraceAndCheckDo() throws {
    let text = try Subprocess.matrixTUI(["eval", lesson, "--format", "text"])
    let table = try Subprocess.matrixTUI(["eval", lesson, "--format", "table"])
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdoutText == table.stdoutText)
    let trace = try Subprocess.matrixTUI([
      "trace", lesson, "--from", "prod/backend", "--to", "dev/frontend", "--format", "text",
    ])
    #expect(trace.status == 0)
  }

  @Test func everyFormatSaysTheTrapAndThePendingView() throws {
    for format in ["table", "text", "summary", "csv", "markdown", "json"] {
      let trapped = try Subprocess.matrixTUI(["eval", lesson, "--trap", "node-host-firewall", "--format", format])
      #expect(trapped.status == 0, "\(format): \(trapped.stderr)")
      #expect(trapped.stdoutText.contains("node-host-firewall"), "\(format) says the trap")
      if format != "json" {
        #expect(trapped.stdoutText.contains("trap: node-host-firewall ingress[0] source -> all()"), "\(format)")
      }
      let pending = try Subprocess.matrixTUI(["eval", lesson, "--view", "pending", "--format", format])
      #expect(pending.stdoutText.contains("pending"), "\(format) says the view")
      if format != "json" {
        #expect(pending.stdoutText.contains("view: pending (staged policies as if enforced"), "\(format)")
      }
      let enforced = try Subprocess.matrixTUI(["eval", lesson, "--format", format])
      #expect(!enforced.stdoutText.contains("trap:") && !enforced.stdoutText.contains("view: pending"), "\(format)")
    }
  }

  /// Runs `script` in bash with the generated completion loaded; `$BIN` is the executable.
  private func bash(_ script: String) throws -> Subprocess.Outcome {
    let binary = try Subprocess.executable.get()
    let setup = "BIN=\(binary); source <(\"$BIN\" completions bash) || exit 9; cd \(AppFixtures.root.path)\n"
    return Subprocess.run("/bin/bash", ["--norc", "--noprofile", "-c", setup + script])
  }

  /// What bash's completion function offers for `words` (the last one being typed).
  private func complete(_ words: [String]) throws -> [String] {
    let quoted = words.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
    let result = try bash(
      """
      COMP_WORDS=("$BIN" \(quoted)); COMP_CWORD=\(words.count)
      _matrix_tui
      printf '%s\\n' "${COMPREPLY[@]}"
      """)
    #expect(result.status == 0, "\(result.stderr)")
    return result.stdoutText.split(separator: "\n").map(String.init)
  }

  @Test func bashCompletesSubcommandsOptionsAndValues() throws {
    let subcommands = try complete([""])
    for name in ["eval", "trace", "check", "endpoints", "keys", "completions", "version"] {
      #expect(subcommands.contains(name), "\(subcommands)")
    }
    #expect(!subcommands.contains("bench") && !subcommands.contains("__complete"))
    #expect(try complete(["ev"]) == ["eval"])
    let options = try complete(["eval", "--f"])
    #expect(options == ["--format", "--from"], "\(options)")
    #expect(try complete(["eval", "--format", ""]) == EvalCommand.Format.allCases.map(\.rawValue))
    #expect(try complete(["trace", "--format", ""]) == ["text", "json"])
    #expect(try complete(["eval", "--view", "p"]) == ["pending"])
    #expect(try complete(["demo/host-firewall", "--zoom", ""]) == ["auto", "endpoints", "namespaces"])
    #expect(try complete(["completions", ""]) == ["bash", "zsh", "fish"])
    #expect(try complete(["eval", "--probe", "ud"]).contains("udp/53"))
    // Paths complete as files.
    #expect(try complete(["eval", "demo/host-fire"]).contains("demo/host-firewall"))
  }

  @Test func bashCompletesEndpointIdsAndPolicyNamesFromTheManifestsGiven() throws {
    let ids = try complete(["trace", "demo/host-firewall", "--from", "prod/"])
    #expect(ids == ["prod/backend"], "\(ids)")
    let hosts = try complete(["trace", "demo/host-firewall", "--to", "host/"])
    #expect(hosts == ["host/node-control-plane", "host/node-worker"], "\(hosts)")
    let policies = try complete(["eval", "demo/host-firewall", "--trap", "node-"])
    #expect(policies == ["node-host-firewall"], "\(policies)")
    // The manifests may come before or after; what is typed last is completed.
    let from = try complete(["eval", "demo/host-firewall", "--from", "de"])
    #expect(from.contains("dev") && from.contains("dev/frontend"), "\(from)")
    let pair = try complete(["demo/host-firewall", "--select", "prod/backend -> host/node-w"])
    #expect(pair == ["prod/backend -> host/node-worker"], "\(pair)")
    // Without manifests nothing is made up.
    #expect(try complete(["trace", "--from", ""]).isEmpty)
  }

  @Test func zshAndFishScriptsCallTheSameCompletion() throws {
    for shell in ["zsh", "fish"] {
      let result = try Subprocess.matrixTUI(["completions", shell])
      #expect(result.status == 0)
      #expect(result.stdoutText.contains("__complete"), "\(shell)")
    }
    let bad = try Subprocess.matrixTUI(["completions", "tcsh"])
    #expect(bad.status == 64)
  }
}
