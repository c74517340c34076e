/// What a command made and no longer needs, left for the process's exit to take back.
///
/// Freeing an evaluation of a big cluster object by object (every endpoint's labels, every
/// compiled rule) is work done after the output is written (1-2 % of `eval --format summary`
/// at 10,000 pods); the kernel takes the whole address space back at once when the process
/// exits. Only a command's own `run` (the
/// process's last work) keeps things here, never code the tests call in process.
enum KeptUntilExit {
  nonisolated(unsafe) private static var kept: [Any] = []

  /// Keeps `value` until the process exits.
  static func keep(_ value: Any) {
    kept.append(value)
  }
}
