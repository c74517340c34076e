#!/usr/bin/env bash
# The output and scale targets, each as a ratio measured in the same run (not part of the test
# suite):
#
#   (1) 1,000 endpoints (gen_cluster.py --pods 1000 --namespaces 50 --policies 100 --seed 7),
#       `eval --probe tcp/80` in json, csv, markdown and table: time over `--format summary`'s
#       (aim: at most 15), and peak RSS (aim: at most 256 MiB); output written to a file.
#   (2) 10,000 pods whose labels all differ (--pods 10000 --namespaces 500 --policies 2000
#       --label-sets 0 --seed 1): `eval --format summary` over libyaml's scan of the same file
#       (aim: at most 5).
#   (3) 50,000 pods split by CIDR rules (--pods 50000 --namespaces 1000 --policies 5000
#       --label-sets 5000 --tiers --hosts 50 --cidr-rules --seed 3): `eval --format summary`
#       over the scan (aim: at most 15) and its peak RSS (aim: under 1 GiB).
#   (4) the explorer on that cluster, in process (`matrix-tui bench --frames --incremental`):
#       its first frame after the evaluation (aim: within 1 s), a key (aim: under 16 ms), and
#       a one-policy save over a full evaluation (aim: under 10 %). `benchmarks/tui_bench.sh`
#       measures the same from outside, through tmux, up to 10,000 endpoints.
#
#   benchmarks/targets.sh [PATH-TO-matrix-tui]        (default .build/release/matrix-tui)
#   REPS=5 SKIP_50K=1 benchmarks/targets.sh
#
# Each command runs REPS times (default 3), the formats of (1) taking turns so that a busy
# machine slows them alike; medians are shown. The scan is `matrix-tui bench`'s (libyaml's
# parse events, no tree). Run it alone: on a shared machine, under the build lock
# (`flock /tmp/swift-build.lock benchmarks/targets.sh`).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$repo/.build/release/matrix-tui}
[ -x "$bin" ] || { echo "usage: $0 [PATH-TO-matrix-tui] (build it: scripts/build)" >&2; exit 2; }
REPS=${REPS:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/matrix-tui-targets.XXXXXX")
trap 'rm -rf "$work"' EXIT

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# Seconds and peak KiB of one run, output to $work/out.
timed() { /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/out" 2>/dev/null; cat "$work/time"; }
scan_ms() { "$bin" bench "$1" --probe tcp/80 | awk '$1 == "scan" { print $2 }'; }

echo "matrix-tui targets ($(date -u +%Y-%m-%d), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)), medians of $REPS"
gen() { python3 "$repo/benchmarks/gen_cluster.py" "$@" >/dev/null 2>&1; }

# (1)
gen --pods 1000 --namespaces 50 --policies 100 --seed 7 --out "$work/c1000.yaml"
formats="summary json csv markdown table"
declare -A seconds kib
for _ in $(seq "$REPS"); do
  for format in $formats; do
    read -r s k < <(timed "$bin" eval --format "$format" --probe tcp/80 "$work/c1000.yaml")
    seconds[$format]+="$s "
    kib[$format]+="$k "
  done
done
summary=$(median ${seconds[summary]})
printf '(1) 1,000 endpoints, tcp/80, to a file: summary %s s\n' "$summary"
printf '    %-9s %8s %8s %10s %10s\n' format seconds "x summ" "peak MiB" "MB out"
for format in $formats; do
  "$bin" eval --format "$format" --probe tcp/80 "$work/c1000.yaml" >"$work/out"
  s=$(median ${seconds[$format]})
  printf '    %-9s %8s %8s %10s %10s\n' "$format" "$s" "$(ratio "$s" "$summary")" \
    "$(awk -v k="$(median ${kib[$format]})" 'BEGIN { printf "%.0f", k / 1024 }')" \
    "$(awk -v b="$(stat -c %s "$work/out")" 'BEGIN { printf "%.0f", b / 1e6 }')"
done
rm -f "$work/out"

# (2) and (3): the whole `eval --format summary` process over the scan.
whole() {
  local name=$1 file=$2 times=() rss=() scans=()
  for _ in $(seq "$REPS"); do
    scans+=("$(scan_ms "$file")")
    read -r s k < <(timed "$bin" eval --format summary --probe tcp/80 "$file")
    times+=("$s")
    rss+=("$k")
  done
  local scan seconds
  scan=$(median "${scans[@]}")
  seconds=$(median "${times[@]}")
  printf '%s: scan %s ms, eval --format summary %s s = %s x scan, peak %s MiB\n' "$name" "$scan" "$seconds" \
    "$(ratio "$(awk -v s="$seconds" 'BEGIN { print s * 1000 }')" "$scan")" \
    "$(awk -v k="$(median "${rss[@]}")" 'BEGIN { printf "%.0f", k / 1024 }')"
}
gen --pods 10000 --namespaces 500 --policies 2000 --label-sets 0 --seed 1 --out "$work/c10k.yaml"
whole "(2) 10,000 pods, labels all different" "$work/c10k.yaml"
if [ -z "${SKIP_50K:-}" ]; then
  gen --pods 50000 --namespaces 1000 --policies 5000 --label-sets 5000 --tiers --hosts 50 --cidr-rules --seed 3 \
    --out "$work/c50k.yaml"
  whole "(3) 50,000 pods, CIDR rules" "$work/c50k.yaml"
  # (4) The explorer on the same cluster, in process (no terminal): what it works out and draws
  # for its first frame once the evaluation is done, a key, and a save of one policy file.
  echo "(4) the explorer on it: matrix-tui bench c50k.yaml --probe tcp/80 --frames --incremental --repetitions $REPS"
  "$bin" bench "$work/c50k.yaml" --probe tcp/80 --frames --incremental --repetitions "$REPS" >"$work/explorer"
  grep -E '^(load|prepare|matrix|first-frame|first-frame-evaluated|edit-(read|load|prepare|matrix)|edit) +[0-9.]+ ms$' \
    "$work/explorer" | sed 's/^/    /'
  grep -E '^(first frame after|edit:|edit \(|peak RSS)' "$work/explorer" | sed 's/^/    /'
fi
