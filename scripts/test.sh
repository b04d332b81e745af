#!/usr/bin/env bash
# Set up exactly as a user does, add the headless browser the UI tests drive, run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/install-browser.sh
exec .venv/bin/python -m pytest "$@"
