#!/usr/bin/env bash
# Fan-out across two nodes on Redis, beside one node, in one run: M members
# of one workspace, a publisher sending E document_updated events.
#   single:  one node (--broker memory) holds the members and the publisher;
#   cluster: two nodes on one Redis, the members split between them, the
#            publisher on the first: half the deliveries cross Redis.
# Both at full speed, then both paced at half the cluster's peak (latency);
# then Redis is killed and restarted under the cluster, and the time until
# both nodes answer /readyz 200 again is the recovery. Nodes, Redis and their
# PostgreSQL on CPU 1 (nodes with one I/O thread each), the generator
# (build/nadoo-bench) on CPU 0. See bench/README.md. Usage:
#   bench/cluster_fanout.sh [--members M] [--events E] [--port PORT]
set -euo pipefail

readonly command_line="bench/cluster_fanout.sh${*:+ $*}"
cd "$(dirname "$0")/.."

members=1000
events=2000
port=18781
while (($#)); do
  case "$1" in
    --members) members="$2"; shift 2 ;;
    --events) events="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
done
for value in "$members" "$events" "$port"; do
  [[ "$value" =~ ^[0-9]+$ ]] || { echo "not a number: $value" >&2; exit 64; }
done
readonly single_port=$port cluster_ports=("$((port + 1))" "$((port + 2))")

source bench/lib/common.sh
readonly generator=build/nadoo-bench
[[ -x "$server_binary" && -x "$generator" ]] || { echo "build first: scripts/build release" >&2; exit 1; }
for p in "$single_port" "${cluster_ports[@]}"; do require_free_port "$p" --port; done

work_dir="$(mktemp -d -t cluster-fanout.XXXXXX)"
node_pids=()
cleanup() {
  for pid in "${node_pids[@]}"; do stop_process "$pid" node "$server_stop_seconds"; done
  tests/support/redis_server stop "$work_dir/redis.state"
  tests/support/postgres_server stop "$work_dir/postgres.state"
  rm -rf "$work_dir"
}
trap cleanup EXIT
make_run_secrets

taskset -c 1 tests/support/postgres_server start "$work_dir/postgres.state" >&2
taskset -c 1 tests/support/redis_server start "$work_dir/redis.state"
postgres_uri=$(sed -n 's/^URI=//p' "$work_dir/postgres.state")
redis_url=$(sed -n 's/^URL=//p' "$work_dir/redis.state")
redis_port=$(sed -n 's/^PORT=//p' "$work_dir/redis.state")

# name port broker: starts a node on CPU 1, waits for /readyz 200; its pid is
# appended to node_pids. A publisher sending flat out is the workload: the
# per-connection rate limit is lifted.
node_args=()
start_node() {
  local name="$1" node_port="$2" broker="$3"
  node_args=(serve --port "$node_port" --io-threads 1 --data-dir "$work_dir/$name" --log-level warn
             --max-connections 19500 --store "$postgres_uri" --broker "$broker" --node-id "$name"
             --workspace-rate-limit-events-per-second 1000000 --workspace-rate-limit-burst-events 1000000)
  JWT_SECRET="$JWT_SECRET" NADOO_API_KEYS="$api_key" \
    taskset -c 1 "$server_binary" "${node_args[@]}" >"$work_dir/$name.log" 2>&1 &
  node_pids+=($!)
  await_startup "node $name" "$!" "$work_dir/$name.log" "become ready" \
    curl -sf --max-time 1 "http://127.0.0.1:${node_port}/readyz"
}

# pid → its CPU seconds so far (user + system).
cpu_seconds() {
  awk -v ticks="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / ticks }' "/proc/$1/stat"
}
redis_pid() { cat "$(sed -n 's/^DIR=//p' "$work_dir/redis.state")/redis.pid"; }

syscall_option=()
command -v perf >/dev/null && syscall_option=(--count-server-syscalls)
generator_commands=()
# out, then the generator's options: one fanout run into $work_dir/out.json.
fanout() {
  local out="$1"
  shift
  local args=(fanout --members "$members" --membership --out "$work_dir/$out.json" "$@")
  generator_commands+=("BENCH_JWT_SECRET=<random> BENCH_API_KEY=<random> taskset -c 0 $generator ${args[*]}")
  BENCH_JWT_SECRET="$JWT_SECRET" BENCH_API_KEY="$api_key" \
    timeout --kill-after=5 300 taskset -c 0 "$generator" "${args[@]}" >/dev/null
}

start_node single "$single_port" memory
single_pid=${node_pids[0]}
fanout single --port "$single_port" --events "$events" --server-pid "$single_pid" "${syscall_option[@]}"

start_node node-a "${cluster_ports[0]}" "$redis_url"
start_node node-b "${cluster_ports[1]}" "$redis_url"
a_pid=${node_pids[1]} b_pid=${node_pids[2]}
cluster_options=(--port "${cluster_ports[0]}" --member-ports "${cluster_ports[0]},${cluster_ports[1]}"
                 --server-pid "$a_pid" --other-server-pids "$b_pid" --redis-port "$redis_port")
# Each run its own workspace: the members of one run never hear the next.
# Redis's own CPU is read around the whole run (connects and joins too): an
# upper bound of what carrying the events cost it, reported apart from the nodes'.
redis_before=$(cpu_seconds "$(redis_pid)")
fanout cluster "${cluster_options[@]}" --events "$events" --workspace ws-cluster-burst
redis_cpu_burst=$(awk -v a="$redis_before" -v b="$(cpu_seconds "$(redis_pid)")" 'BEGIN { printf "%.2f", b - a }')

# Half the cluster's peak, held 5 s, on both.
rate=$(/usr/bin/python3 -c "import json; f = json.load(open('$work_dir/cluster.json'))['figures']; \
print(round(f['deliveries_per_second'] / $members / 2, 1))")
paced_events=$(/usr/bin/python3 -c "print(max(1, int($rate * 5)))")
fanout single_paced --port "$single_port" --server-pid "$single_pid" --rate "$rate" --events "$paced_events" \
  --workspace ws-single-paced
redis_before=$(cpu_seconds "$(redis_pid)")
fanout cluster_paced "${cluster_options[@]}" --rate "$rate" --events "$paced_events" --workspace ws-cluster-paced
redis_cpu_paced=$(awk -v a="$redis_before" -v b="$(cpu_seconds "$(redis_pid)")" 'BEGIN { printf "%.2f", b - a }')

# Recovery: Redis killed, both nodes 503, Redis back: seconds until both 200.
ready_count() {
  local count=0
  for p in "${cluster_ports[@]}"; do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$p/readyz")" == 200 ]] && ((count += 1))
  done
  echo "$count"
}
tests/support/redis_server halt "$work_dir/redis.state"
for _ in $(seq 100); do [[ "$(ready_count)" == 0 ]] && break; sleep 0.1; done
taskset -c 1 tests/support/redis_server resume "$work_dir/redis.state"
resumed=$(date +%s.%N)
for _ in $(seq 200); do [[ "$(ready_count)" == 2 ]] && break; sleep 0.02; done
recovery_seconds=$(awk -v a="$resumed" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
[[ "$(ready_count)" == 2 ]] || recovery_seconds=null

mkdir -p "$results_dir"
BENCH_COMMAND="$command_line" BENCH_RECOVERY_SECONDS="$recovery_seconds" \
BENCH_REDIS_CPU_BURST="$redis_cpu_burst" BENCH_REDIS_CPU_PACED="$redis_cpu_paced" \
BENCH_NODE_COMMAND="JWT_SECRET=<random> NADOO_API_KEYS=<random> taskset -c 1 $server_binary $(shown_command "${node_args[@]}" | sed "s|$postgres_uri|<postgresql uri>|; s|$redis_url|<redis url>|")" \
BENCH_GENERATOR_COMMANDS="$(printf '%s\n' "${generator_commands[@]}")" \
BENCH_SERVER_VERSION="$("$server_binary" --version)" BENCH_REDIS_VERSION="$(redis-server --version)" \
  /usr/bin/python3 bench/lib/cluster_fanout_report.py "$work_dir" "$results_dir"
