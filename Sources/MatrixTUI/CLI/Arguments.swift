import PolicyKit

/// The command line, read by hand: each subcommand declares its options as data and builds
/// itself from what was given. (A reflection-based parser took about 4 ms of every start,
/// more than evaluating a 200-pod cluster's connection sets; this takes microseconds.)

/// An option, flag or the manifest paths of a subcommand, for parsing and for help.
struct ArgumentDefinition: Sendable {
  enum Kind: Sendable {
    /// `--name VALUE` or `--name=VALUE`; `value` names the value in help.
    case option(value: String)
    /// `--name`.
    case flag
    /// The positional arguments, named `value` in help.
    case paths(value: String)
  }

  /// What a shell completes for an option's value.
  enum Completion: Sendable, Equatable {
    /// Nothing (a free value).
    case none
    /// One of these words.
    case values([String])
    /// File and directory names.
    case files
    /// The probes the manifests' policies mention, and common ones.
    case probes
    /// Endpoint ids from the manifests on the command line.
    case endpoints
    /// Endpoint ids and namespaces (`--from`/`--to` of eval).
    case endpointsOrNamespaces
    /// `SRC -> DST` of endpoint ids.
    case endpointPair
    /// Policy names from the manifests on the command line.
    case policies
  }

  /// The long name, without dashes (for paths, only a key).
  var name: String
  var kind: Kind
  var help: String
  /// The default, as help shows it.
  var defaultValue: String?
  /// What completes its value.
  var completion: Completion = .none

  static func option(
    _ name: String, value: String? = nil, default defaultValue: String? = nil, completion: Completion = .none,
    help: String
  ) -> Self {
    Self(
      name: name, kind: .option(value: value ?? name), help: help, defaultValue: defaultValue, completion: completion)
  }

  /// An option whose value is one of an enumeration's cases (completed from them).
  static func choice<Choice: RawRepresentable & CaseIterable>(
    _ name: String, _ type: Choice.Type, default defaultValue: String? = nil, help: String
  ) -> Self where Choice.RawValue == String {
    option(name, default: defaultValue, completion: .values(type.allCases.map(\.rawValue)), help: help)
  }

  static func flag(_ name: String, help: String) -> Self {
    Self(name: name, kind: .flag, help: help)
  }

  static func paths(_ value: String = "paths", help: String) -> Self {
    Self(name: value, kind: .paths(value: value), help: help, completion: .files)
  }
}

/// A subcommand's name, help and arguments.
struct CommandDefinition: Sendable {
  var name: String
  var abstract: String
  var discussion: String?
  var arguments: [ArgumentDefinition]
  /// Left out of the list of subcommands (still usable, with its own help).
  var isHidden = false
}

/// A subcommand: declared, built from its parsed arguments, run.
protocol Subcommand {
  static var definition: CommandDefinition { get }
  /// Builds the command, checking its arguments (`UsageError` when they do not fit).
  init(_ arguments: ParsedArguments) throws
  func run() throws
}

/// A command line that does not fit its command: exit status 64, with the usage.
struct UsageError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// Ends the process with `status`, once what was to be said is said.
struct ExitCode: Error {
  var status: Int32
  init(_ status: Int32) { self.status = status }
}

/// `-h`, `--help` or `help`: the command's help is printed.
struct HelpRequest: Error {}

/// What a command line gave, checked against its command's definition.
struct ParsedArguments {
  private(set) var paths: [String] = []
  private var values: [String: String] = [:]
  private var flags: Set<String> = []

  init(_ arguments: some Collection<String>, for command: CommandDefinition) throws {
    var options: [String: ArgumentDefinition] = [:]
    for argument in command.arguments {
      options[argument.name] = argument
      // Defaults live in the definitions (help shows them): an option not given has its default.
      if let defaultValue = argument.defaultValue { values[argument.name] = defaultValue }
    }
    let takesPaths = command.arguments.contains { if case .paths = $0.kind { true } else { false } }
    var rest = arguments[...]
    var onlyPaths = false
    while let argument = rest.popFirst() {
      if onlyPaths || !argument.hasPrefix("-") || argument == "-" {
        guard takesPaths else { throw UsageError("unexpected argument '\(argument)'") }
        paths.append(argument)
        continue
      }
      if argument == "--" {
        onlyPaths = true
        continue
      }
      if argument == "-h" || argument == "--help" { throw HelpRequest() }
      guard argument.hasPrefix("--") else { throw UsageError("unknown option '\(argument)'") }
      var name = String(argument.dropFirst(2))
      var inline: String?
      if let equals = name.firstIndex(of: "=") {
        inline = String(name[name.index(after: equals)...])
        name = String(name[..<equals])
      }
      guard let definition = options[name] else { throw UsageError("unknown option '--\(name)'") }
      switch definition.kind {
      case .flag:
        guard inline == nil else { throw UsageError("'--\(name)' takes no value") }
        flags.insert(name)
      case .option(let value):
        if let inline {
          values[name] = inline
        } else if let next = rest.popFirst() {
          values[name] = next
        } else {
          throw UsageError("missing value for '--\(name) <\(value)>'")
        }
      case .paths:
        throw UsageError("unknown option '--\(name)'")
      }
    }
  }

  /// The value of `--name` (the last one, if given twice), or its default.
  func value(_ name: String) -> String? { values[name] }

  /// Whether `--name` was given.
  func flag(_ name: String) -> Bool { flags.contains(name) }

  /// The value of `--name` (or its default) as one of an enumeration's cases.
  func choice<Choice: RawRepresentable & CaseIterable>(_ name: String) throws -> Choice
  where Choice.RawValue == String {
    guard let text = values[name], let choice = Choice(rawValue: text) else {
      let choices = Choice.allCases.map(\.rawValue).joined(separator: ", ")
      throw UsageError("invalid value '\(values[name] ?? "")' for '--\(name)': expected one of \(choices)")
    }
    return choice
  }

  /// The value of `--name` (or its default) as a whole number.
  func integer(_ name: String) throws -> Int {
    guard let text = values[name], let number = Int(text) else {
      throw UsageError("invalid value '\(values[name] ?? "")' for '--\(name)': expected a whole number")
    }
    return number
  }
}

// MARK: - Help

enum Help {
  static let program = "matrix-tui"
  static let width = 80
  static let column = 26

  /// `Usage: matrix-tui eval [<options>] <paths> ...`.
  static func usage(_ command: CommandDefinition?) -> String {
    guard let command else { return "\(program) [<subcommand>] <paths> ..." }
    var text = "\(program) \(command.name)"
    if command.arguments.contains(where: { if case .paths = $0.kind { false } else { true } }) {
      text += " [<options>]"
    }
    for argument in command.arguments { if case .paths(let value) = argument.kind { text += " <\(value)> ..." } }
    return text
  }

  /// The help of one subcommand.
  static func text(_ command: CommandDefinition) -> String {
    var lines = wrap("OVERVIEW: " + command.abstract) + [""]
    if let discussion = command.discussion { lines += wrap(discussion) + [""] }
    lines += ["USAGE: " + usage(command), ""]
    let paths = command.arguments.filter { if case .paths = $0.kind { true } else { false } }
    if !paths.isEmpty {
      lines.append("ARGUMENTS:")
      for argument in paths { lines += entry("<\(argument.name)>", argument.help) }
      lines.append("")
    }
    lines.append("OPTIONS:")
    for argument in command.arguments {
      switch argument.kind {
      case .paths: continue
      case .flag: lines += entry("--\(argument.name)", argument.help)
      case .option(let value):
        let help = argument.defaultValue.map { "\(argument.help) (default: \($0))" } ?? argument.help
        lines += entry("--\(argument.name) <\(value)>", help)
      }
    }
    lines += entry("-h, --help", "Show help information.")
    return lines.joined(separator: "\n") + "\n"
  }

  /// The help of the program: what it does and its subcommands.
  static func text(program abstract: String, discussion: String, subcommands: [CommandDefinition], default name: String)
    -> String
  {
    var lines = wrap("OVERVIEW: " + abstract) + [""] + wrap(discussion)
    lines += ["", "USAGE: " + usage(nil), "", "OPTIONS:"]
    lines += entry("-h, --help", "Show help information.")
    lines += entry("-V, --version", "Show the version (also `\(program) version`).")
    lines += ["", "SUBCOMMANDS:"]
    for command in subcommands where !command.isHidden {
      lines += entry(command.name + (command.name == name ? " (default)" : ""), command.abstract)
    }
    lines += ["", "  See '\(program) help <subcommand>' for detailed help."]
    return lines.joined(separator: "\n") + "\n"
  }

  /// Each line of `text` wrapped at `width`.
  private static func wrap(_ text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { paragraph in
      var lines: [String] = []
      var line = ""
      for word in paragraph.split(separator: " ") {
        if !line.isEmpty, line.count + 1 + word.count > width {
          lines.append(line)
          line = String(word)
        } else {
          line += (line.isEmpty ? "" : " ") + word
        }
      }
      lines.append(line)
      return lines
    }
  }

  /// `  name     help`, the help wrapped at `width` and aligned at `column`.
  private static func entry(_ name: String, _ help: String) -> [String] {
    let indent = String(repeating: " ", count: column)
    var lines: [String] = []
    var line = "  " + name
    if line.count + 2 > column {
      lines.append(line)
      line = indent
    } else {
      line += String(repeating: " ", count: column - line.count)
    }
    var first = true
    for word in help.split(separator: " ") {
      if !first, line.count + 1 + word.count > width {
        lines.append(line)
        line = indent + word
      } else {
        line += (first ? "" : " ") + word
      }
      first = false
    }
    lines.append(line)
    return lines
  }
}
