import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

/// A manifest file's name and bytes. The caller reads files; PolicyKit never touches the disk.
public struct SourceFile: Sendable {
  /// The path as the user gave it (`<stdin>` for standard input).
  public var path: String
  /// The file's bytes.
  public var bytes: [UInt8]

  /// Creates a source file.
  public init(path: String, bytes: [UInt8]) {
    self.path = path
    self.bytes = bytes
  }

  /// Creates a source file from text.
  public init(path: String, text: String) {
    self.init(path: path, bytes: Array(text.utf8))
  }
}

/// Options that change how manifests become a cluster.
public struct LoadOptions: Sendable {
  /// Where pods without `status.podIP` get their made-up addresses.
  public var podCIDR = CIDR(address: IPAddress(ipv4: 0x0AF4_0000), prefix: 16)
  /// Limits on hostile YAML.
  public var limits = YAMLLimits()
  /// Files of at least twice this many bytes are decoded in pieces of about this size, on
  /// every core (0: every file whole).
  var pieceSize = 16 * 1024

  /// The defaults.
  public init() {}
}

/// The outcome of loading: the cluster built from every good object, and what was wrong.
public struct LoadResult: Sendable {
  /// The cluster.
  public var cluster: Cluster
  /// Errors and warnings, sorted by place.
  public var diagnostics: [Diagnostic]

  /// Creates a result.
  public init(cluster: Cluster, diagnostics: [Diagnostic]) {
    self.cluster = cluster
    self.diagnostics = diagnostics
  }
}

/// Turns manifest files into a `Cluster`: YAML, then objects, then the finished model.
public enum ManifestLoader {
  /// Loads `files` in order. Never throws: every problem is a diagnostic and the good objects
  /// still load.
  public static func load(_ files: [SourceFile], options: LoadOptions = LoadOptions()) -> LoadResult {
    var cache = ManifestCache()
    return load(files, options: options, cache: &cache)
  }

  /// Loads `files`, decoding only those whose path or bytes are not in `cache`, and leaves the
  /// cache holding exactly these files. (The cache belongs to one set of `options`.)
  public static func load(
    _ files: [SourceFile], options: LoadOptions = LoadOptions(), cache: inout ManifestCache
  ) -> LoadResult {
    // Files not in the cache are decoded on every core (each file on its own).
    var slots = [FileDecoding?](repeating: nil, count: files.count)
    var missing: [Int] = []
    for (index, file) in files.enumerated() {
      if let entry = cache.entries[file.path], entry.bytes == file.bytes {
        slots[index] = entry.decoding
      } else {
        missing.append(index)
      }
    }
    var pieces: [Int: [ManifestCache.Piece]] = [:]
    let previous = missing.map { cache.entries[files[$0].path] }
    cache.lastReusedPieces = decode(
      files, missing, into: &slots, pieces: &pieces, previous: previous, options: options)
    let decodings = slots.map { $0! }
    // The cache is updated in place: usually the same files, a few of them changed.
    for index in missing {
      cache.entries[files[index].path] = ManifestCache.Entry(
        bytes: files[index].bytes, decoding: decodings[index], pieces: pieces[index] ?? [])
    }
    // Files no longer loaded are dropped.
    if cache.entries.count != files.count {
      let paths = Set(files.map(\.path))
      cache.entries = cache.entries.filter { paths.contains($0.key) }
    }
    cache.lastDecoded = missing.count
    // The inventory is taken over when no file changed what it is made of.
    let parts = zip(files, decodings).compactMap { file, decoding in
      decoding.definesInventory ? decoding.inventoryPart(path: file.path) : nil
    }
    var inventory = cache.inventory.flatMap { $0.parts == parts ? $0 : nil }
    cache.lastPatchedEndpoints = nil
    if inventory == nil, let known = cache.inventory {
      // Files decoded again that changed only pods' own details: those endpoints are made again.
      inventory = Self.patch(
        known, parts: parts, files: files, missing: missing, previous: previous, decodings: decodings,
        pool: options.podCIDR)
      cache.lastPatchedEndpoints = inventory?.revision.changed
    }
    let policies = decodings.reduce(0) { total, decoding in total + decoding.definitions.count { !$0.isInventory } }
    func build(_ inventory: Inventory?) -> ModelBuilder {
      var builder = ModelBuilder(options: options, inventory: inventory, knownOrder: cache.policyOrder)
      builder.reserve(policies: policies)
      for decoding in decodings { builder.add(decoding) }
      return builder
    }
    var builder = build(inventory)
    if !builder.canKeepInventory() {
      inventory = nil
      builder = build(nil)
    }
    let (result, built) = builder.finish(parts: parts)
    cache.inventory = built
    cache.policyOrder = builder.policyOrder
    cache.lastReusedInventory = inventory != nil
    if inventory == nil { cache.lastPatchedEndpoints = nil }
    return result
  }

  /// `known` patched for the files decoded again (`missing`, with their `previous` entries),
  /// when the inventory's files are the same ones and those files changed only pods' and
  /// workloads' own details (`Inventory.patched`).
  private static func patch(
    _ known: Inventory, parts: [Inventory.Part], files: [SourceFile], missing: [Int],
    previous: [ManifestCache.Entry?], decodings: [FileDecoding], pool: CIDR
  ) -> Inventory? {
    guard known.parts.count == parts.count, zip(known.parts, parts).allSatisfy({ $0.path == $1.path }) else {
      return nil
    }
    var edits: [(path: String, old: FileDecoding, new: FileDecoding)] = []
    for (position, index) in missing.enumerated() {
      guard let old = previous[position]?.decoding else {
        // A file new to the load: only one without inventory objects leaves it as it was.
        if decodings[index].definesInventory { return nil }
        continue
      }
      if old.definesInventory || decodings[index].definesInventory {
        edits.append((files[index].path, old, decodings[index]))
      }
    }
    // Every other inventory file is the one the inventory was made from.
    let edited = Set(edits.map(\.path))
    guard zip(known.parts, parts).allSatisfy({ $0.token == $1.token || edited.contains($1.path) }) else { return nil }
    return known.patched(edits, parts: parts, pool: pool)
  }
}

extension ManifestLoader {
  /// Decodes `files[i]` for every `i` in `indexes` into `slots[i]`, on every core: big files
  /// are cut into pieces of whole documents, and the largest pieces go first. A file with a
  /// previous version (`previous`, one per index) keeps that version's cuts outside the part
  /// that changed, and a piece with the same bytes as one of the previous version's, at the
  /// same place or moved by the edit, is taken over (its lines and documents numbered on).
  /// `pieces` gets the pieces of the files cut in several; returns how many pieces were taken
  /// over.
  static func decode(
    _ files: [SourceFile], _ indexes: [Int], into slots: inout [FileDecoding?],
    pieces: inout [Int: [ManifestCache.Piece]], previous: [ManifestCache.Entry?], options: LoadOptions
  ) -> Int {
    let limits = options.limits
    let cuts = zip(indexes, previous).map { index, old in
      YAMLPiece.pieces(
        of: files[index].bytes, size: options.pieceSize, after: old?.bytes ?? [], cut: old?.pieces.map(\.piece) ?? [])
    }
    // Pieces are kept file by file: file `p`'s pieces from `firstJob[p]` on.
    var starts = [Int](repeating: 0, count: cuts.count)
    for position in cuts.indices.dropFirst() { starts[position] = starts[position - 1] + cuts[position - 1].count }
    let firstJob = starts
    var decoded = [FileDecoder.PieceDecoding?](repeating: nil, count: (starts.last ?? 0) + (cuts.last?.count ?? 0))
    var reused = 0
    for (position, cut) in cuts.enumerated() where cut.count > 1 {
      guard let old = previous[position], !old.pieces.isEmpty else { continue }
      let bytes = files[indexes[position]].bytes
      let shift = bytes.count - old.bytes.count
      var byStart: [Int: ManifestCache.Piece] = [:]
      for cached in old.pieces { byStart[cached.piece.range.lowerBound] = cached }
      for (number, piece) in cut.enumerated() {
        // At the same place (before the edit), or moved by it (after).
        let start = piece.range.lowerBound
        guard
          let cached = [byStart[start], byStart[start - shift]].lazy.compactMap({ $0 }).first(where: {
            Self.sameBytes(old.bytes, $0.piece.range, bytes, piece.range)
          })
        else { continue }
        decoded[firstJob[position] + number] = cached.decoding.moved(
          lines: piece.lineOffset - cached.piece.lineOffset,
          documents: piece.firstDocument - cached.piece.firstDocument)
        reused += 1
      }
    }
    var jobs: [(file: Int, piece: Int)] = []
    for (position, cut) in cuts.enumerated() {
      for piece in cut.indices where decoded[firstJob[position] + piece] == nil { jobs.append((position, piece)) }
    }
    jobs.sort { cuts[$0.file][$0.piece].range.count > cuts[$1.file][$1.piece].range.count }
    decoded.withUnsafeMutableBufferPointer { buffer in
      let out = UncheckedSendable(buffer)
      let jobList = jobs
      DispatchQueue.concurrentPerform(iterations: jobList.count) { job in
        let (position, piece) = jobList[job]
        out.value[firstJob[position] + piece] = FileDecoder.decode(
          files[indexes[position]], piece: cuts[position][piece], limits: limits)
      }
    }
    for (position, cut) in cuts.enumerated() {
      let index = indexes[position]
      let decodings = decoded[firstJob[position]..<(firstJob[position] + cut.count)].map { $0! }
      if cut.count == 1 {
        slots[index] = decodings[0].finished()
      } else if let whole = FileDecoder.assemble(decodings, cut: cut) {
        slots[index] = whole
        pieces[index] = zip(cut, decodings).map { ManifestCache.Piece(piece: $0, decoding: $1) }
      } else {
        slots[index] = FileDecoder.decode(files[index], limits: limits)
      }
    }
    return reused
  }

  /// Whether `a[aRange]` and `b[bRange]` hold the same bytes.
  private static func sameBytes(_ a: [UInt8], _ aRange: Range<Int>, _ b: [UInt8], _ bRange: Range<Int>) -> Bool {
    guard aRange.count == bRange.count else { return false }
    return a.withUnsafeBytes { a in
      b.withUnsafeBytes { b in
        aRange.isEmpty
          || memcmp(a.baseAddress! + aRange.lowerBound, b.baseAddress! + bRange.lowerBound, aRange.count) == 0
      }
    }
  }
}

/// Each file's decoded objects, by path, with the bytes they came from: a reload decodes only
/// the files that changed.
public struct ManifestCache: Sendable {
  struct Entry: Sendable {
    var bytes: [UInt8]
    var decoding: FileDecoding
    /// A file decoded in pieces: each piece and what it decoded to, for its next version.
    var pieces: [Piece] = []
  }
  /// One piece of a file and what it decoded to.
  struct Piece: Sendable {
    var piece: YAMLPiece
    var decoding: FileDecoder.PieceDecoding
  }
  var entries: [String: Entry] = [:]
  /// What the last load's inventory objects made.
  var inventory: Inventory?
  /// The order the last load sorted its policies into.
  var policyOrder: PolicyOrder?
  /// How many files the last load decoded (the others came from the cache).
  public internal(set) var lastDecoded = 0
  /// How many pieces of the big files the last load decoded were taken over from their
  /// previous versions.
  public internal(set) var lastReusedPieces = 0
  /// Whether the last load took the inventory over from the load before.
  public internal(set) var lastReusedInventory = false
  /// When the last load took the inventory over with some endpoints made again (an edit of
  /// pods' labels, service account, node or named ports), their positions.
  public internal(set) var lastPatchedEndpoints: [Int]?

  /// An empty cache.
  public init() {}

  /// The number of files held.
  public var count: Int { entries.count }
}
