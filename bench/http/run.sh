#!/usr/bin/env bash
# HTTP API benchmark: starts hujiaod (an optimised build) on a temporary SQLite
# store, logs in, creates 100 users, then runs wrk with keep-alive against an
# authenticated list endpoint and prints requests/s and p99 latency.
#
#   bench/http/run.sh [path/to/hujiaod]     (default: $HUJIAOD or build/release/src/app/hujiaod)
#   env: DURATION=10s CONNECTIONS=32 THREADS=1 (wrk), HTTP_THREADS=2 (server pool), URL_PATH=...
#
# Nothing writes to the store during the run, so after the first request the
# users list is answered from its response cache (routes_users.cpp; any store
# write invalidates it): this measures the HTTP path, auth and the cache. The
# uncached path (database + JSON) is what every read after a write pays.
set -euo pipefail

HUJIAOD=${1:-${HUJIAOD:-build/release/src/app/hujiaod}}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
HTTP_THREADS=${HTTP_THREADS:-2}
URL_PATH=${URL_PATH:-/api/v1/users?limit=20}
[[ -x "$HUJIAOD" ]] || { echo "no hujiaod at $HUJIAOD (build it: cmake -DCMAKE_BUILD_TYPE=Release ...)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed (Debian package wrk)" >&2; exit 2; }

work=$(mktemp -d /tmp/hujiao-bench-http.XXXXXX)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/hujiao.yaml" <<YAML
node:
  data_dir: "$work/var"
  demo_data: true
store:
  url: "sqlite:$work/hujiao.db"
http:
  listen: 127.0.0.1
  port: $port
  threads: $HTTP_THREADS
log:
  level: warn
YAML
HUJIAO_ADMIN_PASSWORD=bench-admin-pass "$HUJIAOD" --config "$work/hujiao.yaml" >"$work/hujiaod.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

base="http://127.0.0.1:$port"
for _ in $(seq 1 200); do
  curl -fs "$base/healthz" >/dev/null 2>&1 && break
  sleep 0.05
done
token=$(curl -fs -H 'Content-Type: application/json' -d '{"username":"admin","password":"bench-admin-pass"}' \
  "$base/api/v1/auth/login" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
pids=()
for i in $(seq 1 100); do
  curl -fs -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"username\":\"bench$i\",\"password\":\"bench-pass-$i\",\"display_name\":\"Bench User $i\",\"email\":\"bench$i@example.com\"}" \
    "$base/api/v1/users" &
  pids+=($!)
  if (( i % 8 == 0 )); then wait "${pids[@]}"; pids=(); fi
done
(( ${#pids[@]} == 0 )) || wait "${pids[@]}"
echo "hujiaod $HUJIAOD, pool threads $HTTP_THREADS; wrk -t$THREADS -c$CONNECTIONS -d$DURATION GET $URL_PATH"
bytes=$(curl -fs -H "Authorization: Bearer $token" "$base$URL_PATH" | wc -c)
echo "response size: $bytes bytes"
# Warm-up, then the measured run.
wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -H "Authorization: Bearer $token" "$base$URL_PATH" >/dev/null
out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $token" "$base$URL_PATH")
echo "$out"
rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
echo
echo "RESULT: ${rps} requests/s, p99 ${p99}${non2xx:+, NON-2XX: $non2xx} (target: >= 20000 req/s, p99 < 5ms)"
