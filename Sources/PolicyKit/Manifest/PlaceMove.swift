/// Moving what a piece of a file decoded to, when an edit before it moved its lines and
/// documents but not its bytes: the piece decodes alike but for its places, so it is taken
/// over with every place moved instead of being decoded again.
///
/// Every place a decoding holds is moved here; `IncrementalTests` and `PieceTests` compare
/// loads that took moved pieces over with fresh loads, places included.
struct PlaceMove {
  var lines: Int
  var documents: Int

  var isNone: Bool { lines == 0 && documents == 0 }

  func callAsFunction(_ location: SourceLocation) -> SourceLocation {
    var moved = location
    moved.line += lines
    moved.document += documents
    return moved
  }

  func callAsFunction(_ location: SourceLocation?) -> SourceLocation? {
    location.map { self($0) }
  }

  func callAsFunction(_ rules: [Rule]) -> [Rule] {
    rules.map { rule in
      var moved = rule
      moved.location = self(rule.location)
      return moved
    }
  }

  func callAsFunction(_ diagnostic: Diagnostic) -> Diagnostic {
    var moved = diagnostic
    moved.location = self(diagnostic.location)
    moved.notes = diagnostic.notes.map { note in
      var movedNote = note
      movedNote.location = self(note.location)
      return movedNote
    }
    return moved
  }

  func callAsFunction(_ object: DecodedObject) -> DecodedObject {
    switch object {
    case .namespace(var namespace):
      namespace.location = self(namespace.location)
      return .namespace(namespace)
    case .node(var node):
      node.location = self(node.location)
      return .node(node)
    case .serviceAccount:
      return object
    case .workload(var workload):
      workload.location = self(workload.location)
      return .workload(workload)
    case .policy(var policy):
      policy.location = self(policy.location)
      policy.tierLocation = self(policy.tierLocation)
      policy.orderLocation = self(policy.orderLocation)
      policy.ingress = self(policy.ingress)
      policy.egress = self(policy.egress)
      return .policy(policy)
    case .tier(var tier):
      tier.location = self(tier.location)
      return .tier(tier)
    case .endpoint(var endpoint):
      endpoint.location = self(endpoint.location)
      return .endpoint(endpoint)
    case .profile(var profile):
      profile.location = self(profile.location)
      profile.ingress = self(profile.ingress)
      profile.egress = self(profile.egress)
      return .profile(profile)
    case .felix(var felix):
      felix.location = self(felix.location)
      return .felix(felix)
    case .service(var service):
      service.location = self(service.location)
      return .service(service)
    case .endpointSlice(var slice):
      slice.location = self(slice.location)
      return .endpointSlice(slice)
    case .ipPool(var pool):
      pool.location = self(pool.location)
      return .ipPool(pool)
    }
  }
}

extension FileDecoder.PieceDecoding {
  /// This decoding with its lines and documents numbered on by `lines` and `documents`.
  func moved(lines: Int, documents: Int) -> Self {
    let move = PlaceMove(lines: lines, documents: documents)
    guard !move.isNone else { return self }
    var moved = self
    moved.decoder.decoding = decoder.decoding.moved(move)
    moved.syntax = syntax.map { move($0) }
    moved.nextDocument = nextDocument + documents
    return moved
  }
}

extension FileDecoding {
  /// This decoding with every place moved: a decoding of its own (a new token), since its
  /// definitions are not the ones it was made with.
  func moved(_ move: PlaceMove) -> FileDecoding {
    var moved = FileDecoding()
    moved.definitions = definitions.map { definition in
      var movedDefinition = definition
      movedDefinition.location = move(definition.location)
      movedDefinition.object = move(definition.object)
      return movedDefinition
    }
    moved.namespaceReferences = namespaceReferences.map { ($0.namespace, move($0.location)) }
    moved.skippedKinds = skippedKinds.map { ($0.key, move($0.location), $0.count) }
    moved.diagnostics = diagnostics.map { move($0) }
    moved.spans = spans
    return moved
  }
}
