import ArgumentParser
import Foundation
import PolicyKit

/// `matrix-tui PATH...`: the explorer.
struct ExploreCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explore", abstract: "Open the explorer on the manifests (the default).")

  @OptionGroup var options: EvaluationOptions

  func run() throws {
    guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1 else {
      DiagnosticPrinter.print([.error("the explorer needs a terminal; use `matrix-tui eval` to print the matrix", at: nil)])
      throw ExitCode(2)
    }
    throw ExitCode(2)
  }
}
