#!/usr/bin/env bash
# End-to-end test of the explorer: runs the real binary in a detached tmux session (120x40, on a
# socket of its own) on a copy of demo/host-firewall, drives it with keys, and reads the screen.
#
#   Tests/EndToEnd/explorer.sh .build/release/matrix-tui
#   UPDATE_SCREENSHOT=1 Tests/EndToEnd/explorer.sh .build/release/matrix-tui   # re-record the README's screen
#
# Prints `ok <step>` or `FAIL <step>: why` (with the screen) per step, then
# `explorer: N passed, M failed`; exits 1 on any failure, 2 on bad usage or a missing tmux.
set -uo pipefail

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 PATH-TO-matrix-tui" >&2
  exit 2
fi
command -v tmux >/dev/null || { echo "explorer: tmux is not installed (scripts/bootstrap installs it)" >&2; exit 2; }

bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
repo=$(cd "$(dirname "$0")/../.." && pwd)
readme=$repo/README.md
export LANG=C.UTF-8 LC_ALL=C.UTF-8
export SHELL=/bin/sh # tmux runs the session's command with it
unset TMUX NO_COLOR

socket=e2e-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/explorer-e2e.XXXXXX")
socket_path=""
cleanup() {
  command tmux -L "$socket" kill-server >/dev/null 2>&1
  [ -n "$socket_path" ] && rm -f "$socket_path" # tmux leaves the socket file behind
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
tmux() { command tmux -L "$socket" -f /dev/null "$@"; }

lesson=$work/host-firewall
cp -R "$repo/demo/host-firewall" "$lesson"
manifest=$lesson/10-host-firewall.yaml
broken=$lesson/20-broken.yaml

# ---------------------------------------------------------------------------------------------
# Helpers

passed=0
failed=0
session=""
lines=()
scr=""

ok() {
  echo "ok $1${2:+ ($2)}"
  passed=$((passed + 1))
}
fail() {
  echo "FAIL $1: $2"
  failed=$((failed + 1))
  if [ -n "$session" ]; then
    echo "  screen:"
    printf '%s\n' "${lines[@]}" | sed 's/^/  | /'
  fi
}

now_ms() {
  local t=${EPOCHREALTIME/[.,]/}
  echo $((t / 1000))
}

# start NAME WIDTH HEIGHT ARGS...: runs matrix-tui ARGS in the repository; when it exits, the
# pane shows `matrix-tui exited: STATUS` on the normal screen.
start() {
  local name=$1 width=$2 height=$3
  shift 3
  local cmd
  printf -v cmd '%q ' "$bin" "$@"
  session=$name
  tmux new-session -d -s "$name" -x "$width" -y "$height" -c "$repo" \
    "${cmd}; echo \"matrix-tui exited: \$?\"; exec sleep 600"
  [ -n "$socket_path" ] || socket_path=$(tmux display -p '#{socket_path}')
}

# Reads the screen into lines (one per terminal row) and scr (all of it).
capture() {
  mapfile -t lines < <(tmux capture-pane -p -t "$session" 2>/dev/null)
  scr=$(printf '%s\n' "${lines[@]}")
}

keys() { tmux send-keys -t "$session" "$@"; }

# wait_until SECONDS PREDICATE [ARGS...]: captures the screen every 20 ms until the predicate
# holds (true) or SECONDS (whole) are up (false). The screen is left in lines/scr; waited_ms says
# how long it took.
waited_ms=0
wait_until() {
  local seconds=$1
  shift
  local begin
  begin=$(now_ms)
  local deadline=$((begin + seconds * 1000))
  while :; do
    capture
    if "$@"; then
      waited_ms=$(($(now_ms) - begin))
      return 0
    fi
    [ "$(now_ms)" -ge "$deadline" ] && return 1
    sleep 0.02
  done
}

has() { [[ $scr == *"$1"* ]]; }
line_matches() { grep -qE -- "$1" <<<"$scr"; }
header() { printf '%s' "${lines[0]:-}"; }
status_line() { printf '%s' "${lines[${#lines[@]} - 1]:-}"; }
allowed_count() {
  local h
  h=$(header)
  [[ $h =~ ✓([0-9]+)\ ✗ ]] && echo "${BASH_REMATCH[1]}" || echo -1
}
exited() { [[ $scr =~ matrix-tui\ exited:\ ([0-9]+) ]]; }

# The row number of an endpoint, from its label `N name` at the left of the grid.
row_of() {
  local re="^ *([0-9]+) $1( |$)" line
  for line in "${lines[@]}"; do
    [[ $line =~ $re ]] && { echo "${BASH_REMATCH[1]}"; return 0; }
  done
  return 1
}

# The grid is drawn: every endpoint's row label followed by its marks.
grid_drawn() {
  local name
  for name in host/node-control-plane host/node-worker calico-system/calico-node dev/frontend \
    kube-system/kube-apiserver prod/backend; do
    line_matches "^ *[0-9]+ $name +[✓✗·]" || return 1
  done
}

# The trace pane's text: the box under the `┌ trace` title, borders removed, wrapped lines joined
# by single spaces.
trace_text() {
  local line x=-1 out="" content prefix
  for line in "${lines[@]}"; do
    if [ "$x" -lt 0 ]; then
      if [[ $line == *"┌  trace"* ]]; then
        prefix=${line%%┌*}
        x=${#prefix}
      fi
      continue
    fi
    content=${line:x}
    [[ $content == "└"* ]] && break
    content=${content#│}
    content=${content%│}
    content=${content%↓}
    out+=" $content"
  done
  # shellcheck disable=SC2086
  echo $out
}
# The trace's headline: the pair, the probe, the verdict, up to `(enforced)`/`(pending)`.
trace_headline() {
  local text
  text=$(trace_text)
  text=${text%%(enforced)*}
  echo "${text%%(pending)*}"
}
headline_has() { [[ $(trace_headline) == *"$1"* ]]; }

# ---------------------------------------------------------------------------------------------
# Steps

step_first_frame() {
  start explorer 120 40 "$lesson"
  if wait_until 5 grid_drawn && [[ $(header) == *"matrix-tui"* ]]; then
    ok "first frame" "${waited_ms} ms"
  else
    fail "first frame" "no grid on screen within 5 s"
    echo "explorer: stopping, the explorer never drew"
    echo "explorer: $passed passed, $failed failed"
    exit 1
  fi
}

at_cell() { # at_cell SRC DST: the legend names DST's column and the trace is SRC -> DST
  headline_has "$1 -> $2" && [[ $scr =~ column\ ([0-9]+):\ $2 ]] && [ "${BASH_REMATCH[1]}" = "$3" ]
}

step_navigate() {
  local row column first_src first_dst
  row=$(row_of prod/backend)
  column=$(row_of host/node-worker) # column n is the endpoint of row n
  if [ -z "$row" ] || [ -z "$column" ]; then
    fail navigate "no row labels for prod/backend and host/node-worker"
    return
  fi
  first_src=$(grep -m1 -E '^ *1 [^ ]+ +[✓✗·]' <<<"$scr" | sed -E 's/^ *1 //; s/ .*//')
  first_dst=$first_src # column 1 is the endpoint of row 1
  keys g Home
  if ! wait_until 1 at_cell "$first_src" "$first_dst" 1; then
    fail navigate "g and Home did not move to row 1, column 1"
    return
  fi
  local moves=()
  for ((i = 1; i < row; i++)); do moves+=(j); done
  for ((i = 1; i < column; i++)); do moves+=(l); done
  [ ${#moves[@]} -gt 0 ] && keys "${moves[@]}"
  if ! wait_until 1 at_cell prod/backend host/node-worker "$column"; then
    fail navigate "row $row, column $column is not prod/backend -> host/node-worker"
    return
  fi
  keys Enter
  if wait_until 1 has "trace (Tab: grid"; then
    ok navigate "row $row, column $column, Enter"
  else
    fail navigate "Enter did not focus the trace"
  fi
}

step_trace() {
  local text missing=()
  text=$(trace_text)
  for want in "prod/backend -> host/node-worker" "DENY" "tier host-firewall" "node-host-firewall"; do
    [[ $text == *"$want"* ]] || missing+=("$want")
  done
  if [ ${#missing[@]} -eq 0 ] && headline_has DENY; then
    ok trace
  else
    fail trace "the trace lacks: ${missing[*]:-a DENY headline}"
  fi
}

trapped() {
  headline_has ALLOW && ! headline_has DENY && [[ $(status_line) == *"trap: node-host-firewall"* ]]
}
restored() {
  headline_has DENY && ! headline_has ALLOW && [[ $(status_line) == *"trap off"* ]] && [ "$(allowed_count)" = "$1" ]
}

step_trap() {
  local before
  before=$(allowed_count)
  keys t
  if wait_until 1 trapped && [ "$(allowed_count)" -gt "$before" ]; then
    ok "trap on" "$(status_line | sed 's/^ *//')"
  else
    fail "trap on" "want an ALLOW headline, more allowed cells and 'trap: node-host-firewall' in the status line"
  fi
  keys t
  if wait_until 1 restored "$before"; then
    ok "trap off"
  else
    fail "trap off" "want a DENY headline, 'trap off' in the status line and $before allowed again"
  fi
}

reloaded_with_flips() {
  [[ $(status_line) =~ reload:\ [0-9]+\ cells?\ flipped ]] && [ "$(allowed_count)" -gt "$1" ]
}

step_live_edit() {
  local before selector="selector: role == 'node' || has(k8s-app) || tier == 'control-plane'"
  before=$(allowed_count)
  if ! grep -qF "$selector" "$manifest"; then
    fail "live edit" "the firewall's source selector is not in $manifest"
    return
  fi
  # Rewrite the file in place (same inode), as an editor saving over it does.
  local edited
  edited=$(sed "s/$selector/selector: all()/" "$manifest")
  printf '%s\n' "$edited" >"$manifest"
  if wait_until 1 reloaded_with_flips "$before"; then
    ok "live edit" "${waited_ms} ms, allowed $before -> $(allowed_count): $(status_line | sed 's/^ *//')"
  else
    fail "live edit" "within 1 s of the save, want 'reload: N cells flipped' and more than $before allowed"
  fi
}

error_bar_shown() {
  local line
  for line in "${lines[@]}"; do
    [[ $line == *"$broken:"* ]] && [[ $line =~ :[0-9]+:[0-9]+:\ error: ]] && return 0
  done
  return 1
}

no_error_bar() { ! line_matches ':[0-9]+:[0-9]+: error:'; }

step_error_bar() {
  local kept
  kept=$(allowed_count)
  printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [broken\n  namespace: prod\n' >"$broken"
  if wait_until 1 error_bar_shown && grid_drawn && [ "$(allowed_count)" = "$kept" ]; then
    ok "error bar" "${waited_ms} ms: $(grep -F -- "$broken:" <<<"$scr" | head -n 1 | sed 's/^ *//' | cut -c1-80)"
  else
    fail "error bar" "want '$broken:LINE:COL: error:' over the last good grid ($kept allowed)"
  fi
  rm -f "$broken"
  if wait_until 1 no_error_bar && grid_drawn; then
    ok "error bar cleared" "${waited_ms} ms"
  else
    fail "error bar cleared" "the error bar stays after the broken file is deleted"
  fi
}

# The trace pane is below the grid: its top border starts the line, under the last row label.
trace_below() {
  local i grid_line=-1 trace_line=-1
  for i in "${!lines[@]}"; do
    [[ ${lines[i]} =~ ^\ *[0-9]+\ [a-z] ]] && grid_line=$i
    [[ ${lines[i]} == "┌  trace"* ]] && { trace_line=$i; break; }
  done
  [ "$grid_line" -ge 2 ] && [ "$trace_line" -gt "$grid_line" ] && [ ${#lines[@]} -eq 15 ] && ! exited
}
# The wide layout: the trace pane right of the grid, every row drawn.
trace_right() {
  [ ${#lines[@]} -eq 40 ] && [[ ${lines[1]} == *"column "*"┌  trace"* ]] && grid_drawn && ! exited
}
# Every grid row on screen (a line that starts with a number and has marks) has a whole label:
# nothing, such as the "↓ N more" hint, drawn over it.
labels_intact() {
  local line re='^ *[0-9].*[✓✗·]' known='^ *[0-9]+ (host/node-control-plane|host/node-worker|calico-system/calico-node|dev/frontend|kube-system/kube-apiserver|prod/backend) '
  for line in "${lines[@]}"; do
    [[ $line =~ $re ]] || continue
    [[ $line =~ $known ]] || return 1
  done
}

more_hint() { line_matches '^ ↓ [0-9]+ more$' && headline_has "host/node-control-plane -> "; }

step_resize() {
  tmux resize-window -t "$session" -x 60 -y 15
  if wait_until 1 trace_below; then
    if labels_intact; then
      ok "resize 60x15" "trace below the grid"
    else
      fail "resize 60x15" "a row label is drawn over"
    fi
  else
    fail "resize 60x15" "want the trace pane below the grid at 60x15"
  fi
  # Back to the grid and up to the first row: the rows below are announced on a line of their own.
  keys Tab g
  if wait_until 1 more_hint && labels_intact; then
    ok "scroll hint" "$(grep -m1 -E '^ ↓ [0-9]+ more' <<<"$scr" | sed 's/^ *//')"
  else
    fail "scroll hint" "at 60x15 on row 1, want a line '↓ N more' under whole row labels"
  fi
  keys G # the grid scrolls down again: growing the window must bring every row back
  wait_until 1 headline_has "prod/backend -> " >/dev/null
  tmux resize-window -t "$session" -x 120 -y 40
  if wait_until 1 trace_right; then
    ok "resize 120x40" "trace right of the grid again"
  else
    fail "resize 120x40" "want the trace pane right of the whole grid at 120x40"
  fi
}

too_small() { has "terminal too small" && ! exited; }

step_too_small() {
  tmux resize-window -t "$session" -x 30 -y 8
  if wait_until 1 too_small; then
    ok "too small" "$(grep -m1 -E '^[0-9]+x[0-9]+' <<<"$scr")"
  else
    fail "too small" "want 'terminal too small' at 30x8"
  fi
  tmux resize-window -t "$session" -x 120 -y 40
  if wait_until 1 trace_right; then
    ok "too small recovered"
  else
    fail "too small recovered" "the explorer did not come back at 120x40"
  fi
}

step_quit() {
  keys q
  if ! wait_until 2 exited; then
    fail quit "the explorer is still running 2 s after q"
    return
  fi
  local code alternate
  [[ $scr =~ matrix-tui\ exited:\ ([0-9]+) ]] && code=${BASH_REMATCH[1]}
  alternate=$(tmux display -p -t "$session" '#{alternate_on}')
  if [ "$code" = 0 ] && [ "$alternate" = 0 ]; then
    ok quit "exit 0, terminal restored"
  else
    fail quit "exit status $code, alternate screen on: $alternate"
  fi
}

# 80x24 on a copy of the lesson: the trace's locations whole beside the scroll arrow, every
# hinted key in the footer, and a long error message shown whole (wrapped) in the error bar.
step_small_layout() {
  local small=$work/small
  cp -R "$repo/demo/host-firewall" "$small"
  start small 80 24 "$small" --select 'prod/backend -> host/node-worker'
  if ! wait_until 5 has "10-host-firewall.yaml:37"; then
    fail "80x24 trace" "no location 10-host-firewall.yaml:37 in the trace"
  elif has ":3↓"; then
    fail "80x24 trace" "the scroll arrow covers a location"
  else
    ok "80x24 trace" "locations whole, arrow on the border"
  fi
  local footer
  footer=$(status_line)
  if [[ $footer == *"z zoom"* && $footer == *"o checks"* && $footer == *"Q quiz"* && $footer == *"q quit"* ]]; then
    ok "80x24 footer" "$footer"
  else
    fail "80x24 footer" "want z, o, Q and q named: '$footer'"
  fi
  # A selector error longer than the screen is wide.
  local long="role in {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p'"
  printf 'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: long}\nspec:\n  selector: "%s"\n' "$long" >"$small/30-long.yaml"
  if wait_until 5 has "30-long.yaml:"; then
    local joined
    joined=$(printf '%s\n' "${lines[@]}" | sed -n '/30-long.yaml:/,$p' | sed 's/^ *//' | tr '\n' ' ')
    if [[ $joined == *"end of selector"* ]]; then
      ok "80x24 long error" "shown whole over $(printf '%s\n' "${lines[@]}" | sed -n '/30-long.yaml:/,$p' | wc -l) lines"
    else
      fail "80x24 long error" "the message is cut: $joined"
    fi
  else
    fail "80x24 long error" "no error for 30-long.yaml"
  fi
  keys q
  wait_until 2 exited || fail "80x24 quit" "still running after q"
}

baseline_marked() { [[ $(header) == *"Δ +2 −0 vs "* ]] && line_matches '^1 host/node-control-plane +· ▲'; }
jumped_with_trace() {
  # (The explorer opens on the first of them: n goes to the second.)
  [[ $(status_line) == *"host/node-worker -> host/node-control-plane: allowed now, unlike"* ]] &&
    has "before, in " && has "after, now:"
}

# A baseline (a copy of the demo whose firewall leaves out the control plane): the two cells the
# control plane gained are marked and counted, n jumps to the first, and its trace shows both.
step_baseline() {
  local old=$work/baseline
  cp -R "$repo/demo/host-firewall" "$old"
  # The baseline's firewall leaves out the other nodes: the two host-to-host cells differ.
  sed -i "s/role == 'node' || //" "$old/10-host-firewall.yaml"
  start baseline 120 40 --against "$old" demo/host-firewall --no-watch
  if ! wait_until 5 baseline_marked; then
    fail "baseline marks" "want 'Δ +2 −0' in the header and ▲ on the host/node-control-plane row"
    return
  fi
  ok "baseline marks" "$(header | grep -o 'Δ [^│]*')"
  keys n
  if wait_until 2 jumped_with_trace; then
    ok "baseline n" "$(status_line | sed 's/^ *//')"
  else
    fail "baseline n" "want the first changed cell selected and its trace before and after"
  fi
  keys q
  wait_until 2 exited || fail "baseline quit" "still running after q"
}

shot_drawn() { grid_drawn && [[ $(trace_text) == *"=> DENY"* ]] && [[ $(status_line) == *"q quit"* ]]; }

# The README's screen: the untouched demo opened on the lesson's DENY cell.
step_screenshot() {
  start screenshot 120 40 demo/host-firewall --select 'prod/backend -> host/node-worker' --no-watch
  if ! wait_until 5 shot_drawn; then
    fail screenshot "the --select screen did not draw within 5 s"
    return
  fi
  # Wait for two identical captures 100 ms apart, so the frame is complete.
  local previous=""
  while [ "$scr" != "$previous" ]; do
    previous=$scr
    sleep 0.1
    capture
  done
  # The README shows this screen (its first 24 lines); DocumentationTests checks the same
  # block against the rendered canvas, so terminal, canvas and README agree.
  local shot
  shot=$(printf '%s\n' "${lines[@]}" | head -n 24 | sed 's/[[:space:]]*$//')
  local readme_block
  readme_block=$(python3 - "$readme" <<'PY'
import sys
text = open(sys.argv[1]).read()
marker = "--select 'prod/backend -> host/node-worker'` at 120x40:\n\n```\n"
start = text.index(marker) + len(marker)
print(text[start:text.index("\n```", start)])
PY
)
  if [ "${UPDATE_SCREENSHOT:-}" = 1 ]; then
    if [ "$failed" -gt 0 ]; then
      fail screenshot "not recording: earlier steps failed"
      return
    fi
    python3 - "$readme" "$shot" <<'PY'
import sys
path, shot = sys.argv[1], sys.argv[2].rstrip("\n")
text = open(path).read()
marker = "--select 'prod/backend -> host/node-worker'` at 120x40:\n\n```\n"
start = text.index(marker) + len(marker)
end = text.index("\n```", start)
open(path, "w").write(text[:start] + shot + text[end:])
PY
    ok screenshot "recorded in README.md"
  elif [ "$shot" = "$readme_block" ]; then
    ok screenshot "matches README.md"
  else
    local saved=$session
    session=""
    fail screenshot "the screen differs from README.md (re-record with UPDATE_SCREENSHOT=1 if intended):"
    diff -u <(printf '%s\n' "$readme_block") <(printf '%s\n' "$shot") | sed 's/^/  /'
    session=$saved
  fi
}

step_first_frame
step_navigate
step_trace
step_trap
step_live_edit
step_error_bar
step_resize
step_too_small
step_quit
step_small_layout
step_baseline
step_screenshot

echo "explorer: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
