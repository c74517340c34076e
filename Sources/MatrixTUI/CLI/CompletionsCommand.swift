import Foundation
import PolicyKit

/// `matrix-tui completions bash|zsh|fish`: a shell completion script. The script asks the
/// program itself (`matrix-tui __complete WORDS...`) what completes the word under the cursor,
/// so the candidates come from the same definitions as the help: subcommands, options, their
/// values, and endpoint ids and policy names from the manifests already on the command line.
struct CompletionsCommand: Subcommand {
  static let definition = CommandDefinition(
    name: "completions",
    abstract: "Print a shell completion script (bash, zsh or fish).",
    discussion: """
      bash: source <(matrix-tui completions bash)
      zsh: source <(matrix-tui completions zsh), after compinit
      fish: matrix-tui completions fish | source
      """,
    arguments: [.paths("shell", help: "bash, zsh or fish.")])

  enum Shell: String, CaseIterable {
    case bash, zsh, fish
  }

  var shell: Shell

  init(_ arguments: ParsedArguments) throws {
    guard arguments.paths.count == 1, let shell = Shell(rawValue: arguments.paths[0]) else {
      throw UsageError("give one shell: bash, zsh or fish")
    }
    self.shell = shell
  }

  func run() throws {
    writeOut(Self.script(shell))
  }

  static func script(_ shell: Shell) -> String {
    let program = Help.program
    switch shell {
    case .bash:
      return """
        # bash completion for \(program): source <(\(program) completions bash)
        _matrix_tui() {
          local cur=${COMP_WORDS[COMP_CWORD]} IFS=$'\\n' directive
          local -a out
          out=($("${COMP_WORDS[0]}" \(CompletionRequest.name) "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
          directive=${out[${#out[@]}-1]}
          unset 'out[${#out[@]}-1]'
          COMPREPLY=($(compgen -W "${out[*]}" -- "$cur"))
          if [ "$directive" = ":files" ]; then
            compopt -o filenames 2>/dev/null
            COMPREPLY+=($(compgen -f -- "$cur"))
          fi
        }
        complete -F _matrix_tui \(program)

        """
    case .zsh:
      return """
        #compdef \(program)
        # zsh completion for \(program): source <(\(program) completions zsh), after compinit
        _matrix_tui() {
          local -a out
          local directive
          out=("${(@f)$(${words[1]} \(CompletionRequest.name) "${(@)words[2,CURRENT]}" 2>/dev/null)}")
          directive=${out[-1]}
          out=("${(@)out[1,-2]}")
          compadd -Q -- "${out[@]}"
          [[ $directive == :files ]] && _files
        }
        if [[ $funcstack[1] == _matrix_tui ]]; then _matrix_tui "$@"; else compdef _matrix_tui \(program); fi

        """
    case .fish:
      return """
        # fish completion for \(program): \(program) completions fish | source
        function __matrix_tui_complete
          set -l words (commandline -opc) (commandline -ct)
          set -l out ($words[1] \(CompletionRequest.name) $words[2..-1] 2>/dev/null)
          set -l directive $out[-1]
          set -e out[-1]
          printf '%s\\n' $out
          if test "$directive" = ":files"
            __fish_complete_path (commandline -ct)
          end
        end
        complete -c \(program) -f -a '(__matrix_tui_complete)'

        """
    }
  }
}

/// `matrix-tui __complete WORDS...` (hidden): the candidates for the last word (the one being
/// typed, possibly empty), one a line, then `:files` when file names complete it too, else
/// `:none`.
struct CompletionRequest {
  static let name = "__complete"

  /// The words after the program name, the last one being completed.
  var words: [String]

  /// The candidates that start with the word being completed, and the directive.
  func candidates() -> (words: [String], files: Bool) {
    let current = words.last ?? ""
    let before = Array(words.dropLast())
    let commands = MatrixTUICommand.subcommands.map { $0.definition }.filter { !$0.isHidden }
    // The subcommand: the first word when it names one, else the explorer.
    var command = MatrixTUICommand.defaultSubcommand.definition
    var rest = before[...]
    if let first = before.first {
      if first == "help" { return (before.count == 1 ? filter(commands.map(\.name), current) : [], false) }
      if let named = MatrixTUICommand.subcommands.first(where: { $0.definition.name == first }) {
        command = named.definition
        rest = rest.dropFirst()
      }
    }
    if command.name == CompletionsCommand.definition.name {
      return (rest.isEmpty ? filter(CompletionsCommand.Shell.allCases.map(\.rawValue), current) : [], false)
    }
    // An option's value: `--name VALUE` or `--name=VALUE`.
    if let previous = before.last, previous.hasPrefix("--"), !previous.contains("="),
      let option = command.arguments.first(where: { "--" + $0.name == previous }),
      case .option = option.kind
    {
      return values(option, current, paths: paths(of: rest, command))
    }
    if current.hasPrefix("--"), let equals = current.firstIndex(of: "=") {
      let name = String(current[current.index(current.startIndex, offsetBy: 2)..<equals])
      let prefix = String(current[...equals])
      if let option = command.arguments.first(where: { $0.name == name }) {
        let (found, files) = values(
          option, String(current[current.index(after: equals)...]), paths: paths(of: rest, command))
        return (found.map { prefix + $0 }, files)
      }
    }
    if current.hasPrefix("-") {
      var options: [String] = []
      for argument in command.arguments {
        if case .paths = argument.kind { continue }
        options.append("--" + argument.name)
      }
      options.append("--help")
      if before.isEmpty { options += ["--version"] }
      return (filter(options, current), false)
    }
    let takesPaths = command.arguments.contains { if case .paths = $0.kind { true } else { false } }
    var found: [String] = []
    if before.isEmpty { found = filter(commands.map(\.name) + ["help", "version"], current) }
    return (found, takesPaths)
  }

  /// What completes `option`'s value.
  private func values(_ option: ArgumentDefinition, _ current: String, paths: [String]) -> ([String], Bool) {
    switch option.completion {
    case .none: return ([], false)
    case .files: return ([], true)
    case .values(let values): return (filter(values, current), false)
    case .probes:
      var probes = ["tcp/80", "tcp/443", "udp/53", "any"]
      if let cluster = cluster(paths) {
        for probe in AppState.probes(in: cluster).map(\.argument) where !probes.contains(probe) {
          probes.append(probe)
        }
      }
      return (filter(probes, current), false)
    case .endpoints:
      return (filter(cluster(paths)?.endpoints.map(\.id) ?? [], current), false)
    case .endpointsOrNamespaces:
      guard let cluster = cluster(paths) else { return ([], false) }
      let names = cluster.endpoints.map(\.id) + cluster.namespaces.keys.sorted() + ["hosts", "networks"]
      return (filter(names, current), false)
    case .endpointPair:
      let ids = cluster(paths)?.endpoints.map(\.id) ?? []
      if let arrow = current.range(of: "->") {
        // The destination, after what is typed up to it.
        let head = String(current[..<arrow.upperBound]) + " "
        let typed = current[arrow.upperBound...].trimmingCharacters(in: .whitespaces)
        return (filter(ids, typed).map { head + $0 }, false)
      }
      return (filter(ids, current), false)
    case .policies:
      guard let cluster = cluster(paths) else { return ([], false) }
      var names: [String] = []
      for policy in cluster.policies where !names.contains(policy.id.name) { names.append(policy.id.name) }
      return (filter(names, current), false)
    }
  }

  /// The paths given so far (words that are not options or their values).
  private func paths(of words: ArraySlice<String>, _ command: CommandDefinition) -> [String] {
    var found: [String] = []
    var rest = words
    while let word = rest.popFirst() {
      if word == "-" || !word.hasPrefix("-") {
        found.append(word)
      } else if !word.contains("="),
        let option = command.arguments.first(where: { "--" + $0.name == word }), case .option = option.kind
      {
        _ = rest.popFirst()
      }
    }
    return found
  }

  /// The cluster of the manifests on the command line (standard input and paths that do not
  /// exist are left out), or nil when there are none.
  private func cluster(_ paths: [String]) -> Cluster? {
    let existing = paths.filter { $0 != "-" && FileManager.default.fileExists(atPath: $0) }
    guard !existing.isEmpty else { return nil }
    return LoadedManifests.load(existing).result.cluster
  }

  private func filter(_ candidates: [String], _ prefix: String) -> [String] {
    candidates.filter { $0.hasPrefix(prefix) }
  }

  /// Prints the candidates and the directive.
  func run() {
    let (found, files) = candidates()
    writeOut((found + [files ? ":files" : ":none"]).joined(separator: "\n") + "\n")
  }
}
