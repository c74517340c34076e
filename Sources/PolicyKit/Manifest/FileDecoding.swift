/// A pod or workload as read, before the builder gives it an id, an address and Calico labels.
struct RawWorkload: Sendable {
  var kind: String
  var name: String
  var namespace: String
  var labels: [String: String]
  var serviceAccount: String
  var podIP: IPAddress?
  var extraIPs: [IPAddress]
  var nodeName: String?
  /// `spec.hostNetwork: true`: the pod's traffic is its node's.
  var hostNetwork = false
  var namedPorts: [NamedPort]
  var owners: [(kind: String, name: String)]
  /// Why it makes no endpoint (a finished pod or Job, a pod without an address yet, a
  /// workload scaled to zero), or nil when it does.
  var leftOut: String?
  var location: SourceLocation
}

/// An object decoded from a file, before it joins the cluster.
enum DecodedObject: Sendable {
  case namespace(Namespace)
  case node(Node)
  case serviceAccount(key: String, labels: [String: String])
  case workload(RawWorkload)
  case policy(Policy)
  case tier(Tier)
  /// A host endpoint or a network set.
  case endpoint(Endpoint)
  case profile(Profile)
  case felix(FelixSettings)
  case service(RawService)
  case endpointSlice(RawEndpointSlice)
  case ipPool(IPPool)
}

/// A decoded object with the key that makes it unique and where it was written.
struct Definition: Sendable {
  /// `family/kind/namespace/name`: two objects with the same key are duplicates.
  var key: String
  /// How diagnostics name it (``Namespace `a` ``).
  var what: String
  var location: SourceLocation
  var object: DecodedObject
}

/// Everything one file yields, decoded on its own: the same bytes always decode the same way,
/// so an unchanged file is never read again (`ManifestCache`).
public struct FileDecoding: Sendable {
  /// Tells this decoding from any other (a new one for every decode).
  var token = UInt64.random(in: 1...UInt64.max)
  var definitions: [Definition] = []
  /// The first place each namespace was referred to in this file.
  var namespaceReferences: [(namespace: String, location: SourceLocation)] = []
  /// Kinds that are not understood: first place and count.
  var skippedKinds: [(key: String, location: SourceLocation, count: Int)] = []
  /// YAML and decoding diagnostics.
  var diagnostics: [Diagnostic] = []
  /// A file decoded in pieces: each piece's decoding token and the definitions it gave. Two
  /// versions of a file with a span alike took that piece's definitions over as they were.
  var spans: [Span] = []

  struct Span: Equatable, Sendable {
    var token: UInt64
    var definitions: Range<Int>
  }
  /// Whether the file defines anything endpoints depend on (anything but policies and tiers).
  var definesInventory: Bool { definitions.contains { $0.isInventory } }

  /// What this file gives the inventory, when it defines inventory objects: the inventory is
  /// built again only when the list of these changes (or another namespace is referred to
  /// without being declared). Files of policies and tiers come and go without touching it.
  func inventoryPart(path: String) -> Inventory.Part {
    Inventory.Part(path: path, token: token)
  }
}

extension Definition {
  /// Whether the object is a pod or a workload.
  var isWorkload: Bool {
    if case .workload = object { return true }
    return false
  }

  /// Whether the object is part of the inventory (anything but policies and tiers).
  var isInventory: Bool {
    switch object {
    case .policy, .tier, .service, .endpointSlice: false
    default: true
    }
  }
}
