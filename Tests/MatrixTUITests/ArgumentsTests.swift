import Testing

@testable import MatrixTUI

/// The command line: options as declared, values inline or after, paths anywhere, and every
/// mistake a usage error.
struct ArgumentsTests {
  static let command = CommandDefinition(
    name: "demo", abstract: "A command for tests.",
    arguments: [
      .paths(help: "Files."),
      .option("format", default: "table", help: "table or json."),
      .option("count", help: "A number."),
      .flag("ascii", help: "ASCII only."),
    ])

  enum Format: String, CaseIterable { case table, json }

  static func parse(_ arguments: [String]) throws -> ParsedArguments {
    try ParsedArguments(arguments, for: command)
  }

  @Test func optionsFlagsAndPaths() throws {
    let parsed = try Self.parse(["a.yaml", "--format", "json", "--ascii", "b", "--count=7", "-", "--", "--c"])
    #expect(parsed.paths == ["a.yaml", "b", "-", "--c"])
    #expect(try parsed.choice("format") == Format.json)
    #expect(try parsed.integer("count") == 7)
    #expect(parsed.flag("ascii"))
    let defaults = try Self.parse([])
    #expect(try defaults.choice("format") == Format.table, "the definition's default")
    #expect(!defaults.flag("ascii"))
    #expect(defaults.value("count") == nil)
    #expect(try Self.parse(["--format", "json", "--format=table"]).value("format") == "table", "the last one counts")
    #expect(try Self.parse(["--count", "-3"]).value("count") == "-3", "a value may start with a dash")
  }

  @Test(arguments: [
    (["--nope"], "unknown option '--nope'"), (["-x"], "unknown option '-x'"),
    (["--format"], "missing value for '--format <format>'"), (["--ascii=yes"], "'--ascii' takes no value"),
  ])
  func mistakesAreUsageErrors(arguments: [String], message: String) {
    #expect(throws: UsageError.self) { try Self.parse(arguments) }
    do {
      _ = try Self.parse(arguments)
    } catch {
      #expect("\(error)" == message)
    }
  }

  @Test func valuesOfTheWrongKind() throws {
    let parsed = try Self.parse(["--format", "yaml", "--count", "many"])
    #expect(throws: UsageError.self) { let _: Format = try parsed.choice("format") }
    #expect(throws: UsageError.self) { try parsed.integer("count") }
  }

  @Test func helpIsAskedFor() {
    #expect(throws: HelpRequest.self) { try Self.parse(["a", "--help"]) }
    #expect(throws: HelpRequest.self) { try Self.parse(["-h"]) }
  }

  @Test func helpListsEveryArgumentWithItsDefault() {
    let help = Help.text(Self.command)
    #expect(help.hasPrefix("OVERVIEW: A command for tests.\n\nUSAGE: matrix-tui demo [<options>] <paths> ...\n"))
    #expect(help.contains("\n  <paths>                 Files.\n"))
    #expect(help.contains("\n  --format <format>       table or json. (default: table)\n"))
    #expect(help.contains("\n  --ascii                 ASCII only.\n"))
    #expect(help.hasSuffix("  -h, --help              Show help information.\n"))
  }

  @Test func everySubcommandHasHelpAndTheProgramListsThem() {
    let names = MatrixTUICommand.subcommands.map { $0.definition.name }
    #expect(names == ["explore", "eval", "trace", "check", "diff", "endpoints", "keys", "completions", "bench"])
    let help = MatrixTUICommand.programHelp
    for name in names where name != "bench" { #expect(help.contains("\n  \(name)"), "\(name)") }
    #expect(help.contains("explore (default)"))
    #expect(!help.contains("bench"), "bench is for benchmarks")
    for line in help.split(separator: "\n") { #expect(line.count <= 80, "\(line)") }
  }
}
