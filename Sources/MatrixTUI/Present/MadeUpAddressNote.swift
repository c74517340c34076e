import PolicyKit

/// `eval`'s word, on standard error, about the cells whose verdict rests on a made-up address
/// (a pod without `status.podIP` that a rule's address criterion checked): standard output
/// stays as it is, and nothing is said when no cell does.
enum MadeUpAddressNote {
  /// The note for `evaluator`'s cells among `rows` and `columns`, or nil when there is none.
  static func text(_ evaluator: Evaluator, _ probe: Probe, rows: [Int], columns: [Int]) -> String? {
    let (cells, complete) = evaluator.cellsOnMadeUpAddresses(probe, rows: rows, columns: columns)
    guard let first = cells.first else { return nil }
    let count = (complete ? "" : "at least ") + (cells.count == 1 ? "1 cell rests" : "\(cells.count) cells rest")
    return
      "\(count) on a made-up address (a pod without status.podIP, given one in --pod-cidr, checked by an ipBlock, nets or networks rule), e.g. \(first.0.visible) -> \(first.1.visible); `matrix-tui trace` says which address and rule"
  }

  /// Prints the note as a `note:` diagnostic, when there is one.
  static func print(_ evaluator: Evaluator, _ probe: Probe, rows: [Int], columns: [Int]) {
    guard let text = text(evaluator, probe, rows: rows, columns: columns) else { return }
    DiagnosticPrinter.print([Diagnostic(.note, text, at: nil)])
  }
}
