#!/usr/bin/env bash
# The repository stands on its own: copies its files (what git tracks, and new files not
# ignored) into a temporary directory with nothing beside them, and runs the conformance and
# lesson suites of scripts/test there with the given binary. Then breaks one conformance case in
# the copy and checks that scripts/test's last line names the failed suite.
#
#   Tests/Standalone/fresh-copy.sh .build/release/matrix-tui
#
# Prints `ok <step>` or `FAIL <step>: why` per step, then `fresh copy: N passed, M failed`.
set -uo pipefail

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 PATH-TO-matrix-tui" >&2
  exit 2
fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/fresh-copy.XXXXXX")
trap 'rm -rf "$work"' EXIT
copy=$work/matrix-tui

passed=0
failed=0
ok() { echo "ok $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

mkdir "$copy"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard) \
  | (cd "$repo" && xargs -0 cp --parents -t "$copy" 2>/dev/null)
[ -x "$copy/scripts/test" ] && ls "$work" | grep -qx matrix-tui && [ "$(ls "$work" | wc -l)" -eq 1 ] \
  && ok "copied alone into $work" || fail "copy" "the copy is incomplete or not alone"

out=$(cd "$copy" && MATRIX_TUI_BIN=$bin scripts/test conformance lessons 2>&1)
status=$?
last=${out##*$'\n'}
if [ $status -eq 0 ] && [ "$last" = "suites: 2 passed, 0 failed" ]; then
  ok "conformance and lessons pass in the copy ($last)"
else
  fail "conformance and lessons in the copy" "exit $status, last line: $last"
  printf '%s\n' "$out" | tail -20 | sed 's/^/  | /'
fi
if printf '%s\n' "$out" | grep -q "check.py beside the repository"; then
  fail "nothing beside" "the copy ran the checker beside the repository"
else
  ok "nothing beside the copy is run"
fi

# A wrong expectation: the suite fails and the last line says which.
case_dir=$(ls -d "$copy"/Tests/Conformance/calico/*/ | head -1)
printf 'allowed:\n  - "nobody/here -> nobody/there"\n' >"$case_dir/expect.yaml.tmp"
sed '/^allowed:/,$d' "$case_dir/expect.yaml" >"$case_dir/expect.yaml.head"
# Every listed pair now expected denied: at least one pair the case allows is wrong.
cat "$case_dir/expect.yaml.head" "$case_dir/expect.yaml.tmp" >"$case_dir/expect.yaml"
out=$(cd "$copy" && MATRIX_TUI_BIN=$bin scripts/test conformance lessons 2>&1)
status=$?
last=${out##*$'\n'}
if [ $status -ne 0 ] && [ "$last" = "suites: 1 passed, 1 failed: conformance" ]; then
  ok "a failed suite is named on the last line ($last)"
else
  fail "failed suite named" "exit $status, last line: $last"
fi

echo "fresh copy: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
