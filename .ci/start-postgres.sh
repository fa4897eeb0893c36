#!/usr/bin/env bash
# Start a throwaway PostgreSQL (Debian's packages) on 127.0.0.1 for the multi-seat tests.
# Prints the URL to use as IRTUI_TEST_PG_URL on its last line. Idempotent: reuses a running one.
set -euo pipefail
PORT="${IRTUI_PG_PORT:-54329}"
BASE="${IRTUI_PG_DIR:-/tmp/irtui-pg}"
URL="postgresql://irtui:irtui@127.0.0.1:${PORT}/irtui_test"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$BIN" ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >&2
  $SUDO apt-get install -y -qq postgresql >&2
  BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
RUN=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  RUN=(runuser -u postgres --)
fi
if "$BIN/pg_isready" -h 127.0.0.1 -p "$PORT" -q; then
  echo "$URL"; exit 0
fi
rm -rf "$BASE"; mkdir -p "$BASE"
[ "$(id -u)" = 0 ] && chown postgres "$BASE"
"${RUN[@]}" "$BIN/initdb" -D "$BASE/data" -U postgres -A trust -E UTF8 >/dev/null
"${RUN[@]}" "$BIN/pg_ctl" -D "$BASE/data" -l "$BASE/log" -w -o \
  "-c listen_addresses=127.0.0.1 -p $PORT -k $BASE -c max_connections=200 -c fsync=on" start >&2
"$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -q -c "CREATE ROLE irtui LOGIN PASSWORD 'irtui' CREATEDB" >&2
"$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -q -c "CREATE DATABASE irtui_test OWNER irtui" >&2
echo "$URL"
