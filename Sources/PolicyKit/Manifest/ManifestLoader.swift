import Dispatch

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
  public static func load(_ files: [SourceFile], options: LoadOptions = LoadOptions()) -> LoadResult
  {
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
    let toDecode = missing
    slots.withUnsafeMutableBufferPointer { buffer in
      let out = UncheckedSendable(buffer)
      DispatchQueue.concurrentPerform(iterations: toDecode.count) { job in
        let index = toDecode[job]
        out.value[index] = FileDecoder.decode(files[index], limits: options.limits)
      }
    }
    var kept: [String: ManifestCache.Entry] = [:]
    let decodings = slots.map { $0! }
    for (file, decoding) in zip(files, decodings) {
      kept[file.path] = ManifestCache.Entry(bytes: file.bytes, decoding: decoding)
    }
    let decoded = missing.count
    cache.entries = kept
    cache.lastDecoded = decoded
    // The inventory is taken over when no file changed what it is made of.
    let parts = zip(files, decodings).compactMap { file, decoding in
      decoding.definesInventory ? decoding.inventoryPart(path: file.path) : nil
    }
    var inventory = cache.inventory.flatMap { $0.parts == parts ? $0 : nil }
    var builder = ModelBuilder(options: options, inventory: inventory)
    for decoding in decodings { builder.add(decoding) }
    if !builder.canKeepInventory() {
      inventory = nil
      builder = ModelBuilder(options: options)
      for decoding in decodings { builder.add(decoding) }
    }
    let (result, built) = builder.finish(parts: parts)
    cache.inventory = built
    cache.lastReusedInventory = inventory != nil
    return result
  }
}

/// Each file's decoded objects, by path, with the bytes they came from: a reload decodes only
/// the files that changed.
public struct ManifestCache: Sendable {
  struct Entry: Sendable {
    var bytes: [UInt8]
    var decoding: FileDecoding
  }
  var entries: [String: Entry] = [:]
  /// What the last load's inventory objects made.
  var inventory: Inventory?
  /// How many files the last load decoded (the others came from the cache).
  public internal(set) var lastDecoded = 0
  /// Whether the last load took the inventory over from the load before.
  public internal(set) var lastReusedInventory = false

  /// An empty cache.
  public init() {}

  /// The number of files held.
  public var count: Int { entries.count }
}
