#!/usr/bin/env python3
"""Checks a page of `matrix-tui eval --format html` as Chromium left it (`--dump-dom`).

  check_page.py DOM JSON [--trace TRACE.txt] [--filtered DOM ID...] [--hostile]

DOM is the dumped document, JSON the same input's `eval --format json`. The grid must have one
cell per pair, each with the verdict class (`v-allow`, `v-deny`) of the JSON's cell and the
self cells marked; with --trace the trace pane must read as `matrix-tui trace` prints it;
with --filtered, that other dump must show exactly the rows and columns ID...; with --hostile
the document must hold only the page's own elements, no event handler attribute, and its
title unchanged.
"""
import argparse
import json
import sys
from html.parser import HTMLParser

PAGE_ELEMENTS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "p", "div", "span", "input",
    "button", "main", "aside", "table", "thead", "tbody", "tr", "th", "td", "script",
}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.handlers = []
        self.title = ""
        self.scripts = 0
        self.columns, self.rows, self.cells = [], [], []
        self.trace = None
        self.trace_lines = []
        self.stack = []
        self.section = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        self.handlers += [name for name in attrs if name.lower().startswith("on")]
        classes = (attrs.get("class") or "").split()
        if tag == "script":
            self.scripts += 1
        if tag in ("thead", "tbody"):
            self.section = tag
        if tag == "aside" and attrs.get("id") == "trace":
            self.trace = attrs
        if tag == "th" and "col" in classes and self.section == "thead":
            self.columns.append("")
            self.stack.append(("col", len(self.columns) - 1))
        elif tag == "th" and "row" in classes:
            self.rows.append("")
            self.cells.append([])
            self.stack.append(("row", len(self.rows) - 1))
        elif tag == "td" and "cell" in classes:
            self.cells[-1].append(classes)
            self.stack.append(("td", None))
        elif tag == "div" and "line" in classes and self.trace is not None:
            indent = next((int(c[1:]) for c in classes if c[:1] == "i" and c[1:].isdigit()), 0)
            self.trace_lines.append([indent, "", ""])
            self.stack.append(("line", None))
        elif tag == "span" and "loc" in classes:
            self.stack.append(("loc", None))
        elif tag == "title":
            self.stack.append(("title", None))
        else:
            self.stack.append((tag, None))

    def handle_endtag(self, tag):
        while self.stack:
            kind, _ = self.stack.pop()
            if kind == tag or kind in ("col", "row", "td", "line", "loc", "title"):
                break

    def handle_data(self, data):
        kinds = [kind for kind, _ in self.stack]
        if "title" in kinds:
            self.title += data
        elif "col" in kinds:
            self.columns[-1] += data
        elif "row" in kinds:
            self.rows[-1] += data
        elif "loc" in kinds and self.trace_lines:
            self.trace_lines[-1][2] += data
        elif "line" in kinds and self.trace_lines:
            self.trace_lines[-1][1] += data


def load(path):
    page = Page()
    with open(path, encoding="utf-8") as handle:
        page.feed(handle.read())
    return page


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dom")
    parser.add_argument("json")
    parser.add_argument("--trace")
    parser.add_argument("--filtered", nargs="+")
    parser.add_argument("--hostile", action="store_true")
    args = parser.parse_args()
    problems = []
    page = load(args.dom)
    with open(args.json, encoding="utf-8") as handle:
        matrix = json.load(handle)
    ids = matrix["endpoints"]
    verdicts = {(cell["from"], cell["to"]): cell["verdict"] for cell in matrix["cells"]}
    if page.rows != ids or page.columns != ids:
        problems.append(f"rows {page.rows} and columns {page.columns} are not the endpoints {ids}")
    count = sum(len(row) for row in page.cells)
    if count != len(ids) ** 2:
        problems.append(f"{count} cells for {len(ids)} endpoints")
    for source, row in zip(page.rows, page.cells):
        for destination, classes in zip(page.columns, row):
            verdict = verdicts.get((source, destination))
            if f"v-{verdict}" not in classes:
                problems.append(f"{source} -> {destination}: {classes}, the JSON says {verdict}")
            if (source == destination) != ("self" in classes):
                problems.append(f"{source} -> {destination}: self mark {classes}")
    if args.trace:
        with open(args.trace, encoding="utf-8") as handle:
            expected = handle.read().rstrip("\n").split("\n")
        shown = ["  " * indent + text + ("   " + loc if loc else "") for indent, text, loc in page.trace_lines]
        if page.trace is None or "hidden" in page.trace:
            problems.append("the trace pane is not open")
        elif shown != expected:
            problems.append("the trace pane reads\n" + "\n".join(shown) + "\nnot\n" + "\n".join(expected))
    if args.filtered:
        filtered = load(args.filtered[0])
        if filtered.rows != args.filtered[1:] or filtered.columns != args.filtered[1:]:
            problems.append(f"filtered to {filtered.rows} x {filtered.columns}, not {args.filtered[1:]}")
    if args.hostile:
        foreign = set(page.tags) - PAGE_ELEMENTS
        if foreign:
            problems.append(f"elements that are not the page's: {sorted(foreign)}")
        if page.handlers:
            problems.append(f"event handler attributes: {page.handlers}")
        if page.scripts != 2:
            problems.append(f"{page.scripts} script elements, not the page's 2")
        if page.title != "matrix-tui: TCP/80 enforced":
            problems.append(f"the title is {page.title!r}: a script ran")
        if not page.trace_lines:
            problems.append("no trace of a hostile cell")
    for problem in problems:
        print("check_page:", problem)
    print(f"check_page: {args.dom}: {len(page.rows)} x {len(page.columns)} cells, {len(page.trace_lines)} trace lines, "
          + ("ok" if not problems else f"{len(problems)} problems"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
