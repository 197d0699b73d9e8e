// The plugin debug console with Node's `ws`: unknown executions refused with
// `error` then 1008, execution_info → debug_data → live events in sequence
// order for every console, the plain-text keep-alive, and a console that
// stops reading shed with 1013 while ingest goes on and memory stays bounded.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ISO_UTC_TIMESTAMP, SANITIZED, startServer } from './nadoo-server.mjs';

const KiB = 1024;
const MiB = 1024 * KiB;
const EXECUTIONS = '/api/v1/plugins/executions';
const CONSOLE_PATHS = ['/api/v1/ws/plugin/debug/', '/ws/plugin-debug/'];

let nextId = 0;
const freshExecutionId = () => `exec-node-${process.pid}-${nextId++}`;

async function ingest(server, executionId, type, data) {
  const { status, body } = await server.apiRequest('POST', `${EXECUTIONS}/${executionId}/events`, { type, data });
  assert.equal(status, 202, body);
}

/** Messages of `client` up to and including the terminal event. */
async function untilTerminal(client) {
  const messages = [];
  for (;;) {
    const message = await client.nextJson();
    messages.push(message);
    if (message.type === 'execution_complete' || message.type === 'execution_error') return messages;
  }
}

function sequencesSeen(messages) {
  return messages.flatMap((m) => (m.type === 'debug_data' ? m.data.map((e) => e.sequence) : 'sequence' in m ? [m.sequence] : []));
}

describe('plugin debug console', () => {
  let server;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  for (const prefix of CONSOLE_PATHS) {
    test(`${prefix}{unknown} gets error not_found, then 1008`, async () => {
      const client = server.connect(`${prefix}exec-node-unknown`);
      const error = await client.nextJson();
      assert.equal(error.type, 'error');
      assert.equal(error.code, 'not_found');
      assert.equal((await client.closeEvent()).code, 1008);
    });
  }

  test('two consoles get execution_info, the history, then the same live events in order', async () => {
    const executionId = freshExecutionId();
    await server.createPluginExecution(executionId);
    await ingest(server, executionId, 'log', { level: 'info', message: 'before', timestamp: '2025-01-15T10:30:00' });

    const consoles = CONSOLE_PATHS.map((prefix) => server.connect(`${prefix}${executionId}`));
    for (const console of consoles) {
      const info = await console.nextJson();
      assert.equal(info.type, 'execution_info');
      assert.equal(info.data.execution_id, executionId);
      assert.equal(info.data.status, 'running');
      assert.match(info.timestamp, ISO_UTC_TIMESTAMP);
      const history = await console.nextJson();
      assert.equal(history.type, 'debug_data');
      assert.deepEqual(history.data.map((e) => [e.type, e.sequence, e.data.timestamp]), [['log', 1, '2025-01-15T10:30:00Z']]);
    }
    await ingest(server, executionId, 'variable', { name: 'password', value: 'hunter2' });
    await ingest(server, executionId, 'execution_complete', { result: 42, execution_time: 0.3 });

    for (const console of consoles) {
      const live = await untilTerminal(console);
      assert.deepEqual(live.map((m) => [m.type, m.sequence]), [['variable', 2], ['execution_complete', 3]]);
      assert.equal(live[0].data.value, '***REDACTED***');
      assert.equal(live[1].data.result, 42);
      await console.close();
    }
    const later = server.connect(`${CONSOLE_PATHS[0]}${executionId}`);
    assert.equal((await later.nextJson()).data.status, 'completed');
    await later.close();
  });

  test('consoles opened while events stream in each see every event exactly once', async () => {
    const executionId = freshExecutionId();
    await server.createPluginExecution(executionId);
    const total = 200;
    const consoles = [];
    for (let n = 1; n < total; n++) {
      await ingest(server, executionId, 'trace', { event: `e${n}` });
      if (n % 10 === 0) consoles.push(server.connect(`${CONSOLE_PATHS[n % 2]}${executionId}`));
    }
    await ingest(server, executionId, 'execution_error', { error: 'boom', traceback: null });
    const expected = Array.from({ length: total }, (_, i) => i + 1);
    for (const console of consoles) {
      const messages = await untilTerminal(console);
      assert.equal(messages[0].type, 'execution_info');
      assert.deepEqual(sequencesSeen(messages), expected);
      await console.close();
    }
  });

  test('plain text ping is answered with plain text pong', async () => {
    const executionId = freshExecutionId();
    await server.createPluginExecution(executionId);
    const client = server.connect(`${CONSOLE_PATHS[1]}${executionId}`);
    assert.equal((await client.nextJson()).type, 'execution_info');
    client.ws.send('ping');
    const pong = await client.next();
    assert.equal(pong.text, 'pong');
    await client.close();
  });
});

describe('a console that stops reading (outbound queue limit 256 KiB)', () => {
  let server;
  before(async () => {
    server = await startServer({
      args: [
        '--outbound-queue-limit-bytes', String(256 * KiB),
        '--plugin-debug-max-events-per-execution', '20000',
        '--handshake-timeout-seconds', '60', // time to read the close frame after the burst
      ],
    });
  });
  after(async () => {
    await server?.stop();
  });

  test('is closed with 1013 during a burst of 10,000 events while ingest answers 202 and memory stays bounded', async (t) => {
    const executionId = freshExecutionId();
    await server.createPluginExecution(executionId);
    const stalled = server.connect(`${CONSOLE_PATHS[0]}${executionId}`);
    assert.equal((await stalled.nextJson()).type, 'execution_info');
    stalled.ws._socket.pause(); // stop reading at the TCP level

    const rssAtStart = server.rssBytes();
    let rssPeak = rssAtStart;
    const padding = 'y'.repeat(1500);
    for (let batch = 0; batch < 20; batch++) {
      const logs = Array.from({ length: 500 }, (_, n) => ({ level: 'debug', message: `${batch}/${n} ${padding}` }));
      const { status, body } = await server.apiRequest('POST', `${EXECUTIONS}/${executionId}/events/batch`, { logs });
      assert.equal(status, 202, body);
      rssPeak = Math.max(rssPeak, server.rssBytes());
    }
    await ingest(server, executionId, 'execution_complete', { result: 'ok' });
    assert.equal(await server.metric('nadoo_slow_consumer_closes_total'), 1);

    stalled.ws._socket.resume();
    assert.equal((await stalled.closeEvent(15000)).code, 1013);
    const growth = rssPeak - rssAtStart;
    t.diagnostic(`server RSS ${(rssAtStart / MiB).toFixed(1)} -> peak ${(rssPeak / MiB).toFixed(1)} MiB over ~15 MiB of events`);
    if (!SANITIZED) assert.ok(growth < 64 * MiB, `server RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
    assert.equal(await server.metric('nadoo_outbound_queue_bytes'), 0, 'no queued bytes left behind');

    const { json } = await server.apiRequest('GET', `${EXECUTIONS}/${executionId}?after=9999&limit=5`);
    assert.deepEqual(json.data.events.map((e) => e.type), ['log', 'execution_complete']);
    assert.equal(json.data.status, 'completed');
  });
});
