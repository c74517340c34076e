import PolicyKit

/// The help overlay, generated from the key map.
enum HelpOverlay {
  static func lines() -> [String] {
    var lines: [String] = []
    var group = ""
    for binding in KeyMap.bindings + KeyMap.overlayBindings {
      if binding.group != group {
        if !lines.isEmpty { lines.append("") }
        lines.append(binding.group)
        group = binding.group
      }
      lines.append("  " + KeyMap.keyNames(binding).padded(12) + " " + binding.help)
    }
    lines.append("")
    lines.append("Cells: ✓/+ allowed (green), ✗/x denied (red), ·/. self (dim);")
    lines.append("yellow: changed just now; magenta: differs from enforced (pending view).")
    lines.append("Mouse: click a cell to select it; the wheel scrolls.")
    lines.append(closing + " this help.")
    return lines
  }

  /// `Esc, ?, q or Enter closes`, from the help's own bindings.
  static var closing: String {
    let keys = KeyMap.overlayBindings.filter { $0.command == .close && $0.contexts.contains(.help) }
      .flatMap(\.keys).map(\.displayName)
    let list = keys.count > 1 ? keys.dropLast().joined(separator: ", ") + " or " + keys[keys.count - 1] : keys.joined()
    return list + " closes"
  }

  static func render(_ state: AppState, scroll: Int, _ theme: Theme, into canvas: inout Canvas) {
    let all = lines()
    let visible = max(1, canvas.height - 4)
    let offset = max(0, min(scroll, all.count - visible))
    var shown = Array(all.dropFirst(offset).prefix(visible))
    if offset + visible < all.count, !shown.isEmpty {
      shown[shown.count - 1] = "↓ more: j/↓, PgDn   (\(closing))"
    }
    Overlays.panel(title: " keys ", lines: shown.map { ($0, theme.plain) }, state: state, theme: theme, into: &canvas)
  }
}
