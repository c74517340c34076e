import Glibc
import PolicyKit

/// `matrix-tui`: the connectivity matrix of a Kubernetes cluster protected by Calico and the
/// Kubernetes network policy APIs, from its manifests.
@main
enum MatrixTUICommand {
  /// The version `--version`, `-V` and `version` print.
  static let version = "0.9.0"
  static let abstract = "Explore what network policy really allows, from Kubernetes and Calico manifests."
  static let discussion = """
    With paths and no subcommand, opens the explorer in the terminal.
    Exit codes: 0 ok, 1 an expectation does not hold (check), 2 input errors, 64 usage.
    """
  static var subcommands: [any Subcommand.Type] {
    [
      ExploreCommand.self, EvalCommand.self, TraceCommand.self, CheckCommand.self,
      DiffCommand.self, EndpointsCommand.self, KeysCommand.self, CompletionsCommand.self, BenchCommand.self,
    ]
  }
  /// What runs when the first argument names no subcommand.
  static var defaultSubcommand: any Subcommand.Type { ExploreCommand.self }

  static func main() {
    exit(run(Array(CommandLine.arguments.dropFirst())))
  }

  /// Runs the command line `arguments` (the program name left out); returns the exit status.
  static func run(_ arguments: [String]) -> Int32 {
    func named(_ name: String) -> (any Subcommand.Type)? {
      subcommands.first { $0.definition.name == name }
    }
    var arguments = arguments[...]
    if arguments.first == CompletionRequest.name {
      CompletionRequest(words: Array(arguments.dropFirst())).run()
      return 0
    }
    if ["--version", "-V", "version"].contains(arguments.first) {
      writeOut("\(Help.program) \(version)\n")
      return 0
    }
    if arguments.first == "-h" || arguments.first == "--help" {
      writeOut(programHelp)
      return 0
    }
    if arguments.first == "help" {
      guard let name = arguments.dropFirst().first else {
        writeOut(programHelp)
        return 0
      }
      guard let command = named(name) else {
        let names = subcommands.filter { !$0.definition.isHidden }.map { $0.definition.name }
        return usageError(UsageError("no subcommand '\(name)'\(DidYouMean.suffix(name, among: names))"), nil)
      }
      writeOut(Help.text(command.definition))
      return 0
    }
    var command = defaultSubcommand
    if let first = arguments.first, let found = named(first) {
      command = found
      arguments = arguments.dropFirst()
    }
    do {
      let parsed = try ParsedArguments(arguments, for: command.definition)
      try command.init(parsed).run()
      return 0
    } catch is HelpRequest {
      writeOut(Help.text(command.definition))
      return 0
    } catch let error as UsageError {
      return usageError(error, command.definition)
    } catch let exit as ExitCode {
      return exit.status
    } catch {
      DiagnosticPrinter.print([.error("\(error)", at: nil)])
      return 1
    }
  }

  static var programHelp: String {
    Help.text(
      program: abstract, discussion: discussion, subcommands: subcommands.map { $0.definition },
      default: defaultSubcommand.definition.name)
  }

  /// Says what is wrong and how the command is used; 64.
  private static func usageError(_ error: UsageError, _ command: CommandDefinition?) -> Int32 {
    let help = command.map { "\(Help.program) \($0.name) --help" } ?? "\(Help.program) --help"
    let text = "Error: \(error.description)\nUsage: \(Help.usage(command))\n  See '\(help)' for more information.\n"
    _ = text.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    return 64
  }
}
