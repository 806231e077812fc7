#!/usr/bin/env bash
# Issue 5's figures: the headers + rewrite route (GET) and the validate route (POST, 1 KiB JSON)
# against the no-policy route and the anchors, in one run each (see docs/BENCHMARKS.md).
#
#   bench/transformers.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
harness=${HARNESS:-$root/../shared/bench}
dist=$root/distribution/target/portico
if [ ! -x "$dist/bin/portico" ]; then
  (cd "$root" && ./mvnw -B -q package -DskipTests)
fi
cd "$harness"
./backend.sh start
./anchor.sh start nginx
./anchor.sh start vertx-proxy
mkdir -p /tmp/gwbench
JAVA_OPTS="-Xms512m -Xmx512m -XX:+UseG1GC" PORTICO_BENCH_INSTANCES=1 \
  "$dist/bin/portico" run --config "$here/portico-bench.yaml" --data-dir /tmp/gwbench/portico-data >/tmp/gwbench/portico.log 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf -o /dev/null http://127.0.0.1:9910/bench/x && break; sleep 0.2; done
curl -sf -o /dev/null http://127.0.0.1:9910/hrbench/x
OUT_DIR=${OUT_DIR:-/tmp/gwbench/transformers}-get MODE=get WARMUP=${WARMUP:-30s} ./compare.sh \
  http://127.0.0.1:9902/bench/x nginx http://127.0.0.1:9905/bench/x vertx-proxy \
  http://127.0.0.1:9910/bench/x portico http://127.0.0.1:9910/hrbench/x portico-headers-rewrite
OUT_DIR=${OUT_DIR:-/tmp/gwbench/transformers}-post MODE=post1k WARMUP=${WARMUP:-30s} ./compare.sh \
  http://127.0.0.1:9902/bench/echo nginx http://127.0.0.1:9905/bench/echo vertx-proxy \
  http://127.0.0.1:9910/bench/echo portico http://127.0.0.1:9910/vbench/echo portico-validate
