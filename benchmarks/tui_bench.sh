#!/usr/bin/env bash
# Explorer latency benchmark, measured from outside through tmux (not part of the test suite).
#
#   benchmarks/tui_bench.sh [PATH-TO-matrix-tui]      (default .build/release/matrix-tui)
#   FIRST_RUNS=5 KEY_RUNS=20 SAVE_RUNS=5 KEY_PODS=500 SAVE_PODS=996 benchmarks/tui_bench.sh
#   SCALE_PODS=0 benchmarks/tui_bench.sh            (skip (d) to (g), the 10,000-endpoint ones)
#   ANY_PODS=0 benchmarks/tui_bench.sh              (skip (h), the `any` probe at 3,000 endpoints)
#   HUGE_PODS=50000 benchmarks/tui_bench.sh         (add (i), the explorer at 50,000 pods)
#
# (a) first frame: from starting `matrix-tui demo/host-firewall` in a tmux window (120x40) until
#     every row of the grid is on screen; median of FIRST_RUNS.
# (b) keypress to redraw: on a 500-endpoint generated cluster, send `j` and poll capture-pane
#     until the highlighted (reverse video) row label is another one; median of KEY_RUNS.
# (c) file save to redraw: on a 1,000-endpoint generated cluster (one file per policy), rewrite
#     one policy file and poll until the status line shows a `reload:` message, from the end of
#     the write; median of SAVE_RUNS, the edit and its undo alternating, each after the previous
#     message has gone.
# (d) the same on a 10,000-endpoint cluster (SCALE_PODS pods, 4 host endpoints, 500 namespaces,
#     2,000 policies, 1,000 label sets, tiers; opens zoomed out; the edit widens a namespace's
#     egress to every namespace and back), against a full evaluation of
#     it (`eval --format summary`, the whole process) measured in the same run. Both (c) and (d)
#     include the explorer's 100 ms debounce (it waits for a burst of file events to end); the
#     report also gives (d) without it.
# (f) the same save to redraw on that cluster when a pod's label changes in the file of pods
#     (about 5 MB): the file's changed piece is decoded, the pod's endpoint made again, its new
#     class added, and every class row walked again for the new column.
# (g) the same when a label line is added to the first pod of that file: every later line of
#     the file moves (the pieces after the edit are taken over with their lines numbered on).
# (e) keypress to redraw on the 10,000-endpoint cluster: zoomed out (namespaces), and in the
#     endpoint grid (`--zoom endpoints`).
# (h) keypress to redraw with the `any` probe (connection sets: all, some or no ports per cell)
#     on a 3,000-endpoint cluster (ANY_PODS pods, 100 namespaces, 300 policies, seed 7), in the
#     endpoint grid: `p any Enter` is typed once, then `j` timed as in (b).
#
# (i) with HUGE_PODS=50000 (off by default: a few minutes and 2 GiB), the 50,000-pod cluster of
#     benchmarks/targets.sh (one 28 MB file, 48,648 classes): first frame (zoomed out) from the
#     start, against `eval --format summary` of it; file save to redraw when one policy's port
#     changes (SAVE_RUNS, less the debounce, against that evaluation: aim a tenth); key to
#     redraw, zoomed out.
#
# Polling through tmux adds latency: every poll is a tmux client round trip. Each measure has a
# floor taken the same way with an app that takes no time, subtracted in the `net` column:
# (a) a window running `printf ready`; (b) a bash loop that redraws a reverse-video label for
# every key; (c) one capture-pane. Baselines: `matrix-tui eval --format table` (marks only) and
# `--format csv` (a reason per cell) on the same clusters, and the explorer's first frame on them.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$repo/.build/release/matrix-tui}
[ -x "$bin" ] || { echo "usage: $0 [PATH-TO-matrix-tui] (build it: scripts/build)" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
command -v tmux >/dev/null || { echo "tmux is needed (scripts/bootstrap installs it)" >&2; exit 2; }
FIRST_RUNS=${FIRST_RUNS:-5}
KEY_RUNS=${KEY_RUNS:-20}
SAVE_RUNS=${SAVE_RUNS:-5}
LOAD_TIMEOUT=${LOAD_TIMEOUT:-300} # seconds to wait for a big cluster's first frame
KEY_PODS=${KEY_PODS:-500}         # endpoints of (b)'s cluster
SAVE_PODS=${SAVE_PODS:-996}       # pods of (c)'s cluster, which also has 4 host endpoints
SCALE_PODS=${SCALE_PODS:-9996}    # pods of (d) and (e)'s cluster (0: skip them)
ANY_PODS=${ANY_PODS:-3000}        # endpoints of (h)'s cluster (0: skip it)
HUGE_PODS=${HUGE_PODS:-0}         # pods of (i)'s cluster (0: skip it)
DEBOUNCE_MS=100                   # the explorer's wait for a burst of file events to end

export LANG=C.UTF-8 LC_ALL=C.UTF-8
export SHELL=/bin/sh
unset TMUX NO_COLOR
socket=bench-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/tui-bench.XXXXXX")
socket_path=""
cleanup() {
  command tmux -L "$socket" kill-server >/dev/null 2>&1
  [ -n "$socket_path" ] && rm -f "$socket_path"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
tmux() { command tmux -L "$socket" -f /dev/null "$@"; }

now_us() { echo "${EPOCHREALTIME/[.,]/}"; }
ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
log() { echo "  $*" >&2; }

# A session that keeps the server up; every measured program runs in a window of its own.
tmux new-session -d -s idle -x 120 -y 40 "exec sleep 100000"
tmux set -g default-size 120x40
socket_path=$(tmux display -p '#{socket_path}')

# open NAME COMMAND: a new 120x40 window running COMMAND (through /bin/sh).
open() { tmux new-window -d -t idle: -n "$1" "$2"; }
close() { tmux kill-window -t "idle:$1" 2>/dev/null; }
screen() { tmux capture-pane -p -t "idle:$1"; }

# wait_for NAME SECONDS FUNCTION: polls the window's screen (in $scr) until FUNCTION holds.
scr=""
wait_for() {
  local name=$1 deadline=$(($(now_us) + $2 * 1000000)) check=$3
  while :; do
    scr=$(screen "$name")
    "$check" && return 0
    [ "$(now_us)" -ge "$deadline" ] && return 1
  done
}

# start NAME COMMAND CHECK WHAT: a window running COMMAND, waited on until CHECK holds (the run
# ends, naming WHAT, when it does not within LOAD_TIMEOUT); how long that took (us) is left in
# started_us.
start() {
  local t0
  t0=$(now_us)
  open "$1" "$2"
  if ! wait_for "$1" "$LOAD_TIMEOUT" "$3"; then
    echo "$4 did not draw within $LOAD_TIMEOUT s" >&2
    exit 1
  fi
  started_us=$(($(now_us) - t0))
}

# The grid is on screen: the last row's label followed by marks (rows are numbered 1..N).
grid_rows=6
grid_drawn() { grep -qE "^ *$grid_rows [^ ]+ +[✓✗·]" <<<"$scr"; }
# For big clusters: the first row is drawn, with the header's counts.
big_grid_drawn() { grep -qE '^ *1 [^ ]+ +[✓✗·]' <<<"$scr" && grep -qE '│ ✓[0-9]+' <<<"$scr"; }
ready() { [[ $scr == *ready* ]]; }
# Zoomed out: the header's counts and the first group row.
# With `any`: the header counts all, some and no connections.
any_drawn() { grep -qE '│ ✓[0-9]+ ◐[0-9]+ ✗[0-9]+' <<<"$scr"; }
zoomed_drawn() { grep -qE '^ *1 hosts \([0-9]+\) +[✓✗◐·]' <<<"$scr" && grep -qE '│ ✓[0-9]+' <<<"$scr"; }
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }

echo "matrix-tui explorer benchmark: $bin" >&2
echo "machine: $(nproc) cores, load average $(load_avg), $(tmux -V)" >&2

# ---------------------------------------------------------------------------------------------
# Clusters

gen=$repo/benchmarks/gen_cluster.py
c500=$work/c500.yaml
c1000=$work/c1000
small=(--pods "$KEY_PODS" --namespaces 20 --policies 150 --seed 1)
big=(--pods "$SAVE_PODS" --hosts 4 --namespaces 40 --policies 300 --seed 1 --tiers --cidr-rules)
python3 "$gen" "${small[@]}" --out "$c500" 2>/dev/null
python3 "$gen" "${big[@]}" --out "$c1000" 2>/dev/null
c10000=$work/c10000
scale=(--pods "$SCALE_PODS" --hosts 4 --namespaces 500 --policies 2000 --label-sets 1000 --seed 1 --tiers)
((SCALE_PODS > 0)) && python3 "$gen" "${scale[@]}" --out "$c10000" 2>/dev/null
c3000=$work/c3000.yaml
any=(--pods "$ANY_PODS" --namespaces 100 --policies 300 --seed 7)
((ANY_PODS > 0)) && python3 "$gen" "${any[@]}" --out "$c3000" 2>/dev/null
log "(b) cluster: gen_cluster.py ${small[*]}: $(head -n 1 "$c500" | sed 's/^.*: seed/seed/')"
log "(c) cluster: gen_cluster.py ${big[*]}: $(python3 "$gen" "${big[@]}" --out - | head -n 1 | sed 's/^.*: seed/seed/')"

# ---------------------------------------------------------------------------------------------
# (a) first frame on the demo

floor_runs=()
for ((i = 0; i < FIRST_RUNS; i++)); do
  t0=$(now_us)
  open floor "printf ready; exec sleep 1000"
  wait_for floor 5 ready || { echo "the floor window never showed 'ready'" >&2; exit 1; }
  floor_runs+=($(($(now_us) - t0)))
  close floor
done
first_runs=()
for ((i = 0; i < FIRST_RUNS; i++)); do
  t0=$(now_us)
  open first "cd '$repo' && exec '$bin' demo/host-firewall"
  wait_for first 10 grid_drawn || { echo "(a): no grid within 10 s:" >&2; echo "$scr" >&2; exit 1; }
  first_runs+=($(($(now_us) - t0)))
  close first
done
first_median=$(median "${first_runs[@]}")
first_floor=$(median "${floor_runs[@]}")
log "(a) runs (ms): $(for v in "${first_runs[@]}"; do printf '%s ' "$(ms "$v")"; done)"

# ---------------------------------------------------------------------------------------------
# (b) keypress to redraw on KEY_PODS endpoints

capture_runs=()
open still "exec sleep 1000"
for ((i = 0; i < 30; i++)); do
  t0=$(now_us)
  screen still >/dev/null
  capture_runs+=($(($(now_us) - t0)))
done
close still
capture_floor=$(median "${capture_runs[@]}")

# The label of the cursor row: the line that starts with a reverse-video `N name`.
cursor_label() {
  local line attributes label re_label=$'^((\e\\[[0-9;]*m)*)( *[0-9]+ [^ \e]+)' re_reverse='\[([0-9]+;)*7[;m]'
  while IFS= read -r line; do
    [[ $line =~ $re_label ]] || continue
    attributes=${BASH_REMATCH[1]}
    label=${BASH_REMATCH[3]}
    if [[ $attributes =~ $re_reverse ]]; then
      echo "$label"
      return 0
    fi
  done < <(tmux capture-pane -e -p -t "idle:$1")
  return 1
}

# key_latency WINDOW RUNS: sends j RUNS times (after 2 more as a warm-up), each time polling
# until the reverse-video row label changes; the times (us) are left in latencies.
key_latency() {
  local window=$1 runs=$2 warmup=2 before label t0 i
  latencies=()
  for ((i = 0; i < runs + warmup; i++)); do
    before=$(cursor_label "$window") || { echo "(b): no cursor row in $window" >&2; exit 1; }
    t0=$(now_us)
    tmux send-keys -t "idle:$window" j
    while label=$(cursor_label "$window") && [ "$label" = "$before" ]; do
      [ "$(now_us)" -lt $((t0 + 10000000)) ] || { echo "(b): j did not move the cursor from $before" >&2; exit 1; }
    done
    [ "$i" -ge "$warmup" ] && latencies+=($(($(now_us) - t0)))
  done
  last_label=$label
}

# The polling floor: a program that takes no time, polled the same way: bash prints a
# reverse-video `N row` label for every key it reads.
cat >"$work/floor.sh" <<'EOF'
stty -echo -icanon
n=1
printf '\033[7m%d row%d\033[0m\n' $n $n
while IFS= read -rsn1 _; do
  n=$((n + 1))
  printf '\033[H\033[7m%d row%d\033[0m\n' $n $n
done
EOF
open echo "exec bash '$work/floor.sh'"
sleep 0.3
key_latency echo "$KEY_RUNS"
echo_runs=("${latencies[@]}")
close echo

start keys "exec '$bin' --no-watch --zoom endpoints '$c500'" big_grid_drawn "(b): the 500-endpoint cluster"
first500=$started_us
log "first frame, $KEY_PODS endpoints: $(ms "$first500") ms"
key_latency keys "$KEY_RUNS"
key_runs=("${latencies[@]}")
close keys
key_median=$(median "${key_runs[@]}")
key_floor=$(median "${echo_runs[@]}")
log "(b) runs (ms): $(for v in "${key_runs[@]}"; do printf '%s ' "$(ms "$v")"; done)"
log "(b) floor runs (ms): $(for v in "${echo_runs[@]}"; do printf '%s ' "$(ms "$v")"; done)"
log "(b) last cursor row: $last_label"

# save_latency WINDOW LABEL FILE EDITED ORIGINAL: writes EDITED and ORIGINAL into FILE in turn,
# SAVE_RUNS times, each time polling until the status line shows a new `reload:` message; the
# times (us) are left in latencies.
status_line() { tail -n 1 <<<"$scr"; }
no_reload_message() { [[ $(status_line) != *"reload:"* ]]; }
save_latency() {
  local window=$1 label=$2 file=$3 edited=$4 original=$5 before content t0 i
  latencies=()
  reloaded() { local s; s=$(status_line); [[ $s == *"reload:"* && $s != "$before" ]]; }
  for ((i = 0; i < SAVE_RUNS; i++)); do
    # The previous run's message stays 6 s; an identical new one could not be told apart.
    wait_for "$window" 10 no_reload_message || { echo "$label: the reload message never cleared" >&2; exit 1; }
    before=$(status_line)
    if ((i % 2 == 0)); then content=$edited; else content=$original; fi
    # Timed from the end of the write: bash takes about 0.1 s to write the 5 MB of (f).
    printf '%s\n' "$content" >"$file"
    t0=$(now_us)
    if ! wait_for "$window" "$LOAD_TIMEOUT" reloaded; then
      echo "$label: no reload message within $LOAD_TIMEOUT s" >&2
      exit 1
    fi
    latencies+=($(($(now_us) - t0)))
    log "$label $(status_line | sed 's/^ *//')"
  done
}

# full_evaluation FILE: the median (us) of 3 runs of `eval --format summary` of FILE, the whole
# process: what a save's redraw is measured against.
full_evaluation() {
  local runs=() t0 i
  for ((i = 0; i < 3; i++)); do
    t0=$(now_us)
    "$bin" eval --format summary "$1" >/dev/null 2>&1
    runs+=($(($(now_us) - t0)))
  done
  median "${runs[@]}"
}

# timed_edit WINDOW LABEL FILE SED-SCRIPT WHAT: FILE edited by SED-SCRIPT and back, timed by
# save_latency with the runs logged; their median (us) is left in saves_median.
timed_edit() {
  local window=$1 label=$2 file=$3 script=$4 what=$5 original edited
  original=$(cat "$file")
  edited=$(sed "$script" <<<"$original")
  [ "$edited" != "$original" ] || { echo "$label: cannot edit $file" >&2; exit 1; }
  log "$label editing $(basename "$file"): $what"
  save_latency "$window" "$label" "$file" "$edited" "$original"
  saves_median=$(median "${latencies[@]}")
  log "$label runs (ms): $(for v in "${latencies[@]}"; do printf '%s ' "$(ms "$v")"; done)"
}

# ---------------------------------------------------------------------------------------------
# (c) file save to redraw on SAVE_PODS + 4 endpoints

start save "exec '$bin' --zoom endpoints '$c1000'" big_grid_drawn "(c): the 1,000-endpoint cluster"
first1000=$started_us
log "first frame, $((SAVE_PODS + 4)) endpoints: $(ms "$first1000") ms"
# The policy to edit: the host firewall; the edit widens its Allow source to all() (the demo's
# live edit), so that pod -> host cells flip.
policy=$(ls "$c1000"/policy-*-host-firewall.yaml | head -n 1)
timed_edit save "(c)" "$policy" "s/selector: \"role == 'node' || tier == 'data'\"/selector: all()/" \
  "source selector <-> all()"
save_median=$saves_median
close save

# ---------------------------------------------------------------------------------------------
# (d) file save to redraw and (e) keys on SCALE_PODS + 4 endpoints

if ((SCALE_PODS > 0)); then
  start scale "exec '$bin' '$c10000'" zoomed_drawn "(d): the 10,000-endpoint cluster"
  first10000=$started_us
  log "first frame, $((SCALE_PODS + 4)) endpoints (zoomed out): $(ms "$first10000") ms"
  # The edit: a namespace's default-deny policy lets its pods' egress out to every namespace
  # instead of their own (tens of thousands of cells flip).
  policy=$(grep -l -- '- Egress' "$c10000"/policy-*-default-deny.yaml | head -n 1)
  timed_edit scale "(d)" "$policy" 's/^    - podSelector: {}$/    - namespaceSelector: {}/' \
    "egress to its own namespace <-> to every namespace"
  scale_median=$saves_median
  # (f) the first pod's `app` label changes in the file with the most pods.
  pods=$(grep -c '^kind: Pod$' "$c10000"/*.yaml | sort -t: -k2 -n | tail -n 1 | cut -d: -f1)
  timed_edit scale "(f)" "$pods" '0,/^    app: \(.*\)$/s//    app: \1x/' "the first pod's app label <-> with an x"
  pod_median=$saves_median
  # (g) a label line added under the first pod's `labels:` (the Nodes before it have some too).
  timed_edit scale "(g)" "$pods" '/^kind: Pod$/,${/^  labels:$/{x;/^done$/{x;b};s/.*/done/;x;s/$/\n    bench-added: "yes"/}}' \
    "a label line added to the first pod <-> removed"
  line_median=$saves_median
  # (e) keys, zoomed out, in the same window.
  key_latency scale "$KEY_RUNS"
  zoomed_key_runs=("${latencies[@]}")
  zoomed_key_median=$(median "${zoomed_key_runs[@]}")
  log "(e) zoomed out runs (ms): $(for v in "${zoomed_key_runs[@]}"; do printf '%s ' "$(ms "$v")"; done)"
  close scale
  start scalekeys "exec '$bin' --no-watch --zoom endpoints '$c10000'" big_grid_drawn "(e): the 10,000-endpoint grid"
  key_latency scalekeys "$KEY_RUNS"
  grid_key_runs=("${latencies[@]}")
  grid_key_median=$(median "${grid_key_runs[@]}")
  log "(e) endpoint grid runs (ms): $(for v in "${grid_key_runs[@]}"; do printf '%s ' "$(ms "$v")"; done)"
  close scalekeys
  full10000=$(full_evaluation "$c10000")
fi

# ---------------------------------------------------------------------------------------------
# (h) keys with the any probe on ANY_PODS endpoints

if ((ANY_PODS > 0)); then
  log "(h) cluster: gen_cluster.py ${any[*]}: $(head -n 1 "$c3000" | sed 's/^.*: seed/seed/')"
  start anykeys "exec '$bin' --no-watch --zoom endpoints '$c3000'" big_grid_drawn "(h): the $ANY_PODS-endpoint grid"
  first3000=$started_us
  tmux send-keys -t idle:anykeys p a n y Enter
  if ! wait_for anykeys "$LOAD_TIMEOUT" any_drawn; then
    echo "(h): the any probe was not drawn within $LOAD_TIMEOUT s" >&2
    exit 1
  fi
  key_latency anykeys "$KEY_RUNS"
  any_key_runs=("${latencies[@]}")
  any_key_median=$(median "${any_key_runs[@]}")
  log "(h) runs (ms): $(for v in "${any_key_runs[@]}"; do printf '%s ' "$(ms "$v")"; done)"
  close anykeys
fi

# ---------------------------------------------------------------------------------------------
# (i) the explorer on HUGE_PODS pods split by CIDR rules

if ((HUGE_PODS > 0)); then
  c50k=$work/c50k.yaml
  huge=(--pods "$HUGE_PODS" --namespaces 1000 --policies 5000 --label-sets 5000 --tiers --hosts 50 --cidr-rules --seed 3)
  python3 "$gen" "${huge[@]}" --out "$c50k" 2>/dev/null
  log "(i) cluster: gen_cluster.py ${huge[*]}: $(head -n 1 "$c50k" | sed 's/^.*: seed/seed/')"
  full50k=$(full_evaluation "$c50k")
  start huge "exec '$bin' '$c50k'" zoomed_drawn "(i): the $HUGE_PODS-pod cluster"
  first50k=$started_us
  log "(i) first frame (zoomed out): $(ms "$first50k") ms; eval --format summary: $(ms "$full50k") ms"
  # The edit: the first port under 10000 after the middle of the file, of a rule without an
  # `endPort` (which must stay above it), gets a 1 written before it.
  line=$(awk 'p && !/endPort/ { n[++c] = p } { p = (/port: [0-9]+$/ && $NF < 10000) ? NR : 0 }
    END { print n[int(c / 2) + 1] }' "$c50k")
  timed_edit huge "(i)" "$c50k" "${line}s/port: \([0-9]*\)$/port: 1\1/" "a policy's port <-> with a 1 before it"
  huge_median=$saves_median
  key_latency huge "$KEY_RUNS"
  huge_key_median=$(median "${latencies[@]}")
  close huge
fi

# ---------------------------------------------------------------------------------------------
# Baselines: the whole matrix without the explorer

time_eval() {
  local t0
  t0=$(now_us)
  "$bin" eval --format "$1" "$2" >/dev/null 2>&1
  echo $(($(now_us) - t0))
}
table500=$(time_eval table "$c500")
table1000=$(time_eval table "$c1000")
eval500=$(time_eval csv "$c500")
eval1000=$(time_eval csv "$c1000")
cells500=$(("$("$bin" eval --format csv "$c500" | wc -l)" - 1))
cells1000=$(("$("$bin" eval --format csv "$c1000" | wc -l)" - 1))

# ---------------------------------------------------------------------------------------------
# Report

net() { local v=$(($1 - $2)); [ $v -lt 0 ] && v=0; ms "$v"; }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v / 1000 < t) ? "meets" : "misses" }'; }
row() { printf '%-44s %10s %9s %9s %8s  %-6s %4s\n' "$@"; }
echo
echo "matrix-tui explorer latency ($(date -u +%Y-%m-%d), $(nproc) cores, load average $(load_avg))"
row "measure" "median ms" "floor ms" "net ms" "target" "" "runs"
row "(a) first frame, demo/host-firewall" "$(ms "$first_median")" "$(ms "$first_floor")" \
  "$(net "$first_median" "$first_floor")" "<100" "$(verdict $((first_median - first_floor)) 100)" "$FIRST_RUNS"
row "(b) key j -> redraw, $KEY_PODS endpoints" "$(ms "$key_median")" "$(ms "$key_floor")" \
  "$(net "$key_median" "$key_floor")" "<16" "$(verdict $((key_median - key_floor)) 16)" "$KEY_RUNS"
row "(c) file save -> redraw, $((SAVE_PODS + 4)) endpoints" "$(ms "$save_median")" "$(ms "$capture_floor")" \
  "$(net "$save_median" "$capture_floor")" "<150" "$(verdict $((save_median - capture_floor)) 150)" "$SAVE_RUNS"
if ((SCALE_PODS > 0)); then
  row "(d) file save -> redraw, $((SCALE_PODS + 4)) endpoints" "$(ms "$scale_median")" "$(ms "$capture_floor")" \
    "$(net "$scale_median" "$capture_floor")" "" "" "$SAVE_RUNS"
  scale_net=$((scale_median - capture_floor - DEBOUNCE_MS * 1000))
  row "    without the ${DEBOUNCE_MS} ms debounce" "" "" "$(ms "$scale_net")" \
    "<$(ms $((full10000 / 10)))" "$(verdict "$scale_net" "$(ms $((full10000 / 10)))")" ""
  echo "    target: a tenth of a full evaluation (eval --format summary, median of 3: $(ms "$full10000") ms); ratio $(awk -v a="$scale_net" -v b="$full10000" 'BEGIN { printf "%.3f", a / b }')"
  pod_net=$((pod_median - capture_floor - DEBOUNCE_MS * 1000))
  row "(f) pod label save -> redraw, less debounce" "$(ms "$pod_median")" "$(ms "$capture_floor")" \
    "$(ms "$pod_net")" "" "" "$SAVE_RUNS"
  echo "    ratio to the full evaluation: $(awk -v a="$pod_net" -v b="$full10000" 'BEGIN { printf "%.3f", a / b }')"
  line_net=$((line_median - capture_floor - DEBOUNCE_MS * 1000))
  row "(g) label line save -> redraw, less debounce" "$(ms "$line_median")" "$(ms "$capture_floor")" \
    "$(ms "$line_net")" "" "" "$SAVE_RUNS"
  echo "    ratio to the full evaluation: $(awk -v a="$line_net" -v b="$full10000" 'BEGIN { printf "%.3f", a / b }')"
  row "(e) key j -> redraw, zoomed out" "$(ms "$zoomed_key_median")" "$(ms "$key_floor")" \
    "$(net "$zoomed_key_median" "$key_floor")" "<16" "$(verdict $((zoomed_key_median - key_floor)) 16)" "$KEY_RUNS"
  row "(e) key j -> redraw, endpoint grid" "$(ms "$grid_key_median")" "$(ms "$key_floor")" \
    "$(net "$grid_key_median" "$key_floor")" "<16" "$(verdict $((grid_key_median - key_floor)) 16)" "$KEY_RUNS"
fi
if ((ANY_PODS > 0)); then
  row "(h) key j -> redraw, any, $ANY_PODS endpoints" "$(ms "$any_key_median")" "$(ms "$key_floor")" \
    "$(net "$any_key_median" "$key_floor")" "<16" "$(verdict $((any_key_median - key_floor)) 16)" "$KEY_RUNS"
fi
if ((HUGE_PODS > 0)); then
  huge_net=$((huge_median - capture_floor - DEBOUNCE_MS * 1000))
  row "(i) file save -> redraw, $HUGE_PODS pods, less debounce" "$(ms "$huge_median")" "$(ms "$capture_floor")" \
    "$(ms "$huge_net")" "<$(ms $((full50k / 10)))" "$(verdict "$huge_net" "$(ms $((full50k / 10)))")" "$SAVE_RUNS"
  echo "    target: a tenth of a full evaluation (eval --format summary, median of 3: $(ms "$full50k") ms); ratio $(awk -v a="$huge_net" -v b="$full50k" 'BEGIN { printf "%.3f", a / b }')"
  row "(i) key j -> redraw, zoomed out" "$(ms "$huge_key_median")" "$(ms "$key_floor")" \
    "$(net "$huge_key_median" "$key_floor")" "<16" "$(verdict $((huge_key_median - key_floor)) 16)" "$KEY_RUNS"
  row "(i) first frame from the start (zoomed out)" "$(ms "$first50k")" "" "" "" "" "1"
  echo "    after eval --format summary of the same file ($(ms "$full50k") ms): $(ms $((first50k - full50k))) ms"
fi
echo "baselines (one run each):"
row "  eval --format table, $KEY_PODS endpoints" "$(ms "$table500")" "" "" "" "" "1"
row "  eval --format table, $((SAVE_PODS + 4)) endpoints" "$(ms "$table1000")" "" "" "" "" "1"
row "  eval --format csv, $KEY_PODS endpoints" "$(ms "$eval500")" "" "" "" "" "1"
row "  eval --format csv, $((SAVE_PODS + 4)) endpoints" "$(ms "$eval1000")" "" "" "" "" "1"
row "  explorer first frame, $KEY_PODS endpoints" "$(ms "$first500")" "" "" "" "" "1"
row "  explorer first frame, $((SAVE_PODS + 4)) endpoints" "$(ms "$first1000")" "" "" "" "" "1"
((ANY_PODS > 0)) && row "  explorer first frame, $ANY_PODS endpoints" "$(ms "$first3000")" "" "" "" "" "1"
((SCALE_PODS > 0)) && row "  explorer first frame, $((SCALE_PODS + 4)) endpoints (zoomed out)" "$(ms "$first10000")" "" "" "" "" "1"
echo "cells: $cells500 and $cells1000 (eval csv rows; csv gives each cell's reason, table only marks)"
echo "one tmux capture-pane: $(ms "$capture_floor") ms"
echo "floors: (a) a window printing 'ready'; (b) a bash loop redrawing a label per key; (c) one capture-pane"
echo "rerun: benchmarks/tui_bench.sh${1:+ $1}"
