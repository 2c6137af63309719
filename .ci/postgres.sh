#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1 for the storage tests.
#
#   . .ci/postgres.sh              start one (or reuse the running one) and export
#                                  SUPPORTBOT_TEST_POSTGRES_URL; defines supportbot_pg_stop
#   eval "$(bash .ci/postgres.sh)" the same from any shell: prints the export line
#   bash .ci/postgres.sh stop      stop it and delete its files (supportbot_pg_stop does this too)
#
# Without PostgreSQL's server binaries it installs Debian's `postgresql` package (as root). The
# server runs as an unprivileged user (initdb refuses root), keeps its files in
# $SUPPORTBOT_TEST_PG_DIR (default /tmp/supportbot-test-pg), listens only on loopback with a
# random password, and trades durability for speed (fsync off): test data only.
# Sourcing leaves the caller's shell options alone; failures return non-zero.

_supportbot_pg_dir() {
  echo "${SUPPORTBOT_TEST_PG_DIR:-${TMPDIR:-/tmp}/supportbot-test-pg}"
}

_supportbot_pg_bin() {
  local found
  found=$(command -v pg_ctl 2>/dev/null || true)
  if [ -z "$found" ]; then
    found=$(ls -d /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -n 1 || true)
  fi
  [ -n "$found" ] || return 1
  found=$(dirname "$(readlink -f "$found")")
  [ -x "$found/initdb" ] && [ -x "$found/postgres" ] && echo "$found"
}

# Run a command as the server's owner: ourselves, or `postgres` when we are root.
_supportbot_pg_as_owner() {
  if [ "$(id -u)" != "0" ]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u postgres -- "$@"
  else
    su -s /bin/sh postgres -c "$(printf '%q ' "$@")"
  fi
}

# Prints the URL of a running server, starting one if needed. Runs in a subshell.
_supportbot_pg_start() (
  set -euo pipefail
  dir=$(_supportbot_pg_dir)

  bin=$(_supportbot_pg_bin || true)
  if [ -z "$bin" ]; then
    echo "postgres.sh: installing PostgreSQL from Debian's packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >&2
    bin=$(_supportbot_pg_bin) || { echo "postgres.sh: no pg_ctl after install" >&2; exit 1; }
  fi

  if [ -f "$dir/url" ] && _supportbot_pg_as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
  then
    echo "postgres.sh: reusing the server in $dir" >&2
    cat "$dir/url"
    exit 0
  fi

  if [ "$(id -u)" = "0" ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin postgres
  fi
  # A stale folder (a server that died, a half-made cluster): start again from nothing.
  if [ -d "$dir/data" ]; then
    _supportbot_pg_as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  chmod 700 "$dir"
  if [ "$(id -u)" = "0" ]; then chown postgres "$dir"; fi
  if ! _supportbot_pg_as_owner test -w "$dir"; then
    echo "postgres.sh: the server's user cannot write $dir; set SUPPORTBOT_TEST_PG_DIR" >&2
    exit 1
  fi

  password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  _supportbot_pg_as_owner sh -c "umask 077 && echo '$password' > '$dir/password'"
  # md5, not scram-sha-256: a connection with SCRAM cost the test process 4.1 ms of CPU, with
  # md5 0.8 ms (libpq's 4096 rounds of PBKDF2), and the suite opens about 1,400 (its
  # pg_stat_database.sessions). Still a password, on loopback only, for a server that lives as
  # long as the tests.
  _supportbot_pg_as_owner "$bin/initdb" -D "$dir/data" -U supportbot --pwfile="$dir/password" \
    --auth-local=trust --auth-host=md5 -E UTF8 --locale=C --no-sync >/dev/null
  rm -f "$dir/password"

  for attempt in 1 2 3; do
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if _supportbot_pg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null; then
      break
    fi
    echo "postgres.sh: start on port $port failed (attempt $attempt); see $dir/server.log" >&2
    [ "$attempt" = 3 ] && { tail -n 20 "$dir/server.log" >&2; exit 1; }
  done

  _supportbot_pg_as_owner "$bin/createdb" -h "$dir" -p "$port" -U supportbot supportbot_test
  # initdb stored the password as a SCRAM verifier, which md5 would still answer with SCRAM.
  _supportbot_pg_as_owner "$bin/psql" -h "$dir" -p "$port" -U supportbot -d supportbot_test \
    -qX -v ON_ERROR_STOP=1 >/dev/null <<SQL
SET password_encryption = 'md5';
ALTER ROLE supportbot PASSWORD '$password';
SQL
  url="postgresql://supportbot:$password@127.0.0.1:$port/supportbot_test"
  echo "$url" > "$dir/url"
  chmod 600 "$dir/url"
  echo "postgres.sh: PostgreSQL ready on 127.0.0.1:$port (files in $dir)" >&2
  echo "$url"
)

supportbot_pg_stop() {
  local dir bin
  dir=$(_supportbot_pg_dir)
  bin=$(_supportbot_pg_bin || true)
  if [ -n "$bin" ] && [ -d "$dir/data" ]; then
    _supportbot_pg_as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$dir"
  unset SUPPORTBOT_TEST_POSTGRES_URL
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # Sourced: export into the caller's shell. (Not `if url=$(...)`: in an if condition bash
  # would ignore the start's `set -e`.)
  _supportbot_pg_url=$(_supportbot_pg_start)
  _supportbot_pg_status=$?
  if [ "$_supportbot_pg_status" = 0 ]; then
    export SUPPORTBOT_TEST_POSTGRES_URL="$_supportbot_pg_url"
  else
    echo "postgres.sh: could not start PostgreSQL" >&2
  fi
  unset _supportbot_pg_url
  return "$_supportbot_pg_status"
fi

case "${1:-start}" in
  start)
    url=$(_supportbot_pg_start)
    status=$?
    [ "$status" = 0 ] || { echo "postgres.sh: could not start PostgreSQL" >&2; exit "$status"; }
    printf 'export SUPPORTBOT_TEST_POSTGRES_URL=%q\n' "$url"
    ;;
  stop) supportbot_pg_stop ;;
  *) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac
