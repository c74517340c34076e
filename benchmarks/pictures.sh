#!/usr/bin/env bash
# The pictures at scale: the size of `eval --format html` pages, the memory and time it takes
# to write them, and how soon headless Chromium paints them and has them ready for input.
# Not part of the test suite.
#
#   benchmarks/pictures.sh [PATH-TO-matrix-tui]        (default .build/release/matrix-tui)
#   SIZES="1000 10000" REPS=3 benchmarks/pictures.sh
#
# For demo/host-firewall and for generated clusters (gen_cluster.py --pods N --namespaces
# N/20 (at most 50) --policies 100 --seed 7): the page's size, the wall time and peak memory
# of writing it (`/usr/bin/time -v`), beside those of `eval --format summary` (the evaluation
# and the counts alone, the baseline), then the medians over REPS loads in Chromium of:
#   first contentful paint   performance.getEntriesByType('paint'), from navigation start;
#   ready                    performance.now() when the page's script has parsed the data,
#                            drawn the grid (or the namespace pairs), and attached its
#                            handlers: from then on a key or a click is answered;
#   pair ready               the same with `#pair=A,B`: the cells of the largest namespace to
#                            itself drawn as well (the click that drills in).
# The page writes both times to the console (`matrix-tui page: ready ... ms, first-paint ...`),
# read here from Chromium's log.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$repo/.build/release/matrix-tui}
[ -x "$bin" ] || { echo "usage: $0 [PATH-TO-matrix-tui] (build it: scripts/build)" >&2; exit 2; }
chromium=$(command -v chromium || command -v chromium-browser) || { echo "chromium is needed (scripts/bootstrap)" >&2; exit 2; }
SIZES=${SIZES:-"1000 10000"}
REPS=${REPS:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/matrix-tui-pictures.XXXXXX")
trap 'rm -rf "$work"' EXIT

# timed FORMAT PATH OUT: writes `eval --format FORMAT PATH` to OUT; prints "seconds peak-MiB".
timed() {
  /usr/bin/time -v -o "$work/time" "$bin" eval --format "$1" "$2" >"$3"
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = t[n] + (n > 1 ? 60 * t[n - 1] : 0) }
    /Maximum resident set size/ { m = $2 / 1024 } END { printf "%.2f %.0f", s, m }' "$work/time"
}

# load URL: one load in Chromium; prints "paint ready" in milliseconds.
load() {
  local profile
  profile=$(mktemp -d "$work/profile.XXXXXX")
  timeout 300 "$chromium" --headless=new --no-sandbox --disable-gpu --no-first-run --user-data-dir="$profile" \
    --enable-logging=stderr --v=0 --window-size=1400,900 --screenshot="$work/shot.png" "$1" \
    >/dev/null 2>"$work/chrome.log" || true
  rm -rf "$profile"
  sed -n 's/.*matrix-tui page: ready \([0-9.]*\) ms.*first-contentful-paint \([0-9.]*\) ms.*/\2 \1/p' "$work/chrome.log" \
    | head -1
}

# median N...: the middle value.
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : "-") }'; }

# measure NAME PATH [PAIR]: one line of the table.
measure() {
  local name=$1 path=$2 pair=${3:-} page="$work/$1.html"
  read -r page_s page_mib <<<"$(timed html "$path" "$page")"
  read -r base_s base_mib <<<"$(timed summary "$path" "$work/summary.txt")"
  local size paints=() readies=() pairs=()
  size=$(wc -c <"$page")
  for _ in $(seq "$REPS"); do
    read -r paint ready <<<"$(load "file://$page")"
    paints+=("${paint:--}")
    readies+=("${ready:--}")
    if [ -n "$pair" ]; then
      read -r _ ready <<<"$(load "file://$page#pair=$pair")"
      pairs+=("${ready:--}")
    fi
  done
  printf '%-14s %10s %8s %8s %8s %8s %8s %8s %10s\n' "$name" "$((size / 1024))" "$page_s" "$page_mib" "$base_s" \
    "$base_mib" "$(median "${paints[@]}")" "$(median "${readies[@]}")" "$( [ -n "$pair" ] && median "${pairs[@]}" || echo -)"
}

echo "matrix-tui pictures benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, $("$chromium" --version 2>/dev/null | head -1))"
echo "page KiB; writing the page and eval --format summary: seconds, peak MiB; Chromium: medians of $REPS loads, ms"
printf '%-14s %10s %8s %8s %8s %8s %8s %8s %10s\n' input "page KiB" "html s" "html MiB" "sum s" "sum MiB" \
  "paint" "ready" "pair ready"
measure host-firewall "$repo/demo/host-firewall"
for size in $SIZES; do
  namespaces=$((size / 20 > 50 ? 50 : size / 20))
  python3 "$repo/benchmarks/gen_cluster.py" --pods "$size" --namespaces "$namespaces" --policies 100 --seed 7 \
    --out "$work/c$size" >/dev/null 2>&1
  # The namespace with the most pods, for the drilled-in load.
  largest=$("$bin" eval --format summary "$work/c$size" | awk -F'\t' '
    NR > 3 && $1 ~ / -> / { split($1, p, " -> "); if (p[1] == p[2]) { n = $2 + $3; if (n > best) { best = n; name = p[1] } } }
    END { print name }')
  measure "$size endpoints" "$work/c$size" "$largest,$largest"
done
