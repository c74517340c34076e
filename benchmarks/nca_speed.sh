#!/usr/bin/env bash
# Times network-config-analyzer and matrix-tui on the same generated clusters, in one run:
# nca's connectivity map once per cluster (it takes about a minute at 200 pods), matrix-tui's
# `eval --probe any --format json` (every pair's allowed protocols and ports) REPEAT times, its
# median against nca's time. Both are wall-clock times of the whole process (start, reading the
# YAML, evaluating, writing the answer into a file), at the same (normal) priority.
#
#   benchmarks/nca_setup.sh
#   scripts/build
#   benchmarks/nca_speed.sh                  # 200 pods / 90 policies, then 100 pods / 45 policies
#   REPEAT=51 SIZES="200:10:90" benchmarks/nca_speed.sh
#
# SIZES lists pods:namespaces:policies; SEED picks the generated cluster (default 1); NCA_FORMAT
# is nca's output format (default txt_no_fw_rules: one line per pair, the same information as
# matrix-tui's JSON; nca's default, txt, minimizes firewall rules and takes longer).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
NCA="${NCA:-$ROOT/.venv-nca/bin/nca}"
MATRIX_TUI="${MATRIX_TUI:-$ROOT/.build/release/matrix-tui}"
SIZES="${SIZES:-200:10:90 100:10:45}"
SEED="${SEED:-1}"
REPEAT="${REPEAT:-31}"
NCA_FORMAT="${NCA_FORMAT:-txt_no_fw_rules}"

[[ -x "$NCA" ]] || { echo "nca_speed: $NCA missing: run benchmarks/nca_setup.sh" >&2; exit 1; }
[[ -x "$MATRIX_TUI" ]] || {
    echo "nca_speed: $MATRIX_TUI missing: run scripts/build" >&2; exit 1; }

WORK="$(mktemp -d /tmp/nca-speed.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }

echo "nca: $("$NCA" --version 2>&1 | head -1); matrix-tui: $MATRIX_TUI; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for size in $SIZES; do
    IFS=: read -r pods namespaces policies <<<"$size"
    cluster="$WORK/c$pods"
    python3 "$ROOT/benchmarks/gen_cluster.py" --pods "$pods" --namespaces "$namespaces" \
        --policies "$policies" --seed "$SEED" --out "$cluster" 2>"$WORK/gen.txt"
    echo
    echo "$(sed 's/^[^:]*: //' "$WORK/gen.txt")"

    # nca: namespaces and pods named first (see benchmarks/nca_compare.py), one line per pair.
    start=$(now)
    "$NCA" --connectivity --ns_list "$cluster/00-namespaces.yaml" --pod_list "$cluster/10-pods.yaml" \
        --resource_list "$cluster" -o "$NCA_FORMAT" -f "$WORK/nca.txt" >"$WORK/nca.log" 2>&1 \
        || { echo "nca failed:"; tail -5 "$WORK/nca.log"; exit 1; }
    nca_ms=$(ms "$start" "$(now)")
    echo "  nca --connectivity ... -o $NCA_FORMAT: $nca_ms ms ($(wc -l <"$WORK/nca.txt") lines)"

    # matrix-tui: one warm-up run, then REPEAT timed runs, each the wall-clock time from
    # spawning the process to its exit (taken by a small timer, not by forking `date`).
    "$MATRIX_TUI" eval "$cluster" --probe any --format json >"$WORK/mt.json"
    read -r median_us min_us max_us < <(python3 - "$REPEAT" "$WORK/mt.json" \
        "$MATRIX_TUI" eval "$cluster" --probe any --format json <<'PY'
import os, sys, time
repeat, out, command = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
times = []
for _ in range(repeat):
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    start = time.perf_counter_ns()
    pid = os.posix_spawn(command[0], command, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, fd, 1)])
    _, status = os.waitpid(pid, 0)
    times.append((time.perf_counter_ns() - start) // 1000)
    os.close(fd)
    if status != 0:
        sys.exit(f"matrix-tui failed: status {status}")
times.sort()
print(times[len(times) // 2], times[0], times[-1])
PY
    )
    cells=$(grep -o '"from"' "$WORK/mt.json" | wc -l)
    echo "  matrix-tui eval --probe any --format json: median $((median_us / 1000)).$(printf '%03d' $((median_us % 1000))) ms" \
        "of $REPEAT runs (min $((min_us / 1000)) ms, max $((max_us / 1000)) ms; $cells cells)"
    echo "  ratio: $(awk -v a="$nca_ms" -v b="$median_us" 'BEGIN { printf "%.0f", a * 1000 / b }')x faster"
done
echo
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
