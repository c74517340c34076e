/// "Did you mean": the known name closest to one a person typed, for every message about a
/// name that names nothing (endpoint ids, policy names, namespaces, paths).
public enum DidYouMean {
  /// The candidate closest to `text` by edit distance (case ignored), when it is close enough:
  /// within a third of the text's length (at least 2 edits), or containing the text, or, for
  /// `namespace/name`, in the same namespace with a name containing the typed one
  /// (`host/worker` for `host/node-worker`). Ties go to the earlier candidate.
  public static func closest(to text: String, among candidates: some Sequence<String>) -> String? {
    let typed = Array(text.lowercased())
    guard !typed.isEmpty else { return nil }
    let limit = max(2, typed.count / 3)
    let (typedSpace, typedName) = split(text.lowercased())
    var best: (candidate: String, distance: Int)?
    for candidate in candidates where candidate != text {
      let lowered = candidate.lowercased()
      let distance = editDistance(typed, Array(lowered))
      var close = distance <= limit || (typed.count >= 3 && lowered.contains(text.lowercased()))
      if !close, typedName.count >= 3 {
        let (space, name) = split(lowered)
        close = (typedSpace == nil || typedSpace == space) && name.contains(typedName)
      }
      if close, distance < (best?.distance ?? .max) { best = (candidate, distance) }
    }
    return best?.candidate
  }

  /// `; did you mean `x`?` for the closest candidate, or an empty string.
  public static func suffix(_ text: String, among candidates: some Sequence<String>) -> String {
    closest(to: text, among: candidates).map { "; did you mean `\($0)`?" } ?? ""
  }

  /// The Levenshtein distance between two strings of characters.
  public static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }

  /// `prod/web` as (`prod`, `web`); a text without `/` as (nil, text).
  private static func split(_ text: String) -> (String?, String) {
    guard let slash = text.lastIndex(of: "/") else { return (nil, text) }
    return (String(text[..<slash]), String(text[text.index(after: slash)...]))
  }
}

extension Cluster {
  /// The names a policy can be given by (`name`, `Kind/name`, `Kind/namespace/name`).
  public var policyReferences: [String] {
    policies.flatMap { [$0.id.name, $0.id.description] }
  }

  /// What a failed trap says, with the closest policy name when none is named so.
  public func describe(_ error: TrapError) -> String {
    if case .notFound(let reference) = error {
      return error.description + DidYouMean.suffix(reference, among: policyReferences)
    }
    return error.description
  }

  /// `; did you mean `prod/backend`?` for an endpoint id that names no endpoint.
  public func endpointSuggestion(_ id: String) -> String {
    DidYouMean.suffix(id, among: endpoints.map(\.id))
  }
}
