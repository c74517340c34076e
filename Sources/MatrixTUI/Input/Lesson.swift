import Foundation
import PolicyKit

/// One quiz question, in the seed lesson's JSON shape.
struct QuizQuestion: Decodable, Hashable, Sendable {
  var question: String
  var options: [String]
  /// The index of the right option.
  var answer: Int
  var explain: String
}

extension QuizQuestion {
  /// The question with its options in an order drawn from `generator` (the answer follows
  /// its option).
  func shuffled(using generator: inout some RandomNumberGenerator) -> QuizQuestion {
    let order = options.indices.shuffled(using: &generator)
    var copy = self
    copy.options = order.map { options[$0] }
    copy.answer = order.firstIndex(of: answer) ?? answer
    return copy
  }
}

/// A lesson folder's extras: its expectations (`expect.yaml`) and quiz (`quiz.json`).
struct Lesson: Sendable {
  var folder: String
  var expectations: [Expectation]
  var quiz: [QuizQuestion]
  var diagnostics: [Diagnostic]

  /// Reads the lesson files in the first directory of `paths`, if it has any.
  static func load(_ paths: [String]) -> Lesson? {
    guard
      let folder = paths.first(where: { path in
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
      })
    else { return nil }
    let expectPath = (folder as NSString).appendingPathComponent("expect.yaml")
    let quizPath = (folder as NSString).appendingPathComponent("quiz.json")
    let expectData = FileManager.default.contents(atPath: expectPath)
    let quizData = FileManager.default.contents(atPath: quizPath)
    guard expectData != nil || quizData != nil else { return nil }
    var lesson = Lesson(folder: folder, expectations: [], quiz: [], diagnostics: [])
    if let expectData {
      let parsed = ExpectationFile.parse(SourceFile(path: expectPath, bytes: [UInt8](expectData)))
      lesson.expectations = parsed.expectations
      lesson.diagnostics += parsed.diagnostics
    }
    if let quizData {
      do {
        lesson.quiz = try JSONDecoder().decode([QuizQuestion].self, from: quizData)
          .filter { $0.options.indices.contains($0.answer) }
      } catch {
        lesson.diagnostics.append(
          .error(
            "cannot read the quiz: \(error.localizedDescription)",
            at: SourceLocation(file: quizPath, line: 1, column: 1)))
      }
    }
    return lesson
  }
}
