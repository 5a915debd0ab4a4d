#!/usr/bin/env bash
# Set up a checkout: the system libraries Offdesk needs (when run as root on
# Debian/Ubuntu), then a virtualenv in .venv with Offdesk installed editable.
# Usage: bash build/setup.sh [EXTRA]   (EXTRA: a pyproject extra such as "test")
set -euo pipefail
cd "$(dirname "$0")/.."

# Qt needs these even offscreen, its xcb platform the two libxcb ones on an X
# display, and the font shows the Chinese translation; kept here so the app and
# CI install the same.
APT_PACKAGES="libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 libxcb-icccm4 libxcb-keysyms1 fonts-wqy-microhei"
if [ -n "${OFFDESK_APT_EXTRA:-}" ]; then APT_PACKAGES="$APT_PACKAGES $OFFDESK_APT_EXTRA"; fi

if command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1; then
  missing=""
  for pkg in $APT_PACKAGES; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
  done
  if [ -n "$missing" ]; then
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO="sudo -n"; fi
    echo "setup: installing system packages:$missing" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
if [ -n "${1:-}" ]; then
  .venv/bin/python -m pip install -q -e ".[$1]"
else
  .venv/bin/python -m pip install -q -e .
fi
