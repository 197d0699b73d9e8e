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

readonly server_binary=build/nadoo-realtime
readonly results_dir=bench/results
[[ -x "$server_binary" ]] || { echo "$server_binary not built" >&2; exit 1; }
[[ -d bench/load/node_modules/ws ]] || { echo "run 'npm ci' in bench/load first" >&2; exit 1; }
if [[ -n "$(ss -Hltn "sport = :${port}")" ]]; then
  echo "port ${port} is in use; pick another with --port" >&2; exit 1
fi

work_dir="$(mktemp -d -t idle-connect.XXXXXX)"
server_pid=""
stop_server() {
  # SIGTERM, then at most the server's 10 s shutdown grace plus 5 s before SIGKILL.
  [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null || return 0
  kill -TERM "$server_pid"
  for _ in $(seq 150); do
    kill -0 "$server_pid" 2>/dev/null || return 0
    sleep 0.1
  done
  echo "server ignored SIGTERM for 15 s; killing it" >&2
  kill -KILL "$server_pid" 2>/dev/null || true
}
cleanup() {
  stop_server
  rm -rf "$work_dir"
}
trap cleanup EXIT

# Fresh secrets per run, passed through the environment only, never printed.
JWT_SECRET="$(openssl rand -hex 32)"
api_key="$(openssl rand -hex 24)"

readonly server_args=(serve --port "$port" --io-threads 1 --data-dir "$work_dir/data" --log-level warn
  --max-connections "$max_server_connections")
JWT_SECRET="$JWT_SECRET" NADOO_API_KEYS="$api_key" \
  taskset -c 1 "$server_binary" "${server_args[@]}" >"$work_dir/server.log" 2>&1 &
server_pid=$!

# --log-level warn hides the "listening" line: wait until the port answers, 10 s at most.
for attempt in $(seq 100); do
  curl -sf --max-time 1 "http://127.0.0.1:${port}/healthz" >/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { echo "server exited at start:" >&2; cat "$work_dir/server.log" >&2; exit 1; }
  ((attempt == 100)) && { echo "server did not answer on port ${port} within 10 s" >&2; exit 1; }
  sleep 0.1
done
sleep 1 # let the server's start-up allocations settle before the "before" reading

readonly generator_args=(--port "$port" --server-pid "$server_pid" --connections "$connections"
  --processes "$processes" --in-flight "$in_flight" --deadline-seconds 140 --out "$work_dir/raw.json")
echo "idle_connect: ${connections} connections, ${processes} generator processes, server pid ${server_pid} on port ${port}" >&2
generator_status=0
# The coordinator stops itself at 140 s; the outer timeout is the backstop.
BENCH_JWT_SECRET="$JWT_SECRET" BENCH_API_KEY="$api_key" \
  timeout --kill-after=5 150 taskset -c 0 node bench/load/idle_connect.mjs "${generator_args[@]}" || generator_status=$?

stop_started=$(date +%s.%N)
stop_server
server_exit="unknown"
if wait "$server_pid" 2>/dev/null; then server_exit="0"; else server_exit="$?"; fi
stop_seconds=$(awk -v a="$stop_started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
server_pid=""

log_lines=$(wc -l <"$work_dir/server.log")
if ((log_lines > 0)); then
  echo "server log (${log_lines} lines at warn and above; first 20, tokens masked):" >&2
  head -n 20 "$work_dir/server.log" | sed -E 's/token=[^ &"]*/token=…/g' >&2
fi

if [[ ! -s "$work_dir/raw.json" ]]; then
  echo "the generator wrote no results (exit ${generator_status})" >&2; exit 1
fi
mkdir -p "$results_dir"
BENCH_COMMAND="$command_line" \
BENCH_SERVER_COMMAND="JWT_SECRET=<random> NADOO_API_KEYS=<random> taskset -c 1 ${server_binary} ${server_args[*]/#"$work_dir"/<tmp>}" \
BENCH_GENERATOR_COMMAND="taskset -c 0 node bench/load/idle_connect.mjs ${generator_args[*]/#"$work_dir"/<tmp>}" \
BENCH_SERVER_VERSION="$("$server_binary" --version)" \
BENCH_SERVER_EXIT="$server_exit" BENCH_SERVER_STOP_SECONDS="$stop_seconds" BENCH_SERVER_LOG_LINES="$log_lines" \
BENCH_OPEN_FILES_LIMIT="$(ulimit -n)" \
  node bench/load/write_report.mjs "$work_dir/raw.json" "$results_dir"
exit "$generator_status"
