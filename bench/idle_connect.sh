#!/usr/bin/env bash
# Idle-connection benchmark: how fast the server accepts authenticated
# workspace connections and how much memory each idle one costs.
# See bench/README.md. Usage:
#   bench/idle_connect.sh [--connections N] [--processes P] [--port PORT] [--in-flight K]
set -euo pipefail

readonly command_line="bench/idle_connect.sh${*:+ $*}"
cd "$(dirname "$0")/.."

connections=10000
processes=2
port=18765
in_flight=200
while (($#)); do
  case "$1" in
    --connections) connections="$2"; shift 2 ;;
    --processes) processes="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --in-flight) in_flight="$2"; shift 2 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
done

# Limits of this machine (docs: /work/shared/notes/benchmarking.md):
# 20,000 open files per process, so at most 19,900 sockets per process;
# the server is started with --max-connections 19500.
readonly max_server_connections=19500
readonly max_sockets_per_process=19900
readonly source_addresses=8 # 127.0.0.2 … 127.0.0.9
if ((connections < 1 || connections > max_server_connections)); then
  echo "--connections must be 1…${max_server_connections}" >&2; exit 64
fi
if ((processes < 1 || processes > source_addresses)); then
  echo "--processes must be 1…${source_addresses} (one source address each)" >&2; exit 64
fi
if (((connections + processes - 1) / processes > max_sockets_per_process)); then
  echo "${connections} connections over ${processes} processes exceeds ${max_sockets_per_process} per process" >&2; exit 64
fi

source bench/lib/common.sh
require_server_and_load_generator
require_free_port "$port" --port

prepare_server_run idle-connect
start_server "$port" serve --port "$port" --io-threads 1 --data-dir "$work_dir/data" --log-level warn \
  --max-connections "$max_server_connections"
sleep 1 # let the server's start-up allocations settle before the "before" reading

readonly generator_args=(--port "$port" --server-pid "$server_pid" --connections "$connections"
  --processes "$processes" --in-flight "$in_flight" --deadline-seconds 140 --out "$work_dir/raw.json")
echo "idle_connect: ${connections} connections, ${processes} generator processes, server pid ${server_pid} on port ${port}" >&2
# The coordinator stops itself at 140 s; the outer timeout is the backstop.
BENCH_JWT_SECRET="$JWT_SECRET" BENCH_API_KEY="$api_key" \
  run_generator 150 node bench/load/idle_connect.mjs "${generator_args[@]}"
finish_server_and_check_results

BENCH_OPEN_FILES_LIMIT="$(ulimit -n)" \
  write_report "$command_line" bench/load/write_report.mjs \
  "taskset -c 0 node bench/load/idle_connect.mjs $(shown_command "${generator_args[@]}")"
exit "$generator_status"
