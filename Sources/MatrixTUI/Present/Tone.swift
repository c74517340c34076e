/// How a piece of text should look, wherever it is shown (the status line, the trace pane):
/// the meaning, not the colour. `Theme` turns it into a style for each place.
enum Tone: Hashable, Sendable {
  /// Ordinary text (a status message that is only information).
  case normal
  /// A heading (a side of the trace).
  case heading
  /// Text that matters less (a rule that did not match).
  case muted
  /// Something allowed, or that went well.
  case good
  /// Something denied, or that went wrong.
  case bad
}
