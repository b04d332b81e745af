#!/usr/bin/env bash
# Set up (first time only) and open the chat at http://127.0.0.1:7860 on the starter knowledge base.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/advisor serve "$@"
