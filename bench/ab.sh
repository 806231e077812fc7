#!/usr/bin/env bash
# A/B: this build's distribution against another one (e.g. the previous commit's), with the
# anchors, in one run of ../shared/bench/compare.sh (see docs/BENCHMARKS.md).
#
#   bench/ab.sh BEFORE_DIST [get|post1k]
#
# BEFORE_DIST is an unpacked distribution (a copy of distribution/target/portico made before the
# change). Both gateways serve bench/portico-bench.yaml, with the anchors' JVM flags and one event
# loop: this build on 127.0.0.1:9910, BEFORE_DIST on 127.0.0.1:9912. Results: $OUT_DIR (default
# /tmp/gwbench/ab-<mode>).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
harness=${HARNESS:-$root/../shared/bench}
before=${1:?usage: bench/ab.sh BEFORE_DIST [get|post1k]}
mode=${2:-get}
out=${OUT_DIR:-/tmp/gwbench/ab-$mode}
after=$root/distribution/target/portico
[ -x "$after/bin/portico" ] || (cd "$root" && ./mvnw -B -q package -DskipTests)

cd "$harness"
./backend.sh start
./anchor.sh start nginx
./anchor.sh start vertx-proxy

mkdir -p /tmp/gwbench
pids=()
trap 'for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done' EXIT
start() { # dist port admin-port label
  sed -e "s/port: 9910/port: $2/" -e "s/port: 9911/port: $3/" "$here/portico-bench.yaml" > "/tmp/gwbench/ab-$4.yaml"
  JAVA_OPTS="-Xms512m -Xmx512m -XX:+UseG1GC" PORTICO_BENCH_INSTANCES=1 \
    "$1/bin/portico" run --config "/tmp/gwbench/ab-$4.yaml" --data-dir "/tmp/gwbench/ab-data-$4" >"/tmp/gwbench/ab-$4.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$2/bench/x" && return; sleep 0.2; done
  echo "portico ($4) did not start; see /tmp/gwbench/ab-$4.log" >&2; exit 1
}
start "$after" 9910 9911 after
start "$before" 9912 9913 before

if [ "$mode" = post1k ]; then path=echo; else path=x; fi
# Within a round the targets run in this order; on a machine whose speed drifts, the later one is
# measured on a slower (or faster) machine: AFTER_FIRST=1 swaps the two gateways to check for it.
before_target=(http://127.0.0.1:9912/bench/$path portico-before)
after_target=(http://127.0.0.1:9910/bench/$path portico-after)
if [ "${AFTER_FIRST:-0}" = 1 ]; then gateways=("${after_target[@]}" "${before_target[@]}"); else gateways=("${before_target[@]}" "${after_target[@]}"); fi
OUT_DIR=$out MODE=$mode WARMUP=${WARMUP:-30s} ./compare.sh \
  http://127.0.0.1:9902/bench/$path nginx \
  http://127.0.0.1:9905/bench/$path vertx-proxy \
  "${gateways[@]}"
