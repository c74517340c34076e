#!/usr/bin/env bash
# Installs network-config-analyzer (command `nca`) into .venv-nca/ at the repository root, for
# benchmarks/nca_compare.py and benchmarks/nca_speed.sh. It is a benchmark tool and an oracle for
# the comparison, not a dependency of matrix-tui. Running it again does nothing once installed.
#
#   benchmarks/nca_setup.sh            # then .venv-nca/bin/nca --version
#
# NCA_VERSION overrides the pinned version; PYTHON picks the interpreter (default python3.11,
# then python3).
set -euo pipefail

NCA_VERSION="${NCA_VERSION:-2.1.0}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="$ROOT/.venv-nca"

installed_version() {
    "$VENV/bin/python" -m pip show network-config-analyzer 2>/dev/null | sed -n 's/^Version: //p'
}
if [[ -x "$VENV/bin/nca" && "$(installed_version)" == "$NCA_VERSION" ]]; then
    echo "nca_setup: network-config-analyzer $NCA_VERSION already in $VENV" >&2
    exit 0
fi

PYTHON="${PYTHON:-}"
if [[ -z "$PYTHON" ]]; then
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1; then PYTHON="$candidate"; break; fi
    done
fi
[[ -n "$PYTHON" ]] || { echo "nca_setup: no python3 found" >&2; exit 1; }

if [[ ! -x "$VENV/bin/python" ]]; then
    # Debian's python3 needs python3-venv for ensurepip.
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
        rm -rf "$VENV"
        if command -v apt-get >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]]; then
            apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
            "$PYTHON" -m venv "$VENV"
        else
            echo "nca_setup: '$PYTHON -m venv' failed (install python3-venv)" >&2
            exit 1
        fi
    fi
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "network-config-analyzer==$NCA_VERSION"
echo "nca_setup: network-config-analyzer $(installed_version) installed in $VENV" >&2
