#!/usr/bin/env bash
# Workspace fan-out benchmark: M members of one workspace connected, one more
# member publishing E events; deliveries per second and publish-to-delivery
# latency. Server on CPU 1 (one I/O thread), generator on CPU 0. See
# bench/README.md. Usage:
#   bench/workspace_fanout.sh [--members M] [--events E] [--rate R] [--port PORT]
set -euo pipefail

readonly command_line="bench/workspace_fanout.sh${*:+ $*}"
cd "$(dirname "$0")/.."

members=1000
events=1000
rate=0
port=18768
while (($#)); do
  case "$1" in
    --members) members="$2"; shift 2 ;;
    --events) events="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
done
for number in "$members" "$events" "$rate" "$port"; do
  [[ "$number" =~ ^[0-9]+$ ]] || { echo "not a number: $number" >&2; exit 64; }
done
((members >= 1 && members <= 19000)) || { echo "--members: 1…19000 (open-file limit)" >&2; exit 64; }

source bench/lib/common.sh
require_server_and_load_generator
require_free_port "$port" --port

prepare_server_run workspace-fanout
# The publisher is one client sending flat out: its rate limit is lifted so
# that the server's fan-out, not the limiter, is what is measured.
start_server "$port" serve --port "$port" --io-threads 1 --data-dir "$work_dir/data" --log-level warn \
  --workspace-rate-limit-events-per-second 1000000 --workspace-rate-limit-burst-events 1000000

generator_args=(--port "$port" --server-pid "$server_pid" --members "$members" --events "$events" --rate "$rate"
  --out "$work_dir/raw.json")
echo "workspace_fanout: ${members} members, ${events} events at ${rate} /s (0: flat out); server pid ${server_pid} on port ${port}" >&2
BENCH_JWT_SECRET="$JWT_SECRET" BENCH_API_KEY="$api_key" \
  run_generator 150 node bench/load/workspace_fanout.mjs "${generator_args[@]}"
finish_server_and_check_results
write_report "$command_line" bench/load/figures_report.mjs \
  "BENCH_JWT_SECRET=<random> BENCH_API_KEY=<random> taskset -c 0 node bench/load/workspace_fanout.mjs $(shown_command "${generator_args[@]}")"
exit "$generator_status"
