/// A problem found in the user's input: an error (the object or field is not applied) or a
/// warning (applied, but probably not what was meant).
///
/// Loading never throws for a user's mistake; it returns diagnostics next to whatever loaded.
public struct Diagnostic: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// How serious a diagnostic is.
  public enum Severity: String, Hashable, Sendable, Comparable {
    case error
    case warning
    case note

    private var rank: Int {
      switch self {
      case .error: 0
      case .warning: 1
      case .note: 2
      }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
  }

  /// A secondary message pointing at another place (e.g. the first definition of a duplicate).
  public struct Note: Hashable, Sendable {
    /// What the note says.
    public var message: String
    /// Where it points, if anywhere.
    public var location: SourceLocation?

    /// Creates a note.
    public init(_ message: String, at location: SourceLocation? = nil) {
      self.message = message
      self.location = location
    }
  }

  /// Error, warning or note.
  public var severity: Severity
  /// The message: lowercase, no final period, user input in backticks.
  public var message: String
  /// Where the problem is, when it is in a file.
  public var location: SourceLocation?
  /// Further places worth looking at.
  public var notes: [Note]

  /// Creates a diagnostic.
  public init(
    _ severity: Severity, _ message: String, at location: SourceLocation?, notes: [Note] = []
  ) {
    self.severity = severity
    self.message = message
    self.location = location
    self.notes = notes
  }

  /// An error at `location`.
  public static func error(_ message: String, at location: SourceLocation?) -> Diagnostic {
    Diagnostic(.error, message, at: location)
  }

  /// A warning at `location`.
  public static func warning(_ message: String, at location: SourceLocation?) -> Diagnostic {
    Diagnostic(.warning, message, at: location)
  }

  /// `path:line:col: error: message`, followed by one line per note.
  public var description: String {
    var lines = [Self.line(location, severity.rawValue, message)]
    for note in notes { lines.append(Self.line(note.location, "note", note.message)) }
    return lines.joined(separator: "\n")
  }

  private static func line(_ location: SourceLocation?, _ label: String, _ text: String) -> String {
    if let location { return "\(location): \(label): \(text)" }
    return "matrix-tui: \(label): \(text)"
  }

  /// Diagnostics sort by file position, then severity, then message, so output is stable.
  public static func < (a: Diagnostic, b: Diagnostic) -> Bool {
    switch (a.location, b.location) {
    case (let l?, let r?) where l != r: return l < r
    case (nil, _?): return true
    case (_?, nil): return false
    default: return (a.severity, a.message) < (b.severity, b.message)
    }
  }
}

extension Array where Element == Diagnostic {
  /// Whether any diagnostic is an error.
  public var hasErrors: Bool { contains { $0.severity == .error } }
}
