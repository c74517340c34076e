#!/usr/bin/env python3
"""Checks a zoomed-out page as Chromium left it, and the same page drilled into a pair.

  check_zoom.py ZOOMED-DOM PAIR-DOM SUMMARY A,B

SUMMARY is `eval --format summary` of the same input. The zoomed-out grid must have a cell per
pair of groups, each `allowed/total` as the summary counts it; the drilled-in dump must show
the cells (one per pair of endpoints of A and B) and no group cell.
"""
import re
import sys


def main():
    zoomed, drilled = (open(path, encoding="utf-8").read() for path in sys.argv[1:3])
    summary = open(sys.argv[3], encoding="utf-8").read()
    source, destination = sys.argv[4].split(",")
    counts = {}
    for line in summary.splitlines():
        fields = line.split("\t")
        if " -> " in fields[0] and len(fields) == 3 and fields[1].isdigit():
            counts[tuple(fields[0].split(" -> "))] = (int(fields[1]), int(fields[1]) + int(fields[2]))
    groups = sorted({name for pair in counts for name in pair})
    problems = []
    shown = re.findall(r'<th class="row" title="([^"]*)">.*?</tr>', zoomed, re.S)
    cells = re.findall(r'<td class="cell group v-([a-z]+)[^"]*"[^>]*>(?:. (\d+)/(\d+))?</td>', zoomed)
    if len(cells) != len(groups) ** 2:
        problems.append(f"{len(cells)} group cells for {len(groups)} groups")
    for (row, column), (allowed, total) in counts.items():
        at = groups.index(row) * len(groups) + groups.index(column)
        if at < len(cells) and (cells[at][1], cells[at][2]) != (str(allowed), str(total)):
            problems.append(f"{row} -> {column}: {cells[at][1]}/{cells[at][2]}, the summary says {allowed}/{total}")
    # A pair of different groups has n x m cells; a group to itself n x (n - 1) besides its
    # n self cells, which the drilled-in grid shows too.
    total = counts.get((source, destination), (0, 0))[1]
    expected = total if source != destination else round((1 + (1 + 4 * total) ** 0.5) / 2) ** 2
    drilled_cells = len(re.findall(r'<td class="cell v-[a-z]+[^"]*">', drilled))
    if drilled_cells != expected or 'class="cell group' in drilled:
        problems.append(f"drilled into {source} -> {destination}: {drilled_cells} cells, not {expected}")
    for problem in problems:
        print("check_zoom:", problem)
    print(f"check_zoom: {len(cells)} pairs of {len(groups)} groups ({len(shown)} rows); "
          f"{source} -> {destination}: {drilled_cells} cells; " + ("ok" if not problems else "failed"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
