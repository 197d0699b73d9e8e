#!/usr/bin/env bash
# Plugin debug ingest benchmark: events per second taken in by
# POST …/executions/{id}/events (one event each) and by the debug-bundle batch
# form, with consoles watching that must get every event. Server on CPU 1 (one
# I/O thread), generator on CPU 0. See bench/README.md. Usage:
#   bench/plugin_ingest.sh [--events N] [--bundles B] [--logs-per-bundle L] [--concurrency C] [--consoles K] [--port PORT]
set -euo pipefail

readonly command_line="bench/plugin_ingest.sh${*:+ $*}"
cd "$(dirname "$0")/.."

generator_options=()
port=18769
while (($#)); do
  case "$1" in
    --events|--bundles|--logs-per-bundle|--concurrency|--consoles)
      [[ "$2" =~ ^[0-9]+$ ]] || { echo "$1: not a number: $2" >&2; exit 64; }
      generator_options+=("$1" "$2"); shift 2 ;;
    --port) port="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ ]] || { echo "--port: not a number" >&2; exit 64; }

source bench/lib/common.sh
require_server_and_load_generator
require_free_port "$port" --port

prepare_server_run plugin-ingest
# The per-execution event limit is lifted: every event must be stored and relayed.
start_server "$port" serve --port "$port" --io-threads 1 --data-dir "$work_dir/data" --log-level warn \
  --plugin-debug-max-events-per-execution 1000000

generator_args=(--port "$port" --server-pid "$server_pid" "${generator_options[@]}" --out "$work_dir/raw.json")
echo "plugin_ingest: server pid ${server_pid} on port ${port}" >&2
BENCH_API_KEY="$api_key" run_generator 150 node bench/load/plugin_ingest.mjs "${generator_args[@]}"
finish_server_and_check_results
write_report "$command_line" bench/load/figures_report.mjs \
  "BENCH_API_KEY=<random> taskset -c 0 node bench/load/plugin_ingest.mjs $(shown_command "${generator_args[@]}")"
exit "$generator_status"
