import Foundation

/// Starts the user's editor on a file at a line, without a shell: `$VISUAL`, else `$EDITOR`,
/// else `vi`, split into words at whitespace only (`code --wait` is a command and a flag; no
/// quoting, no `$`, no `;`), then `+LINE` and the file name, each one argument. A manifest
/// named `x; rm -rf ~.yaml` opens as that file.
enum EditorLauncher {
  /// The editor's arguments, the command first.
  static func arguments(environment: [String: String], file: String, line: Int) -> [String] {
    let words = { (value: String?) -> [String] in
      (value ?? "").split(whereSeparator: { $0.isWhitespace }).map(String.init)
    }
    var command = words(environment["VISUAL"])
    if command.isEmpty { command = words(environment["EDITOR"]) }
    if command.isEmpty { command = ["vi"] }
    // A file name that starts with `-` or `+` would be read as an option.
    let name = file.hasPrefix("-") || file.hasPrefix("+") ? "./" + file : file
    return command + ["+\(max(1, line))", name]
  }

  /// Runs `arguments` (looked up in `PATH`) in the foreground and waits for it to exit;
  /// returns why it could not run or failed, or nil.
  static func run(_ arguments: [String]) -> String? {
    guard let command = arguments.first else { return "no editor to start" }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // The editor gets the usual signals: none blocked, the ones the explorer catches at their
    // defaults (exec resets those anyway; this also covers ignored ones).
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for number in [SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT, SIGWINCH, SIGPIPE] { sigaddset(&defaults, number) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let started = posix_spawnp(&pid, command, nil, &attributes, &argv, environ)
    guard started == 0 else {
      return "cannot start the editor `\(command)`: \(String(cString: strerror(started))) (set $VISUAL or $EDITOR)"
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
      guard errno == EINTR else { return "lost track of the editor: \(String(cString: strerror(errno)))" }
    }
    let exited = status & 0x7f == 0
    let code = (status >> 8) & 0xff
    if !exited { return "the editor `\(command)` was stopped by signal \(status & 0x7f)" }
    return code == 0 ? nil : "the editor `\(command)` exited with status \(code)"
  }
}
