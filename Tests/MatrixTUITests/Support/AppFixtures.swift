import Foundation
import PolicyKit

@testable import MatrixTUI

/// Paths and ready-made states for explorer tests.
enum AppFixtures {
  /// The repository root, found from this file.
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// A lesson folder under `demo/`.
  static func lesson(_ name: String) -> String {
    root.appendingPathComponent("demo").appendingPathComponent(name).path
  }

  /// The state after loading `paths` at a size, as the runtime would build it.
  static func state(
    _ paths: [String] = [lesson("host-firewall")], width: Int = 120, height: Int = 40,
    now: Double = 100
  ) -> AppState {
    var state = AppState(paths: paths, isWatching: true)
    state.now = now
    state.quizSeed = 1  // the same order of quiz options every run
    _ = state.reduce(.resize(width: width, height: height))
    _ = state.reduce(.loaded(LoadedManifests.load(paths), Lesson.load(paths)))
    return state
  }

  /// Namespace prod with two pods, prod/web (`app: web`) and prod/db (`app: db`), and no
  /// policy.
  static let webAndDB = """
    apiVersion: v1
    kind: Namespace
    metadata: {name: prod}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: prod, labels: {app: web}}
    spec: {containers: [{name: web}]}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: db, namespace: prod, labels: {app: db}}
    spec: {containers: [{name: db}]}
    """

  /// Loads manifests from text, as if read from `file`.
  static func loaded(_ yaml: String, file: String = "cluster.yaml") -> LoadedManifests {
    LoadedManifests(result: ManifestLoader.load([SourceFile(path: file, text: yaml)]), files: [file])
  }

  /// The id of the cell under the cursor.
  static func selected(_ state: AppState) -> String? {
    guard let cell = state.selectedCell else { return nil }
    return "\(state.endpoints[cell.source].id) -> \(state.endpoints[cell.destination].id)"
  }

  /// Presses keys in order.
  static func press(_ keys: [Key], on state: inout AppState) -> [Effect] {
    keys.flatMap { state.reduce(.key($0)) }
  }

  /// Relabels every path so snapshots do not depend on where the repository is.
  static func portable(_ text: String) -> String {
    text.replacingOccurrences(of: root.path + "/", with: "")
  }
}
