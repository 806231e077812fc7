#!/usr/bin/env bash
# Benchmarks Portico against the anchors of ../shared/bench in one run (see docs/BENCHMARKS.md).
#
#   bench/run.sh [get|post1k] [INSTANCES]
#
# Builds the distribution if needed, starts the harness's backend (nginx on :9901) and the nginx
# and vertx-proxy anchors, starts Portico on 127.0.0.1:9910 with bench/portico-bench.yaml and the
# anchors' JVM flags, runs ../shared/bench/compare.sh over the no-policy route (/bench) and the
# `headers` route (/hbench), then stops what it started. Results: $OUT_DIR (default /tmp/gwbench/portico-<mode>).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
harness=${HARNESS:-$root/../shared/bench}
mode=${1:-get}
instances=${2:-1}
out=${OUT_DIR:-/tmp/gwbench/portico-$mode-$instances}

dist=$root/distribution/target/portico
if [ ! -x "$dist/bin/portico" ]; then
  (cd "$root" && ./mvnw -B -q package -DskipTests)
fi

cd "$harness"
./backend.sh start
./anchor.sh start nginx
./anchor.sh start vertx-proxy
if [ "$instances" != 1 ]; then ./anchor.sh start vertx-proxy-2; fi

log=/tmp/gwbench/portico.log
mkdir -p /tmp/gwbench
JAVA_OPTS="-Xms512m -Xmx512m -XX:+UseG1GC" PORTICO_BENCH_INSTANCES=$instances \
  "$dist/bin/portico" run --config "$here/portico-bench.yaml" --data-dir /tmp/gwbench/portico-data >"$log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf -o /dev/null http://127.0.0.1:9910/bench/x && break
  sleep 0.2
done
curl -sf http://127.0.0.1:9910/bench/x >/dev/null || { echo "portico did not start; see $log" >&2; exit 1; }

if [ "$mode" = post1k ]; then path=echo; else path=x; fi
targets=(http://127.0.0.1:9902/bench/$path nginx http://127.0.0.1:9905/bench/$path vertx-proxy)
if [ "$instances" != 1 ]; then targets+=(http://127.0.0.1:9906/bench/$path vertx-proxy-2); fi
targets+=(http://127.0.0.1:9910/bench/$path portico http://127.0.0.1:9910/hbench/$path portico-headers)
OUT_DIR=$out MODE=$mode WARMUP=${WARMUP:-30s} ./compare.sh "${targets[@]}"
