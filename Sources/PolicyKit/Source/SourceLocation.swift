/// A position in a manifest file: 1-based line and column, 0-based YAML document index.
///
/// Every object, policy and rule the loader builds carries one, so that diagnostics and traces
/// can point at the exact text a user wrote.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// The path of the file as the user gave it (or `<stdin>`).
  public var file: String
  /// The 1-based line.
  public var line: Int
  /// The 1-based column, counted in Unicode scalars (as libyaml counts columns).
  public var column: Int
  /// The 0-based index of the YAML document inside the file.
  public var document: Int

  /// Creates a location.
  public init(file: String, line: Int, column: Int, document: Int = 0) {
    self.file = file
    self.line = line
    self.column = column
    self.document = document
  }

  /// `path:line:col`, the form compilers print and editors understand.
  public var description: String { "\(file):\(line):\(column)" }

  /// `path:line`, the short form used in traces.
  public var shortDescription: String { "\(file):\(line)" }

  /// The location `offset` characters further along the same line (for errors inside a scalar).
  public func advanced(by offset: Int) -> SourceLocation {
    var copy = self
    copy.column += offset
    return copy
  }

  public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
    (a.file, a.line, a.column, a.document) < (b.file, b.line, b.column, b.document)
  }
}
