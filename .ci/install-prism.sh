#!/usr/bin/env bash
# Install Stoplight Prism (the validating OpenAPI mock used by the Statuspage contract tests)
# from the npm registry into .tools/prism (gitignored). Idempotent: a working install is kept.
# The tests find it at .tools/prism/node_modules/.bin/prism (or $IRTUI_PRISM).
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="${IRTUI_PRISM_VERSION:-5.16.0}"
DEST=".tools/prism"
BIN="$DEST/node_modules/.bin/prism"
if [ -x "$BIN" ] && "$BIN" --version 2>/dev/null | grep -qx "$VERSION"; then
  echo "prism $VERSION already in $DEST"
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "install-prism: npm is not installed (apt-get install npm)" >&2
  exit 1
fi
mkdir -p "$DEST"
[ -f "$DEST/package.json" ] || echo '{"name": "irtui-tools-prism", "private": true}' > "$DEST/package.json"
npm install --prefix "$DEST" --no-audit --no-fund --loglevel=error \
  "@stoplight/prism-cli@${VERSION}" >&2
"$BIN" --version >/dev/null
echo "prism $("$BIN" --version) installed in $DEST"
