#!/usr/bin/env bash
# Chat streaming benchmark: the time the server adds before an answer's first
# delta, and whether its deltas keep the upstream's beat, with K chat sessions
# streaming at once from the fake OpenAI upstream. See bench/README.md. Usage:
#   bench/chat_latency.sh [--sessions K,K,…] [--builtin-sessions K,K,…] [--tokens T]
#       [--interval-ms I] [--ramp-ms R] [--port PORT] [--fake-port PORT] [--skip-direct]
set -euo pipefail

readonly command_line="bench/chat_latency.sh${*:+ $*}"
cd "$(dirname "$0")/.."

sessions=1,100,200,300,500,1000
builtin_sessions=500,1000,1500,2000
tokens=50
interval_ms=20
ramp_ms=250
port=18766
fake_port=18767
skip_direct=""
while (($#)); do
  case "$1" in
    --sessions) sessions="$2"; shift 2 ;;
    --builtin-sessions) builtin_sessions="$2"; shift 2 ;;
    --tokens) tokens="$2"; shift 2 ;;
    --interval-ms) interval_ms="$2"; shift 2 ;;
    --ramp-ms) ramp_ms="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --fake-port) fake_port="$2"; shift 2 ;;
    --skip-direct) skip_direct="--skip-direct"; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
done

readonly count_list='^[0-9]+(,[0-9]+)*$'
[[ "$sessions" =~ $count_list ]] || { echo "--sessions: comma-separated counts" >&2; exit 64; }
[[ -z "$builtin_sessions" || "$builtin_sessions" =~ $count_list ]] || { echo "--builtin-sessions: comma-separated counts" >&2; exit 64; }
for number in "$tokens" "$interval_ms" "$ramp_ms" "$port" "$fake_port"; do
  [[ "$number" =~ ^[0-9]+$ ]] || { echo "not a number: $number" >&2; exit 64; }
done

source bench/lib/common.sh
readonly fake_script=tests/fake_openai/fake_openai_server.py
readonly python=/usr/bin/python3 # Debian's; the python3 first on PATH may be another one
require_server_and_load_generator
[[ -x "$python" ]] || { echo "$python not found" >&2; exit 1; }
for p in "$port" "$fake_port"; do
  require_free_port "$p" "--port / --fake-port"
done

work_dir="$(mktemp -d -t chat-latency.XXXXXX)"
fake_pid=""
cleanup() {
  stop_server
  stop_process "$fake_pid" "fake upstream" 5
  rm -rf "$work_dir"
}
trap cleanup EXIT

make_run_secrets

# The fake upstream shares CPU 0 with the load generator; the server has CPU 1.
readonly fake_args=("$fake_script" --host 127.0.0.1 --port "$fake_port")
taskset -c 0 "$python" "${fake_args[@]}" >"$work_dir/fake.log" 2>&1 &
fake_pid=$!
await_startup "fake upstream" "$fake_pid" "$work_dir/fake.log" "listen on port ${fake_port}" \
  grep -q "^listening on http://127.0.0.1:${fake_port}$" "$work_dir/fake.log"

# Which server was measured: the binary's digest and build time, and the
# commit it was built from, with or without uncommitted changes to src/.
server_build="sha256 $(sha256sum "$server_binary" | cut -c1-16), built $(date -u -r "$server_binary" +%FT%TZ)"
if commit="$(git rev-parse --short HEAD 2>/dev/null)"; then
  git diff --quiet HEAD -- src 2>/dev/null || commit+=" with uncommitted changes to src/"
  server_build+=", working tree at ${commit}"
fi

# The builtin provider's tokens come at the fake's interval, for the builtin rounds.
start_server "$port" serve --port "$port" --io-threads 1 --data-dir "$work_dir/data" --log-level warn \
  --seed-file demo/seed.json --builtin-token-interval-ms "$interval_ms"

readonly load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
generator_args=(--port "$port" --fake-port "$fake_port" --server-pid "$server_pid" --fake-pid "$fake_pid"
  --sessions "$sessions" --tokens "$tokens" --interval-ms "$interval_ms" --ramp-ms "$ramp_ms"
  --deadline-seconds 900 --out "$work_dir/raw.json")
[[ -n "$builtin_sessions" ]] && generator_args+=(--builtin-sessions "$builtin_sessions")
[[ -n "$skip_direct" ]] && generator_args+=("$skip_direct")
echo "chat_latency: sessions ${sessions} (builtin ${builtin_sessions:-none}), ${tokens} tokens every ${interval_ms} ms; server pid ${server_pid} on port ${port}, fake pid ${fake_pid} on port ${fake_port}" >&2
# The generator stops itself at 900 s; the outer timeout is the backstop.
BENCH_API_KEY="$api_key" \
  run_generator 910 node bench/load/chat_latency.mjs "${generator_args[@]}"
finish_server_and_check_results

BENCH_FAKE_COMMAND="taskset -c 0 ${python} ${fake_args[*]}" \
BENCH_SERVER_BUILD="$server_build" BENCH_LOAD_BEFORE="$load_before" \
  write_report "$command_line" bench/load/chat_latency_report.mjs \
  "BENCH_API_KEY=<random> taskset -c 0 node bench/load/chat_latency.mjs $(shown_command "${generator_args[@]}")"
exit "$generator_status"
