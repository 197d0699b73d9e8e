#!/usr/bin/env bash
# Storage benchmark: the same workload against the server on SQLite and on
# PostgreSQL, one after the other in one run, reported side by side —
# notifications published one per POST, plugin debug events ingested one per
# POST, and C chats started at once (`chat` → `response_start`). Server on
# CPU 1 (one I/O thread) with its PostgreSQL, generator on CPU 0; PostgreSQL is a throwaway
# cluster of tests/support/postgres_server with fsync on, so that every
# answer waits for a durable commit. See bench/README.md. Usage:
#   bench/storage.sh [--notifications N] [--users U] [--events E] [--in-flight K] [--chats C]
#                    [--store-pool-size L] [--port PORT]
set -euo pipefail

readonly command_line="bench/storage.sh${*:+ $*}"
cd "$(dirname "$0")/.."

generator_options=()
port=18771
pool_size=4  # the server's default
while (($#)); do
  case "$1" in
    --notifications|--users|--events|--in-flight|--chats)
      [[ "$2" =~ ^[0-9]+$ ]] || { echo "$1: not a number: $2" >&2; exit 64; }
      generator_options+=("$1" "$2"); shift 2 ;;
    --store-pool-size)
      [[ "$2" =~ ^[0-9]+$ ]] || { echo "$1: not a number: $2" >&2; exit 64; }
      pool_size="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ ]] || { echo "--port: not a number" >&2; exit 64; }

source bench/lib/common.sh
require_server_and_load_generator
require_free_port "$port" --port

work_dir="$(mktemp -d -t storage.XXXXXX)"
readonly postgres_state="$work_dir/postgres.state"
cleanup() {
  stop_server
  tests/support/postgres_server stop "$postgres_state"
  rm -rf "$work_dir"
}
trap cleanup EXIT
make_run_secrets
# The system under test, the server and its database, on CPU 1; the generator has CPU 0.
taskset -c 1 tests/support/postgres_server start "$postgres_state" durable >&2
postgres_uri=$(sed -n 's/^URI=//p' "$postgres_state")

overall_status=0
# store name, then the value of --store: one run of the workload, its raw
# figures in $work_dir/raw-NAME.json and its context in BENCH_NAME_* variables.
run_on_store() {
  local name="$1" store="$2" upper
  upper=$(tr '[:lower:]' '[:upper:]' <<<"$name")
  # The per-execution event limit is lifted: every event must be stored.
  start_server "$port" serve --port "$port" --io-threads 1 --data-dir "$work_dir/data-$name" --log-level warn \
    --seed-file demo/seed.json --store "$store" --store-pool-size "$pool_size" \
    --plugin-debug-max-events-per-execution 1000000
  # On PostgreSQL the node connects after it listens: time nothing before it is ready.
  await_startup server "$server_pid" "$work_dir/server.log" "become ready" \
    curl -sf --max-time 1 "http://127.0.0.1:${port}/readyz"
  echo "storage: ${name}, server pid ${server_pid} on port ${port}" >&2
  local generator_args=(--port "$port" --server-pid "$server_pid" --store "$name" "${generator_options[@]}"
                        --out "$work_dir/raw.json")
  BENCH_API_KEY="$api_key" run_generator 180 node bench/load/storage_workload.mjs "${generator_args[@]}"
  finish_server_and_check_results
  mv "$work_dir/raw.json" "$work_dir/raw-$name.json"
  ((generator_status == 0)) || overall_status=$generator_status
  local shown_server_args
  shown_server_args=$(shown_command "${server_args[@]}")
  export "BENCH_${upper}_SERVER_COMMAND=JWT_SECRET=<random> NADOO_API_KEYS=<random> taskset -c 1 ${server_binary} ${shown_server_args/"$postgres_uri"/<postgresql uri>}"
  export "BENCH_${upper}_GENERATOR_COMMAND=BENCH_API_KEY=<random> taskset -c 0 node bench/load/storage_workload.mjs $(shown_command "${generator_args[@]}")"
  export "BENCH_${upper}_SERVER_EXIT=$server_exit" "BENCH_${upper}_SERVER_STOP_SECONDS=$stop_seconds"
  export "BENCH_${upper}_SERVER_LOG_LINES=$log_lines"
}

run_on_store sqlite sqlite
run_on_store postgresql "$postgres_uri"

mkdir -p "$results_dir"
BENCH_COMMAND="$command_line" BENCH_SERVER_VERSION="$("$server_binary" --version)" \
BENCH_POSTGRES_VERSION="$(/usr/lib/postgresql/15/bin/postgres --version)" \
  node bench/load/storage_report.mjs "$work_dir/raw-sqlite.json" "$work_dir/raw-postgresql.json" "$results_dir"
exit "$overall_status"
