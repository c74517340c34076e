#!/usr/bin/env bash
# How the engine's cost grows with the cluster: for several sizes, a generated cluster (one file
# per policy, as in a repository of manifests) is timed by `matrix-tui bench`: libyaml's scan of
# the files (the baseline), loading, preparing the evaluator, the single-probe matrix, the
# connection sets of every pair (`--probe any`), an edit of one policy file and one of a pod's
# labels re-evaluated the way the explorer does it, and the peak memory. Not part of the test
# suite.
#
#   benchmarks/scale.sh [PATH-TO-matrix-tui]          (default .build/release/matrix-tui)
#   SIZES="1000 10000" LABEL_SETS=1000 REPS=5 benchmarks/scale.sh
#
# Every size has the same number of distinct label sets (LABEL_SETS, default 1,000), so the
# number of endpoint classes stays about the same while the endpoints grow: the cost should grow
# no faster than the number of endpoints. Namespaces are pods / 20, policies pods / 5 (10,000
# pods: 500 namespaces, 2,000 policies, about 5 MB of YAML).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$repo/.build/release/matrix-tui}
[ -x "$bin" ] || { echo "usage: $0 [PATH-TO-matrix-tui] (build it: scripts/build)" >&2; exit 2; }
SIZES=${SIZES:-"1000 2500 5000 10000"}
LABEL_SETS=${LABEL_SETS:-1000}
REPS=${REPS:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/matrix-tui-scale.XXXXXX")
trap 'rm -rf "$work"' EXIT

row() { printf '%9s %8s %7s %8s %8s %8s %7s %7s %8s %8s %7s %7s %7s %6s %6s %6s %6s %7s %7s\n' "$@"; }
echo "matrix-tui scale benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo "medians of $REPS runs, milliseconds; $LABEL_SETS label sets at every size"
row endpoints classes scan load prepare matrix any edit "edit any" "pod edit" "pod add" "x scan" "any x" "edit x" "pod x" "add x" "ms/1k" growth "RSS MiB"
first_per_endpoint=""
for pods in $SIZES; do
  dir=$work/c$pods
  python3 "$repo/benchmarks/gen_cluster.py" --pods "$pods" --namespaces $((pods / 20)) \
    --policies $((pods / 5)) --label-sets "$LABEL_SETS" --seed 1 --out "$dir" 2>/dev/null
  out=$("$bin" bench "$dir" --any-probe --incremental --repetitions "$REPS")
  value() { awk -v name="$1" '$1 == name && $3 == "ms" { print $2 }' <<<"$out"; }
  summary=$(head -n 1 <<<"$out")
  endpoints=$(awk '{ print $1 }' <<<"$summary")
  classes=$(awk '{ print $3 }' <<<"$summary")
  scan=$(value scan)
  load=$(value load)
  prepare=$(value prepare)
  matrix=$(value matrix)
  any=$(value any)
  edit=$(value edit)
  edit_any=$(value edit-any)
  pod_edit=$(value pod-edit)
  pod_add=$(value pod-add)
  single=$(awk -v a="$load" -v b="$prepare" -v c="$matrix" 'BEGIN { print a + b + c }')
  per=$(awk -v s="$single" -v n="$endpoints" 'BEGIN { printf "%.1f", s / n * 1000 }')
  first_per_endpoint=${first_per_endpoint:-$per}
  row "$endpoints" "$classes" "$scan" "$load" "$prepare" "$matrix" "$any" "$edit" "$edit_any" "$pod_edit" "$pod_add" \
    "$(awk -v s="$single" -v b="$scan" 'BEGIN { printf "%.2f", s / b }')" \
    "$(awk -v a="$any" -v p="$prepare" -v m="$matrix" -v l="$load" 'BEGIN { printf "%.2f", (l + p + a) / (l + p + m) }')" \
    "$(awk -v e="$edit" -v s="$single" 'BEGIN { printf "%.3f", e / s }')" \
    "$(awk -v e="$pod_edit" -v s="$single" 'BEGIN { printf "%.2f", e / s }')" \
    "$(awk -v e="$pod_add" -v s="$single" 'BEGIN { printf "%.2f", e / s }')" \
    "$per" "$(awk -v p="$per" -v f="$first_per_endpoint" 'BEGIN { printf "%.2f", p / f }')" \
    "$(awk '$1 == "peak" { print $3 }' <<<"$out")"
done
cat <<'EOF'
columns: scan = libyaml's parse events, no tree (the baseline); load = files to cluster; prepare =
classes, indexes, the policies of each class; matrix = every pair, one probe; any = every pair's
connection set; edit = one policy file changed (read what changed, decode it, re-evaluate the
classes it can affect, compare); edit any = that edit with connection sets shown, updated the
same way; pod edit = one pod's label value changed in the file of pods, handled the same way
(its endpoint made again, its class added, every row walked for the new column); pod add = a
copy of a pod, renamed, added at the end of that file and removed again, the same way; x scan =
(load + prepare + matrix) / scan; any x = connection sets over the single probe, loading
included in both; edit x = edit / (load + prepare + matrix); pod x, add x = pod edit, pod add /
(load + prepare + matrix); ms/1k = (load + prepare + matrix) per 1,000 endpoints; growth =
ms/1k over the first size's.
EOF
