import ArgumentParser

/// `matrix-tui`: the connectivity matrix of a Kubernetes cluster protected by Calico and the
/// Kubernetes network policy APIs, from its manifests.
@main
struct MatrixTUICommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "matrix-tui",
    abstract: "Explore what network policy really allows, from Kubernetes and Calico manifests.",
    discussion: """
      With paths and no subcommand, opens the explorer in the terminal.
      Exit codes: 0 ok, 1 an expectation does not hold (check), 2 input errors, 64 usage.
      """,
    subcommands: [
      ExploreCommand.self, EvalCommand.self, TraceCommand.self, CheckCommand.self,
      EndpointsCommand.self, KeysCommand.self, BenchCommand.self,
    ],
    defaultSubcommand: ExploreCommand.self)
}
