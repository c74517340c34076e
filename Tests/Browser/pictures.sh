#!/usr/bin/env bash
# The pictures in a real browser: headless Chromium loads `eval --format html` pages and the
# SVG, Graphviz reads the DOT.
#
#   Tests/Browser/pictures.sh [BINARY]     (default .build/release/matrix-tui)
#
# - demo/host-firewall's page: no console message but the page's own timing line, one cell
#   per pair with the verdict `eval --format json` gives, a cell's trace opened through the
#   `#select=` fragment, a filter through `#filter=`, and a screenshot kept as an artifact;
# - a page of hostile names (Tests/Browser/hostile): no element but the page's own, the title
#   unchanged (a script that ran would have changed it), no Content Security Policy report;
# - a generated cluster of 240 endpoints opens zoomed out, a cell per pair of namespaces with
#   the counts of `eval --format summary`, and `#pair=` opens one pair's cells;
# - the SVGs parse as XML and render in Chromium; the DOT files parse with `dot -Tsvg`;
# - the `diff --format html` page loads without a console message and marks every cell of
#   `diff --format json`'s changes (and lists them).
# Artifacts (pages, DOM dumps, screenshots) go to .build/artifacts/browser. Chromium and
# Graphviz come from scripts/bootstrap.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-.build/release/matrix-tui}
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "pictures: chromium is not installed (scripts/bootstrap installs it)" >&2
  exit 1
fi
out=.build/artifacts/browser
rm -rf "$out"
mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# browser OUTPUT URL [ARGS...]: headless Chromium on URL (root needs --no-sandbox); its
# console lines go to OUTPUT.console.
browser() {
  local output=$1 url=$2
  shift 2
  timeout 60 "$chromium" --headless=new --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$profile" --enable-logging=stderr --v=0 "$@" "$url" \
    >"$output" 2>"$output.log" || true
  grep -o 'CONSOLE[^]]*\] ".*' "$output.log" >"$output.console" || true
}
# quiet CONSOLE_FILE: no console line but the page's timing line.
quiet() {
  if grep -v '"matrix-tui page: ' "$1"; then fail "console messages in $1 (above)"; fi
}

echo "pictures: artifacts in $out"
"$bin" eval --format html demo/host-firewall >"$out/host-firewall.html"
"$bin" eval --format json demo/host-firewall >"$out/host-firewall.json"
size=$(wc -c <"$out/host-firewall.html")
echo "host-firewall page: $size bytes"
[ "$size" -lt 102400 ] || fail "the host-firewall page is $size bytes (over 100 KB)"
page="file://$PWD/$out/host-firewall.html"
browser "$out/host-firewall.dom.html" "$page#select=dev/frontend,host/node-worker" --dump-dom
quiet "$out/host-firewall.dom.html.console"
browser "$out/host-firewall.filter.html" "$page#filter=role == 'node'" --dump-dom
quiet "$out/host-firewall.filter.html.console"
browser "$out/host-firewall.shot" "$page#select=dev/frontend,host/node-worker" \
  --screenshot="$PWD/$out/host-firewall.png" --window-size=1400,760 --hide-scrollbars
quiet "$out/host-firewall.shot.console"
grep -h '"matrix-tui page: ' "$out/host-firewall.shot.console" || fail "no timing line from the page"
[ -s "$out/host-firewall.png" ] || fail "no screenshot"
"$bin" trace --from dev/frontend --to host/node-worker demo/host-firewall >"$out/trace.txt"
python3 Tests/Browser/check_page.py "$out/host-firewall.dom.html" "$out/host-firewall.json" \
  --trace "$out/trace.txt" --filtered "$out/host-firewall.filter.html" \
  host/node-control-plane host/node-worker || fail "the host-firewall page's grid or trace"
python3 - "$out/host-firewall.shot.console" <<'EOF' || fail "first paint of the host-firewall page over 1 s"
import re, sys
line = open(sys.argv[1]).read()
paint = re.search(r"first-contentful-paint ([0-9.]+) ms", line)
print("first contentful paint:", paint.group(1) if paint else "?", "ms")
sys.exit(0 if paint and float(paint.group(1)) < 1000 else 1)
EOF

# Hostile names: nothing of theirs runs or becomes an element.
hostile=Tests/Browser/hostile
"$bin" eval --format html "$hostile" >"$out/hostile.html"
"$bin" eval --format json "$hostile" >"$out/hostile.json"
first=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["cells"]; print(c[1]["from"] + "," + c[1]["to"])' "$out/hostile.json")
browser "$out/hostile.dom.html" "file://$PWD/$out/hostile.html#select=$first" --dump-dom
quiet "$out/hostile.dom.html.console"
python3 Tests/Browser/check_page.py "$out/hostile.dom.html" "$out/hostile.json" --hostile \
  || fail "the hostile page"

# A larger cluster opens zoomed out: a cell per pair of namespaces; `#pair=` drills into one.
python3 benchmarks/gen_cluster.py --pods 240 --namespaces 6 --policies 30 --seed 3 --out "$out/c240" >/dev/null 2>&1
"$bin" eval --format html "$out/c240" >"$out/c240.html"
"$bin" eval --format summary "$out/c240" >"$out/c240.summary"
browser "$out/c240.dom.html" "file://$PWD/$out/c240.html" --dump-dom
quiet "$out/c240.dom.html.console"
pair=$(awk -F'\t' 'NR > 3 && $1 ~ / -> / { split($1, p, " -> "); print p[1] "," p[2]; exit }' "$out/c240.summary")
browser "$out/c240.pair.html" "file://$PWD/$out/c240.html#pair=$pair" --dump-dom
quiet "$out/c240.pair.html.console"
python3 Tests/Browser/check_zoom.py "$out/c240.dom.html" "$out/c240.pair.html" "$out/c240.summary" "$pair" \
  || fail "the zoomed-out page"

# SVG: XML, and Chromium renders it.
for lesson in host-firewall calico-tiers; do
  "$bin" eval --format svg "demo/$lesson" >"$out/$lesson.svg"
done
"$bin" eval --format svg "$hostile" >"$out/hostile.svg"
for svg in "$out"/*.svg; do
  python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$svg" || fail "$svg is not XML"
  browser "$svg.dom" "file://$PWD/$svg" --dump-dom
  quiet "$svg.dom.console"
  grep -q "<svg" "$svg.dom" || fail "Chromium did not render $svg"
done
browser "$out/host-firewall.svg.shot" "file://$PWD/$out/host-firewall.svg" \
  --screenshot="$PWD/$out/host-firewall-svg.png" --window-size=1600,900
[ -s "$out/host-firewall-svg.png" ] || fail "no screenshot of the SVG"

# DOT: Graphviz reads it.
"$bin" eval --format dot demo/host-firewall >"$out/host-firewall.dot"
"$bin" eval --format dot "$hostile" >"$out/hostile.dot"
if command -v dot >/dev/null; then
  for graph in "$out"/*.dot; do
    dot -Tsvg "$graph" >"$graph.svg" || fail "dot cannot read $graph"
  done
else
  echo "pictures: dot (Graphviz) is not installed; the DOT files were not parsed"
fi

# The diff page: the lesson without its default deny, against the lesson.
older=$(mktemp -d)
cp demo/default-deny/*.yaml "$older/"
rm "$older/10-default-deny.yaml"
status=0
"$bin" diff --format html demo/default-deny "$older" >"$out/diff.html" || status=$?
"$bin" diff --format json demo/default-deny "$older" >"$out/diff.json" || true
rm -rf "$older"
[ "$status" -eq 1 ] || fail "diff --format html exited $status (1: cells changed)"
browser "$out/diff.dom.html" "file://$PWD/$out/diff.html" --dump-dom
quiet "$out/diff.dom.html.console"
browser "$out/diff.shot" "file://$PWD/$out/diff.html" --screenshot="$PWD/$out/diff.png" --window-size=1400,900
quiet "$out/diff.shot.console"
python3 - "$out/diff.dom.html" "$out/diff.json" <<'EOF' || fail "the diff page's marked cells"
import json, re, sys
dom, changes = open(sys.argv[1]).read(), json.load(open(sys.argv[2]))["changes"]
marked = re.findall(r'<td class="cell v-(allow|deny)[^"]* changed">(.)</td>', dom)
listed = dom.count('<tr class="opened">') + dom.count('<tr class="closed">')
opened = sum(1 for change in changes if change["after"] == "allow")
print(f"diff page: {len(marked)} cells marked, {listed} listed, {len(changes)} changes in the JSON")
ok = len(marked) == len(changes) == listed and sum(1 for v, m in marked if v == "allow" and m == "\u25b2") == opened
sys.exit(0 if ok and changes else 1)
EOF

if [ "$failures" -gt 0 ]; then
  echo "pictures: $failures failed"
  exit 1
fi
echo "pictures: ok (screenshot: $out/host-firewall.png)"
