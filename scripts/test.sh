#!/usr/bin/env bash
# Set up exactly as a user does, add the headless browser the UI tests drive and the PostgreSQL server
# the storage tests start, run the whole suite
# (CI runs exactly this: .ci/run).
#   scripts/test.sh --fast   the fast lane: every step and rule on the fakes of tests/fakes.py, in a
#                            few minutes: pytest -m "not slow and not models" (tests/conftest.py marks
#                            the tests that need a real model, an index, the OCR engine, a browser or
#                            a bench). Its set-up skips the generator model and the browser.
# Any other arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
fast=0
args=()
for arg in "$@"; do
    if [ "$arg" = "--fast" ]; then fast=1; else args+=("$arg"); fi
done
if [ "$fast" = 1 ]; then
    scripts/setup.sh --skip-generator
    exec .venv/bin/python -m pytest -m "not slow and not models" ${args[@]+"${args[@]}"}
fi
scripts/setup.sh
scripts/install-browser.sh
scripts/install-postgres.sh
exec .venv/bin/python -m pytest "$@"
