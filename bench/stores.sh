#!/usr/bin/env bash
# What the counter store costs a rate-limited route, every store in one run (docs/BENCHMARKS.md):
#
#   bench/stores.sh                                    # the measurement (WARMUP=30s, 3 rounds of 10 s)
#   WARMUP=2s ROUNDS=1 DURATION=2s bench/stores.sh     # a quick check that everything starts and answers
#
# Starts the harness's backend (nginx on :9901), a redis-server on :9948 and four gateways of the
# built distribution, all with bench/portico-stores.yaml (a limit of a million a second: nothing is
# refused), one event loop each:
#
#   :9940  counters.store: local
#   :9942  counters.store: hazelcast, as a Hazelcast lite member: it owns no partition, so every
#          strict decision is a network round trip (over loopback) to
#   :9944  the cluster's one data member (an idle gateway), which owns every counter
#   :9946  counters.store: redis
#
# The two clustered gateways form a private cluster (their own name, ports 5940-5941) from homes
# under $WORK that share the distribution's lib/ and plugins/. Then ../shared/bench/compare.sh
# measures, interleaved, every ratio to the first target:
#
#   portico             :9940/bench     no policy (the reference)
#   local               :9940/rlbench   rate-limit on the local store
#   clustered           :9942/bench     no policy, on the clustered gateway
#   hazelcast-strict    :9942/rlbench   rate-limit, every request an entry processor on the data member
#   hazelcast-batched   :9942/rlbbench  rate-limit, strict: false
#   redis-strict        :9946/rlbench   rate-limit, every request a Lua script on Redis
#   redis-batched       :9946/rlbbench  rate-limit, strict: false
#
# compare.sh's cpu_us/req counts the gateway only; what the data member and redis-server spent
# during the run is printed after the table. Everything started here is stopped at the end.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
harness=${HARNESS:-$root/../shared/bench}
out=${OUT_DIR:-/tmp/gwbench/portico-stores-$(date +%Y%m%d-%H%M%S)} # compare.sh adds to a results.tsv it finds
work=${WORK:-/tmp/gwbench/portico-stores-homes}
config=$here/portico-stores.yaml

command -v redis-server >/dev/null || { echo "stores.sh needs redis-server (apt-get install redis-server)" >&2; exit 1; }
dist=$root/distribution/target/portico
if [ ! -x "$dist/bin/portico" ]; then
  (cd "$root" && ./mvnw -B -q package -DskipTests)
fi
(cd "$harness" && ./backend.sh start)
mkdir -p "$out" "$work"

pids=()
stop_all() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap stop_all EXIT

# a home of its own for a clustered gateway: the distribution's lib/ and plugins/, a private hazelcast.yaml
cluster_home() { # name lite(true|false)
  local h=$work/$1
  rm -rf "$h"
  mkdir -p "$h/bin" "$h/conf"
  cp "$dist/bin/portico" "$h/bin/" # a copy: the launcher finds its home from its own path
  ln -s "$dist/lib" "$h/lib"
  ln -s "$dist/plugins" "$h/plugins"
  cp "$dist/conf/logback.xml" "$h/conf/"
  cat >"$h/conf/hazelcast.yaml" <<EOF
hazelcast:
  cluster-name: portico-bench-stores-$$
  lite-member: { enabled: $2 }
  properties:
    hazelcast.logging.type: slf4j
    hazelcast.phone.home.enabled: false
    hazelcast.shutdownhook.enabled: false
    hazelcast.wait.seconds.before.join: 0
    hazelcast.max.wait.seconds.before.join: 0
  network:
    port: { port: 5940, auto-increment: true, port-count: 2 }
    join:
      multicast: { enabled: false }
      auto-detection: { enabled: false }
      tcp-ip: { enabled: true, member-list: [127.0.0.1:5940, 127.0.0.1:5941] }
    interfaces: { enabled: true, interfaces: [127.0.0.1] }
  multimap:
    __vertx.subs: { backup-count: 1, value-collection-type: SET }
  map:
    __vertx.haInfo: { backup-count: 1 }
    __vertx.nodeInfo: { backup-count: 1 }
  cp-subsystem:
    cp-member-count: 0
    semaphores:
      __vertx.*: { jdk-compatible: false, initial-permits: 1 }
EOF
  echo "$h"
}

start_gateway() { # name home store port [--cluster]
  local name=$1 home=$2 store=$3 port=$4
  shift 4
  JAVA_OPTS="-Xms512m -Xmx512m -XX:+UseG1GC" PORTICO_BENCH_STORE=$store PORTICO_BENCH_INSTANCES=1 \
    "$home/bin/portico" run --config "$config" --port "$port" --admin-port $((port + 1)) \
    --data-dir "$work/data-$name" "$@" >"$out/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/bench/x" && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.2
  done
  echo "the $name gateway did not start; see $out/$name.log" >&2
  exit 1
}

redis-server --port 9948 --bind 127.0.0.1 --save '' --appendonly no >"$out/redis.log" 2>&1 &
pids+=($!)
redis_pid=$!
start_gateway local "$dist" local 9940
start_gateway data-member "$(cluster_home data-member false)" hazelcast 9944 --cluster
data_pid=${pids[-1]}
start_gateway clustered "$(cluster_home lite-member true)" hazelcast 9942 --cluster
start_gateway redis "$dist" redis 9946

targets=(
  http://127.0.0.1:9940/bench/x portico
  http://127.0.0.1:9940/rlbench/x local
  http://127.0.0.1:9942/bench/x clustered
  http://127.0.0.1:9942/rlbench/x hazelcast-strict
  http://127.0.0.1:9942/rlbbench/x hazelcast-batched
  http://127.0.0.1:9946/rlbench/x redis-strict
  http://127.0.0.1:9946/rlbbench/x redis-batched
)
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "${targets[$i]}")
  [ "$code" = 200 ] || { echo "${targets[$i]} answered $code; see the logs in $out" >&2; exit 1; }
done

ticks() { # user + system CPU ticks of a process, all threads
  local s
  s=$(cat "/proc/$1/stat")
  s=${s##*) }
  # shellcheck disable=SC2086
  set -- $s
  echo $((${12} + ${13}))
}
data_before=$(ticks "$data_pid")
redis_before=$(ticks "$redis_pid")
(cd "$harness" && OUT_DIR=$out MODE=get WARMUP=${WARMUP:-30s} ./compare.sh "${targets[@]}")
clk=$(getconf CLK_TCK)
awk -v d=$(($(ticks "$data_pid") - data_before)) -v r=$(($(ticks "$redis_pid") - redis_before)) -v c="$clk" \
  'BEGIN { printf "CPU during the run (s): hazelcast data member %.1f, redis-server %.1f\n", d / c, r / c }'
echo "logs and raw wrk output: $out"
