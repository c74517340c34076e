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
    var builder = ModelBuilder(options: options)
    for file in files {
      let reader = YAMLReader(file: file.path, limits: options.limits)
      var listDocuments: Set<Int> = []
      let syntax = reader.read(file.bytes) { unit in
        switch unit {
        case .listItem(let node, let index):
          listDocuments.insert(index)
          builder.add(node, file: file.path, document: index, inList: true)
        case .document(let node, let index):
          builder.addDocument(node, file: file.path, document: index,
                              hadItems: listDocuments.contains(index))
        }
      }
      builder.diagnostics.append(contentsOf: syntax)
    }
    return builder.finish()
  }
}
