#!/usr/bin/env bash
# Build Offdesk.app and a .dmg on macOS (needs Xcode command line tools):
#   bash build/macos/make_dmg.sh
# app.spec makes the .app bundle on darwin with build/macos/Info.plist.
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=$(python3 -c "import desktop; print(desktop.__version__)")
python3 build/build.py
hdiutil create -volname Offdesk -srcfolder build/dist/Offdesk.app -ov \
  -format UDZO "build/dist/offdesk-${VERSION}.dmg"
