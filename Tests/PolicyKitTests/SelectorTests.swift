import Testing

@testable import PolicyKit

// Table-driven tests for the Calico selector parser and matcher. The tables follow the cases
// in Calico's libcalico-go/lib/selector parser and tokenizer tests, plus extra edge cases.

typealias Labels = [String: String]

struct MatchCase: Sendable, CustomTestStringConvertible {
  var selector: String
  var matching: [Labels]
  var nonMatching: [Labels]

  init(_ selector: String, match matching: [Labels], noMatch nonMatching: [Labels] = []) {
    self.selector = selector
    self.matching = matching
    self.nonMatching = nonMatching
  }

  var testDescription: String { "«\(selector)»" }
}

let matchCases: [MatchCase] = [
  // Comparison operators.
  MatchCase(
    #"a == "b""#, match: [["a": "b"], ["a": "b", "c": "d"]],
    noMatch: [[:], ["a": "c"], ["c": "d"], ["a": "B"], ["a": "bb"]]),
  MatchCase("a == 'a'", match: [["a": "a"]], noMatch: [["a": "b"], [:]]),
  MatchCase(#"a == "a""#, match: [["a": "a"]], noMatch: [["a": "b"]]),
  MatchCase(#"a != "b""#, match: [["a": "a"], [:], ["b": "b"]], noMatch: [["a": "b"]]),
  MatchCase("a != 'a'", match: [[:]], noMatch: [["a": "a"]]),
  MatchCase("a != ''", match: [[:], ["a": "x"]], noMatch: [["a": ""]]),
  MatchCase("a == ''", match: [["a": ""]], noMatch: [[:], ["a": "x"]]),
  MatchCase(
    #"a contains "a""#, match: [["a": "a"], ["a": "bab"], ["a": "aaa", "b": "c"]],
    noMatch: [[:], ["a": "b"], ["b": "aaa"]]),
  MatchCase("a contains ''", match: [["a": ""], ["a": "x"]], noMatch: [[:]]),
  MatchCase(
    "a contains 'abc'", match: [["a": "xxabcxx"], ["a": "abc"], ["a": "ababc"]],
    noMatch: [["a": "ab"], ["a": "abxc"], ["a": "cba"]]),
  MatchCase(
    #"a starts with "a""#, match: [["a": "a"], ["a": "abb"], ["a": "aaa", "b": "c"]],
    noMatch: [[:], ["a": "b"], ["a": "baa"], ["b": "aaa"]]),
  MatchCase(
    #"a ends with "a""#, match: [["a": "a"], ["a": "bba"], ["a": "aaa", "b": "c"]],
    noMatch: [[:], ["a": "b"], ["a": "aab"], ["b": "aaa"]]),
  MatchCase("a starts with ''", match: [["a": ""], ["a": "q"]], noMatch: [[:]]),
  MatchCase("a ends with 'long suffix'", match: [["a": "a long suffix"]], noMatch: [["a": "x"]]),

  // Sets.
  MatchCase(
    #"a in {"'", '"', "c"}"#, match: [["a": "c"], ["a": "\""], ["a": "'"]],
    noMatch: [[:], ["a": "e"]]),
  MatchCase(
    #"a not in {"'", '"', "c"}"#, match: [[:], ["a": "e"]],
    noMatch: [["a": "c"], ["a": "\""], ["a": "'"]]),
  MatchCase(#"a in {"a"}"#, match: [["a": "a"]], noMatch: [["a": "b"], [:]]),
  MatchCase(#"a in {"a", "b"}"#, match: [["a": "a"], ["a": "b"]], noMatch: [["a": "c"]]),
  MatchCase(#"a not in {"d", "e"}"#, match: [["a": "a"], [:]], noMatch: [["a": "d"]]),
  MatchCase(#"a not in {"a"}"#, match: [["b": "a"]], noMatch: [["a": "a"]]),
  MatchCase("a in {}", match: [], noMatch: [[:], ["a": ""], ["a": "x"]]),
  MatchCase("a not in {}", match: [[:], ["a": ""], ["a": "x"]]),
  MatchCase("a in {'x', 'y',}", match: [["a": "x"], ["a": "y"]], noMatch: [["a": ","]]),
  MatchCase(#"!a in {"a"}"#, match: [["a": "b"], [:]], noMatch: [["a": "a"]]),

  // has(), negation and its repetitions.
  MatchCase("has(a)", match: [["a": "b"], ["a": ""]], noMatch: [[:], ["b": "a"]]),
  MatchCase("!has(a)", match: [["b": "b"], [:]], noMatch: [["a": "b"]]),
  MatchCase("has(b)", match: [], noMatch: [["a": "b"]]),
  MatchCase("!!has(b)", match: [["b": "x"]], noMatch: [["a": "b"]]),
  MatchCase("! has(a)", match: [], noMatch: [["a": "b"]]),
  MatchCase("!!! has(a)", match: [[:]], noMatch: [["a": "b"]]),
  MatchCase("!!!has(a)", match: [], noMatch: [["a": "b"]]),
  MatchCase("!! ! has(a)", match: [], noMatch: [["a": "b"]]),
  MatchCase("! !!has(a)", match: [], noMatch: [["a": "b"]]),
  MatchCase("!(a == 'x')", match: [[:], ["a": "y"]], noMatch: [["a": "x"]]),
  MatchCase("!a != 'x'", match: [["a": "x"]], noMatch: [[:], ["a": "y"]]),
  MatchCase("!all()", match: [], noMatch: [[:], ["a": "b"]]),

  // Empty selector, all(), global().
  MatchCase("", match: [[:], ["a": "b"]]),
  MatchCase(" ", match: [[:]]),
  MatchCase("\t \t", match: [[:], ["a": "b"]]),
  MatchCase("all()", match: [[:], ["a": "b"]]),
  MatchCase(" all() ", match: [[:], ["a": "b"]]),
  MatchCase("all( )", match: [[:]]),
  MatchCase("global()", match: [[:], ["a": "b"]]),
  MatchCase(" global()", match: [[:]]),
  MatchCase("all() && app == 'x'", match: [["app": "x"]], noMatch: [[:], ["app": "y"]]),
  MatchCase("has(a) || all()", match: [[:], ["a": "b"]]),

  // Boolean combinations (from Calico's tests) and precedence.
  MatchCase(
    #"a == "b" && c == "d""#, match: [["a": "b", "c": "d"]],
    noMatch: [[:], ["a": "b", "c": "e"], ["a": "c", "c": "d"], ["c": "d"], ["a": "b"]]),
  MatchCase(
    #"a == "b" || c == "d""#, match: [["a": "b", "c": "d"], ["a": "b"], ["c": "d"]],
    noMatch: [[:], ["a": "e", "c": "e"], ["c": "e"], ["a": "e"]]),
  MatchCase("a == 'a1' && b == 'b1'", match: [["a": "a1", "b": "b1"]]),
  MatchCase("a == 'a1' && b != 'b1'", match: [], noMatch: [["a": "a1", "b": "b1"]]),
  MatchCase("a != 'a1' && b == 'b1'", match: [], noMatch: [["a": "a1", "b": "b1"]]),
  MatchCase("a != 'a1' && b != 'b1'", match: [], noMatch: [["a": "a1", "b": "b1"]]),
  MatchCase("a != 'a1' && !b == 'b1'", match: [], noMatch: [["a": "a1", "b": "b1"]]),
  MatchCase("!a == 'a1' && b == 'b1'", match: [], noMatch: [["a": "a1", "b": "b1"]]),
  MatchCase("has(a) && !has(b)", match: [["a": "a"]], noMatch: [["a": "a", "b": "b"]]),
  MatchCase("!has(b) && has(a)", match: [["a": "a"]], noMatch: [[:]]),
  MatchCase("!(!has(a) || has(b))", match: [["a": "a"]], noMatch: [[:], ["a": "a", "b": ""]]),
  MatchCase("!(has(b) || !has(a))", match: [["a": "a"]], noMatch: [["b": "b"]]),
  MatchCase("a == 'a1' || b == 'b1'", match: [["a": "a1", "b": "b1"]]),
  MatchCase("a == 'a1' || b != 'b1'", match: [["a": "a1", "b": "b1"]]),
  MatchCase("a != 'a1' || b == 'b1'", match: [["a": "a1", "b": "b1"]]),
  MatchCase("a != 'a1' || b != 'b1'", match: [[:]], noMatch: [["a": "a1", "b": "b1"]]),
  MatchCase("! a == 'a1' || ! b == 'b1'", match: [], noMatch: [["a": "a1", "b": "b1"]]),
  MatchCase(
    "a == 'x' || b == 'y' && c == 'z'",
    match: [["a": "x"], ["b": "y", "c": "z"], ["a": "x", "b": "y"]],
    noMatch: [[:], ["b": "y"], ["c": "z"], ["a": "y", "b": "y"]]),
  MatchCase(
    "a == 'x' && b == 'y' || c == 'z'", match: [["a": "x", "b": "y"], ["c": "z"]],
    noMatch: [["a": "x"], ["b": "y"]]),
  MatchCase(
    "(a == 'x' || b == 'y') && c == 'z'", match: [["a": "x", "c": "z"], ["b": "y", "c": "z"]],
    noMatch: [["a": "x"], ["b": "y"], ["c": "z"]]),
  MatchCase(
    "!(a == 'x' && b == 'y')", match: [[:], ["a": "x"], ["b": "y"]],
    noMatch: [["a": "x", "b": "y"]]),
  MatchCase(
    "a == 'x' && b == 'y' && c == 'z'", match: [["a": "x", "b": "y", "c": "z"]],
    noMatch: [["a": "x", "b": "y"], ["b": "y", "c": "z"]]),
  MatchCase(
    "a == '1' || a == '2' || a == '3'", match: [["a": "1"], ["a": "2"], ["a": "3"]],
    noMatch: [["a": "4"]]),
  MatchCase("((a == 'x'))", match: [["a": "x"]], noMatch: [["a": "y"]]),
  MatchCase(
    "(a == 'x' && (b == 'y' || !has(c)))", match: [["a": "x"], ["a": "x", "b": "y", "c": ""]],
    noMatch: [["a": "x", "c": ""], ["b": "y"]]),

  // Whitespace and spelling variants Calico accepts.
  MatchCase("a=='b'", match: [["a": "b"]], noMatch: [["a": "c"]]),
  MatchCase("  a  ==  'b'  ", match: [["a": "b"]]),
  MatchCase("\ta\t==\t'b'\t", match: [["a": "b"]]),
  MatchCase("a!='b'&&c=='d'||e=='f'", match: [["c": "d"], ["e": "f"]], noMatch: [["a": "b"]]),
  MatchCase("has( a )", match: [["a": ""]], noMatch: [[:]]),
  MatchCase("a in{'x'}", match: [["a": "x"]]),
  MatchCase("a notin {'x'}", match: [["a": "y"]], noMatch: [["a": "x"]]),
  MatchCase("a not   in {'x'}", match: [["a": "y"]], noMatch: [["a": "x"]]),
  MatchCase("a startswith 'x'", match: [["a": "xy"]], noMatch: [["a": "yx"]]),
  MatchCase("a starts  with 'x'", match: [["a": "xy"]], noMatch: [["a": "yx"]]),
  MatchCase("a endswith \"x\"", match: [["a": "yx"]], noMatch: [["a": "xy"]]),
  MatchCase("a contains\"x\"", match: [["a": "yxy"]], noMatch: [["a": "yy"]]),

  // Quote kinds and values.
  MatchCase(#"a == "it's""#, match: [["a": "it's"]], noMatch: [["a": "its"]]),
  MatchCase(#"a == 'say "hi"'"#, match: [["a": "say \"hi\""]]),
  MatchCase("a == 'has(b) && c'", match: [["a": "has(b) && c"]], noMatch: [["b": ""]]),
  MatchCase("a == 'x y'", match: [["a": "x y"]], noMatch: [["a": "x"]]),
  // Values compare as bytes, as in Go: a precomposed é differs from e + combining accent.
  MatchCase("a == '\u{E9}'", match: [["a": "\u{E9}"]], noMatch: [["a": "e\u{301}"]]),
  MatchCase("a in {'\u{E9}'}", match: [["a": "\u{E9}"]], noMatch: [["a": "e\u{301}"]]),

  // Label keys with prefixes, dots, slashes, dashes, underscores, digits and keywords.
  MatchCase(
    "projectcalico.org/name == 'default'", match: [["projectcalico.org/name": "default"]],
    noMatch: [["name": "default"]]),
  MatchCase("app.kubernetes.io/name in {'web'}", match: [["app.kubernetes.io/name": "web"]]),
  MatchCase("k8s-app == 'kube-dns'", match: [["k8s-app": "kube-dns"]]),
  MatchCase("a_b == 'c'", match: [["a_b": "c"]], noMatch: [["a-b": "c"]]),
  MatchCase("has(calico/k8s_NS-.1/role)", match: [["calico/k8s_NS-.1/role": "x"]]),
  MatchCase("1a == '2'", match: [["1a": "2"]]),
  MatchCase("Tier == 'X'", match: [["Tier": "X"]], noMatch: [["tier": "X"]]),
  MatchCase("contains contains 'contains'", match: [["contains": "xcontainsx"]]),
  MatchCase("in in {'in'}", match: [["in": "in"]]),
  MatchCase("not == 'x'", match: [["not": "x"]]),
  MatchCase("has == 'x'", match: [["has": "x"]]),
  MatchCase("all == 'x'", match: [["all": "x"]], noMatch: [[:]]),
  MatchCase("and == 'x' && or == 'y'", match: [["and": "x", "or": "y"]]),
  MatchCase(
    String(repeating: "k", count: 512) + " == 'v'",
    match: [
      [String(repeating: "k", count: 512): "v"]
    ]),
]

@Test(arguments: matchCases)
func selectorMatching(_ test: MatchCase) throws {
  let selector = try Selector.parse(test.selector)
  for labels in test.matching {
    #expect(selector.matches(labels), "\(test.selector) should match \(labels)")
  }
  for labels in test.nonMatching {
    #expect(!selector.matches(labels), "\(test.selector) should not match \(labels)")
  }
  // The canonical form must select exactly the same label sets.
  let reparsed = try Selector.parse(selector.description)
  for labels in test.matching {
    #expect(reparsed.matches(labels))
  }
  for labels in test.nonMatching {
    #expect(!reparsed.matches(labels))
  }
}

// MARK: - Bad input

struct BadCase: Sendable, CustomTestStringConvertible {
  var input: String
  var offset: Int
  var fragment: String

  init(_ input: String, _ offset: Int, _ fragment: String) {
    self.input = input
    self.offset = offset
    self.fragment = fragment
  }

  var testDescription: String { "«\(input)»" }
}

let badCases: [BadCase] = [
  // From Calico's list of bad selectors.
  BadCase("b == b", 5, "quoted string"),
  BadCase("b contains b", 11, "quoted string"),
  BadCase("b starts with b", 14, "quoted string"),
  BadCase("b ends with b", 12, "quoted string"),
  BadCase("'b1' == b", 0, "expression"),
  BadCase("b", 1, "operator"),
  BadCase("a b", 2, "operator"),
  BadCase("!", 1, "after `!`"),
  BadCase(#"foo == "bar" &"#, 13, "`&&`"),
  BadCase(#"foo == "bar" |"#, 13, "`||`"),
  BadCase("foo != ||", 7, "quoted string"),
  BadCase(#"foo in {"", ||"#, 12, "`}`"),
  BadCase(#"foo in """#, 7, "`{`"),
  BadCase(#""FOO"#, 0, "unterminated"),
  BadCase(#""FOO'"#, 0, "unterminated"),
  BadCase("'FOO", 0, "unterminated"),
  BadCase("(", 1, "after `(`"),
  BadCase(#"(a == "foo""#, 11, "`)`"),
  BadCase(")", 0, "expression"),
  BadCase("()", 1, "after `(`"),
  BadCase("%", 0, "unexpected character `%`"),
  BadCase(#"a == "b" && %"#, 12, "unexpected character"),
  BadCase(#"a == "b" || %"#, 12, "unexpected character"),
  BadCase("a ", 2, "operator"),
  BadCase("has(foo) &&", 11, "after `&&`"),
  // Further cases.
  BadCase("app", 3, "expected an operator after `app`"),
  BadCase("has(foo) && ", 12, "end of selector"),
  BadCase("a == 'x' || ", 12, "after `||`"),
  BadCase("&& a == 'x'", 0, "`&&`"),
  BadCase("app == 'x' foo", 11, "`foo`"),
  BadCase("app == 'x' 'y'", 11, "`'y'`"),
  BadCase("a ==", 4, "end of selector"),
  BadCase("a == 'x", 5, "unterminated"),
  BadCase("has(app", 7, "expected `)` after `has(app`"),
  BadCase("has(a b)", 6, "`)`"),
  BadCase("has()", 4, "label key"),
  BadCase("has(", 4, "label key"),
  BadCase("has('a')", 4, "label key"),
  BadCase("has (a)", 4, "operator"),
  BadCase("all(", 4, "`)` after `all(`"),
  BadCase("all(x)", 4, "`)`"),
  BadCase("global(x)", 7, "`)` after `global(`"),
  BadCase("a = 'x'", 2, "`==`"),
  BadCase("a == 'x' &&& b == 'y'", 11, "`&&`"),
  BadCase("a == 'x' and b == 'y'", 9, "`&&`"),
  BadCase("a == 'x' or b == 'y'", 9, "`||`"),
  BadCase("(a == 'x' AND b == 'y')", 10, "`&&`"),
  BadCase("has(a) and has(b)", 7, "`&&`"),
  BadCase("a in {'x'} or (b == 'y')", 11, "`||`"),
  BadCase("a == 'x' or", 9, "`||`"),
  BadCase("a and b", 2, "operator"),
  BadCase("a starts 'x'", 9, "`with`"),
  BadCase("a ends", 6, "`with`"),
  BadCase("a not {'x'}", 6, "`in`"),
  BadCase("a not", 5, "end of selector"),
  BadCase("a is 'x'", 2, "`is`"),
  BadCase("a inx {'x'}", 2, "operator"),
  BadCase("a in {'x'", 9, "`}`"),
  BadCase("a in {'x',", 10, "`}`"),
  BadCase("a in {,}", 6, "quoted string"),
  BadCase("a in {'x',,}", 10, "quoted string"),
  BadCase("a in {'x' 'y'}", 10, "`,`"),
  BadCase("a in {x}", 6, "quoted string"),
  BadCase("a in ('x')", 5, "`{`"),
  BadCase("a in 'x'", 5, "`{`"),
  BadCase("a == 'x')", 8, "unmatched `)`"),
  BadCase("(a == 'x'))", 10, "unmatched"),
  BadCase("a == 'x' && (b == 'y'", 21, "column 13"),
  BadCase("!a", 2, "operator"),
  BadCase("a: b", 1, "unexpected character `:`"),
  BadCase("a == 'x'\n", 8, "line break"),
  BadCase("\n", 0, "line break"),
  BadCase("a ==\u{A0}'x'", 4, "U+00A0"),
  BadCase("\u{E9}a == 'x'", 0, "unexpected character"),
  // Offsets count Unicode scalars, as libyaml's columns do: é is one, 👍🏽 two (a thumb and
  // a skin tone).
  BadCase("a == '\u{E9}' && %", 12, "`%`"),
  BadCase("a == '👍🏽' && %", 13, "`%`"),
  // Calico reads runes: a quote ends the string even when a combining mark follows it (one
  // `Character` with the quote), and the mark is then out of place.
  BadCase("a == '\"'\u{310}b'", 8, "unexpected character `U+0310`"),
  BadCase("a == 'x'\u{301} && b == 'y'", 8, "`U+0301`"),
  BadCase("(\u{301}has(a))", 1, "`U+0301`"),
  BadCase(String(repeating: "k", count: 513) + " == 'x'", 0, "longer than 512"),
  BadCase("has(" + String(repeating: "k", count: 513) + ")", 4, "longer than 512"),
  BadCase(String(repeating: "(", count: 200) + "has(a)", 128, "nested"),
  BadCase(String(repeating: "!", count: 200) + "has(a)", 128, "nested"),
]

@Test(arguments: badCases)
func selectorRejectsBadInput(_ test: BadCase) {
  do {
    let selector = try Selector.parse(test.input)
    Issue.record("expected an error, parsed \(selector)")
  } catch {
    #expect(error.offset == test.offset, "\(error)")
    #expect(error.column == test.offset + 1)
    #expect(error.message.contains(test.fragment), "\(error)")
    #expect(!error.message.hasSuffix("."))
    #expect(error.message.first.map { !$0.isUppercase } ?? false, "\(error)")
  }
}

// MARK: - Canonical text and round trips

let canonicalCases: [(input: String, canonical: String)] = [
  ("", "all()"),
  (" \t", "all()"),
  (" all() ", "all()"),
  (" (all() )", "all()"),
  ("global()", "global()"),
  ("has( app )", "has(app)"),
  ("app=='web'", "app == 'web'"),
  (#"app != "web""#, "app != 'web'"),
  ("app in {\"b\", 'a'}", "app in {'a', 'b'}"),
  ("app not in {'a'}", "app not in {'a'}"),
  ("app notin{}", "app not in {}"),
  ("app in {}", "app in {}"),
  ("app contains 'x'", "app contains 'x'"),
  ("app starts with 'x'", "app starts with 'x'"),
  ("app ends with 'x'", "app ends with 'x'"),
  ("!has(app)", "!has(app)"),
  ("! ! has(app)", "!!has(app)"),
  ("!(a == 'x' && b == 'y')", "!(a == 'x' && b == 'y')"),
  ("!(a == 'x')", "!a == 'x'"),
  ("!(!has(a))", "!!has(a)"),
  ("! (has( b)||! has(a ))", "!(has(b) || !has(a))"),
  (#"! (a == "b"&&! c != "d")"#, "!(a == 'b' && !c != 'd')"),
  (#"a == "'""#, #"a == "'""#),
  (#"a == '"'"#, #"a == '"'"#),
  (#"a contains '"'"#, #"a contains '"'"#),
  (#"a contains "'""#, #"a contains "'""#),
  (#"a startswith '"'"#, #"a starts with '"'"#),
  (#"a endswith "'""#, #"a ends with "'""#),
  (#"a!='"'"#, #"a != '"'"#),
  (#"a in {"d"}"#, "a in {'d'}"),
  (#"a in {"d", "a", "b"}"#, "a in {'a', 'b', 'd'}"),
  (#"a in {"z", "z", "x", "y", "x", "a"}"#, "a in {'a', 'x', 'y', 'z'}"),
  (#"a in {"it's", 'b', "B", ''}"#, #"a in {'', 'B', 'b', "it's"}"#),
  ("a in {'x',}", "a in {'x'}"),
  ("a == 'x' || b == 'y' && c == 'z'", "a == 'x' || b == 'y' && c == 'z'"),
  ("(a == 'x' && b == 'y') || c == 'z'", "a == 'x' && b == 'y' || c == 'z'"),
  ("(a == 'x' || b == 'y') && c == 'z'", "(a == 'x' || b == 'y') && c == 'z'"),
  ("a == 'x' && (b == 'y' && c == 'z')", "a == 'x' && (b == 'y' && c == 'z')"),
  ("(a == 'x' || b == 'y') || c == 'z'", "(a == 'x' || b == 'y') || c == 'z'"),
  ("all() && app == 'x'", "all() && app == 'x'"),
  ("!all()", "!all()"),
  ("((has(a)))", "has(a)"),
  // A string may start with a combining mark; the opening quote is still a quote.
  ("a == '\u{301}x'", "a == '\u{301}x'"),
  ("a in {\"\u{301}'\"}", "a in {\"\u{301}'\"}"),
]

@Test(arguments: canonicalCases)
func selectorCanonicalText(input: String, canonical: String) throws {
  let selector = try Selector.parse(input)
  #expect(selector.description == canonical)
  let reparsed = try Selector.parse(canonical)
  #expect(reparsed == selector)
  #expect(reparsed.description == canonical)
}

@Test(arguments: matchCases.map(\.selector) + canonicalCases.map(\.input))
func selectorRoundTrip(_ text: String) throws {
  let selector = try Selector.parse(text)
  let canonical = selector.description
  let reparsed = try Selector.parse(canonical)
  #expect(reparsed == selector, "«\(text)» printed as «\(canonical)»")
  #expect(reparsed.description == canonical)
}

let builtSelectors: [Selector] = [
  .all,
  .global,
  .has("projectcalico.org/name"),
  .equal("a", ""),
  .equal("a", "it's"),
  .notEqual("a", "say \"hi\""),
  .inSet("a", []),
  .inSet("a", ["", "x", "y"]),
  .notInSet("k8s-app", ["kube-dns"]),
  .contains("a", "b"),
  .startsWith("a", "b"),
  .endsWith("a", "b"),
  .not(.not(.not(.has("a")))),
  .not(.and([.has("a"), .has("b")])),
  .not(.or([.has("a"), .has("b")])),
  .and([.or([.has("a"), .has("b")]), .not(.equal("c", "d")), .all]),
  .or([.and([.has("a"), .has("b")]), .and([.has("c"), .global])]),
  .and([.and([.has("a"), .has("b")]), .has("c")]),
  .or([.has("a"), .or([.has("b"), .has("c")])]),
  .and([.has("a"), .or([.has("b"), .and([.has("c"), .not(.or([.has("d"), .has("e")]))])])]),
]

@Test(arguments: builtSelectors)
func selectorBuiltValuesRoundTrip(_ selector: Selector) throws {
  #expect(try Selector.parse(selector.description) == selector, "\(selector)")
}

// MARK: - Tree shape

@Test func selectorTreeShape() throws {
  #expect(
    try Selector.parse("a == 'x' || b == 'y' && c == 'z'")
      == .or([.equal("a", "x"), .and([.equal("b", "y"), .equal("c", "z")])]))
  #expect(
    try Selector.parse("has(a) && has(b) && has(c)")
      == .and([.has("a"), .has("b"), .has("c")]))
  #expect(
    try Selector.parse("has(a) || has(b) || has(c) && has(d)")
      == .or([.has("a"), .has("b"), .and([.has("c"), .has("d")])]))
  #expect(try Selector.parse("!!has(a)") == .not(.not(.has("a"))))
  #expect(try Selector.parse("!a == 'b'") == .not(.equal("a", "b")))
  #expect(try Selector.parse("a in {'b', \"a\", 'b'}") == .inSet("a", ["a", "b"]))
  #expect(try Selector.parse("a not in {}") == .notInSet("a", []))
  #expect(try Selector.parse("all() && app == 'x'") == .and([.all, .equal("app", "x")]))
  #expect(try Selector.parse("   ") == .all)
  #expect(try Selector.parse("").isAll)
  #expect(try Selector.parse("all()").isAll)
  #expect(try !Selector.parse("global()").isAll)
  #expect(try !Selector.parse("has(a)").isAll)
}

@Test func selectorDegenerateBuiltValues() {
  // Lists with fewer than two operands are never produced by the parser; they still print
  // as something that selects the same labels.
  #expect(Selector.and([]).description == "all()")
  #expect(Selector.or([]).description == "!all()")
  #expect(Selector.and([.has("a")]).description == "has(a)")
  #expect(Selector.not(.or([.and([.has("a"), .has("b")])])).description == "!(has(a) && has(b))")
  #expect(Selector.and([]).matches([:]))
  #expect(!Selector.or([]).matches(["a": "b"]))
}

// MARK: - Lexer and errors

@Test func selectorTokenOffsets() throws {
  var lexer = SelectorLexer("a  not in {'x',\"y\"} && !has( b ) || c startswith 'z'")
  let tokens = try lexer.tokenize()
  let expected: [(SelectorToken.Kind, Int, Int)] = [
    (.label("a"), 0, 1), (.notInSet, 3, 6), (.lBrace, 10, 1), (.string("x"), 11, 3),
    (.comma, 14, 1), (.string("y"), 15, 3), (.rBrace, 18, 1), (.and, 20, 2), (.not, 23, 1),
    (.has("b"), 24, 8), (.or, 33, 2), (.label("c"), 36, 1), (.startsWith, 38, 10),
    (.string("z"), 49, 3), (.end, 52, 0),
  ]
  #expect(tokens.count == expected.count)
  for (token, (kind, offset, length)) in zip(tokens, expected) {
    #expect(token == SelectorToken(kind: kind, offset: offset, length: length))
  }
}

@Test func selectorErrorDescription() throws {
  let error = SelectorParseError(message: "expected `)`", offset: 7)
  #expect(error.column == 8)
  #expect(error.description == "column 8: expected `)`")
  let expected = SelectorParseError(
    message: "expected `)` after `has(app`, found end of selector", offset: 7)
  #expect(throws: expected) { try Selector.parse("has(app") }
}

@Test func selectorKeyValidation() {
  #expect(SelectorLexer.isValidKey("app.kubernetes.io/name"))
  #expect(SelectorLexer.isValidKey("a_b-c.d/e"))
  #expect(!SelectorLexer.isValidKey(""))
  #expect(!SelectorLexer.isValidKey("a b"))
  #expect(!SelectorLexer.isValidKey("a:b"))
  #expect(!SelectorLexer.isValidKey(String(repeating: "a", count: 513)))
}
