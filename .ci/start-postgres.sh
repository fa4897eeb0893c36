#!/usr/bin/env bash
# Start a throwaway PostgreSQL (Debian's packages) on 127.0.0.1 for the multi-seat tests and
# print the URL to use as IRTUI_TEST_PG_URL on its last line.
#
# Each run gets its own server: a data folder made now (or $IRTUI_PG_DIR) and a free port
# chosen now (or $IRTUI_PG_PORT), so two CI runs on one host never share one. With
# $IRTUI_PG_PORT set and a server already answering there, that one is reused (idempotent).
# Stop it with `bash .ci/stop-postgres.sh DIR` (.ci/run does, on every way out).
set -euo pipefail
URL_TAIL="irtui_test"

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

if [ -n "${IRTUI_PG_PORT:-}" ] && "$BIN/pg_isready" -h 127.0.0.1 -p "$IRTUI_PG_PORT" -q; then
  echo "postgresql://irtui:irtui@127.0.0.1:${IRTUI_PG_PORT}/${URL_TAIL}"
  exit 0
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

BASE="${IRTUI_PG_DIR:-}"
if [ -z "$BASE" ]; then
  BASE="$(mktemp -d "${TMPDIR:-/tmp}/irtui-pg.XXXXXX")"
  chmod 755 "$BASE"  # the postgres user must reach it
fi
mkdir -p "$BASE"
rm -rf "$BASE/data" "$BASE/log"  # only what this script makes: $BASE may hold other files
[ "$(id -u)" = 0 ] && chown postgres "$BASE"
"${RUN[@]}" "$BIN/initdb" -D "$BASE/data" -U postgres -A trust -E UTF8 >/dev/null

# A free port can be taken between choosing it and binding it: choose again, a few times.
for attempt in 1 2 3 4 5; do
  PORT="${IRTUI_PG_PORT:-$(free_port)}"
  if "${RUN[@]}" "$BIN/pg_ctl" -D "$BASE/data" -l "$BASE/log" -w -o \
      "-c listen_addresses=127.0.0.1 -p $PORT -k $BASE -c max_connections=200 -c fsync=on" \
      start >&2; then
    break
  fi
  if [ -n "${IRTUI_PG_PORT:-}" ] || [ "$attempt" = 5 ]; then
    echo "start-postgres: could not start on port $PORT (see $BASE/log)" >&2
    exit 1
  fi
done
"$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -q -c "CREATE ROLE irtui LOGIN PASSWORD 'irtui' CREATEDB" >&2
"$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -q -c "CREATE DATABASE ${URL_TAIL} OWNER irtui" >&2
echo "PostgreSQL on 127.0.0.1:${PORT}, data in ${BASE}; stop it: bash .ci/stop-postgres.sh ${BASE}" >&2
echo "postgresql://irtui:irtui@127.0.0.1:${PORT}/${URL_TAIL}"
