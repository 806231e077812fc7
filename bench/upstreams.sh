#!/usr/bin/env bash
# Upstreams: a route to one URL against lb:// over three targets, and over three targets with
# passive and active health checks, in one run of ../shared/bench/compare.sh with the nginx and
# raw Vert.x proxy anchors (see docs/BENCHMARKS.md).
#
#   bench/upstreams.sh [get|post1k]
#
# The three targets are one nginx worker listening on 9931, 9932 and 9933 (the harness backend's
# configuration with two more ports), so one URL and three targets cost the backend the same.
# Results: $OUT_DIR (default /tmp/gwbench/upstreams-<mode>).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
harness=${HARNESS:-$root/../shared/bench}
mode=${1:-get}
out=${OUT_DIR:-/tmp/gwbench/upstreams-$mode}
dist=$root/distribution/target/portico
[ -x "$dist/bin/portico" ] || (cd "$root" && ./mvnw -B -q package -DskipTests)

fleet=/tmp/gwbench/fleet
mkdir -p "$fleet/tmp"
sed -e "s|@DIR@|$fleet|g" \
    -e 's|listen 127.0.0.1:@PORT@ backlog=4096;|listen 127.0.0.1:9931 backlog=4096; listen 127.0.0.1:9932 backlog=4096; listen 127.0.0.1:9933 backlog=4096;|' \
    "$harness/conf/backend-nginx.conf" >"$fleet/nginx.conf"
nginx -p "$fleet" -e "$fleet/error.log" -c "$fleet/nginx.conf"

cd "$harness"
./backend.sh start
./anchor.sh start nginx
./anchor.sh start vertx-proxy

log=/tmp/gwbench/portico-upstreams.log
JAVA_OPTS="-Xms512m -Xmx512m -XX:+UseG1GC" PORTICO_BENCH_INSTANCES=1 \
  "$dist/bin/portico" run --config "$here/portico-upstreams.yaml" --data-dir /tmp/gwbench/portico-upstreams-data >"$log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; nginx -p "$fleet" -c "$fleet/nginx.conf" -s stop || true' EXIT
for _ in $(seq 1 100); do curl -sf -o /dev/null http://127.0.0.1:9910/lb/x && break; sleep 0.2; done
curl -sf http://127.0.0.1:9910/lbc/x >/dev/null || { echo "portico did not start; see $log" >&2; exit 1; }

if [ "$mode" = post1k ]; then path=echo; else path=x; fi
OUT_DIR=$out MODE=$mode WARMUP=${WARMUP:-30s} ./compare.sh \
  http://127.0.0.1:9902/bench/$path nginx \
  http://127.0.0.1:9905/bench/$path vertx-proxy \
  http://127.0.0.1:9910/one/$path portico-one-url \
  http://127.0.0.1:9910/lb/$path portico-lb3 \
  http://127.0.0.1:9910/lbc/$path portico-lb3-checked
