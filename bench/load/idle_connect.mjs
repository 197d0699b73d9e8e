// Coordinator of bench/idle_connect.sh: forks the load-generator workers,
// runs the connect and idle phases against an already running server, reads
// the server's memory and the kernel's socket memory, closes everything and
// writes the raw figures as JSON. The driver starts and stops the server.
//
// Secrets come from the environment (BENCH_JWT_SECRET, BENCH_API_KEY) and are
// never printed or written.
import { fork } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { RawResults, add_workspace_members, clock_ticks_per_second, cpu_ticks, percentile, proc_status, proc_status_number, round } from './bench_common.mjs';

const { values: options } = parseArgs({
  options: {
    port: { type: 'string' },
    'server-pid': { type: 'string' },
    connections: { type: 'string', default: '10000' },
    processes: { type: 'string', default: '2' },
    // 200 handshakes in flight per worker keeps the server busy without
    // queueing thousands of SYNs behind the listen backlog.
    'in-flight': { type: 'string', default: '200' },
    // A few hundred rooms, as a real deployment of workspaces would have.
    workspaces: { type: 'string', default: '300' },
    // Server's handshake timeout is 10 s; a connection slower than that failed.
    'connect-timeout-ms': { type: 'string', default: '10000' },
    // Stays under the driver's overall 180 s timeout, leaving it time to stop the server.
    'deadline-seconds': { type: 'string', default: '150' },
    'idle-seconds': { type: 'string', default: '2' },
    out: { type: 'string' },
  },
});

const port = Number(options.port);
const server_pid = Number(options['server-pid']);
const connections = Number(options.connections);
const processes = Number(options.processes);
const in_flight = Number(options['in-flight']);
const workspace_count = Number(options.workspaces);
const connect_timeout_ms = Number(options['connect-timeout-ms']);
const deadline_ms = Number(options['deadline-seconds']) * 1000;
const idle_ms = Number(options['idle-seconds']) * 1000;
const jwt_secret = process.env.BENCH_JWT_SECRET;
const api_key = process.env.BENCH_API_KEY;
const host = '127.0.0.1';
// Per-process file limit here is 20,000 and cannot be raised.
const sockets_per_process_limit = 19900;
const source_addresses = [2, 3, 4, 5, 6, 7, 8, 9].map((n) => `127.0.0.${n}`);

if (!port || !server_pid || !options.out || !jwt_secret || !api_key) {
  console.error('usage: BENCH_JWT_SECRET=… BENCH_API_KEY=… node idle_connect.mjs --port P --server-pid PID --out FILE');
  process.exit(64);
}
if (processes < 1 || processes > source_addresses.length) {
  console.error(`--processes must be 1…${source_addresses.length}: each needs a source address of its own`);
  process.exit(64);
}
if (Math.ceil(connections / processes) > sockets_per_process_limit) {
  console.error(`${connections} connections over ${processes} processes exceeds ${sockets_per_process_limit} per process`);
  process.exit(64);
}

// ---- /proc readers -------------------------------------------------------

const page_kib = 4; // getconf PAGESIZE / 1024 on Linux x86-64; sockstat's `mem` counts pages

function open_fd_count(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
}

/// /proc/net/sockstat's TCP line; `mem` is in pages, system-wide, both ends of every loopback connection.
function tcp_sockstat() {
  const line = readFileSync('/proc/net/sockstat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('TCP:'));
  const words = line.split(/\s+/).slice(1);
  const tcp = {};
  for (let i = 0; i + 1 < words.length; i += 2) tcp[words[i]] = Number(words[i + 1]);
  return tcp;
}

function server_memory() {
  return {
    vm_rss_kib: proc_status_number(server_pid, 'VmRSS'),
    vm_hwm_kib: proc_status_number(server_pid, 'VmHWM'),
    threads: proc_status_number(server_pid, 'Threads'),
    open_fds: open_fd_count(server_pid),
  };
}

async function ws_stats() {
  const response = await fetch(`http://${host}:${port}/ws/stats`, {
    headers: { 'X-API-Key': api_key },
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) throw new Error(`/ws/stats answered HTTP ${response.status}`);
  return response.json();
}

/// Polls /ws/stats until total_connections equals `expected`, for at most `timeout_ms`.
async function await_total_connections(expected, timeout_ms) {
  const until = performance.now() + timeout_ms;
  let last = null;
  for (;;) {
    try {
      last = (await ws_stats()).total_connections;
    } catch (error) {
      last = `error: ${error.message}`;
    }
    if (last === expected || performance.now() > until) return { expected, observed: last, ok: last === expected };
    await sleep(200);
  }
}

// ---- workers ------------------------------------------------------------

const workers = [];
const raw_results = new RawResults(options.out, 'idle_connect', {
  host,
  port,
  connections,
  processes,
  in_flight_per_process: in_flight,
  workspace_count,
  connect_timeout_ms,
  idle_ms,
  endpoint: '/ws/workspaces/{workspace_id}?token=JWT',
});
const results = raw_results.data;

function next_message(child, type) {
  return new Promise((resolve, reject) => {
    const on_message = (message) => {
      if (message.type !== type) return;
      child.off('message', on_message);
      child.off('exit', on_exit);
      resolve(message);
    };
    const on_exit = (code, signal) => reject(new Error(`worker ${child.pid} exited (${code ?? signal}) awaiting ${type}`));
    child.on('message', on_message);
    child.once('exit', on_exit);
  });
}

async function start_workers() {
  let first_index = 0;
  for (let i = 0; i < processes; i++) {
    const count = Math.floor(connections / processes) + (i < connections % processes ? 1 : 0);
    // 127.0.0.2 … 127.0.0.9, dealt out so that no two workers share one. Each
    // address has its own ephemeral ports, and the kernel's search for a free
    // port on bind() slows down sharply as one address fills up (measured: at
    // 9,500 connections per address the generator spent twice as long in the
    // kernel as in JavaScript and connects/s halved), so every worker uses all
    // the addresses it is dealt.
    const local_addresses = source_addresses.filter((_, j) => j % processes === i);
    const child = fork(new URL('./idle_connect_worker.mjs', import.meta.url), [], { stdio: 'inherit' });
    workers.push({ child, count, first_index, local_addresses });
    first_index += count;
  }
  await Promise.all(workers.map(({ child }) => next_message(child, 'ready')));
}

// ---- phases ------------------------------------------------------------

async function connect_phase() {
  const generator_pids = [process.pid, ...workers.map(({ child }) => child.pid)];
  const samples = [];
  let previous = { at: performance.now(), server: cpu_ticks(server_pid), generator: generator_pids.map(cpu_ticks) };
  const first = previous;
  // Half-second samples of both sides' CPU show which one is the bottleneck at peak.
  const sampler = setInterval(() => {
    const now = { at: performance.now(), server: cpu_ticks(server_pid), generator: generator_pids.map(cpu_ticks) };
    const seconds = (now.at - previous.at) / 1000;
    const percent = (ticks) => (100 * ticks) / (clock_ticks_per_second * seconds);
    samples.push({
      server_cpu_percent: round(percent(now.server - previous.server), 0),
      generator_cpu_percent: round(
        percent(now.generator.reduce((sum, t, i) => sum + (t - previous.generator[i]), 0)),
        0,
      ),
    });
    previous = now;
  }, 500);

  const started = performance.now();
  const reports = await Promise.all(
    workers.map(({ child, count, first_index, local_addresses }) => {
      const reply = next_message(child, 'connected');
      child.send({
        command: 'connect',
        settings: {
          host,
          port,
          jwt_secret,
          token_lifetime_seconds: 3600,
          count,
          first_index,
          local_addresses,
          workspace_count,
          in_flight,
          timeout_ms: connect_timeout_ms,
          phase_timeout_ms: deadline_ms - 30000,
        },
      });
      return reply;
    }),
  );
  const elapsed_s = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const last = { server: cpu_ticks(server_pid), generator: generator_pids.map(cpu_ticks) };

  const latencies = reports.flatMap((r) => r.latencies_ms).sort((a, b) => a - b);
  const failures = {};
  const extensions = {};
  for (const report of reports) {
    for (const [reason, n] of Object.entries(report.failures)) failures[reason] = (failures[reason] ?? 0) + n;
    for (const [name, n] of Object.entries(report.extensions)) extensions[name] = (extensions[name] ?? 0) + n;
  }
  const connected = latencies.length;
  const average_percent = (ticks) => round((100 * ticks) / (clock_ticks_per_second * elapsed_s), 0);
  return {
    connected,
    failed: reports.reduce((sum, r) => sum + r.attempted - r.latencies_ms.length, 0),
    not_attempted: reports.reduce((sum, r) => sum + r.requested - r.attempted, 0),
    failures,
    negotiated_extensions: extensions,
    elapsed_s: round(elapsed_s, 3),
    connects_per_second: round(connected / elapsed_s, 0),
    connect_ms: {
      p50: round(percentile(latencies, 0.5)),
      p90: round(percentile(latencies, 0.9)),
      p99: round(percentile(latencies, 0.99)),
      max: round(latencies.at(-1) ?? null),
    },
    cpu_percent_average: {
      server: average_percent(last.server - first.server),
      generator: average_percent(last.generator.reduce((sum, t, i) => sum + (t - first.generator[i]), 0)),
    },
    cpu_percent_peak: {
      server: Math.max(0, ...samples.map((s) => s.server_cpu_percent)),
      generator: Math.max(0, ...samples.map((s) => s.generator_cpu_percent)),
    },
    cpu_samples_every_500ms: samples,
    per_process: reports.map((r, i) => ({
      local_addresses: workers[i].local_addresses,
      requested: r.requested,
      connected: r.connected,
      elapsed_s: round(r.elapsed_ms / 1000, 3),
      cpu_user_seconds: round(r.cpu.user / 1e6),
      cpu_system_seconds: round(r.cpu.system / 1e6),
    })),
  };
}

async function main() {
  // Only members may connect to a workspace; memberships are made before the
  // "before" memory reading, so that they do not count per connection.
  const memberships = Array.from({ length: connections }, (_, i) => [`bench-ws-${i % workspace_count}`, `bench-user-${i}`]);
  const membership_started = performance.now();
  await add_workspace_members(`http://${host}:${port}`, api_key, memberships);
  results.membership_seconds = round((performance.now() - membership_started) / 1000, 1);
  results.before = {
    server: server_memory(),
    tcp_sockstat: tcp_sockstat(),
    ws_stats_total_connections: (await ws_stats()).total_connections,
  };
  await start_workers();
  // Proof of the pinning: the server on one core, every generator process on the other.
  results.cpus_allowed = {
    server: proc_status(server_pid, 'Cpus_allowed_list'),
    generator: [process.pid, ...workers.map(({ child }) => child.pid)].map((pid) => proc_status(pid, 'Cpus_allowed_list')),
  };
  results.connect = await connect_phase();
  if (results.connect.connected !== connections) {
    results.problems.push(`${connections - results.connect.connected} of ${connections} connections did not reach "connected"`);
  }

  // The server counts a connection before it sends `connected`, so this should already hold.
  const open_check = await await_total_connections(results.connect.connected, 5000);
  if (!open_check.ok) results.problems.push(`/ws/stats total_connections ${open_check.observed}, expected ${open_check.expected}`);
  await sleep(idle_ms);
  const statuses = await Promise.all(
    workers.map(({ child }) => {
      const reply = next_message(child, 'status');
      child.send({ command: 'status' });
      return reply;
    }),
  );
  results.idle = {
    ws_stats_check: open_check,
    ws_stats_total_connections_after_idle: (await ws_stats()).total_connections,
    client_open: statuses.reduce((sum, s) => sum + s.open, 0),
    client_closed_while_idle: statuses.reduce((sum, s) => sum + s.closed_while_idle, 0),
    close_codes_while_idle: statuses.reduce((sum, s) => {
      for (const [code, n] of Object.entries(s.close_codes_while_idle)) sum[code] = (sum[code] ?? 0) + n;
      return sum;
    }, {}),
    server: server_memory(),
    tcp_sockstat: tcp_sockstat(),
  };
  if (results.idle.client_closed_while_idle > 0) {
    results.problems.push(`${results.idle.client_closed_while_idle} connections closed by the server while idle`);
  }
  const open = results.idle.client_open;
  const rss_delta_kib = results.idle.server.vm_rss_kib - results.before.server.vm_rss_kib;
  const tcp_mem_delta_pages = results.idle.tcp_sockstat.mem - results.before.tcp_sockstat.mem;
  results.figures = {
    connects_per_second: results.connect.connects_per_second,
    connect_ms_p50: results.connect.connect_ms.p50,
    connect_ms_p99: results.connect.connect_ms.p99,
    open_connections: open,
    server_rss_before_kib: results.before.server.vm_rss_kib,
    server_rss_after_kib: results.idle.server.vm_rss_kib,
    server_rss_per_connection_kib: open ? round(rss_delta_kib / open) : null,
    tcp_mem_pages_before: results.before.tcp_sockstat.mem,
    tcp_mem_pages_after: results.idle.tcp_sockstat.mem,
    // Both ends of each loopback connection (server and generator) are in this figure.
    tcp_mem_kib_per_connection_both_ends: open ? round((tcp_mem_delta_pages * page_kib) / open) : null,
  };

  const closes = await Promise.all(
    workers.map(({ child }) => {
      const reply = next_message(child, 'closed');
      child.send({ command: 'close', timeout_ms: 20000 });
      return reply;
    }),
  );
  const closed_check = await await_total_connections(0, 10000);
  if (!closed_check.ok) results.problems.push(`after closing, /ws/stats total_connections ${closed_check.observed}`);
  results.close = {
    elapsed_s: round(Math.max(...closes.map((c) => c.elapsed_ms)) / 1000, 3),
    all_closed_cleanly: closes.every((c) => c.closed_cleanly),
    terminated: closes.reduce((sum, c) => sum + c.terminated, 0),
    ws_stats_check: closed_check,
    server: server_memory(),
    tcp_sockstat: tcp_sockstat(),
  };
  if (!results.close.all_closed_cleanly) results.problems.push(`${results.close.terminated} connections had to be terminated`);
}

raw_results.run(main, {
  deadline_ms,
  deadline_owner: 'coordinator',
  stop_children: (signal) => {
    for (const { child } of workers) if (child.exitCode === null) child.kill(signal);
  },
});
