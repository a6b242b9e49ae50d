#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the demo and the tests, from Debian's `postgresql` package.
#
#   scripts/pg.sh start   initdb (first time) and start; prints the environment to export
#   scripts/pg.sh env     prints that environment again (eval "$(scripts/pg.sh env)")
#   scripts/pg.sh stop    stops the server
#   scripts/pg.sh destroy stops it and deletes its data
#
# The cluster lives in .pg/ (git-ignored). It listens on 127.0.0.1:${RG_PG_PORT:-55432} and on a unix socket
# in .pg/run. The role `rgcrm` (CREATEDB, CREATEROLE, not a superuser, so row-level security applies to it)
# owns database `rgcrm`; its random password is written to .pg/pgpass (mode 600) and found by libpq through
# PGPASSFILE, so it is never printed. As root, the server runs as the `postgres` user.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.pg"
port="${RG_PG_PORT:-55432}"
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -x "$bindir/pg_ctl" ] || { echo "pg.sh: PostgreSQL server binaries not found; install Debian's postgresql package" >&2; exit 2; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

print_env() {
  cat <<ENV
export DATABASE_URL='postgresql://rgcrm@127.0.0.1:$port/rgcrm'
export PGPASSFILE='$dir/pgpass'
export RG_PG_ADMIN_URL='postgresql:///postgres?host=$dir/run&port=$port&user=$(admin_user)'
ENV
}

admin_user() { if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi; }

# Starts the server; on failure shows why (the server log's last lines) and exits non-zero.
pg_start() {
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null 2>&1 || {
    echo "pg.sh: PostgreSQL did not start; the end of $dir/server.log:" >&2
    tail -n 5 "$dir/server.log" >&2
    exit 1
  }
}

running() { [ -f "$dir/data/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; }

start() {
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$dir"
    # The server user must reach the folder; a repository under /root is not reachable, so the data goes elsewhere.
    if ! runuser -u postgres -- test -w "$dir"; then
      alt="/var/tmp/rg-crm-pg-$(echo "$root" | md5sum | cut -c1-12)"
      mkdir -p "$alt" && chown postgres:postgres "$alt"
      rmdir "$dir" 2>/dev/null || true
      ln -sfn "$alt" "$dir"
    fi
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    umask 077
    head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$dir/.password"
    printf '*:*:*:rgcrm:%s\n' "$(cat "$dir/.password")" > "$dir/pgpass"
    chmod 600 "$dir/pgpass"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir/.password"
    as_owner "$bindir/initdb" -D "$dir/data" -U "$(admin_user)" --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    mkdir -p "$dir/run" && [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir/run"
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/run'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    pg_start
    as_owner "$bindir/psql" -X -q -h "$dir/run" -p "$port" -U "$(admin_user)" -d postgres -v ON_ERROR_STOP=1 \
      -v pw="$(cat "$dir/.password")" <<'SQL'
CREATE ROLE rgcrm LOGIN CREATEDB CREATEROLE PASSWORD :'pw';
CREATE DATABASE rgcrm OWNER rgcrm;
SQL
    rm -f "$dir/.password"
  elif ! running; then
    mkdir -p "$dir/run" && [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir/run"
    pg_start
  fi
  echo "# PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir)" >&2
  print_env
}

case "${1:-start}" in
  start) start ;;
  env) print_env ;;
  stop) running && as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null; echo "stopped" >&2 ;;
  destroy) running && as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null; rm -rf "$(readlink -f "$dir")" "$dir"; echo "destroyed" >&2 ;;
  *) echo "usage: scripts/pg.sh start|env|stop|destroy" >&2; exit 2 ;;
esac
