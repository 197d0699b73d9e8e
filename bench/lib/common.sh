# Shared by the benchmark drivers (bench/*.sh): the server under test from
# start to exit status, the run's secrets, the generator's run, and handing
# its raw figures to the report writer. Sourced after the driver has changed
# to the repository root, under `set -euo pipefail`. Each driver owns its
# options; prepare_server_run gives it a work_dir and an EXIT trap that calls
# stop_server (a driver that starts more than the server keeps its own).

readonly server_binary=build/nadoo-realtime
readonly results_dir=bench/results
# The server's 10 s shutdown grace plus 5 s before SIGKILL.
readonly server_stop_seconds=15
server_pid=""

# Fails unless the server is built and the Node load generator installed.
require_server_and_load_generator() {
  [[ -x "$server_binary" ]] || { echo "$server_binary not built" >&2; exit 1; }
  [[ -d bench/load/node_modules/ws ]] || { echo "run 'npm ci' in bench/load first" >&2; exit 1; }
}

# port, the option(s) that choose another: fails if something listens there already.
require_free_port() {
  if [[ -n "$(ss -Hltn "sport = :$1")" ]]; then
    echo "port $1 is in use; pick another with $2" >&2; exit 1
  fi
}

# pid, what it is (for the message), seconds before SIGKILL. Returns at once
# when pid is empty or already gone, so cleanup may call it unconditionally.
stop_process() {
  local pid="$1"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid"
  for _ in $(seq $(($3 * 10))); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  echo "$2 ignored SIGTERM for $3 s; killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

stop_server() {
  stop_process "$server_pid" server "$server_stop_seconds"
}

# name: the run's temporary work_dir (removed at exit, after the server is
# stopped) and its secrets, for drivers that start nothing but the server.
prepare_server_run() {
  work_dir="$(mktemp -d -t "$1.XXXXXX")"
  trap 'stop_server; rm -rf "$work_dir"' EXIT
  make_run_secrets
}

# Fresh secrets per run, passed through the environment only, never printed.
make_run_secrets() {
  JWT_SECRET="$(openssl rand -hex 32)"
  api_key="$(openssl rand -hex 24)"
}

# what, pid, its log, what it must do (for the message), then the check that
# succeeds once it has: waits for the check 10 s at most, and fails early,
# showing the log, if the process exits meanwhile.
await_startup() {
  local what="$1" pid="$2" log="$3" awaited="$4"
  shift 4
  local attempt
  for attempt in $(seq 100); do
    "$@" >/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "${what} exited at start:" >&2; cat "$log" >&2; exit 1; }
    ((attempt == 100)) && { echo "${what} did not ${awaited} within 10 s" >&2; exit 1; }
    sleep 0.1
  done
}

# port, then the server's arguments: starts it on CPU 1 (the load generator
# has CPU 0) with this run's secrets, logging to $work_dir/server.log, and
# returns once it answers. Sets server_pid and server_args.
start_server() {
  local port="$1"
  shift
  server_args=("$@")
  JWT_SECRET="$JWT_SECRET" NADOO_API_KEYS="$api_key" \
    taskset -c 1 "$server_binary" "${server_args[@]}" >"$work_dir/server.log" 2>&1 &
  server_pid=$!
  # --log-level warn hides the "listening" line: wait until the port answers.
  await_startup server "$server_pid" "$work_dir/server.log" "answer on port ${port}" \
    curl -sf --max-time 1 "http://127.0.0.1:${port}/healthz"
}

# Arguments joined as they were run, with the temporary work_dir shown as <tmp>:
# the recorded commands must not name a directory that no longer exists.
shown_command() {
  local words=("$@")
  printf '%s\n' "${words[*]/#"$work_dir"/<tmp>}"
}

# seconds the generator may take, then its command: runs it on CPU 0 under an
# outer timeout, the backstop for the generator's own deadline, a little
# shorter. Sets generator_status rather than failing: the report is written either way.
run_generator() {
  local timeout_seconds="$1"
  shift
  generator_status=0
  timeout --kill-after=5 "$timeout_seconds" taskset -c 0 "$@" || generator_status=$?
}

# Stops the server and records how it went: server_exit (its exit status),
# stop_seconds (SIGTERM to exit) and log_lines, the first 20 of which it
# shows with tokens masked. Then fails unless the generator wrote raw.json.
finish_server_and_check_results() {
  local stop_started
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
}

# command_line, the report writer, how the generator was run: hands raw.json
# and what every report records (commands, server version, its shutdown) to
# the writer, which puts the results in $results_dir. A benchmark's own
# context goes in further BENCH_* variables set on the call.
write_report() {
  mkdir -p "$results_dir"
  BENCH_COMMAND="$1" \
  BENCH_SERVER_COMMAND="JWT_SECRET=<random> NADOO_API_KEYS=<random> taskset -c 1 ${server_binary} $(shown_command "${server_args[@]}")" \
  BENCH_GENERATOR_COMMAND="$3" \
  BENCH_SERVER_VERSION="$("$server_binary" --version)" \
  BENCH_SERVER_EXIT="$server_exit" BENCH_SERVER_STOP_SECONDS="$stop_seconds" BENCH_SERVER_LOG_LINES="$log_lines" \
    node "$2" "$work_dir/raw.json" "$results_dir"
}
