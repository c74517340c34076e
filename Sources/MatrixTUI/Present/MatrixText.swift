import Foundation
import PolicyKit

/// The whole matrix as text, in every output format of `matrix-tui eval`.
struct MatrixText {
  let evaluator: Evaluator
  let matrix: ConnectivityMatrix
  var glyphs = Glyphs.unicode

  private var ids: [String] { matrix.endpoints }

  /// One header line: probe, view and counts.
  var headline: String {
    let counts = matrix.counts
    return "\(matrix.probe)  \(matrix.view.rawValue)  \(counts.allowed) allowed, \(counts.denied) denied"
  }

  /// A grid with numbered rows; column `n` is the endpoint of row `n`.
  func table() -> String {
    let width = String(ids.count).count
    let labels = ids.map(\.visible)
    let labelWidth = min(48, labels.map(\.count).max() ?? 0)
    var lines = [
      headline + "  (\(glyphs.allowed) allowed, \(glyphs.denied) denied, \(glyphs.selfCell) self; column n is row n)", "",
    ]
    // Column numbers, written vertically so each column stays one character wide plus a space.
    let prefix = String(repeating: " ", count: width + 2 + labelWidth + 1)
    for digit in 0..<width {
      var line = prefix
      for column in 1...max(1, ids.count) where !ids.isEmpty {
        let text = String(column).leftPadded(width, with: " ")
        line += String(Array(text)[digit]) + " "
      }
      lines.append(line.trimmingTrailingSpaces)
    }
    for (row, label) in labels.enumerated() {
      var line = String(row + 1).leftPadded(width, with: " ") + "  " + truncate(label, labelWidth).padded(labelWidth) + " "
      for column in ids.indices {
        line += glyphs.mark(matrix.outcome(row, column)) + " "
      }
      lines.append(line.trimmingTrailingSpaces)
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `{"probe": ..., "view": ..., "endpoints": [...], "cells": [...]}`.
  func json(trap: TrapReport?) -> String {
    var cells: [JSON] = []
    cells.reserveCapacity(ids.count * ids.count)
    for source in ids.indices {
      for destination in ids.indices {
        let cell = evaluator.cell(from: source, to: destination, probe: matrix.probe)
        cells.append(Self.cellJSON(cell))
      }
    }
    var probe: [(String, JSON)] = [("protocol", .string(matrix.probe.ipProtocol.rawValue))]
    switch matrix.probe.port {
    case .number(let port): probe.append(("port", .number(port)))
    case .name(let name): probe.append(("port", .string(name)))
    }
    var entries: [(String, JSON)] = [
      ("probe", .object(probe)),
      ("view", .string(matrix.view.rawValue)),
    ]
    if let trap {
      entries.append(("trap", .object([("policy", .string(trap.policy.description)), ("widened", .array(trap.widened.map(JSON.string)))])))
    }
    entries.append(("endpoints", .array(ids.map(JSON.string))))
    entries.append(("cells", .array(cells)))
    return JSON.object(entries).text + "\n"
  }

  /// One cell as JSON.
  static func cellJSON(_ cell: CellTrace) -> JSON {
    let side = cell.decidingSide
    var tier: String?
    var policy: String?
    var rule: JSON = .null
    let decision: String
    switch side.decider {
    case .rule(let id, let tierName, let matched):
      tier = tierName
      policy = id.description
      rule = .number(matched.index)
      decision = "rule"
    case .tierDefault(let tierName, let last, _):
      tier = tierName
      policy = last.description
      decision = "tier-default"
    case .profile(let name, let matched):
      policy = "Profile/\(name)"
      rule = .number(matched.index)
      decision = "profile"
    case .noProfileMatched: decision = "no-profile"
    case .failsafe: decision = "failsafe"
    case .external: decision = "external"
    case .hostToLocalWorkload: decision = "host-to-local-pod"
    case .endpointToHost: decision = "endpoint-to-host"
    case .unresolvedPortName: decision = "port-name"
    case .loopback: decision = "self"
    }
    return .object([
      ("from", .string(cell.source)),
      ("to", .string(cell.destination)),
      ("verdict", .string(cell.outcome.verdict.rawValue)),
      ("reason", .string(DecisionText.reason(cell))),
      (
        "decidedBy",
        .object([
          ("side", .string(side.direction.rawValue)),
          ("tier", .optional(tier)),
          ("policy", .optional(policy)),
          ("rule", rule),
          ("decision", .string(decision)),
        ])
      ),
    ])
  }

  /// `from,to,verdict,reason`, one row per ordered pair.
  func csv() -> String {
    var lines = ["from,to,verdict,reason"]
    for source in ids.indices {
      for destination in ids.indices {
        let cell = evaluator.cell(from: source, to: destination, probe: matrix.probe)
        lines.append(
          [cell.source, cell.destination, cell.outcome.verdict.rawValue, DecisionText.reason(cell)]
            .map(Self.csvField).joined(separator: ","))
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private static func csvField(_ text: String) -> String {
    var value = text.visible
    // A leading =, +, - or @ would be read as a formula by spreadsheets.
    if let first = value.first, "=+-@".contains(first) { value = "'" + value }
    guard value.contains(where: { $0 == "," || $0 == "\"" }) else { return value }
    return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// A Markdown table: a row per source, a numbered column per destination.
  func markdown() -> String {
    var lines = ["**\(headline)**", ""]
    lines.append("| # | source \\ destination | " + ids.indices.map { "\($0 + 1)" }.joined(separator: " | ") + " |")
    lines.append("|---|---|" + String(repeating: "---|", count: ids.count))
    for (row, id) in ids.enumerated() {
      let marks = ids.indices.map { glyphs.mark(matrix.outcome(row, $0)) }
      lines.append("| \(row + 1) | `\(Self.markdownEscaped(id))` | " + marks.joined(separator: " | ") + " |")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private static func markdownEscaped(_ text: String) -> String {
    text.visible.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "`", with: "'")
  }

  private func truncate(_ text: String, _ width: Int) -> String {
    text.count <= width ? text : String(text.prefix(max(0, width - 1))) + "…"
  }
}

extension String {
  /// The string without trailing spaces.
  var trimmingTrailingSpaces: String {
    var copy = Substring(self)
    while copy.last == " " { copy = copy.dropLast() }
    return String(copy)
  }
}
