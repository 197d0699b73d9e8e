// Generator of bench/workspace_fanout.sh: M members of one workspace connect,
// one more member publishes E `document_updated` events, and every member
// records when each event reached it. Reports deliveries per second and the
// publish-to-delivery latency, with both sides' CPU. The driver starts and
// stops the server. Secrets come from BENCH_JWT_SECRET and BENCH_API_KEY and
// are never printed or written.
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { RawResults, add_workspace_members, clock_ticks_per_second, cpu_ticks, mint_access_token, percentile, proc_status_number, round } from './bench_common.mjs';

const { values: options } = parseArgs({
  options: {
    port: { type: 'string' },
    'server-pid': { type: 'string' },
    members: { type: 'string', default: '1000' },
    events: { type: 'string', default: '1000' },
    // Events per second; 0 sends as fast as the publisher's socket drains.
    rate: { type: 'string', default: '0' },
    'deadline-seconds': { type: 'string', default: '120' },
    // For peer servers (bench/peers), which keep no membership: nobody is added first.
    'no-membership': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});

const host = '127.0.0.1';
const port = Number(options.port);
const server_pid = Number(options['server-pid']);
const members = Number(options.members);
const events = Number(options.events);
const rate = Number(options.rate);
const deadline_ms = Number(options['deadline-seconds']) * 1000;
const jwt_secret = process.env.BENCH_JWT_SECRET;
const api_key = process.env.BENCH_API_KEY;
const add_members = !options['no-membership'];
const workspace_id = 'ws-fanout';
const publisher_id = 'publisher';
// Past this much unsent data the publisher waits: flat out, but never
// buffering the whole run in the generator's own memory.
const publisher_buffer_limit_bytes = 256 * 1024;
// Members connect this many at a time.
const connect_concurrency = 100;

if (!port || !server_pid || !options.out || !jwt_secret || (add_members && !api_key) || members < 1 || events < 1) {
  console.error('usage: BENCH_JWT_SECRET=… BENCH_API_KEY=… node workspace_fanout.mjs --port P --server-pid PID --out FILE [--members M] [--events E] [--rate R] [--no-membership (no API key then)]');
  process.exit(64);
}

const results = new RawResults(options.out, 'workspace-fanout', { members, events, rate, workspace_id, members_added: add_members });

/** Opens one member's connection; resolves once `connected` arrives. `on_message(text, now)` sees the rest. */
function connect(user_id, on_message) {
  return new Promise((resolve, reject) => {
    const token = mint_access_token(jwt_secret, user_id, 3600);
    const socket = new WebSocket(`ws://${host}:${port}/ws/workspaces/${workspace_id}?token=${token}`);
    const timer = setTimeout(() => reject(new Error(`${user_id}: no connected within 10 s`)), 10000);
    socket.once('close', (code) => reject(new Error(`${user_id}: closed with ${code} before connected`)));
    socket.once('message', (data) => {
      clearTimeout(timer);
      if (!String(data).includes('"connected"')) return reject(new Error(`${user_id}: first message was not connected`));
      socket.on('message', (message) => on_message(message, performance.now()));
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

// Microseconds as an integer: the server re-serializes the event, and a
// fraction would come back in exponent notation.
const sent_us_pattern = /"sent_us":([0-9]+)/;
const latencies_ms = new Float64Array(members * events);
let delivered = 0;
let last_delivery_at = 0;
let publisher_seen_by = 0;
let all_delivered;
const all_delivered_promise = new Promise((resolve) => (all_delivered = resolve));
let publisher_announced;
const publisher_announced_promise = new Promise((resolve) => (publisher_announced = resolve));

function on_member_message(message, now) {
  const text = message.toString();
  const sent_us = sent_us_pattern.exec(text);
  if (sent_us) {
    latencies_ms[delivered++] = now - Number(sent_us[1]) / 1000;
    last_delivery_at = now;
    if (delivered === members * events) all_delivered();
  } else if (text.includes('"user_joined"') && text.includes(`"${publisher_id}"`)) {
    if (++publisher_seen_by === members) publisher_announced();
  }
}

async function publish(publisher) {
  const interval_ms = rate > 0 ? 1000 / rate : 0;
  const started = performance.now();
  for (let n = 0; n < events; ++n) {
    if (interval_ms > 0) {
      const due = started + n * interval_ms;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    } else {
      while (publisher.bufferedAmount > publisher_buffer_limit_bytes) await new Promise(setImmediate);
    }
    publisher.send(`{"type":"document_updated","document_id":"doc-bench","action":"edited","n":${n},"sent_us":${Math.round(performance.now() * 1000)}}`);
  }
}

function cpu_percent(ticks_before, ticks_after, seconds) {
  if (ticks_before === null || ticks_after === null || seconds <= 0) return null;
  return round(((ticks_after - ticks_before) / clock_ticks_per_second / seconds) * 100, 1);
}

async function main() {
  const member_ids = Array.from({ length: members }, (_, i) => `member-${i}`);
  if (add_members) {
    await add_workspace_members(`http://${host}:${port}`, api_key, [...member_ids, publisher_id].map((user_id) => [workspace_id, user_id]));
  }
  const rss_before_kib = proc_status_number(server_pid, 'VmRSS');

  const sockets = [];
  for (let start = 0; start < members; start += connect_concurrency) {
    const batch = member_ids.slice(start, start + connect_concurrency);
    sockets.push(...(await Promise.all(batch.map((user_id) => connect(user_id, on_member_message)))));
  }
  const publisher = await connect(publisher_id, () => {});
  await publisher_announced_promise; // every member knows the publisher: the join flood is over

  const server_ticks_before = cpu_ticks(server_pid);
  const generator_cpu_before = process.cpuUsage();
  const publish_started = performance.now();
  await publish(publisher);
  const publish_ended = performance.now();
  let delivery_timer;
  const timed_out = await Promise.race([
    all_delivered_promise.then(() => false),
    new Promise((resolve) => (delivery_timer = setTimeout(() => resolve(true), deadline_ms / 2))),
  ]);
  clearTimeout(delivery_timer); // a pending timer would keep the generator alive for the rest of the wait
  const seconds = (last_delivery_at - publish_started) / 1000;
  const server_ticks_after = cpu_ticks(server_pid);
  const generator_cpu = process.cpuUsage(generator_cpu_before);
  if (timed_out) results.data.problems.push(`only ${delivered} of ${members * events} deliveries within ${deadline_ms / 2000} s`);

  const sorted = Array.from(latencies_ms.subarray(0, delivered)).sort((a, b) => a - b);
  results.data.figures = {
    deliveries: delivered,
    deliveries_expected: members * events,
    seconds: round(seconds, 3),
    deliveries_per_second: round(delivered / seconds, 0),
    events_per_second_published: round(events / ((publish_ended - publish_started) / 1000), 0),
    latency_ms_p50: round(percentile(sorted, 0.5)),
    latency_ms_p99: round(percentile(sorted, 0.99)),
    latency_ms_p999: round(percentile(sorted, 0.999)),
    latency_ms_max: round(sorted.at(-1)),
    server_cpu_percent: cpu_percent(server_ticks_before, server_ticks_after, seconds),
    generator_cpu_percent: round(((generator_cpu.user + generator_cpu.system) / 1e6 / seconds) * 100, 1),
    server_rss_before_kib: rss_before_kib,
    server_rss_after_kib: proc_status_number(server_pid, 'VmRSS'),
  };

  for (const socket of [...sockets, publisher]) socket.close(1000);
}

results.run(main, { deadline_ms, deadline_owner: 'generator' });
