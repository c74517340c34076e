/// `matrix-tui keys`: the explorer's key table (the README's copy is checked against it).
struct KeysCommand: Subcommand {
  static let definition = CommandDefinition(
    name: "keys", abstract: "Print the explorer's keys as a Markdown table.", arguments: [])

  init(_ arguments: ParsedArguments) throws {}

  func run() throws {
    writeOut(KeyMap.markdownTable + "\n")
  }
}
