#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the demo and the tests, from Debian's `postgresql` package.
#
#   scripts/pg.sh start   set up (first time) and start; prints the environment to export
#   scripts/pg.sh env     prints that environment again (eval "$(scripts/pg.sh env)")
#   scripts/pg.sh stop    stops the server
#   scripts/pg.sh destroy stops it and deletes its data
#
# The cluster lives in .pg/ (git-ignored). It listens on 127.0.0.1 and on a unix socket in .pg/run, on port
# ${RG_PG_PORT:-55432} — or, when that port is taken (another checkout's server, say), on the next free one, which is
# written into the cluster's config and into .pg/port, and printed by `env`. The role `rgcrm` (CREATEDB, CREATEROLE,
# not a superuser, so row-level security applies to it) owns database `rgcrm`; its random password is written to
# .pg/pgpass (mode 600) and found by libpq through PGPASSFILE, so it is never printed. As root, the server runs as the
# `postgres` user.
#
# Set-up is a series of steps that each check before they act (cluster, port, server, role and password, database),
# and .pg/ready is written only after the last: a set-up that was interrupted anywhere is finished by the next
# `start`, never left half done.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
link="$root/.pg"
# The cluster's folder: .pg itself, or where its link points (see place_cluster). Every path the server is given is
# this real one: the server user could not follow a link under /root.
dir=$(readlink -f "$link" 2>/dev/null || echo "$link")
# shellcheck source=scripts/lib/ports.sh
. "$root/scripts/lib/ports.sh"
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -x "$bindir/pg_ctl" ] || { echo "pg.sh: PostgreSQL server binaries not found; install Debian's postgresql package" >&2; exit 2; }

as_owner() {
  # From /: the server user may not be able to enter the working folder (a repository under /root).
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

admin_user() { if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi; }

# The cluster's port: the one recorded at set-up, else the one asked for.
port() { if [ -f "$dir/port" ]; then cat "$dir/port"; else echo "${RG_PG_PORT:-55432}"; fi; }

print_env() {
  local port
  port=$(port)
  cat <<ENV
export DATABASE_URL='postgresql://rgcrm@127.0.0.1:$port/rgcrm'
export PGPASSFILE='$dir/pgpass'
export RG_PG_ADMIN_URL='postgresql:///postgres?host=$dir/run&port=$port&user=$(admin_user)'
ENV
}

running() { [ -f "$dir/data/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; }

# Makes sure the cluster's port is free before the server starts on it: another server there (another checkout's)
# would make our start fail. Takes the next free port, records it and says so.
choose_port() {
  local wanted candidate
  wanted=$(port)
  candidate=$(first_free_port pg.sh "$wanted") || exit 1
  if [ "$candidate" != "$wanted" ]; then
    echo "pg.sh: port $wanted is taken; using $candidate (recorded in $dir/port)" >&2
  fi
  # The port lives in a file of its own that postgresql.conf includes last; .pg/port is what `env` prints.
  grep -qxF "include_if_exists = 'rg-crm-port.conf'" "$dir/data/postgresql.conf" ||
    echo "include_if_exists = 'rg-crm-port.conf'" >>"$dir/data/postgresql.conf"
  echo "port = $candidate" | as_owner tee "$dir/data/rg-crm-port.conf" >/dev/null
  echo "$candidate" >"$dir/port.tmp" && mv "$dir/port.tmp" "$dir/port"
}

# Starts the server; non-zero when it did not start (the server log says why).
pg_start() {
  mkdir -p "$dir/run" && { [ "$(id -u)" != 0 ] || chown postgres:postgres "$dir/run"; }
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null 2>&1
}

admin_psql() {
  as_owner "$bindir/psql" -X -q -h "$dir/run" -p "$(port)" -U "$(admin_user)" -d postgres -v ON_ERROR_STOP=1 "$@"
}

# The role and database, made or repaired: the role gets the password in .pg/pgpass (a new one if there is none).
ensure_role_and_database() {
  if [ ! -s "$dir/pgpass" ]; then
    (umask 077 && printf '*:*:*:rgcrm:%s\n' "$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" >"$dir/pgpass.tmp")
    mv "$dir/pgpass.tmp" "$dir/pgpass"
  fi
  chmod 600 "$dir/pgpass"
  # The password reaches psql on standard input, never on a command line that `ps` would show.
  { printf '\\set pw %s\n' "$(cut -d: -f5- "$dir/pgpass")"
    cat <<'SQL'
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rgcrm') AS missing \gset
\if :missing
CREATE ROLE rgcrm LOGIN CREATEDB CREATEROLE;
\endif
ALTER ROLE rgcrm LOGIN CREATEDB CREATEROLE PASSWORD :'pw';
SELECT NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'rgcrm') AS missing \gset
\if :missing
CREATE DATABASE rgcrm OWNER rgcrm;
\endif
SQL
  } | admin_psql -f - >/dev/null
}

# As root, the server user must reach the cluster's folder. A repository it cannot reach (one under /root) gets
# the folder in /var/tmp instead, behind the link .pg: made here, by us, as a real folder — a name someone planted
# there (a link to another folder, a folder of someone else's) is refused, never chowned or later deleted.
place_cluster() {
  [ -L "$link" ] || mkdir -p "$link"
  [ "$(id -u)" = 0 ] || return 0
  if [ ! -L "$link" ]; then
    chown postgres:postgres "$link"
    runuser -u postgres -- test -w "$link/." && return 0
    rmdir "$link" 2>/dev/null || { echo "pg.sh: the server user cannot reach $link, and it is not empty" >&2; exit 1; }
  fi
  local alt
  alt="/var/tmp/rg-crm-pg-$(echo "$root" | md5sum | cut -c1-12)"
  if [ ! -e "$alt" ] && [ ! -L "$alt" ]; then
    mkdir -m 700 "$alt" && chown postgres:postgres "$alt"
  fi
  if [ -L "$alt" ] || [ ! -d "$alt" ] || [ "$(stat -c %U "$alt")" != postgres ]; then
    echo "pg.sh: $alt is not a folder of the postgres user made by pg.sh; remove it and run again" >&2
    exit 1
  fi
  [ "$(readlink "$link" 2>/dev/null)" = "$alt" ] || ln -sfn "$alt" "$link"
}

start() {
  place_cluster
  dir=$(readlink -f "$link")
  if running && [ -f "$dir/ready" ]; then
    echo "# PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$(port) (data in $dir)" >&2
    print_env
    return
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    # initdb writes into data.new, renamed to data only once complete: a set-up killed midway leaves no half cluster.
    rm -rf "$dir/data" "$dir/data.new" "$dir/ready"
    as_owner "$bindir/initdb" -D "$dir/data.new" -U "$(admin_user)" --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    cat >>"$dir/data.new/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/run'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    mv "$dir/data.new" "$dir/data"
  fi
  # Another fresh checkout may take the same free port between our check and our server's bind: try the next.
  local attempt=0
  until running; do
    choose_port
    pg_start && break
    attempt=$((attempt + 1))
    [ "$attempt" -lt 5 ] && grep -q "Address already in use\|could not create any TCP/IP sockets" "$dir/server.log" || {
      echo "pg.sh: PostgreSQL did not start; the end of $dir/server.log:" >&2
      tail -n 5 "$dir/server.log" >&2
      exit 1
    }
    : >"$dir/server.log"
  done
  ensure_role_and_database
  touch "$dir/ready"
  echo "# PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$(port) (data in $dir)" >&2
  print_env
}

case "${1:-start}" in
  start) start ;;
  env) print_env ;;
  stop) running && as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null; echo "stopped" >&2 ;;
  destroy)
    # Through the link only to the folder place_cluster made: a link swapped in behind it is not followed.
    if [ -L "$link" ] && { [ -L "$(readlink "$link")" ] || [ ! -d "$(readlink "$link")" ]; }; then
      echo "pg.sh: $link points to $(readlink "$link"), which is not the cluster folder pg.sh made; not removing it" >&2
      exit 1
    fi
    running && as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
    rm -rf "$dir" "$link"
    echo "destroyed" >&2 ;;
  *) echo "usage: scripts/pg.sh start|env|stop|destroy" >&2; exit 2 ;;
esac
