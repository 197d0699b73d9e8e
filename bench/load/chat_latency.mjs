// Load generator of bench/chat_latency.sh: how much time the server adds to a
// streamed chat answer, and whether its deltas stay on the upstream's beat,
// with K chat sessions streaming at once from the fake OpenAI upstream.
//
// For each K of --sessions it runs two rounds with the same schedule:
//   direct  K streaming Chat Completions requests straight to the fake: the
//           fake's and this client's own share of every figure (baseline);
//   server  K WebSockets to /ws/chat/{session}, one `chat` each, the server
//           streaming from the fake.
// Both record, per stream, the send time and each delta's arrival time
// (performance.now()), and the CPU of the server, the fake and this process.
// The driver starts and stops the server and the fake.
//
// The API key comes from the environment (BENCH_API_KEY) and is never printed
// or written.
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { RawResults, clock_ticks_per_second, cpu_ticks, percentile, proc_status, proc_status_number, round } from './bench_common.mjs';

const { values: options } = parseArgs({
  options: {
    port: { type: 'string' },
    'fake-port': { type: 'string' },
    'server-pid': { type: 'string' },
    'fake-pid': { type: 'string' },
    sessions: { type: 'string', default: '1,100,500,1000' },
    tokens: { type: 'string', default: '50' },
    'interval-ms': { type: 'string', default: '20' },
    // Chats start evenly over this window, as users' questions would, instead
    // of in one burst that measures the accept queue more than streaming.
    'ramp-ms': { type: 'string', default: '250' },
    // A gap further than this from the upstream's interval is late (default: half the interval).
    'on-time-ms': { type: 'string' },
    'skip-direct': { type: 'boolean', default: false },
    // Rounds with the server's own builtin provider (demo application, tokens
    // made by the server every --interval-ms): the server without the fake.
    'builtin-sessions': { type: 'string', default: '' },
    'warmup-sessions': { type: 'string', default: '20' },
    // K = 1 runs this many single streams one after another: one stream is one sample.
    'solo-repeats': { type: 'string', default: '20' },
    // Stays under the driver's outer timeout, leaving it time to stop the server.
    'deadline-seconds': { type: 'string', default: '900' },
    out: { type: 'string' },
  },
});

const host = '127.0.0.1';
const port = Number(options.port);
const fake_port = Number(options['fake-port']);
const server_pid = Number(options['server-pid']);
const fake_pid = Number(options['fake-pid']);
const session_counts = options.sessions.split(',').map(Number);
const builtin_session_counts = options['builtin-sessions'] ? options['builtin-sessions'].split(',').map(Number) : [];
const tokens = Number(options.tokens);
const interval_ms = Number(options['interval-ms']);
const ramp_ms = Number(options['ramp-ms']);
const on_time_ms = options['on-time-ms'] ? Number(options['on-time-ms']) : interval_ms / 2;
const deadline_ms = Number(options['deadline-seconds']) * 1000;
const warmup_sessions = Number(options['warmup-sessions']);
const solo_repeats = Number(options['solo-repeats']);
const api_key = process.env.BENCH_API_KEY;
// A socket each: well inside one process's 20,000 open files, and more
// streams than one Node process on one core can follow at 50 deltas/s each.
const max_sessions = 5000;
const connect_in_flight = 200;
const connect_timeout_ms = 10000;
// A stream gets its nominal length plus this long to end.
const stream_slack_ms = 30000;
const application_id = 'bench-chat-latency';
const model = `normal:tokens=${tokens}:interval_ms=${interval_ms}`;
const question = 'Benchmark question: stream the scripted answer.';
// The demo application (demo/seed.json) answers the spec's question from demo/q4-report.md.
const builtin_application_id = 'app-uuid-123';
const builtin_question = 'What were the key Q4 metrics?';

if (!port || !fake_port || !server_pid || !fake_pid || !options.out || !api_key) {
  console.error(
    'usage: BENCH_API_KEY=… node chat_latency.mjs --port P --fake-port F --server-pid PID --fake-pid PID --out FILE',
  );
  process.exit(64);
}
if ([...session_counts, ...builtin_session_counts].some((k) => !Number.isInteger(k) || k < 1 || k > max_sessions)) {
  console.error(`--sessions: comma-separated counts of 1…${max_sessions}`);
  process.exit(64);
}
if (!(tokens >= 2 && tokens <= 10000 && interval_ms >= 1 && ramp_ms >= 0)) {
  console.error('--tokens must be 2…10000, --interval-ms at least 1, --ramp-ms at least 0');
  process.exit(64);
}

// ---- /proc readers and statistics ----------------------------------------

/** p50/p90/p99/max of `values` (nearest rank), in their unit, rounded. */
function distribution(values) {
  if (values.length === 0) return { count: 0, p50: null, p90: null, p99: null, max: null };
  const sorted = Float64Array.from(values).sort();
  const at = (fraction) => round(percentile(sorted, fraction));
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: round(sorted.at(-1)) };
}

/** Busy ticks of CPU `n` from /proc/stat: everything but idle and iowait. */
function core_busy_ticks(n) {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`cpu${n} `));
  const [user, nice, system, , , irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  return user + nice + system + irq + softirq + steal;
}

// What the sampler reads, each in clock ticks: the three processes, and both
// cores as a whole, which shows any load from outside the benchmark (the
// cores' figures also hold the kernel's softirq work, e.g. loopback delivery).
const cpu_counters = {
  server: () => cpu_ticks(server_pid),
  fake: () => cpu_ticks(fake_pid),
  generator: () => cpu_ticks(process.pid),
  cpu0_busy: () => core_busy_ticks(0),
  cpu1_busy: () => core_busy_ticks(1),
};

/**
 * Waits until both cores are nearly idle over a 1 s window (this benchmark's
 * processes are idle between rounds, so what is left is someone else's load:
 * a build, another test), for `max_wait_ms` at most. Says how long it waited
 * and the last window's busy percentages.
 */
async function await_quiet_cores(max_wait_ms) {
  const quiet_percent = 10;
  const started = performance.now();
  for (;;) {
    const before = [core_busy_ticks(0), core_busy_ticks(1)];
    await sleep(1000);
    const busy = [core_busy_ticks(0) - before[0], core_busy_ticks(1) - before[1]].map((ticks) =>
      round((100 * ticks) / clock_ticks_per_second, 0),
    );
    const waited_s = round((performance.now() - started) / 1000, 1);
    const quiet = busy.every((percent) => percent <= quiet_percent);
    if (quiet || performance.now() - started >= max_wait_ms) return { quiet, waited_s, busy_percent: busy };
  }
}

const read_cpu_counters = () => ({
  at: performance.now(),
  ...Object.fromEntries(Object.entries(cpu_counters).map(([name, read]) => [name, read()])),
});

/** Percentages of one core between two readings of the counters. */
function cpu_percentages(from, to) {
  const seconds = (to.at - from.at) / 1000;
  return Object.fromEntries(
    Object.keys(cpu_counters).map((k) => [k, round((100 * (to[k] - from[k])) / (clock_ticks_per_second * seconds), 0)]),
  );
}

/**
 * Core time not charged to the three processes, per core: other load on the
 * machine, plus kernel softirq work (loopback delivery) the processes caused.
 */
const unattributed = (x) => ({ cpu0: x.cpu0_busy - x.fake - x.generator, cpu1: x.cpu1_busy - x.server });

/** The larger core's unattributed percentage between two readings. */
function outside_load_percent(from, to) {
  const u = unattributed(cpu_percentages(from, to));
  return Math.max(u.cpu0, u.cpu1);
}

/** Samples `cpu_counters` every 250 ms until stopped; percentages of one core. */
function start_cpu_sampler() {
  const names = Object.keys(cpu_counters);
  const read = read_cpu_counters;
  const percentages = cpu_percentages;
  const first = read();
  let previous = first;
  const samples = [];
  const timer = setInterval(() => {
    const now = read();
    samples.push(percentages(previous, now));
    previous = now;
  }, 250);
  return () => {
    clearInterval(timer);
    const last = read();
    const peak = Object.fromEntries(names.map((k) => [k, Math.max(0, ...samples.map((sample) => sample[k]))]));
    return {
      seconds: round((last.at - first.at) / 1000, 2),
      average_percent: percentages(first, last),
      peak_250ms_percent: peak,
      samples_every_250ms: samples,
    };
  };
}

// ---- one stream's record --------------------------------------------------

class StreamRecord {
  constructor() {
    this.reset();
  }

  /** Forgets everything recorded, to run the stream again. */
  reset() {
    this.sent_at = null;
    this.start_at = null; // response_start's arrival (server round)
    this.all_streaming_at = Infinity; // when every stream of this one's batch had its first delta
    this.delta_at = [];
    this.delivery_lag_ms = []; // client wall clock − the delta's server timestamp (1 ms resolution)
    this.server_stamp_ms = []; // the deltas' `timestamp`s: when the server made each event
    this.text = '';
    this.out_of_order = 0;
    this.end = null; // {finish_reason, full_response_matches}
    this.failure = null;
    this.finished = new Promise((resolve) => {
      this.resolve_finished = resolve;
    });
  }

  fail(reason) {
    if (this.end || this.failure) return;
    this.failure = reason;
    this.resolve_finished();
  }

  finish(end) {
    if (this.end || this.failure) return;
    this.end = end;
    this.resolve_finished();
  }
}

/** Figures of one round from its stream records and CPU samples. */
function round_figures(records, cpu, loop_delay, expected_tokens) {
  const complete = records.filter(
    (r) =>
      r.end?.finish_reason === 'stop' &&
      r.end.full_response_matches &&
      (expected_tokens === null || r.delta_at.length === expected_tokens),
  );
  const first_delta_ms = [];
  const gap_error_ms = [];
  const start_ms = [];
  const start_to_first_delta_ms = [];
  const stamp_gap_error_ms = [];
  const steady_gap_error_ms = [];
  const lags = [];
  const gap_errors = (times, into, from = -Infinity) => {
    for (let i = 1; i < times.length; i++) {
      if (times[i - 1] >= from) into.push(Math.abs(times[i] - times[i - 1] - interval_ms));
    }
  };
  for (const r of records) {
    if (r.delta_at.length > 0) first_delta_ms.push(r.delta_at[0] - r.sent_at);
    if (r.start_at !== null) start_ms.push(r.start_at - r.sent_at);
    if (r.start_at !== null && r.delta_at.length > 0) start_to_first_delta_ms.push(r.delta_at[0] - r.start_at);
    gap_errors(r.delta_at, gap_error_ms);
    gap_errors(r.delta_at, steady_gap_error_ms, r.all_streaming_at);
    gap_errors(r.server_stamp_ms, stamp_gap_error_ms);
    lags.push(...r.delivery_lag_ms);
  }
  const failures = {};
  for (const r of records) {
    const reason = r.failure ?? (r.end && r.end.finish_reason !== 'stop' ? `finish_reason ${r.end.finish_reason}` : null);
    if (reason) failures[reason] = (failures[reason] ?? 0) + 1;
  }
  const gap = distribution(gap_error_ms);
  return {
    streams: records.length,
    complete_streams: complete.length,
    deltas_received: records.reduce((sum, r) => sum + r.delta_at.length, 0),
    deltas_expected: expected_tokens === null ? null : records.length * expected_tokens,
    out_of_order_deltas: records.reduce((sum, r) => sum + r.out_of_order, 0),
    full_response_mismatches: records.filter((r) => r.end && !r.end.full_response_matches).length,
    failures,
    first_delta_ms: distribution(first_delta_ms),
    // Server round only: `chat` sent → response_start (the server parsed it and
    // stored the question), and response_start → first delta (upstream
    // connection, request, the fake's first token, the relay).
    response_start_ms: distribution(start_ms),
    response_start_to_first_delta_ms: distribution(start_to_first_delta_ms),
    gap_error_ms: gap,
    // Only the gaps after every stream of the batch had started: the beat
    // with no new chat being set up meanwhile.
    steady_gap_error_ms: distribution(steady_gap_error_ms),
    late_gaps_over_on_time_ms: gap_error_ms.filter((e) => e > on_time_ms).length,
    delivery_lag_ms: distribution(lags),
    // The same |gap − interval| from the server's own timestamps (1 ms
    // resolution): the beat at which the server made the events, before its
    // writes, the loopback and this client.
    server_stamp_gap_error_ms: distribution(stamp_gap_error_ms),
    on_time: complete.length === records.length && gap.p99 !== null && gap.p99 <= on_time_ms,
    cpu,
    generator_event_loop_delay_ms: {
      // The histogram measures whole sampling periods: less the period, it is the lateness.
      p50: round(Math.max(0, loop_delay.percentile(50) / 1e6 - loop_delay_resolution_ms)),
      p99: round(Math.max(0, loop_delay.percentile(99) / 1e6 - loop_delay_resolution_ms)),
      max: round(Math.max(0, loop_delay.max / 1e6 - loop_delay_resolution_ms)),
    },
  };
}

/**
 * Calls `start(i)` for i = 0…k−1 evenly over `ramp_ms`, from one timer that
 * catches up on every chat whose start time has come.
 */
async function ramp(k, start) {
  const began = performance.now();
  let next = 0;
  while (next < k) {
    const due = ramp_ms === 0 ? k : Math.min(k, Math.floor(((performance.now() - began) / ramp_ms) * k) + 1);
    while (next < due) start(next++);
    if (next < k) await sleep(1);
  }
}

/**
 * Starts `start(i)` for every record, in batches of `k` one after another:
 * each batch over the ramp, the next once it has finished.
 */
async function run_batches(records, k, start) {
  for (let first = 0; first < records.length; first += k) {
    const batch = records.slice(first, first + k);
    // A single stream is run again (3 attempts at most) when other load hit
    // the cores during its second: one stall is its whole sample. A round of
    // many streams is judged as a whole (undisturbed()).
    for (let attempt = 1; ; attempt++) {
      const before = read_cpu_counters();
      await ramp(batch.length, (i) => start(first + i));
      await await_streams(batch, stream_timeout_ms());
      if (k > 1 || attempt === 3 || outside_load_percent(before, read_cpu_counters()) <= outside_load_peak_limit_percent) break;
      solo_reruns++;
      for (const r of batch) r.reset();
    }
    // From here on every stream of the batch was streaming: no chat of the
    // batch was still being set up (stored, connected upstream).
    const all_streaming_at = Math.max(...batch.map((r) => r.delta_at[0] ?? Infinity));
    for (const r of batch) r.all_streaming_at = all_streaming_at;
  }
}

/** How many streams a round of K runs: K = 1 is repeated, one stream at a time, for a distribution. */
const streams_in_round = (k) => (k === 1 ? solo_repeats : k);

/** Resolves when every record finished, or after `timeout_ms` (failing the rest). */
async function await_streams(records, timeout_ms) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, timeout_ms);
  });
  await Promise.race([Promise.all(records.map((r) => r.finished)), timeout]);
  clearTimeout(timer);
  for (const r of records) r.fail('no response_end in time');
}

const loop_delay_resolution_ms = 5;
// Before each round, wait this long at most for other load on the machine to end.
const quiet_wait_ms = 60000;
// Core time beyond the benchmark's processes that marks a round as disturbed
// by other load; loopback softirq work alone stayed near 10 % here at K = 1,000.
const outside_load_limit_percent = 20;
// The same in one 250 ms sample: a short burst of other work (a test, a
// compiler) that stalls the server or the generator for tens of milliseconds.
// Sampling skew between /proc/stat and the processes' own ticks stayed within
// ±20 % here.
const outside_load_peak_limit_percent = 35;
let solo_reruns = 0;
const stream_timeout_ms = () => ramp_ms + tokens * interval_ms + stream_slack_ms;

async function measured(run, expected_tokens = tokens) {
  const quiet_before = await await_quiet_cores(quiet_wait_ms);
  if (!quiet_before.quiet) {
    results.problems.push(`cores busy ${quiet_before.busy_percent.join(' % / ')} % before a round, after waiting ${quiet_before.waited_s} s`);
  }
  const loop_delay = monitorEventLoopDelay({ resolution: loop_delay_resolution_ms });
  loop_delay.enable();
  const stop_cpu = start_cpu_sampler();
  solo_reruns = 0;
  const records = await run();
  const cpu = stop_cpu();
  loop_delay.disable();
  const vm_hwm_kib = proc_status_number(server_pid, 'VmHWM');
  // Core time not charged to the three processes: other load on the machine,
  // plus kernel softirq work (loopback delivery) the processes caused.
  const unattributed_percent = unattributed(cpu.average_percent);
  const per_sample = cpu.samples_every_250ms.map(unattributed);
  const unattributed_peak_percent = {
    cpu0: Math.max(0, ...per_sample.map((u) => u.cpu0)),
    cpu1: Math.max(0, ...per_sample.map((u) => u.cpu1)),
  };
  return {
    ...round_figures(records, cpu, loop_delay, expected_tokens),
    quiet_before,
    unattributed_core_percent: unattributed_percent,
    unattributed_core_percent_peak_250ms: unattributed_peak_percent,
    // K = 1: single streams run again because other load hit their second.
    solo_reruns,
    server_vm_hwm_kib: vm_hwm_kib,
  };
}

// ---- direct round: the fake alone ----------------------------------------

const chat_completions_body = JSON.stringify({
  model,
  messages: [
    { role: 'system', content: 'You are a benchmark.' },
    { role: 'user', content: question },
  ],
  stream: true,
  stream_options: { include_usage: true },
  temperature: 0,
  max_tokens: tokens * 4,
});

const chat_completions_request = Buffer.from(
  `POST /v1/chat/completions HTTP/1.1\r\nHost: ${host}:${fake_port}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(chat_completions_body)}\r\nConnection: close\r\n\r\n${chat_completions_body}`,
);
// How the fake writes a token's chunk (Python's json.dumps); the role chunk
// before the first token has `{"role": …, "content": ""}` and does not match.
const content_delta_marker = '"delta": {"content": "';
const done_marker = 'data: [DONE]';

/**
 * One streaming request straight to the fake over a raw socket, on a new
 * connection as the server makes one per stream; records each token chunk's
 * arrival. A raw socket, not node:http, so that the client's own cost stays
 * as small as the WebSocket client's in the server round.
 */
function direct_stream(record) {
  record.sent_at = performance.now();
  const socket = net.connect({ host, port: fake_port }, () => socket.write(chat_completions_request));
  socket.setEncoding('utf8');
  let tail = ''; // the end of the previous read, where a marker may have been split
  socket.on('data', (chunk) => {
    const at = performance.now();
    const text = tail + chunk;
    for (let from = text.indexOf(content_delta_marker); from >= 0; from = text.indexOf(content_delta_marker, from + 1)) {
      record.delta_at.push(at);
    }
    if (text.includes(done_marker)) record.finish({ finish_reason: 'stop', full_response_matches: true });
    tail = text.slice(-(content_delta_marker.length - 1));
  });
  socket.on('error', (error) => record.fail(`socket ${error.code ?? error.message}`));
  socket.on('close', () => record.fail('connection closed before [DONE]'));
}

async function direct_round(k) {
  return measured(async () => {
    const records = Array.from({ length: streams_in_round(k) }, () => new StreamRecord());
    await run_batches(records, k, (i) => direct_stream(records[i]));
    return records;
  });
}

// ---- server round: K chat sessions ---------------------------------------

/** Opens a chat WebSocket and resolves once `connected` arrived; deltas then land in `record`. */
function open_chat_session(session_id, record) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${host}:${port}/ws/chat/${session_id}`, { perMessageDeflate: false });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('connect timeout'));
    }, connect_timeout_ms);
    ws.on('message', (data) => {
      const at = performance.now();
      const wall = Date.now();
      const message = JSON.parse(data);
      switch (message.type) {
        case 'connected':
          clearTimeout(timer);
          resolve(ws);
          break;
        case 'response_start':
          record.start_at = at;
          break;
        case 'text-delta':
          if (message.index !== record.delta_at.length) record.out_of_order++;
          record.delta_at.push(at);
          record.server_stamp_ms.push(Date.parse(message.timestamp));
          record.delivery_lag_ms.push(wall - record.server_stamp_ms.at(-1));
          record.text += message.text;
          break;
        case 'response_end':
          record.finish({
            finish_reason: message.finish_reason,
            full_response_matches: message.full_response === record.text,
          });
          break;
        case 'error':
          record.fail(`error ${message.code}`);
          break;
      }
    });
    ws.on('error', (error) => {
      clearTimeout(timer);
      record.fail(`socket ${error.code ?? error.message}`);
      reject(error);
    });
    ws.on('close', (code) => record.fail(`closed ${code}`));
  });
}

/** Closes every socket with 1000, waiting 10 s at most; returns how many had to be terminated. */
async function close_all(sockets) {
  const closed = sockets.map(
    (ws) =>
      new Promise((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', resolve);
        ws.close(1000);
      }),
  );
  let timer;
  await Promise.race([Promise.all(closed), new Promise((resolve) => (timer = setTimeout(resolve, 10000)))]);
  clearTimeout(timer);
  const lingering = sockets.filter((ws) => ws.readyState !== WebSocket.CLOSED);
  for (const ws of lingering) ws.terminate();
  return lingering.length;
}

/**
 * K sessions, one chat each to `chat_application`: streaming from the fake,
 * or from the server's builtin provider, whose answer length is not known
 * beforehand (`expected_tokens` null).
 */
async function server_round(
  k,
  round_name,
  { chat_application = application_id, content = question, expected_tokens = tokens } = {},
) {
  const records = Array.from({ length: streams_in_round(k) }, () => new StreamRecord());
  const sockets = [];
  const connect_failures = {};
  const connect_started = performance.now();
  for (let first = 0; first < records.length; first += connect_in_flight) {
    const batch = records.slice(first, first + connect_in_flight).map((record, j) =>
      open_chat_session(`${round_name}-${first + j}`, record).then(
        (ws) => {
          sockets[first + j] = ws; // the socket whose messages land in records[first + j]
        },
        (error) => {
          const reason = error.code ?? error.message;
          connect_failures[reason] = (connect_failures[reason] ?? 0) + 1;
        },
      ),
    );
    await Promise.all(batch);
  }
  const connect_seconds = (performance.now() - connect_started) / 1000;

  const figures = await measured(async () => {
    await run_batches(records, k, (i) => {
      const ws = sockets[i];
      if (!ws) return records[i].fail('not connected');
      records[i].sent_at = performance.now();
      ws.send(JSON.stringify({ type: 'chat', content, application_id: chat_application }));
    });
    return records;
  }, expected_tokens);
  const open_sockets = sockets.filter(Boolean);
  const terminated = await close_all(open_sockets);
  return { ...figures, connected: open_sockets.length, connect_seconds: round(connect_seconds, 2), connect_failures, terminated_at_close: terminated };
}

// ---- the fake's own account ----------------------------------------------

async function fake_control(method, path) {
  const response = await fetch(`http://${host}:${fake_port}${path}`, { method, signal: AbortSignal.timeout(10000) });
  if (!response.ok) throw new Error(`fake ${method} ${path} answered HTTP ${response.status}`);
  return response.json();
}

/** What the fake saw since its last reset: requests, completed, cut short; then resets it. */
async function fake_account() {
  const { requests } = await fake_control('GET', '/_control/requests');
  await fake_control('POST', '/_control/reset');
  return {
    requests: requests.length,
    completed: requests.filter((r) => r.completed).length,
    client_disconnected: requests.filter((r) => r.client_disconnected).length,
  };
}

// ---- main ---------------------------------------------------------------

const raw_results = new RawResults(options.out, 'chat_latency', {
  host,
  port,
  fake_port,
  sessions: session_counts,
  builtin_sessions: builtin_session_counts,
  tokens,
  interval_ms,
  ramp_ms,
  on_time_ms,
  model,
  endpoint: '/ws/chat/{session_id} (anonymous guests), one session and one chat per WebSocket',
  direct_baseline: !options['skip-direct'],
  warmup_sessions,
  solo_repeats,
});
const results = raw_results.data;
results.rounds = [];

async function put_application() {
  const response = await fetch(`http://${host}:${port}/api/v1/applications/${application_id}`, {
    method: 'PUT',
    headers: { 'X-API-Key': api_key, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      name: 'chat latency benchmark',
      provider: 'openai',
      model,
      system_prompt: 'You are a benchmark.',
      knowledge_base_ids: [],
      temperature: 0,
      max_tokens: tokens * 4,
      base_url: `http://${host}:${fake_port}/v1`,
    }),
    signal: AbortSignal.timeout(10000),
  });
  if (response.status !== 200) throw new Error(`PUT application answered HTTP ${response.status}: ${await response.text()}`);
}

/** One round's summary line for the terminal. */
const line = (name, f) =>
  `${name}: first delta p50 ${f.first_delta_ms.p50} p99 ${f.first_delta_ms.p99} ms, |gap−${interval_ms}| p50 ${f.gap_error_ms.p50} p99 ${f.gap_error_ms.p99} ms` +
  (f.server_stamp_gap_error_ms.count ? ` (server stamps p50 ${f.server_stamp_gap_error_ms.p50} p99 ${f.server_stamp_gap_error_ms.p99}), lag p50 ${f.delivery_lag_ms.p50} p99 ${f.delivery_lag_ms.p99} ms` : '') +
  `, steady p50 ${f.steady_gap_error_ms.p50} p99 ${f.steady_gap_error_ms.p99} ms, loop delay p99 ${f.generator_event_loop_delay_ms.p99} ms, ` +
  `${f.complete_streams}/${f.streams} complete, CPU server ${f.cpu.average_percent.server}% fake ${f.cpu.average_percent.fake}% generator ${f.cpu.average_percent.generator}% (cores ${f.cpu.average_percent.cpu0_busy}% / ${f.cpu.average_percent.cpu1_busy}%)`;

/**
 * Runs a round again (3 attempts at most) while its cores were busier than
 * the benchmark's own processes explain: someone else's load arrived during it.
 */
async function undisturbed(label, k, run) {
  const attempts_max = 3;
  for (let attempt = 1; ; attempt++) {
    const figures = await run();
    const average = Math.max(figures.unattributed_core_percent.cpu0, figures.unattributed_core_percent.cpu1);
    const peak = Math.max(figures.unattributed_core_percent_peak_250ms.cpu0, figures.unattributed_core_percent_peak_250ms.cpu1);
    // A round of single streams re-ran the disturbed ones itself (run_batches): only its average counts.
    const disturbed = average > outside_load_limit_percent || (k > 1 && peak > outside_load_peak_limit_percent);
    const account = `${average} % of a core on average, ${peak} % in a 250 ms sample, busy outside the benchmark's processes`;
    if (!disturbed || attempt === attempts_max) {
      if (disturbed) results.problems.push(`${label}: ${account}, in each of ${attempts_max} attempts`);
      return { ...figures, attempts: attempt };
    }
    console.error(`${label}: ${account}; running it again`);
  }
}

async function main() {
  results.cpus_allowed = Object.fromEntries(
    Object.entries({ server: server_pid, fake: fake_pid, generator: process.pid }).map(([k, pid]) => [
      k,
      proc_status(pid, 'Cpus_allowed_list'),
    ]),
  );
  await put_application();
  // Unrecorded warm-up: the JIT of this process, the server's first
  // connections and statements, the fake's first requests.
  if (warmup_sessions > 0) {
    if (!options['skip-direct']) await direct_round(warmup_sessions);
    results.warmup = await server_round(warmup_sessions, 'bench-warmup');
    if (results.warmup.complete_streams !== warmup_sessions) {
      throw new Error(`warm-up: ${warmup_sessions - results.warmup.complete_streams} streams failed: ${JSON.stringify(results.warmup.failures)}`);
    }
    results.warmup = { sessions: warmup_sessions, complete_streams: results.warmup.complete_streams };
  }
  await fake_account(); // starts each round's account from zero
  for (const [n, k] of session_counts.entries()) {
    const entry = { sessions: k };
    results.rounds.push(entry);
    if (!options['skip-direct']) {
      entry.direct = await undisturbed(`K=${k} direct`, k, async () => ({ ...(await direct_round(k)), fake_account: await fake_account() }));
    }
    entry.server = await undisturbed(`K=${k} server`, k, async () => ({
      ...(await server_round(k, `bench-${n}-k${k}`)),
      fake_account: await fake_account(),
    }));
    console.error(`K=${k}\n  ${entry.direct ? line('direct', entry.direct) + '\n  ' : ''}${line('server', entry.server)}`);
    const { complete_streams, streams } = entry.server;
    if (complete_streams !== streams) results.problems.push(`K=${k}: ${streams - complete_streams} of ${streams} streams via the server did not complete`);
    raw_results.write();
  }
  for (const [n, k] of builtin_session_counts.entries()) {
    const entry = { sessions: k, provider: 'builtin' };
    results.rounds.push(entry);
    entry.server = await undisturbed(`K=${k} builtin`, k, () =>
      server_round(k, `bench-builtin-${n}-k${k}`, {
        chat_application: builtin_application_id,
        content: builtin_question,
        expected_tokens: null,
      }),
    );
    console.error(`K=${k} builtin\n  ${line('server', entry.server)}`);
    const { complete_streams, streams } = entry.server;
    if (complete_streams !== streams) results.problems.push(`K=${k} builtin: ${streams - complete_streams} of ${streams} streams did not complete`);
    raw_results.write();
  }
}

raw_results.run(main, { deadline_ms, deadline_owner: 'generator' });
