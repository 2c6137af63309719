#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on 127.0.0.1 for the storage tests, and export
# SUPPORTBOT_TEST_POSTGRES_URL. Source it (". .ci/postgres.sh") so the variable reaches pytest.
# On a machine without PostgreSQL it installs Debian's package (needs root and the registry).
# Stop it with: supportbot_pg_stop
set -eu

_pg_bin() {
  local found
  found=$(command -v initdb 2>/dev/null || true)
  if [ -z "$found" ]; then
    found=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
  fi
  [ -n "$found" ] && dirname "$(readlink -f "$found")"
}

PG_BIN=$(_pg_bin || true)
if [ -z "${PG_BIN:-}" ]; then
  echo "postgres.sh: installing PostgreSQL from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  PG_BIN=$(_pg_bin)
fi

# initdb refuses to run as root: run the server as the unprivileged postgres user when root.
PG_USER=$(id -un)
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  PG_USER=postgres
fi
_as_pg() {
  if [ "$PG_USER" = "$(id -un)" ]; then "$@"; else runuser -u "$PG_USER" -- "$@"; fi
}

PGDATA_DIR=$(mktemp -d /tmp/supportbot-pg.XXXXXX)
chown "$PG_USER" "$PGDATA_DIR"
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

_as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR/data" -U supportbot --auth=trust -E UTF8 --no-locale >/dev/null
_as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR/data" -l "$PGDATA_DIR/server.log" -w \
  -o "-h 127.0.0.1 -p $PG_PORT -k $PGDATA_DIR -c fsync=off -c full_page_writes=off" start >/dev/null
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U supportbot supportbot_test

supportbot_pg_stop() {
  _as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR/data" -m fast stop >/dev/null
}

export SUPPORTBOT_TEST_POSTGRES_URL="postgresql://supportbot@127.0.0.1:$PG_PORT/supportbot_test"
export SUPPORTBOT_TEST_PGDATA="$PGDATA_DIR/data"
echo "postgres.sh: PostgreSQL ready at $SUPPORTBOT_TEST_POSTGRES_URL"
set +eu
