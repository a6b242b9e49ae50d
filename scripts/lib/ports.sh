# Sourced by scripts/pg.sh and scripts/redis.sh: finding a free TCP port on 127.0.0.1 for a throwaway server.

# Whether nothing listens on 127.0.0.1:$1: bound as the servers bind it (SO_REUSEADDR), so the TIME_WAIT left by a
# server's own last run does not count as taken.
port_free() {
  python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PY
}

# first_free_port SCRIPT WANTED: prints the first free port from WANTED up to WANTED+200, or fails (saying so as
# SCRIPT on standard error) when none is free.
first_free_port() {
  local script=$1 wanted=$2 candidate=$2
  while ! port_free "$candidate"; do
    candidate=$((candidate + 1))
    [ "$candidate" -le $((wanted + 200)) ] || { echo "$script: no free port in $wanted-$((wanted + 200))" >&2; return 1; }
  done
  echo "$candidate"
}
