#!/usr/bin/env bash
# What the jwt policy (RS256) costs, measured in one run against the no-policy route:
#
#   bench/jwt.sh
#
#   /bench    no policy                                   (the reference)
#   /jbench   jwt, one token reused by every request      (verified once, then from the verified-token cache)
#   /jvbench  jwt with cacheSize: 0                       (every request verified: what distinct tokens cost)
#
# Every request carries the same Authorization header, so the three routes read the same bytes.
# wrk runs against each route in turn (A B C A B C ...), ROUNDS times, after a WARMUP run each;
# prints the median requests/s, its ratio to /bench, and the gateway's CPU time per request
# (user + system, from /proc). Uses the backend of ../shared/bench (nginx on :9901), which it
# starts; builds the distribution if needed; starts Portico on 127.0.0.1:9910 with
# bench/portico-bench.yaml, and stops it at the end.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
harness=${HARNESS:-$root/../shared/bench}
rounds=${ROUNDS:-3}
duration=${DURATION:-10s}
warmup=${WARMUP:-20s}
conns=${CONNS:-64}
out=${OUT_DIR:-/tmp/gwbench/portico-jwt}
token=$(tr -d '\n' <"$here/jwt-token.txt")

dist=$root/distribution/target/portico
if [ ! -x "$dist/bin/portico" ]; then
  (cd "$root" && ./mvnw -B -q package -DskipTests)
fi
(cd "$harness" && ./backend.sh start)

mkdir -p "$out"
JAVA_OPTS="-Xms512m -Xmx512m -XX:+UseG1GC" PORTICO_BENCH_INSTANCES=${INSTANCES:-1} \
  "$dist/bin/portico" run --config "$here/portico-bench.yaml" --data-dir /tmp/gwbench/portico-data >"$out/portico.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf -o /dev/null -H "Authorization: Bearer $token" http://127.0.0.1:9910/jbench/x && break
  sleep 0.2
done
for path in bench jbench jvbench; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:9910/$path/x")
  [ "$code" = 200 ] || { echo "/$path/x answered $code; see $out/portico.log" >&2; exit 1; }
done

ticks() { # user + system CPU ticks of the gateway, all threads
  local s
  s=$(cat "/proc/$pid/stat")
  s=${s##*) }
  # shellcheck disable=SC2086
  set -- $s
  echo $(( ${12} + ${13} ))
}
clk=$(getconf CLK_TCK)

run() { # route label round -> "rps cpu_us_per_request"
  local before after file requests rps
  file=$out/$2-$3.txt
  before=$(ticks)
  wrk -t1 -c"$conns" -d"$duration" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:9910/$1/x" >"$file"
  after=$(ticks)
  requests=$(awk '/requests in/ {print $1}' "$file")
  rps=$(awk '/^Requests\/sec/ {print $2}' "$file")
  grep -q 'Non-2xx' "$file" && { echo "/$1: non-2xx answers, see $file" >&2; exit 1; }
  awk -v r="$rps" -v n="$requests" -v t=$((after - before)) -v c="$clk" 'BEGIN { printf "%s %.1f\n", r, t / c * 1e6 / n }'
}

routes=(bench jbench jvbench)
labels=(no-policy jwt-reused-token jwt-every-request-verified)
for i in 0 1 2; do wrk -t1 -c"$conns" -d"$warmup" -H "Authorization: Bearer $token" "http://127.0.0.1:9910/${routes[$i]}/x" >/dev/null; done
: >"$out/results.tsv"
for r in $(seq 1 "$rounds"); do
  for i in 0 1 2; do
    echo "${labels[$i]} $(run "${routes[$i]}" "${labels[$i]}" "$r")" >>"$out/results.tsv"
    sleep 1
  done
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
base=$(awk '$1 == "no-policy" { print $2 }' "$out/results.tsv" | median)
base_cpu=$(awk '$1 == "no-policy" { print $3 }' "$out/results.tsv" | median)
printf '%-28s %10s %8s %14s %18s\n' target 'req/s' ratio 'CPU us/req' 'CPU us/req extra'
for l in "${labels[@]}"; do
  rps=$(awk -v l="$l" '$1 == l { print $2 }' "$out/results.tsv" | median)
  cpu=$(awk -v l="$l" '$1 == l { print $3 }' "$out/results.tsv" | median)
  awk -v l="$l" -v r="$rps" -v b="$base" -v c="$cpu" -v bc="$base_cpu" \
    'BEGIN { printf "%-28s %10.0f %8.2f %14.1f %18.1f\n", l, r, r / b, c, c - bc }'
done
echo "raw wrk output: $out"
