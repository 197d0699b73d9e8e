// Generator of bench/plugin_ingest.sh: how fast the server takes plugin debug
// events in, one event per POST and as whole debug bundles, while consoles
// watch the execution and must receive every event. The driver starts and
// stops the server. The API key comes from BENCH_API_KEY and is never printed.
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { PostLoad } from './post_load.mjs';
import { RawResults, clock_ticks_per_second, cpu_ticks, percentile, proc_status_number, round } from './bench_common.mjs';

const { values: options } = parseArgs({
  options: {
    port: { type: 'string' },
    'server-pid': { type: 'string' },
    events: { type: 'string', default: '20000' }, // single-event POSTs
    bundles: { type: 'string', default: '200' },
    'logs-per-bundle': { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '32' }, // POSTs in flight
    consoles: { type: 'string', default: '2' },
    'deadline-seconds': { type: 'string', default: '120' },
    out: { type: 'string' },
  },
});

const host = '127.0.0.1';
const port = Number(options.port);
const server_pid = Number(options['server-pid']);
const events = Number(options.events);
const bundles = Number(options.bundles);
const logs_per_bundle = Number(options['logs-per-bundle']);
const concurrency = Number(options.concurrency);
const consoles = Number(options.consoles);
const deadline_ms = Number(options['deadline-seconds']) * 1000;
const api_key = process.env.BENCH_API_KEY;
const base = '/api/v1/plugins/executions';

if (!port || !server_pid || !options.out || !api_key) {
  console.error('usage: BENCH_API_KEY=… node plugin_ingest.mjs --port P --server-pid PID --out FILE');
  process.exit(64);
}

const results = new RawResults(options.out, 'plugin-ingest', { events, bundles, logs_per_bundle, concurrency, consoles });

const load = new PostLoad(host, port, concurrency, { 'X-API-Key': api_key });
const post = (path, body, expected_status) => load.post(0, `${base}${path}`, body, expected_status);

/** Resolves once the console has seen `execution_info`; counts the live events it gets after. */
function open_console(execution_id, counter) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://${host}:${port}/api/v1/ws/plugin/debug/${execution_id}`);
    socket.on('message', (data) => {
      const message = JSON.parse(data);
      if (message.type === 'execution_info') resolve(socket);
      else if (message.type === 'log') counter.received += 1;
    });
    socket.once('close', (code) => (counter.close_code = code));
    socket.once('error', reject);
  });
}

const log_record = (n) => ({ level: 'info', message: `step ${n} done`, timestamp: new Date().toISOString() });

/** Runs one phase; figures for `ingested` events, waiting until every console has them all. */
async function phase(execution_id, ingested, make_request, count) {
  const counters = Array.from({ length: consoles }, () => ({ received: 0 }));
  const sockets = await Promise.all(counters.map((counter) => open_console(execution_id, counter)));
  const server_ticks_before = cpu_ticks(server_pid);
  const generator_cpu_before = process.cpuUsage();
  const started = performance.now();
  const durations = await load.run(count, make_request);
  const ingest_seconds = (performance.now() - started) / 1000;
  const server_ticks_after = cpu_ticks(server_pid);
  const generator_cpu = process.cpuUsage(generator_cpu_before);
  const watch_until = performance.now() + 10000;
  const still_waiting = (c) => c.received < ingested && c.close_code === undefined;
  while (counters.some(still_waiting) && performance.now() < watch_until) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  // A console that reads slower than the server ingests is shed with 1013
  // (the server's slow-consumer rule); one that stays open must get everything.
  const shed = counters.filter((c) => c.close_code === 1013).length;
  const missing = counters
    .filter((c) => c.close_code === undefined)
    .reduce((sum, c) => sum + Math.max(0, ingested - c.received), 0);
  if (missing) results.data.problems.push(`${execution_id}: open consoles missed ${missing} events`);
  const other_closes = counters.filter((c) => c.close_code !== undefined && c.close_code !== 1013);
  if (other_closes.length) results.data.problems.push(`${execution_id}: consoles closed with ${other_closes.map((c) => c.close_code)}`);
  for (const socket of sockets) socket.close(1000);
  return {
    events_per_second: round(ingested / ingest_seconds, 0),
    post_ms_p50: round(percentile(durations, 0.5)),
    post_ms_p99: round(percentile(durations, 0.99)),
    server_cpu_percent: round(((server_ticks_after - server_ticks_before) / clock_ticks_per_second / ingest_seconds) * 100, 1),
    generator_cpu_percent: round(((generator_cpu.user + generator_cpu.system) / 1e6 / ingest_seconds) * 100, 1),
    consoles_received_all: missing === 0 && shed === 0,
    consoles_shed_as_slow: shed,
  };
}

async function main() {
  const rss_before_kib = proc_status_number(server_pid, 'VmRSS');
  await post('', { plugin_id: 'bench-plugin', tool_name: 'single', execution_id: 'exec-single' }, 201);
  const single = await phase('exec-single', events, (n) => [`${base}/exec-single/events`, { type: 'log', data: log_record(n) }, 202], events);

  await post('', { plugin_id: 'bench-plugin', tool_name: 'bundle', execution_id: 'exec-bundle' }, 201);
  const bundle = (n) => ({
    logs: Array.from({ length: logs_per_bundle }, (_, i) => log_record(n * logs_per_bundle + i)),
    trace: [],
    steps: [],
    variables: [],
    api_calls: [],
    total_execution_time: 0.5,
  });
  const batched = await phase('exec-bundle', bundles * logs_per_bundle, (n) => [`${base}/exec-bundle/events/batch`, bundle(n), 202], bundles);

  results.data.figures = {
    single_events_per_second: single.events_per_second,
    single_post_ms_p50: single.post_ms_p50,
    single_post_ms_p99: single.post_ms_p99,
    single_server_cpu_percent: single.server_cpu_percent,
    single_generator_cpu_percent: single.generator_cpu_percent,
    bundle_events_per_second: batched.events_per_second,
    bundle_post_ms_p50: batched.post_ms_p50,
    bundle_post_ms_p99: batched.post_ms_p99,
    bundle_server_cpu_percent: batched.server_cpu_percent,
    bundle_generator_cpu_percent: batched.generator_cpu_percent,
    single_consoles_received_every_event: single.consoles_received_all,
    single_consoles_shed_as_slow: single.consoles_shed_as_slow,
    bundle_consoles_received_every_event: batched.consoles_received_all,
    bundle_consoles_shed_as_slow: batched.consoles_shed_as_slow,
    server_rss_before_kib: rss_before_kib,
    server_rss_after_kib: proc_status_number(server_pid, 'VmRSS'),
  };
}

results.run(async () => {
  try {
    await main();
  } finally {
    load.close();
  }
}, { deadline_ms, deadline_owner: 'generator' });
