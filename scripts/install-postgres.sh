#!/usr/bin/env bash
# Debian's PostgreSQL server for the storage tests on PostgreSQL (tests/app/storage/, -m postgres):
# they start their own throw-away server with its initdb and pg_ctl; nothing is configured or started
# here. Without it those tests are skipped, saying so.
set -euo pipefail
if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    echo "warning: PostgreSQL is missing and cannot be installed without root; its storage tests will be skipped" >&2
    exit 0
fi
SUDO=$([ "$(id -u)" -eq 0 ] || echo sudo)
echo "== installing postgresql (Debian package) for the storage tests"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
