#!/usr/bin/env bash
# A throwaway Redis for the demo and the tests, from Debian's `redis-server` package.
#
#   scripts/redis.sh start   set up (first time) and start; prints the environment to export
#   scripts/redis.sh env     prints that environment again (eval "$(scripts/redis.sh env)")
#   scripts/redis.sh stop    stops the server
#   scripts/redis.sh destroy stops it and deletes its data
#
# The instance lives in .redis/ (git-ignored). It listens on 127.0.0.1 only (no unix socket, protected mode on), on
# port ${RG_REDIS_PORT:-56379} — or, when that port is taken, on the next free one, recorded in .redis/port. The
# default user's password is random, written to .redis/password (mode 600) and read from there by rg-crm and the
# tests through REDIS_PASSWORD_FILE: it is never printed and never on a command line.
#
# Set-up is a series of steps that each check before they act, and .redis/ready is written only after the server
# answers an authenticated PING: a set-up that was interrupted anywhere is finished by the next `start`.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.redis"
server=$(command -v redis-server || true)
# shellcheck source=scripts/lib/ports.sh
. "$root/scripts/lib/ports.sh"
[ -x "$server" ] || { echo "redis.sh: redis-server not found; install Debian's redis-server package" >&2; exit 2; }

port() { if [ -f "$dir/port" ]; then cat "$dir/port"; else echo "${RG_REDIS_PORT:-56379}"; fi; }

print_env() {
  cat <<ENV
export REDIS_URL='redis://127.0.0.1:$(port)'
export REDIS_PASSWORD_FILE='$dir/password'
ENV
}

pid() { [ -f "$dir/redis.pid" ] && cat "$dir/redis.pid"; }
running() { local p; p=$(pid) && [ -n "$p" ] && kill -0 "$p" 2>/dev/null && grep -q redis "/proc/$p/comm" 2>/dev/null; }

choose_port() {
  local wanted candidate
  wanted=$(port)
  candidate=$(first_free_port redis.sh "$wanted") || exit 1
  [ "$candidate" = "$wanted" ] || echo "redis.sh: port $wanted is taken; using $candidate (recorded in $dir/port)" >&2
  echo "$candidate" >"$dir/port.tmp" && mv "$dir/port.tmp" "$dir/port"
}

# The password, made once. The server reads it from an included config file (mode 600), not from its arguments.
ensure_password() {
  if [ ! -s "$dir/password" ]; then
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$dir/password.tmp")
    mv "$dir/password.tmp" "$dir/password"
  fi
  chmod 600 "$dir/password"
  (umask 077 && printf 'requirepass %s\n' "$(cat "$dir/password")" >"$dir/auth.conf.tmp")
  mv "$dir/auth.conf.tmp" "$dir/auth.conf"
}

# Redis reads a quoted string with C-like escapes: a path with a space, a quote or a backslash stays one argument.
quoted() { local text=${1//\\/\\\\}; printf '"%s"' "${text//\"/\\\"}"; }

write_config() {
  cat >"$dir/redis.conf.tmp" <<CONF
bind 127.0.0.1
protected-mode yes
port $(port)
unixsocket ""
daemonize yes
pidfile $(quoted "$dir/redis.pid")
logfile $(quoted "$dir/server.log")
dir $(quoted "$dir/data")
save ""
appendonly no
include $(quoted "$dir/auth.conf")
CONF
  mv "$dir/redis.conf.tmp" "$dir/redis.conf"
}

# An authenticated PING; the password goes through the environment (REDISCLI_AUTH), never argv.
answers() {
  REDISCLI_AUTH=$(cat "$dir/password") redis-cli -h 127.0.0.1 -p "$(port)" --no-auth-warning ping 2>/dev/null | grep -q PONG
}

start() {
  mkdir -p "$dir/data"
  chmod 700 "$dir"
  if running && [ -f "$dir/ready" ] && answers; then
    echo "# Redis $("$server" --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$(port) (data in $dir)" >&2
    print_env
    return
  fi
  rm -f "$dir/ready"
  ensure_password
  local attempt=0
  until running; do
    choose_port
    write_config
    : >"$dir/server.log"
    "$server" "$dir/redis.conf" && for _ in $(seq 50); do running && break; sleep 0.1; done
    running && break
    attempt=$((attempt + 1))
    [ "$attempt" -lt 5 ] || { echo "redis.sh: Redis did not start; the end of $dir/server.log:" >&2; tail -n 5 "$dir/server.log" >&2; exit 1; }
  done
  for _ in $(seq 50); do answers && break; sleep 0.1; done
  answers || { echo "redis.sh: Redis does not answer an authenticated PING; see $dir/server.log" >&2; exit 1; }
  touch "$dir/ready"
  echo "# Redis $("$server" --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$(port) (data in $dir)" >&2
  print_env
}

stop() {
  if running; then
    local p
    p=$(pid)
    kill "$p"
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  fi
}

case "${1:-start}" in
  start) start ;;
  env) print_env ;;
  stop) stop; echo "stopped" >&2 ;;
  destroy) stop; rm -rf "$dir"; echo "destroyed" >&2 ;;
  *) echo "usage: scripts/redis.sh start|env|stop|destroy" >&2; exit 2 ;;
esac
