#!/usr/bin/env bash
# Debian's Chromium and a CJK font for the browser tests (Playwright drives it; it never
# downloads a browser). Without the font, screenshots show Chinese as empty boxes.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then exit 0; fi
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    echo "warning: chromium is missing and cannot be installed without root; browser tests will be skipped" >&2
    exit 0
fi
SUDO=$([ "$(id -u)" -eq 0 ] || echo sudo)
echo "== installing chromium and fonts-noto-cjk (Debian packages) for the browser tests"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
