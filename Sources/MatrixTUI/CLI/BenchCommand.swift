import Foundation
import PolicyKit

/// `matrix-tui bench`: times each stage on the given manifests (for benchmarks, not tests).
struct BenchCommand: Subcommand {
  static let definition = CommandDefinition(
    name: "bench", abstract: "Time loading, evaluation and output stages on manifests.",
    arguments: EvaluationOptions.arguments + [
      .flag("any-probe", help: "Also time connection sets for every pair (--probe any)."),
      .option("repetitions", default: "3", help: "Repetitions (the median is reported)."),
      .flag(
        "frames",
        help:
          "Also time the explorer's first frame once the manifests are loaded (the evaluation included: first-frame), its answer to a key while zoomed out (when it opens zoomed out: zoomed-frame) and in the endpoint grid (120x40, with `any` when --any-probe is given), the screen rendered to a canvas, 20 times (frame)."
      ),
      .flag(
        "incremental",
        help:
          "Also time edits: one policy file's first `port:` number changes, then changes back (edit); one pod's first label value changes, then changes back (pod-edit); a copy of that pod under another name is added at the end of its file, then removed (pod-add); a label line is added to that pod, moving every later line of the file, then removed (pod-line). Each is timed as the explorer does it when the watcher names the file: read it, decode it, re-evaluate what it can affect, compare with the previous matrix."
      ),
    ],
    isHidden: true)

  var options: EvaluationOptions
  var anyProbe: Bool
  var repetitions: Int
  var incremental: Bool
  var frames: Bool

  init(_ arguments: ParsedArguments) throws {
    options = try EvaluationOptions(arguments)
    anyProbe = arguments.flag("any-probe")
    repetitions = try arguments.integer("repetitions")
    incremental = arguments.flag("incremental")
    frames = arguments.flag("frames")
  }

  func run() throws {
    let probe = try options.resolvedProbe()
    let input = ManifestInput(paths: options.paths)
    let (files, _) = input.read()
    var results: [String: [Double]] = [:]
    // Resident memory after the first stages, in MiB (the files' bytes, 30 MB at 50,000 pods,
    // are held throughout).
    var resident: [String: [Int]] = [:]
    func time(_ name: String, _ body: () -> Void) {
      let start = DispatchTime.now().uptimeNanoseconds
      body()
      results[name, default: []].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    var summary = ""
    var editNote = ""
    // First, while the process is fresh, as the explorer's is.
    if frames { timeFirstFrame(probe: probe, record: { results[$0, default: []].append($1) }) }
    for _ in 0..<max(1, repetitions) {
      time("scan") { for file in files { _ = YAMLReader.countEvents(file.bytes) } }
      var result: LoadResult?
      time("load") { result = ManifestLoader.load(files, options: options.loadOptions) }
      guard let cluster = result?.cluster else { continue }
      resident["load", default: []].append(residentMegabytes())
      var evaluator: Evaluator?
      time("prepare") { evaluator = Evaluator(cluster: cluster, view: options.view) }
      guard let evaluator else { continue }
      resident["prepare", default: []].append(residentMegabytes())
      var matrix: ConnectivityMatrix?
      time("matrix") { matrix = ConnectivityMatrix(evaluator: evaluator, probe: probe) }
      resident["matrix", default: []].append(residentMegabytes())
      time("counts") { _ = matrix?.counts }
      if let matrix {
        // What `eval --format summary` adds: counts per namespace pair, as text.
        time("summary") { _ = MatrixText(evaluator: evaluator, matrix: matrix).summary() }
      }
      if anyProbe {
        var connections: ConnectionMatrix?
        time("any") { connections = ConnectionMatrix(evaluator: evaluator) }
        // The explorer's header counts with `any`, made once per matrix.
        time("any-counts") { _ = connections?.counts }
      }
      if incremental {
        timeEdit(files: files, probe: probe, record: { results[$0, default: []].append($1) }, note: &editNote)
      }
      summary =
        "\(cluster.endpoints.count) endpoints, \(evaluator.classes.count) classes, \(cluster.policies.count) policies"
    }
    if frames { timeFrames(probe: probe, record: { results["frame", default: []].append($0) }) }
    // (After the first frame's states, which `--frames` makes first, the figures would be
    // theirs: the allocator keeps what they freed.)
    let memory = ["load", "prepare", "matrix"].map { "after \($0) \(resident[$0]?.max() ?? 0) MiB" }
    writeOut(
      report(results, summary: summary, editNote: editNote)
        + (frames ? "" : "resident: \(memory.joined(separator: ", "))\n"))
  }

  /// The medians of every stage, and the ratios the benchmark notes quote.
  private func report(_ results: [String: [Double]], summary: String, editNote: String) -> String {
    var lines = [summary]
    let editStages = Self.edits.flatMap { edit in
      ["read", "load", "prepare", "matrix", "changes"].map { "\(edit)-\($0)" } + [edit, "\(edit)-any"]
    }
    let frameStages = ["first-frame", "first-frame-evaluated", "zoomed-frame", "frame"]
    for name in ["scan", "load", "prepare", "matrix", "counts", "summary", "any", "any-counts"] + frameStages
      + editStages
    {
      let values = (results[name] ?? []).sorted()
      guard !values.isEmpty else { continue }
      lines.append("\(name.padded(16)) \(String(format: "%9.1f", values[values.count / 2])) ms")
    }
    let median = { (name: String) -> Double in
      let values = (results[name] ?? [0]).sorted()
      return values[values.count / 2]
    }
    let single = median("load") + median("prepare") + median("matrix")
    lines.append(
      String(format: "load+prepare+matrix %.1f ms = %.2f x scan", single, single / max(0.001, median("scan"))))
    let withSummary = single + median("summary")
    lines.append(
      String(
        format: "eval --format summary (load+prepare+matrix+summary) %.1f ms = %.2f x scan", withSummary,
        withSummary / max(0.001, median("scan"))))
    if anyProbe {
      lines.append(
        String(
          format: "any from the files (load+prepare+sets) = %.2f x single probe from the files (load+prepare+matrix)",
          (median("load") + median("prepare") + median("any")) / max(0.001, single)))
      lines.append(
        String(
          format: "any once loaded (prepare+sets) = %.2f x single probe once loaded (prepare+matrix)",
          (median("prepare") + median("any")) / max(0.001, median("prepare") + median("matrix"))))
    }
    if results["first-frame"] != nil {
      lines.append(
        String(
          format:
            "first frame after the evaluation (first-frame-evaluated) %.1f ms; a key zoomed out %.1f ms, in the endpoint grid %.1f ms",
          median("first-frame-evaluated"), median("zoomed-frame"), median("frame")))
    }
    if incremental {
      lines.append(editNote)
      for edit in Self.edits where results[edit] != nil {
        lines.append(
          String(
            format:
              "\(edit) (read+load+prepare+matrix, with the cells that flipped) = %.3f x full evaluation (load+prepare+matrix)",
            median(edit) / max(0.001, single)))
      }
    }
    lines.append("peak RSS \(peakRSSMegabytes()) MiB")
    return lines.joined(separator: "\n") + "\n"
  }
}

extension BenchCommand {
  /// Times the explorer's first frame once the manifests are loaded, as the runtime makes it:
  /// the load reduced (the evaluation, then what the explorer works out to show it, zoomed
  /// out when the cluster is big) and the screen rendered (first-frame), and the same with
  /// the evaluation made beforehand (first-frame-evaluated); then a key while
  /// zoomed out (zoomed-frame, 20 times; only when the first frame was zoomed out).
  func timeFirstFrame(probe: Probe, record: (String, Double) -> Void) {
    var state = AppState(paths: options.paths, isWatching: false)
    state.probe = probe
    state.view = options.view
    _ = state.reduce(.resize(width: 120, height: 40))
    let loaded = LoadedManifests.load(options.paths, options: options.loadOptions)
    var start = DispatchTime.now().uptimeNanoseconds
    _ = state.reduce(.loaded(loaded, nil))
    _ = Screen.render(state)
    record("first-frame", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    // The same with the evaluation made beforehand: the explorer's session already holds the
    // cluster's evaluation and takes it over (nothing changed), which leaves what the
    // explorer works out to show it (an upper bound: taking it over is not free).
    var warm = AppState(paths: options.paths, isWatching: false)
    warm.probe = probe
    warm.view = options.view
    _ = warm.reduce(.resize(width: 120, height: 40))
    warm.session = EvaluationSession(question: Question(view: options.view, probe: probe))
    warm.session.update(cluster: loaded.result.cluster)
    start = DispatchTime.now().uptimeNanoseconds
    _ = warm.reduce(.loaded(loaded, nil))
    _ = Screen.render(warm)
    record("first-frame-evaluated", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    guard state.groupMatrix != nil else { return }
    for _ in 0..<20 {
      start = DispatchTime.now().uptimeNanoseconds
      _ = state.reduce(.key(.char("j")))
      _ = Screen.render(state)
      record("zoomed-frame", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
  }

  /// Times what the explorer does for a key in the endpoint grid, as the runtime does it: the
  /// key reduced (state updated, with whatever the update works out), then the screen
  /// rendered to a canvas; 20 keys, each recorded.
  func timeFrames(probe: Probe, record: (Double) -> Void) {
    var state = AppState(paths: options.paths, isWatching: false)
    state.probe = probe
    state.view = options.view
    state.zoomOutAbove = .max
    _ = state.reduce(.resize(width: 120, height: 40))
    _ = state.reduce(.loaded(LoadedManifests.load(options.paths, options: options.loadOptions), nil))
    if anyProbe {
      let keys: [Key] = [.char("p"), .char("a"), .char("n"), .char("y"), .enter]
      for key in keys { _ = state.reduce(.key(key)) }
    }
    _ = Screen.render(state)
    for _ in 0..<20 {
      let start = DispatchTime.now().uptimeNanoseconds
      _ = state.reduce(.key(.char("j")))
      _ = Screen.render(state)
      record(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
  }

  /// The edits timed: of a policy file, of a pod's labels, a pod added (and removed).
  static let edits = ["edit", "pod-edit", "pod-add", "pod-line"]

  /// Times edits and their undos the way the explorer handles them: one of a policy file
  /// (`edit`), one of a pod's labels (`pod-edit`), a pod added and removed (`pod-add`), a
  /// label line added to a pod and removed (`pod-line`).
  func timeEdit(
    files: [SourceFile], probe: Probe, record: (String, Double) -> Void, note: inout String
  ) {
    let (directory, paths) = Self.writeToDisk(files)
    defer { try? FileManager.default.removeItem(at: directory) }
    let options = self.options.loadOptions
    var cache = ManifestCache()
    var reading = ReadCache()
    var current = ManifestLoader.load(readFiles(paths, &reading), options: options, cache: &cache)
    var evaluator = Evaluator(cluster: current.cluster, view: self.options.view)
    var matrix: ConnectivityMatrix? = ConnectivityMatrix(evaluator: evaluator, probe: probe)
    var connections = anyProbe ? ConnectionMatrix(evaluator: evaluator) : nil
    var notes: [String] = []
    let edits = zip(
      Self.edits,
      [
        ("a policy's first `port: N`", Self.editedFile(files)),
        ("a pod's first label value", Self.editedPod(files)),
        ("a copy of the first pod added at the end", Self.addedPod(files)),
        ("a label line added to the first pod (every later line moves)", Self.podWithAddedLabel(files)),
      ])
    for (prefix, (what, edit)) in edits {
      guard let (index, edited) = edit else {
        notes.append("\(prefix): no file has \(what) to change")
        continue
      }
      var flipped: [Int] = []
      var recomputed: [Int] = []
      var inPlace: [Bool] = []
      var decoded: [String] = []
      for bytes in [edited, files[index].bytes] {
        try? Data(bytes).write(to: URL(fileURLWithPath: paths[index]))
        var read: [SourceFile] = []
        var next = evaluator
        var updated: ConnectivityMatrix?
        var total = 0.0
        func stage(_ name: String, _ body: () -> Void) {
          let start = DispatchTime.now().uptimeNanoseconds
          body()
          let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
          record("\(prefix)-\(name)", elapsed)
          total += elapsed
        }
        stage("read") { read = readFiles(paths, &reading, changed: [paths[index]]) }
        stage("load") { current = ManifestLoader.load(read, options: options, cache: &cache) }
        stage("prepare") {
          next = Evaluator(cluster: current.cluster, view: self.options.view, reusing: evaluator)
        }
        // As `EvaluationSession` does it: the matrix handed over (its rows updated in place
        // when the classes stay), with the cells that flipped, which the explorer counts and
        // highlights.
        stage("matrix") {
          updated = ConnectivityMatrix(evaluator: next, probe: probe, handingOver: &matrix, reportingChanges: true)
        }
        record(prefix, total)
        if let before = connections {
          // The explorer with `any`: connection sets updated the same way.
          let start = DispatchTime.now().uptimeNanoseconds
          connections = ConnectionMatrix(evaluator: next, updating: before)
          record("\(prefix)-any", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        evaluator = next
        matrix = updated
        flipped.append(updated?.changesSincePrevious?.cellCount ?? 0)
        recomputed.append(updated?.recomputedClasses ?? 0)
        inPlace.append(updated?.updatedInPlace ?? false)
        decoded.append(
          cache.lastReusedPieces > 0
            ? "1 file, \(cache.lastReusedPieces) of its pieces taken over" : "\(cache.lastDecoded) file")
      }
      notes.append(
        "\(prefix): \(what) in \(files[index].path) (decoded \(decoded.joined(separator: " and ")); rows redone for \(recomputed.map(String.init).joined(separator: " and ")) of \(evaluator.classes.count) classes; \(flipped.map(String.init).joined(separator: " and ")) cells flipped; verdicts updated in place: \(inPlace.map { $0 ? "yes" : "no" }.joined(separator: " and ")))"
      )
    }
    note = notes.joined(separator: "\n")
  }

  /// The files on disk in a directory of their own, to be read as the explorer reads them.
  private static func writeToDisk(_ files: [SourceFile]) -> (directory: URL, paths: [String]) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "matrix-tui-bench-\(getpid())")
    try? FileManager.default.removeItem(at: directory)
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var paths: [String] = []
    for (position, file) in files.enumerated() {
      let path = directory.appendingPathComponent(String(format: "%05d.yaml", position)).path
      try? Data(file.bytes).write(to: URL(fileURLWithPath: path))
      paths.append(path)
    }
    // Files of a real cluster are older than a second (fresher ones are read again anyway).
    Thread.sleep(forTimeInterval: 1.1)
    return (directory, paths)
  }

  private func readFiles(_ paths: [String], _ cache: inout ReadCache, changed: Set<String>? = nil) -> [SourceFile] {
    ManifestInput(paths: paths).read(cache: &cache, changed: changed).files
  }

  /// The file to edit (a policy file in the middle of the list, preferably) and its bytes
  /// with the first `port: N` changed to another port.
  static func editedFile(_ files: [SourceFile]) -> (Int, [UInt8])? {
    let order = files.indices.sorted { abs($0 - files.count / 2) < abs($1 - files.count / 2) }
    for index in order {
      let text = String(decoding: files[index].bytes, as: UTF8.self)
      guard let range = text.range(of: #"port: [0-9]+"#, options: .regularExpression) else { continue }
      let number = Int(text[range].dropFirst(6)) ?? 1
      let replaced = text.replacingCharacters(in: range, with: "port: \(number % 65535 + 1)")
      return (index, Array(replaced.utf8))
    }
    return nil
  }

  /// The file with the most pods and its bytes with a copy of its first pod, renamed, added at
  /// the end.
  static func addedPod(_ files: [SourceFile]) -> (Int, [UInt8])? {
    guard let (index, _) = editedPod(files) else { return nil }
    let text = String(decoding: files[index].bytes, as: UTF8.self)
    guard let pod = text.range(of: "\nkind: Pod\n"),
      let start = text[..<pod.lowerBound].range(of: "apiVersion:", options: .backwards)
    else { return nil }
    var end = text.range(of: "\n---", range: pod.upperBound..<text.endIndex)?.lowerBound ?? text.endIndex
    // Without its status: a pod of its own address.
    if let status = text.range(of: "\nstatus:", range: pod.upperBound..<end) { end = status.lowerBound }
    let copy = text[start.lowerBound..<end].replacingOccurrences(
      of: #"\n  name: ([^\n]+)"#, with: "\n  name: $1-added", options: .regularExpression)
    let separator = text.hasSuffix("\n") ? "---\n" : "\n---\n"
    return (index, Array((text + separator + copy + "\n").utf8))
  }

  /// The file with the most pods and its bytes with a label line added to its first pod.
  static func podWithAddedLabel(_ files: [SourceFile]) -> (Int, [UInt8])? {
    guard let (index, _) = editedPod(files) else { return nil }
    let text = String(decoding: files[index].bytes, as: UTF8.self)
    guard let pod = text.range(of: "\nkind: Pod\n"),
      let labels = text.range(of: "\n  labels:\n", range: pod.upperBound..<text.endIndex)
    else { return nil }
    return (index, Array(text.replacingCharacters(in: labels, with: "\n  labels:\n    bench-added: \"yes\"\n").utf8))
  }

  /// The file with a pod whose labels can change (the one with the most pods) and its bytes
  /// with the first pod's first label value changed.
  static func editedPod(_ files: [SourceFile]) -> (Int, [UInt8])? {
    let counts = files.map { file in
      String(decoding: file.bytes, as: UTF8.self).components(separatedBy: "\nkind: Pod\n").count - 1
    }
    guard let index = counts.indices.max(by: { counts[$0] < counts[$1] }), counts[index] > 0 else { return nil }
    let text = String(decoding: files[index].bytes, as: UTF8.self)
    guard let pod = text.range(of: "\nkind: Pod\n"),
      let labels = text.range(of: "\n  labels:\n", range: pod.upperBound..<text.endIndex),
      let label = text.range(
        of: #"^ +[^:\n]+: [^\n]+"#, options: .regularExpression, range: labels.upperBound..<text.endIndex)
    else { return nil }
    return (index, Array(text.replacingCharacters(in: label, with: text[label] + "x").utf8))
  }
}

/// The process's peak resident set size in MiB (Linux `VmHWM`).
func peakRSSMegabytes() -> Int { statusMegabytes("VmHWM:") }

/// The process's resident set size now, in MiB (Linux `VmRSS`).
func residentMegabytes() -> Int { statusMegabytes("VmRSS:") }

private func statusMegabytes(_ field: String) -> Int {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
  for line in status.split(separator: "\n") where line.hasPrefix(field) {
    let digits = line.filter(\.isNumber)
    return (Int(digits) ?? 0) / 1024
  }
  return -1
}
