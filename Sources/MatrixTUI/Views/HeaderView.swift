import Foundation
import PolicyKit

/// The header line: files, probe, view, counts, trap and watch state.
enum HeaderView {
  static func render(_ state: AppState, _ layout: ScreenLayout, _ theme: Theme, into canvas: inout Canvas) {
    let area = layout.header
    canvas.fill(area, style: theme.header)
    // Most important first: a narrow terminal cuts the end.
    var parts = ["matrix-tui", state.isAnyProbe ? "any" : state.probe.description, state.view.rawValue]
    if state.matrix != nil {
      let counts = state.markCounts
      let some = state.isAnyProbe ? " \(state.glyphs.some)\(counts.some)" : ""
      parts.append("\(state.glyphs.allowed)\(counts.allowed)\(some) \(state.glyphs.denied)\(counts.denied)")
    }
    if let baseline = state.baseline, state.matrix != nil {
      let counts = state.baselineCounts
      let glyphs = state.glyphs
      let changed = counts.changed > 0 ? " \(glyphs.changed)\(counts.changed)" : ""
      let off = state.showsBaselineMarks ? "" : " (marks off)"
      parts.append(
        "\(glyphs.delta) +\(counts.opened) \(glyphs.minus)\(counts.closed)\(changed) vs \(baseline.label)\(off)")
    }
    if let trap = state.trap { parts.append("TRAP \(trap.report.policy.name)") }
    if !state.filter.isEmpty { parts.append("filter: \(state.filter)") }
    parts.append(state.isWatching ? "live" : "not watching")
    parts.append(filesSummary(state))
    canvas.draw(" " + parts.joined(separator: " │ "), at: 0, y: area.y, style: theme.header, clip: area)
  }

  static func filesSummary(_ state: AppState) -> String {
    let names = state.paths.joined(separator: " ")
    let count = state.files.count
    return "\(names) (\(count) file\(count == 1 ? "" : "s"))"
  }
}
