#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests.
#
#   scripts/pg-test-cluster.sh start DIR   # creates + starts it, writes DIR/url
#   scripts/pg-test-cluster.sh stop DIR    # stops it and removes DIR
#
# The cluster listens on 127.0.0.1 on a free port (never 5432) and on a unix
# socket inside DIR, trusts local connections, keeps fsync on, and has the
# database hujiao_test. DIR/url holds postgresql://postgres@127.0.0.1:PORT/hujiao_test.
# Both commands are idempotent. initdb refuses to run as root, so as root the
# cluster runs as the `postgres` system user (created if missing).
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
MARKER=.hujiao-pg-test

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}

[[ $# -eq 2 ]] || usage
cmd=$1
dir=$2
[[ -n "$dir" && "$dir" != "/" ]] || usage
dir=$(realpath -m -- "$dir")

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

is_running() {
  [[ -f "$dir/data/PG_VERSION" ]] && as_owner "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

free_port() {
  /usr/bin/python3 - <<'EOF'
import socket
while True:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    if port != 5432:
        print(port)
        break
EOF
}

stop_cluster() {
  if [[ ! -e "$dir" ]]; then
    return 0
  fi
  if [[ ! -e "$dir/$MARKER" ]]; then
    echo "$0: $dir is not a test cluster directory (no $MARKER); not touching it" >&2
    exit 1
  fi
  if is_running; then
    as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 20 stop >/dev/null
  fi
  rm -rf -- "$dir"
}

start_cluster() {
  if is_running && [[ -s "$dir/url" ]]; then
    cat "$dir/url"
    return 0
  fi
  # A leftover from a crashed run: start over.
  stop_cluster
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
  mkdir -p "$dir"
  touch "$dir/$MARKER"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres:postgres "$dir"
  fi
  as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  local port attempt
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 20 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on -c max_connections=200 -c shared_buffers=64MB" \
      start >/dev/null; then
      break
    fi
    echo "$0: start on port $port failed (attempt $attempt); retrying" >&2
    port=""
  done
  if [[ -z "$port" ]]; then
    cat "$dir/data/server.log" >&2 || true
    exit 1
  fi
  as_owner "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres hujiao_test
  echo "postgresql://postgres@127.0.0.1:$port/hujiao_test" >"$dir/url"
  cat "$dir/url"
}

case "$cmd" in
  start) start_cluster ;;
  stop) stop_cluster ;;
  *) usage ;;
esac
