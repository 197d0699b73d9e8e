// One load-generator process of bench/idle_connect.sh: opens its share of
// authenticated workspace connections from its own loopback source addresses, keeps
// them open until told to close, and reports timings to the coordinator over
// the fork() IPC channel. Never logs a token.
import WebSocket from 'ws';
import { mint_access_token } from './bench_common.mjs';

const open_sockets = [];
let closed_while_idle = 0;
let phase = 'setup';
const close_codes_while_idle = {};

function count(map, key) {
  map[key] = (map[key] ?? 0) + 1;
}

/// Opens one connection and resolves with its outcome; never rejects.
function open_one(settings, index) {
  const user_id = `bench-user-${settings.first_index + index}`;
  const workspace_id = `bench-ws-${(settings.first_index + index) % settings.workspace_count}`;
  const token = mint_access_token(settings.jwt_secret, user_id, settings.token_lifetime_seconds);
  const url = `ws://${settings.host}:${settings.port}/ws/workspaces/${workspace_id}?token=${token}`;
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    let settled = false;
    const local_address = settings.local_addresses[index % settings.local_addresses.length];
    const socket = new WebSocket(url, { localAddress: local_address, handshakeTimeout: settings.timeout_ms });
    const finish = (outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    // Covers the whole open → `connected` span, not only the HTTP upgrade.
    const timer = setTimeout(() => {
      finish({ ok: false, reason: 'timeout' });
      socket.terminate();
    }, settings.timeout_ms);
    socket.once('message', (data) => {
      let type = 'unparseable';
      try {
        type = JSON.parse(data.toString()).type;
      } catch {
        // reported below as an unexpected first message
      }
      if (type !== 'connected') {
        finish({ ok: false, reason: `first message type ${type}` });
        socket.terminate();
        return;
      }
      const elapsed_ms = Number(process.hrtime.bigint() - started) / 1e6;
      open_sockets.push(socket);
      finish({ ok: true, elapsed_ms, extensions: socket.extensions });
    });
    socket.on('unexpected-response', (_request, response) => {
      finish({ ok: false, reason: `HTTP ${response.statusCode}` });
      socket.terminate();
    });
    socket.on('error', (error) => {
      // Error messages of ws may quote the URL, which carries the token: keep only the code.
      finish({ ok: false, reason: error.code ?? error.message.replace(/token=[^\s&]*/g, 'token=…') });
    });
    socket.on('close', (code) => {
      if (!settled) {
        finish({ ok: false, reason: `closed ${code} before connected` });
      } else if (phase === 'idle') {
        closed_while_idle += 1;
        count(close_codes_while_idle, code);
      }
    });
  });
}

async function connect_phase(settings) {
  const cpu_before = process.cpuUsage();
  const started_ms = performance.now();
  const latencies_ms = [];
  const failures = {};
  const extensions = {};
  let next = 0;
  const deadline_ms = started_ms + settings.phase_timeout_ms;
  // A fixed number of lanes, each opening connections one after another, bounds
  // the handshakes in flight without a queue.
  const lane = async () => {
    while (next < settings.count && performance.now() < deadline_ms) {
      const outcome = await open_one(settings, next++);
      if (outcome.ok) {
        latencies_ms.push(outcome.elapsed_ms);
        count(extensions, outcome.extensions || 'none');
      } else {
        count(failures, outcome.reason);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(settings.in_flight, settings.count) }, lane));
  phase = 'idle';
  return {
    type: 'connected',
    requested: settings.count,
    attempted: next,
    connected: latencies_ms.length,
    failures,
    extensions,
    latencies_ms,
    elapsed_ms: performance.now() - started_ms,
    cpu: process.cpuUsage(cpu_before),
  };
}

async function close_phase(timeout_ms) {
  phase = 'closing';
  const started_ms = performance.now();
  const still_open = open_sockets.filter((socket) => socket.readyState === WebSocket.OPEN);
  const closes = still_open.map(
    (socket) =>
      new Promise((resolve) => {
        socket.once('close', () => resolve(true));
        socket.close(1000, 'bench done');
      }),
  );
  const all_closed = Promise.all(closes).then(() => true);
  const timed_out = new Promise((resolve) => setTimeout(() => resolve(false), timeout_ms));
  const clean = await Promise.race([all_closed, timed_out]);
  let terminated = 0;
  for (const socket of open_sockets) {
    if (socket.readyState !== WebSocket.CLOSED) {
      socket.terminate();
      terminated += 1;
    }
  }
  return {
    type: 'closed',
    open_before_close: still_open.length,
    closed_cleanly: clean,
    terminated,
    elapsed_ms: performance.now() - started_ms,
  };
}

process.on('message', async (message) => {
  if (message.command === 'connect') {
    process.send(await connect_phase(message.settings));
  } else if (message.command === 'status') {
    process.send({
      type: 'status',
      open: open_sockets.filter((socket) => socket.readyState === WebSocket.OPEN).length,
      closed_while_idle,
      close_codes_while_idle,
    });
  } else if (message.command === 'close') {
    const report = await close_phase(message.timeout_ms);
    process.send(report, () => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready', pid: process.pid });
