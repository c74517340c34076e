import Foundation
import PolicyKit

/// Writes diagnostics to standard error, coloured on a terminal that has colour (never with
/// `NO_COLOR`, an unset `TERM` or `TERM=dumb`).
enum DiagnosticPrinter {
  /// Prints `diagnostics`; `plain` never colours (for a terminal that could not be opened).
  static func print(_ diagnostics: [Diagnostic], plain: Bool = false) {
    guard !diagnostics.isEmpty else { return }
    let environment = ProcessInfo.processInfo.environment
    // Colour only on a terminal that has it: not with TERM unset or `dumb`, nor NO_COLOR.
    let colour =
      !plain && isatty(STDERR_FILENO) == 1 && environment["NO_COLOR"] == nil
      && !["", "dumb"].contains(environment["TERM"] ?? "")
    var text = ""
    for diagnostic in diagnostics {
      var line = diagnostic.description.visibleKeepingNewlines
      if colour {
        let code = diagnostic.severity == .error ? "31" : "33"
        line = line.replacingOccurrences(
          of: ": \(diagnostic.severity.rawValue): ",
          with: ": \u{1B}[1;\(code)m\(diagnostic.severity.rawValue)\u{1B}[0m: ")
      }
      text += line + "\n"
    }
    FileHandle.standardError.write(Data(text.utf8))
  }
}

extension String {
  /// Control characters escaped, except the newlines that separate lines.
  var visibleKeepingNewlines: String {
    split(separator: "\n", omittingEmptySubsequences: false).map { String($0).visible }
      .joined(separator: "\n")
  }
}
