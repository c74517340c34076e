import PolicyKit

/// The explorer's styles, with a monochrome variant where marks and attributes carry meaning.
struct Theme {
  var isMonochrome: Bool

  var plain: Style { .plain }
  var header: Style { isMonochrome ? Style.plain.reversed() : Style.plain.fg(.black).bg(.cyan) }
  var muted: Style { Style.plain.dimmed() }
  var heading: Style { Style.plain.bolded() }
  var label: Style { .plain }
  var highlightedLabel: Style {
    isMonochrome ? Style.plain.bolded().underlined() : Style.plain.bolded().fg(.brightYellow)
  }
  var allowed: Style { isMonochrome ? .plain : Style.plain.fg(.green) }
  var denied: Style { isMonochrome ? .plain : Style.plain.fg(.red) }
  var selfCell: Style { Style.plain.dimmed() }
  var some: Style { isMonochrome ? .plain : Style.plain.fg(.yellow) }
  var error: Style { isMonochrome ? Style.plain.reversed().bolded() : Style.plain.fg(.brightWhite).bg(.red).bolded() }
  var good: Style { isMonochrome ? Style.plain.bolded() : Style.plain.fg(.green).bolded() }
  var bad: Style { isMonochrome ? Style.plain.bolded() : Style.plain.fg(.brightRed).bolded() }
  var border: Style { Style.plain.dimmed() }
  var overlay: Style { .plain }

  /// A cell's style from its outcome and marks.
  func cell(
    _ mark: AppState.CellMark, isCursor: Bool, isFlipped: Bool, differs: Bool, crosshair: Bool,
    baseline: BaselineChange? = nil
  ) -> Style {
    var style: Style
    switch mark {
    case .allowed: style = allowed
    case .some: style = some
    case .denied: style = denied
    case .selfCell: style = selfCell
    }
    if crosshair && !isMonochrome { style = style.bolded() }
    if let baseline {
      // Its own glyph carries the meaning; colour and bold only help it stand out.
      switch baseline {
      case .opened: style = isMonochrome ? Style.plain.bolded() : Style.plain.fg(.brightGreen).bolded()
      case .closed: style = isMonochrome ? Style.plain.bolded() : Style.plain.fg(.brightRed).bolded()
      case .changed: style = isMonochrome ? Style.plain.bolded() : Style.plain.fg(.brightYellow).bolded()
      }
    }
    if differs { style = isMonochrome ? style.underlined() : style.bg(.magenta).fg(.brightWhite).bolded() }
    if isFlipped { style = isMonochrome ? style.bolded().underlined() : style.bg(.yellow).fg(.black).bolded() }
    if isCursor { style = style.reversed().bolded() }
    return style
  }

  /// A trace line's style.
  func trace(_ tone: Tone) -> Style {
    switch tone {
    case .heading: heading
    case .normal: plain
    case .muted: muted
    case .good: allowed.bolded()
    case .bad: denied.bolded()
    }
  }

  /// A status message's style.
  func status(_ tone: Tone) -> Style {
    switch tone {
    case .normal, .heading, .muted: plain
    case .good: good
    case .bad: bad
    }
  }
}
