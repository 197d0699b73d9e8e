// Size limits and the slow-consumer guard: 1009 for a message over
// --max-message-bytes (the whole message, however fragmented), and 1013 for a
// peer that stops reading, with the server's memory staying bounded.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { accessToken, startServer, withTimeout } from './nadoo-server.mjs';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Sends `payload` as one message split into `fragmentBytes` frames. */
function sendFragmented(ws, payload, fragmentBytes, binary) {
  for (let offset = 0; offset < payload.length; offset += fragmentBytes) {
    const fin = offset + fragmentBytes >= payload.length;
    ws.send(payload.subarray(offset, offset + fragmentBytes), { binary, fin });
  }
}

describe('default message limit (64 KiB)', () => {
  let server;
  before(async () => {
    server = await startServer({ args: ['--enable-echo'] });
  });
  after(async () => {
    await server?.stop();
  });

  test('echo accepts and echoes a message of exactly the limit', async () => {
    const client = server.connect('/ws/echo');
    await client.opened;
    const payload = randomBytes(64 * KiB);
    client.ws.send(payload, { binary: true });
    const echoed = await client.next();
    assert.equal(echoed.isBinary, true);
    assert.ok(Buffer.compare(echoed.data, payload) === 0, 'echo is byte-identical');
    await client.close();
  });

  test('echo closes with 1009 a message one byte over the limit', async () => {
    const client = server.connect('/ws/echo');
    await client.opened;
    client.ws.send(Buffer.alloc(64 * KiB + 1, 0x61), { binary: false });
    const { code } = await client.closeEvent();
    assert.equal(code, 1009);
    assert.equal(client.received.length, 0, 'nothing echoed');
  });

  test('chat closes with 1009 an oversized message and counts it', async () => {
    const before = await server.metric('nadoo_oversized_message_closes_total');
    const client = server.connect(`/ws/chat/limits-chat?token=${accessToken('limits-user')}`);
    assert.equal((await client.nextJson()).type, 'connected');
    client.sendJson({ type: 'typing', padding: 'x'.repeat(70 * KiB) });
    assert.equal((await client.closeEvent()).code, 1009);
    assert.equal(await server.metric('nadoo_oversized_message_closes_total'), before + 1);
  });
});

describe('2 MiB message limit', () => {
  let server;
  before(async () => {
    server = await startServer({ args: ['--enable-echo', '--max-message-bytes', String(2 * MiB)] });
  });
  after(async () => {
    await server?.stop();
  });

  test('echo accepts a 1 MiB message sent in 64-byte fragments and echoes it intact', async () => {
    const client = server.connect('/ws/echo');
    await client.opened;
    const payload = randomBytes(MiB);
    sendFragmented(client.ws, payload, 64, true); // 16384 frames
    const echoed = await client.next(15000);
    assert.equal(echoed.isBinary, true);
    assert.equal(echoed.data.length, payload.length);
    assert.ok(Buffer.compare(echoed.data, payload) === 0, 'echo is byte-identical');

    // The connection is still usable afterwards.
    client.ws.send('after');
    assert.equal((await client.next()).text, 'after');
    await client.close();
  });

  test('echo closes with 1009 a message over the limit made of small fragments', async () => {
    const client = server.connect('/ws/echo');
    await client.opened;
    sendFragmented(client.ws, Buffer.alloc(2 * MiB + 64 * KiB, 0x62), 64 * KiB, false);
    assert.equal((await client.closeEvent(15000)).code, 1009);
    assert.equal(client.received.length, 0, 'nothing echoed');
  });
});

describe('slow consumer (outbound queue limit 256 KiB)', () => {
  const QUEUE_LIMIT_BYTES = 256 * KiB;
  const MESSAGE_BYTES = 64 * KiB;
  const MAX_MESSAGES = 3000; // ~190 MiB at most, far above any loopback buffering
  const MAX_SEND_MS = 30000;
  const RSS_GROWTH_LIMIT_BYTES = 64 * MiB;

  let server;
  before(async () => {
    server = await startServer({
      args: ['--enable-echo', '--outbound-queue-limit-bytes', String(QUEUE_LIMIT_BYTES)],
    });
  });
  after(async () => {
    await server?.stop();
  });

  test('a client that stops reading is closed with 1013 and the server memory stays bounded', async (t) => {
    const rssAtStart = server.rssBytes();
    let rssPeak = rssAtStart;
    const closesBefore = await server.metric('nadoo_slow_consumer_closes_total');

    const client = server.connect('/ws/echo');
    await client.opened;
    client.ws._socket.pause(); // stop reading at the TCP level; echoes pile up in the server

    const message = randomBytes(MESSAGE_BYTES);
    const deadline = Date.now() + MAX_SEND_MS;
    let sent = 0;
    let shed = false;
    while (!shed && sent < MAX_MESSAGES && Date.now() < deadline) {
      // Await the write into the socket so the client never buffers unboundedly itself.
      const written = await withTimeout(
        new Promise((resolve) => client.ws.send(message, { binary: true }, (error) => resolve(error))),
        5000,
        'a 64 KiB message to be written',
      ).catch((error) => error);
      if (written instanceof Error) break; // the server stopped reading us: check the metric
      sent += 1;
      if (sent % 8 === 0) {
        shed = (await server.metric('nadoo_slow_consumer_closes_total')) > closesBefore;
        rssPeak = Math.max(rssPeak, server.rssBytes());
      }
    }
    if (!shed) shed = (await server.metric('nadoo_slow_consumer_closes_total')) > closesBefore;
    assert.ok(shed, `no slow-consumer close after ${sent} messages of ${MESSAGE_BYTES} bytes`);
    rssPeak = Math.max(rssPeak, server.rssBytes());

    client.ws._socket.resume();
    const { code } = await client.closeEvent(15000);
    assert.equal(code, 1013);
    assert.equal(await server.metric('nadoo_slow_consumer_closes_total'), closesBefore + 1);

    const growth = rssPeak - rssAtStart;
    t.diagnostic(`shed after ${sent} messages; server RSS ${(rssAtStart / MiB).toFixed(1)} -> peak ${(rssPeak / MiB).toFixed(1)} MiB`);
    assert.ok(growth < RSS_GROWTH_LIMIT_BYTES, `server RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
    assert.equal(await server.metric('nadoo_outbound_queue_bytes'), 0, 'no queued bytes left behind');
  });
});
