#!/usr/bin/env bash
# Stop a server .ci/start-postgres.sh started and remove its folder: bash .ci/stop-postgres.sh DIR
set -euo pipefail
BASE="${1:?usage: stop-postgres.sh DIR (the folder start-postgres.sh printed)}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
RUN=()
[ "$(id -u)" = 0 ] && RUN=(runuser -u postgres --)
if [ -n "$BIN" ] && [ -f "$BASE/data/postmaster.pid" ]; then
  "${RUN[@]}" "$BIN/pg_ctl" -D "$BASE/data" -m fast -w stop >&2 || true
fi
rm -rf "$BASE"
