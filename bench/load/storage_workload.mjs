// Generator of bench/storage.sh, run once per store: what the storage under
// the server sustains, in three phases one after another.
//   notifications  POST /api/v1/notifications, one user each, K in flight;
//                  every 202 comes only after the notification was committed.
//   events         POST …/executions/{id}/events, one debug event each, K in flight.
//   chats          C chat WebSockets (demo application, builtin provider),
//                  every `chat` sent in one go: `chat` → `response_start` is
//                  the question parsed and stored, and the history read.
//                  `generator_send_ms`: how long sending them took here; no
//                  answer is read before, so no figure can be below it.
//                  `first_delta_ms`: `chat` → its first `text-delta`.
//   chats over one second  the same with the C chats spread evenly over 1 s.
// The driver starts and stops the server and its store. The API key comes
// from BENCH_API_KEY and is never printed.
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { PostLoad } from './post_load.mjs';
import { RawResults, clock_ticks_per_second, cpu_ticks, percentile, round } from './bench_common.mjs';

const { values: options } = parseArgs({
  options: {
    port: { type: 'string' },
    'server-pid': { type: 'string' },
    store: { type: 'string' }, // what the report calls this run's store
    notifications: { type: 'string', default: '50000' },
    users: { type: 'string', default: '1000' },
    events: { type: 'string', default: '20000' },
    'in-flight': { type: 'string', default: '32' },
    chats: { type: 'string', default: '200' },
    'deadline-seconds': { type: 'string', default: '150' },
    out: { type: 'string' },
  },
});

const host = '127.0.0.1';
const port = Number(options.port);
const server_pid = Number(options['server-pid']);
const notifications = Number(options.notifications);
const users = Number(options.users);
const events = Number(options.events);
const in_flight = Number(options['in-flight']);
const chats = Number(options.chats);
const api_key = process.env.BENCH_API_KEY;
// The demo data's application (demo/seed.json), answered by the builtin provider.
const application_id = 'app-uuid-123';
const question = 'What were the key Q4 metrics?';
// Every chat must have its `response_end` by then, or the phase reports it.
const chat_answer_timeout_ms = 30000;

if (!port || !server_pid || !options.out || !options.store || !api_key) {
  console.error('usage: BENCH_API_KEY=… node storage_workload.mjs --port P --server-pid PID --store NAME --out FILE');
  process.exit(64);
}
if (chats < 1 || chats > 5000 || users < 1 || in_flight < 1) {
  console.error('--chats is 1…5000; --users and --in-flight at least 1');
  process.exit(64);
}

const results = new RawResults(options.out, 'storage', { store: options.store, notifications, users, events, in_flight, chats });
const load = new PostLoad(host, port, in_flight, { 'X-API-Key': api_key });

/** Runs `work`; its figures with the server's and this process's CPU over it. */
async function with_cpu(work) {
  const server_ticks_before = cpu_ticks(server_pid);
  const generator_cpu_before = process.cpuUsage();
  const started = performance.now();
  const figures = await work();
  const seconds = (performance.now() - started) / 1000;
  const server_ticks = cpu_ticks(server_pid) - server_ticks_before;
  const generator_cpu = process.cpuUsage(generator_cpu_before);
  return {
    ...figures(seconds),
    server_cpu_percent: round((server_ticks / clock_ticks_per_second / seconds) * 100, 1),
    generator_cpu_percent: round(((generator_cpu.user + generator_cpu.system) / 1e6 / seconds) * 100, 1),
  };
}

/** `count` POSTs, `make_request(n)` giving each one's [path, body, status], `in_flight` at a time: rate and latency. */
const post_phase = (count, make_request) =>
  with_cpu(async () => {
    const durations = await load.run(count, make_request);
    return (seconds) => ({
      per_second: round(count / seconds, 0),
      ms_p50: round(percentile(durations, 0.5)),
      ms_p99: round(percentile(durations, 0.99)),
      ms_max: round(durations.at(-1)),
    });
  });

const notification = (n) => ({
  user_id: `bench-user-${n % users}`,
  title: `Build ${n} finished`,
  body: 'All checks passed.',
  action_url: `/builds/${n}`,
  data: { build: n },
});

/** A chat WebSocket, resolved once `connected` arrived; the record gets the chat's times. */
function open_chat(session_id, record) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${host}:${port}/ws/chat/${session_id}`, { perMessageDeflate: false });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('connect timeout'));
    }, 10000);
    ws.on('message', (data) => {
      const message = JSON.parse(data);
      if (message.type === 'connected') {
        clearTimeout(timer);
        resolve(ws);
      } else if (message.type === 'response_start') {
        record.start_ms = performance.now() - record.sent_at;
      } else if (message.type === 'text-delta' && record.first_delta_ms === null) {
        record.first_delta_ms = performance.now() - record.sent_at;
      } else if (message.type === 'response_end') {
        record.end();
      } else if (message.type === 'error') {
        record.error = message.code;
        record.end();
      }
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/**
 * C sessions connected first, then their `chat`s: all in one go (spread_ms
 * 0), or one every spread_ms / C, as users' questions would come.
 */
async function chat_phase(spread_ms) {
  const records = Array.from({ length: chats }, () => {
    const record = { start_ms: null, first_delta_ms: null, error: null };
    record.ended = new Promise((resolve) => (record.end = resolve));
    return record;
  });
  const stamp = Date.now().toString(36);
  const sockets = await Promise.all(records.map((record, i) => open_chat(`bench-storage-${stamp}-${i}`, record)));
  const figures = await with_cpu(async () => {
    const started = performance.now();
    for (const [i, ws] of sockets.entries()) {
      const due = started + (spread_ms * i) / chats;
      // Bounded: the loop ends after spread_ms, plus a timer's lateness.
      if (spread_ms > 0 && performance.now() < due) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
      records[i].sent_at = performance.now();
      ws.send(JSON.stringify({ type: 'chat', content: question, application_id }));
    }
    // This process reads no answer before its last send: a floor under every
    // figure below, not the server's time.
    const send_loop_ms = performance.now() - started;
    let timer;
    const answered = Promise.all(records.map((record) => record.ended));
    await Promise.race([answered, new Promise((resolve) => (timer = setTimeout(resolve, chat_answer_timeout_ms)))]);
    clearTimeout(timer);
    const starts = records.map((r) => r.start_ms).filter((ms) => ms !== null).sort((a, b) => a - b);
    const first_deltas = records.map((r) => r.first_delta_ms).filter((ms) => ms !== null).sort((a, b) => a - b);
    return () => ({
      generator_send_ms: round(send_loop_ms),
      response_started: starts.length,
      errors: records.filter((r) => r.error).length,
      response_start_ms_p50: round(percentile(starts, 0.5)),
      response_start_ms_p99: round(percentile(starts, 0.99)),
      response_start_ms_max: round(starts.at(-1)),
      // After response_start: the knowledge search and the answer's composing.
      first_delta_ms_p50: round(percentile(first_deltas, 0.5)),
      first_delta_ms_p99: round(percentile(first_deltas, 0.99)),
    });
  });
  for (const ws of sockets) ws.close(1000);
  if (figures.response_started !== chats) results.data.problems.push(`${chats - figures.response_started} chats had no response_start`);
  if (figures.errors) results.data.problems.push(`${figures.errors} chats answered error`);
  return figures;
}

async function main() {
  // A short warm-up: the first requests open connections on both sides.
  const publish = (n) => ['/api/v1/notifications', notification(n), 202];
  await load.run(in_flight * 10, publish);
  results.data.notifications = await post_phase(notifications, publish);
  results.write();

  await load.post(0, '/api/v1/plugins/executions', { plugin_id: 'bench-plugin', tool_name: 'storage', execution_id: 'exec-storage' }, 201);
  const log_record = (n) => ({ level: 'info', message: `step ${n} done`, timestamp: new Date().toISOString() });
  results.data.events = await post_phase(events, (n) => [
    '/api/v1/plugins/executions/exec-storage/events',
    { type: 'log', data: log_record(n) },
    202,
  ]);
  results.write();

  results.data.chats = await chat_phase(0);
  results.write();
  results.data.chats_over_one_second = await chat_phase(1000);
}

results.run(async () => {
  try {
    await main();
  } finally {
    load.close();
  }
}, { deadline_ms: Number(options['deadline-seconds']) * 1000, deadline_owner: 'generator' });
