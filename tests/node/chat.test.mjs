// Chat streaming end to end (CONTRACT.md, "Chat"): the spec's browser chat
// page against the demo application, a session's second participant, cancel,
// interrupt, catch-up after a reconnect, and an unknown application. Streams
// from the OpenAI provider come from tests/fake_openai, whose scenario is the
// application's `model`.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DEMO_APPLICATION_ID,
  DEMO_SEED_FILE,
  ISO_UTC_TIMESTAMP,
  accessToken,
  startServer,
} from './nadoo-server.mjs';
import { startFakeOpenAi } from './fake-openai.mjs';
import { specChatPage } from './spec-chat-page.mjs';

const SPEC_QUESTION = 'What were the key Q4 metrics?';
// The demo's builtin provider pauses this long between tokens: the answer
// (about 50 tokens) streams in a tenth of a second.
const BUILTIN_TOKEN_INTERVAL_MS = 2;
// A response is read for this long at most, and in this many messages.
const RESPONSE_WAIT_MS = 10000;
const RESPONSE_MESSAGES_MAX = 2000;

// Applications on the fake upstream; their `model` is the fake's scenario.
const SLOW_APPLICATION_ID = 'app-fake-slow'; // far longer than any test: only cancel/interrupt end it
const SLOW_MODEL = 'slow:tokens=1000:interval_ms=40';
const QUICK_APPLICATION_ID = 'app-fake-quick';
const QUICK_TOKENS = 5;
const PACED_APPLICATION_ID = 'app-fake-paced'; // about 0.9 s: time to drop and reconnect mid-stream
const PACED_TOKENS = 60;

let server;
let fake;
before(async () => {
  fake = await startFakeOpenAi();
  server = await startServer({
    args: ['--seed-file', DEMO_SEED_FILE, '--builtin-token-interval-ms', String(BUILTIN_TOKEN_INTERVAL_MS)],
  });
  const onFake = (model) => ({
    name: `fake ${model}`,
    provider: 'openai',
    model,
    system_prompt: 'You are a test double.',
    knowledge_base_ids: [],
    temperature: 0,
    max_tokens: 2000,
    base_url: fake.baseUrl,
  });
  await server.putApplication(SLOW_APPLICATION_ID, onFake(SLOW_MODEL));
  await server.putApplication(QUICK_APPLICATION_ID, onFake(`normal:tokens=${QUICK_TOKENS}:interval_ms=5`));
  await server.putApplication(PACED_APPLICATION_ID, onFake(`normal:tokens=${PACED_TOKENS}:interval_ms=15`));
});
after(async () => {
  await server?.stop();
  await fake?.stop();
});

/** The fake's answer of `count` tokens: "tok0 tok1 … tok{count-1} ". */
const fakeAnswer = (count) => Array.from({ length: count }, (_, i) => `tok${i} `).join('');

/**
 * Reads `client`'s messages up to and including `response_end`, bounded in
 * time and count. `response_start` may already have been read (`start`) and
 * some deltas too (`deltas`).
 */
async function readResponse(client, { start = null, deltas = [] } = {}) {
  const response = { start, deltas: [...deltas], sources: [], end: null, others: [] };
  const until = Date.now() + RESPONSE_WAIT_MS;
  for (let count = 0; count < RESPONSE_MESSAGES_MAX; count++) {
    const message = await client.nextJson(Math.max(1, until - Date.now()));
    switch (message.type) {
      case 'response_start':
        assert.equal(response.start, null, `a second response_start: ${JSON.stringify(message)}`);
        response.start = message;
        break;
      case 'text-delta':
        assert.ok(response.start, `a text-delta before response_start: ${JSON.stringify(message)}`);
        response.deltas.push(message);
        break;
      case 'sources':
        response.sources.push(message);
        break;
      case 'response_end':
        response.end = message;
        return response;
      default:
        response.others.push(message);
    }
  }
  throw new Error(`no response_end within ${RESPONSE_MESSAGES_MAX} messages`);
}

/** Reads up to `response_start` and then `count` deltas of it. */
async function readStartAndDeltas(client, count) {
  const start = await client.nextJson();
  assert.equal(start.type, 'response_start', `expected response_start, got ${JSON.stringify(start)}`);
  const deltas = [];
  while (deltas.length < count) {
    const delta = await client.nextJson();
    assert.equal(delta.type, 'text-delta', `expected text-delta, got ${JSON.stringify(delta)}`);
    deltas.push(delta);
  }
  return { start, deltas };
}

/**
 * The contract's stream shape: one message_id throughout, indices 0,1,2,…,
 * full_response the concatenation of the deltas, chat_id in start and end.
 */
function assertWellFormedStream(response) {
  const { start, deltas, end } = response;
  assert.ok(start, 'response_start arrived before response_end');
  assert.match(start.message_id, /\S/);
  assert.match(start.chat_id, /\S/);
  assert.match(start.timestamp, ISO_UTC_TIMESTAMP);
  deltas.forEach((delta, position) => {
    assert.equal(delta.index, position, `delta ${position} has index ${delta.index}`);
    assert.equal(delta.message_id, start.message_id);
    assert.equal(typeof delta.text, 'string');
    assert.match(delta.timestamp, ISO_UTC_TIMESTAMP);
  });
  for (const sources of response.sources) assert.equal(sources.message_id, start.message_id);
  assert.equal(end.message_id, start.message_id);
  assert.equal(end.chat_id, start.chat_id);
  assert.equal(end.full_response, deltas.map((delta) => delta.text).join(''));
  assert.ok(Number.isInteger(end.tokens_used) && end.tokens_used > 0, `tokens_used ${end.tokens_used}`);
  assert.ok(typeof end.response_time === 'number' && end.response_time >= 0, `response_time ${end.response_time}`);
  assert.match(end.timestamp, ISO_UTC_TIMESTAMP);
}

/** Sends a JSON ping and asserts that the very next message is its pong. */
async function assertNextIsPong(client, why) {
  client.sendJson({ type: 'ping' });
  const next = await client.nextJson();
  assert.equal(next.type, 'pong', `${why}; got ${JSON.stringify(next)}`);
}

async function connectChat(sessionId, userId) {
  const query = userId ? `?token=${accessToken(userId)}` : '';
  const client = server.connect(`/ws/chat/${sessionId}${query}`);
  const connected = await client.nextJson();
  assert.equal(connected.type, 'connected');
  return client;
}

test("spec chat page shows the demo's streamed answer to 'What were the key Q4 metrics?' as full_response, with sources", async () => {
  const sessionId = 'session-abc-123';
  const page = specChatPage();
  const ws = server.connect(`/ws/chat/${sessionId}?token=${accessToken('user-123')}`);
  ws.ws.onmessage = page.onmessage; // ws's browser-style event API, as the page uses it
  assert.equal((await ws.nextJson()).type, 'connected');

  // The page's "Send a message", as written in the spec.
  ws.ws.send(JSON.stringify({ type: 'chat', content: SPEC_QUESTION, application_id: DEMO_APPLICATION_ID }));
  const response = await readResponse(ws);
  assertWellFormedStream(response);
  assert.deepEqual(response.others, []);
  assert.ok(response.deltas.length > 1, `the answer streamed in ${response.deltas.length} deltas`);
  assert.equal(response.end.finish_reason, 'stop');
  assert.match(response.end.full_response, /Revenue/, 'the extractive answer quotes the report\'s key metrics');

  // What the page showed: the appended chunks are the full response.
  assert.equal(page.shown.responseChunks.join(''), response.end.full_response);
  assert.deepEqual(page.shown.log, [
    `Session ready: ${sessionId}`,
    'AI is responding...',
    `Done. Tokens: ${response.end.tokens_used}`,
  ]);
  assert.deepEqual(page.shown.errors, []);

  // Sources: shown once, from the demo report, in the contract's shape.
  assert.equal(page.shown.sources.length, 1);
  const [sources] = page.shown.sources;
  assert.ok(sources.length > 0, 'the knowledge base contributed');
  for (const source of sources) {
    assert.match(source.chunk_id, /\S/);
    assert.match(source.content, /\S/);
    assert.equal(typeof source.score, 'number');
    assert.equal(source.metadata.document_id, 'q4-report');
    assert.equal(source.metadata.filename, 'q4-report.md');
  }
  await ws.close();
});

test('second participant of the session receives the same stream as the sender', async () => {
  const sessionId = 'session-two-participants';
  const sender = await connectChat(sessionId, 'alice');
  const listener = await connectChat(sessionId, 'bob');

  sender.sendJson({ type: 'chat', content: SPEC_QUESTION, application_id: DEMO_APPLICATION_ID });
  const [sent, heard] = await Promise.all([readResponse(sender), readResponse(listener)]);
  assertWellFormedStream(sent);
  assertWellFormedStream(heard);
  // The same events, field for field (timestamps may differ by recipient).
  const withoutTimestamps = ({ start, deltas, sources, end, others }) =>
    [start, ...deltas, ...sources, end, ...others].map(({ timestamp, ...rest }) => rest);
  assert.deepEqual(withoutTimestamps(heard), withoutTimestamps(sent));
  assert.equal(heard.sources.length, 1);

  await listener.close();
  await sender.close();
});

test('cancel mid-stream ends with finish_reason cancelled, stops the upstream, and nothing follows response_end', async () => {
  const sessionId = 'session-cancel';
  const question = 'cancel me mid-stream';
  const client = await connectChat(sessionId, 'carol');
  client.sendJson({ type: 'chat', content: question, application_id: SLOW_APPLICATION_ID });
  const { start, deltas } = await readStartAndDeltas(client, 3);

  client.sendJson({ type: 'cancel', message_id: start.message_id });
  // Deltas already on their way may arrive before response_end; they count.
  const response = await readResponse(client, { start, deltas });
  assertWellFormedStream(response);
  assert.deepEqual(response.others, []);
  assert.equal(response.end.finish_reason, 'cancelled');
  assert.ok(response.deltas.length < 1000, 'the answer was cut short');
  assert.equal(response.end.full_response, fakeAnswer(response.deltas.length));

  // Whatever the server still had to say about that message would precede this pong.
  await assertNextIsPong(client, 'nothing for the cancelled message comes after its response_end');

  const upstream = await fake.awaitRequest(
    (record) => record.messages.at(-1)?.content === question && record.client_disconnected,
    'the server to close the cancelled upstream stream',
  );
  assert.equal(upstream.completed, false);
  assert.ok(upstream.tokens_sent < 1000, `the fake sent ${upstream.tokens_sent} of 1000 tokens`);
  await client.close();
});

test('a new chat while a response streams ends the old one interrupted, then streams the new one', async () => {
  const sessionId = 'session-interrupt';
  const client = await connectChat(sessionId, 'dave');
  client.sendJson({ type: 'chat', content: 'a long answer, please', application_id: SLOW_APPLICATION_ID });
  const first = await readStartAndDeltas(client, 2);

  client.sendJson({ type: 'chat', content: 'never mind, a short one', application_id: QUICK_APPLICATION_ID });
  const interrupted = await readResponse(client, first);
  assertWellFormedStream(interrupted);
  assert.equal(interrupted.end.finish_reason, 'interrupted');

  const next = await readResponse(client);
  assertWellFormedStream(next);
  assert.deepEqual(next.others, []);
  assert.notEqual(next.start.message_id, interrupted.start.message_id);
  assert.equal(next.end.finish_reason, 'stop');
  assert.equal(next.end.full_response, fakeAnswer(QUICK_TOKENS));
  await assertNextIsPong(client, 'the new response is over after its response_end');
  await client.close();
});

test('client reconnecting mid-stream gets response_start and the deltas so far, then the rest live, adding up to full_response', async () => {
  const sessionId = 'session-reconnect';
  const userId = 'erin';
  const first = await connectChat(sessionId, userId);
  first.sendJson({ type: 'chat', content: 'stream while I reconnect', application_id: PACED_APPLICATION_ID });
  const beforeDrop = await readStartAndDeltas(first, 5);

  // The connection drops without a close handshake, as a lost network would.
  first.ws.terminate();
  await first.closeEvent();

  const second = await connectChat(sessionId, userId);
  const caughtUp = await readResponse(second);
  assertWellFormedStream(caughtUp);
  // Should the server notice the drop only after the reconnect, its
  // user_disconnected notice for erin's old connection is harmless here.
  assert.deepEqual(
    caughtUp.others.filter((message) => !(message.type === 'user_disconnected' && message.user_id === userId)),
    [],
  );
  assert.equal(caughtUp.start.message_id, beforeDrop.start.message_id, 'the same response resumes');
  assert.equal(caughtUp.start.chat_id, beforeDrop.start.chat_id);
  // The replay holds what the first connection saw, under the original indices.
  assert.deepEqual(
    caughtUp.deltas.slice(0, beforeDrop.deltas.length).map(({ text, index }) => ({ text, index })),
    beforeDrop.deltas.map(({ text, index }) => ({ text, index })),
  );
  assert.equal(caughtUp.end.finish_reason, 'stop');
  assert.equal(caughtUp.end.full_response, fakeAnswer(PACED_TOKENS));
  assert.equal(caughtUp.deltas.length, PACED_TOKENS);
  await second.close();
});

test('unknown application_id gets error application_not_found and the connection stays usable', async () => {
  const client = await connectChat('session-unknown-application', 'frank');
  client.sendJson({ type: 'chat', content: SPEC_QUESTION, application_id: 'no-such-application' });
  const error = await client.nextJson();
  assert.equal(error.type, 'error', `expected an error, got ${JSON.stringify(error)}`);
  assert.equal(error.code, 'application_not_found');
  assert.equal(error.data.code, 'application_not_found');
  assert.match(error.message, /\S/);
  assert.equal(error.data.message, error.message);
  assert.match(error.timestamp, ISO_UTC_TIMESTAMP);

  await assertNextIsPong(client, 'the connection stays open after the error');
  // And a chat still works on it, under the platform's alias type `message`.
  client.sendJson({ type: 'message', content: SPEC_QUESTION, application_id: DEMO_APPLICATION_ID });
  const response = await readResponse(client);
  assertWellFormedStream(response);
  assert.equal(response.end.finish_reason, 'stop');
  await client.close();
});
