#!/usr/bin/env bash
# Runs every fuzz harness for a long time, one after the other, and prints each one's counts and
# rate: what a change to the loader, the incremental path or the evaluator is checked with before
# it goes in (scripts/test runs each harness for 5 seconds only).
#
#   benchmarks/fuzz_soak.sh                  # every harness, 10 minutes each
#   MINUTES=30 benchmarks/fuzz_soak.sh yaml  # one harness, longer
#
# Each run starts from the seeds and the inputs earlier runs saved (.build-fuzz/corpus/), so a
# soak goes deeper each time; scripts/fuzz --fresh starts from the seeds alone. Exits non-zero
# when a harness finds anything; scripts/fuzz then prints the input and how to replay it.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
minutes=${MINUTES:-10}
case $minutes in '' | *[!0-9]* | 0) echo "fuzz_soak: MINUTES needs a positive whole number" >&2; exit 64 ;; esac
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(selector yaml evaluate)

scripts/fuzz --build-only "${targets[@]}" || exit 1
status=0
for target in "${targets[@]}"; do
  started=$(date +%s)
  out=$(scripts/fuzz --seconds $((minutes * 60)) "$target" 2>&1)
  code=$?
  elapsed=$(($(date +%s) - started))
  # scripts/fuzz ends with the target's line (and, after a finding, the inputs to replay).
  summary=$(sed -n "/^$target: /,\$p" <<<"$out")
  execs=$(sed -n 's/^[a-z]*: [0-9]*s, \([0-9]*\) execs.*/\1/p' <<<"$summary")
  rate=""
  [ -n "$execs" ] && rate=" = $((execs / minutes)) a minute"
  echo "${summary:-$target: no summary (exit $code)}$rate; ${elapsed}s wall (scripts/fuzz --seconds $((minutes * 60)) $target)"
  [ "$code" -eq 0 ] || status=1
done
exit $status
