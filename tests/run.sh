#!/usr/bin/env bash
# The whole test suite from a clean checkout: installs what it needs, lints, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
# The sync tests start a throw-away PostgreSQL cluster of their own; they need its
# binaries, never a running server.
export OFFDESK_APT_EXTRA="${OFFDESK_APT_EXTRA:-} postgresql"
bash build/setup.sh test
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest "$@"
