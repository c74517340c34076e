import PolicyKit

/// The whole screen.
enum Screen {
  /// Renders `state` onto a new canvas of the state's size.
  static func render(_ state: AppState) -> Canvas {
    var canvas = Canvas(width: state.width, height: state.height)
    let theme = Theme(isMonochrome: state.isMonochrome)
    let layout = ScreenLayout(state: state)
    if layout.isTooSmall {
      let message = [
        "terminal too small",
        "\(state.width)x\(state.height); need \(ScreenLayout.minimumWidth)x\(ScreenLayout.minimumHeight)",
        "enlarge it, or press q",
      ]
      for (row, line) in message.enumerated() where row < state.height {
        canvas.draw(line, at: 0, y: row, style: row == 0 ? theme.bad : theme.plain)
      }
      return canvas
    }
    HeaderView.render(state, layout, theme, into: &canvas)
    if state.matrix == nil {
      canvas.draw("loading…", at: 1, y: 2, style: theme.muted)
    } else if let zoomed = state.groupMatrix {
      GroupMatrixView.render(state, zoomed, layout, theme, into: &canvas)
      GroupMatrixView.renderSummary(state, zoomed, layout, theme, into: &canvas)
    } else {
      MatrixView.render(state, layout, theme, into: &canvas)
      TracePane.render(state, layout, theme, into: &canvas)
    }
    StatusBar.render(state, layout, theme, into: &canvas)
    Overlays.render(state, theme, into: &canvas)
    return state.glyphs == .ascii ? canvas.asciiOnly() : canvas
  }
}
