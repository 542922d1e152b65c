#!/usr/bin/env bash
# The web server under load: wrk with 64 connections for 10 s against
# /async, then /blocking, on one `loopscope serve`. Prints each one's
# requests per second and latency percentiles, and the ratio between them,
# measured in this one run. Fails if wrk reports any socket error.
#
#   bench/http_load.sh build/loopscope [seconds]
set -euo pipefail

binary=${1:?usage: bench/http_load.sh path/to/loopscope [seconds]}
seconds=${2:-10}
delay=10ms
log=$(mktemp)
trap 'kill -TERM "$server" 2>/dev/null || true; rm -f "$log" "$log".*' EXIT

"$binary" serve --port 0 --delay "$delay" --pool 4 >"$log" 2>&1 &
server=$!
for _ in $(seq 100); do
  grep -q '^serving on' "$log" && break
  sleep 0.05
done
address=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1)
[[ -n $address ]] || { echo "the server did not start:"; cat "$log"; exit 1; }

echo "wrk: 64 connections, 2 threads, ${seconds}s per route; every route's database call takes $delay"
errors=0
for route in /async /blocking; do
  out="$log.${route#/}"
  # Behind a blocking handler a request waits for every other connection's
  # turn (64 x 10 ms, and more when the loop's queue is unfair): the timeout
  # is 10 s so that slow answers are measured, not counted as errors.
  wrk -t2 -c64 -d"${seconds}s" --timeout 10s --latency "$address$route" >"$out"
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p50=$(awk '$1 == "50%" {print $2}' "$out")
  p90=$(awk '$1 == "90%" {print $2}' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  socket=$(grep 'Socket errors' "$out" || true)
  printf '  %-10s %9s requests/s   latency p50 %8s  p90 %8s  p99 %8s   socket errors: %s\n' \
    "$route" "$rps" "$p50" "$p90" "$p99" "${socket:-none}"
  [[ -z $socket ]] || errors=1
  declare "rps_${route#/}=$rps"
done
awk -v a="$rps_async" -v b="$rps_blocking" \
  'BEGIN { printf "  /async served %.1fx the requests of /blocking (one loop; a blocking handler serialises it)\n", a / b }'

kill -TERM "$server"
wait "$server"
echo
sed -n '/^served for/,$p' "$log"
exit "$errors"
