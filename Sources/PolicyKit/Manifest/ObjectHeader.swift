/// What every object has: its type, name, namespace, labels and place.
struct ObjectHeader {
  var apiVersion: String
  var group: String
  var kind: String
  var name: String
  var namespace: String?
  var labels: [String: String]
  var node: YAMLNode
  var location: SourceLocation

  /// `kind/namespace/name` qualified by API group, for duplicate detection.
  func key(_ family: String) -> String {
    "\(family)/\(kind)/\(namespace ?? "")/\(name)"
  }
}
