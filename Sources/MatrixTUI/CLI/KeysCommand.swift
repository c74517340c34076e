import ArgumentParser

/// `matrix-tui keys`: the explorer's key table (the README's copy is checked against it).
struct KeysCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "keys", abstract: "Print the explorer's keys as a Markdown table.")

  func run() throws {
    writeOut(KeyMap.markdownTable + "\n")
  }
}
