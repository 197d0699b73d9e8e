// The spec's client examples (nadoo-websocket-api.txt), run as written against
// the server: the chat page's `switch (data.type)` handler, the workspace page's
// connection, and the plugin debug page's connection and text keep-alive.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ISO_UTC_TIMESTAMP, accessToken, startServer, withTimeout } from './nadoo-server.mjs';
import { specChatPage } from './spec-chat-page.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

/** Resolves once `predicate()` holds, re-checked after each message `client` receives. */
function untilAfterMessages(client, predicate, what) {
  return withTimeout(
    new Promise((resolve) => {
      if (predicate()) return resolve();
      const check = () => {
        if (predicate()) {
          client.ws.off('message', check);
          resolve();
        }
      };
      client.ws.on('message', check);
    }),
    5000,
    what,
  );
}

test('spec chat client gets connected with session_id and user_id, a pong to its keep-alive, and another tab typing', async () => {
  const sessionId = 'session-abc-123';
  const token = accessToken('user-123');
  const page = specChatPage();

  const ws = server.connect(`/ws/chat/${sessionId}?token=${token}`);
  ws.ws.onmessage = page.onmessage; // ws's browser-style event API, as the page uses it
  const connected = await ws.nextJson();
  assert.equal(connected.type, 'connected');
  assert.equal(connected.session_id, sessionId);
  assert.equal(connected.user_id, 'user-123');
  assert.match(connected.timestamp, ISO_UTC_TIMESTAMP);
  assert.deepEqual(page.shown.log, [`Session ready: ${sessionId}`]);

  // Keep alive: the page's setInterval body.
  ws.sendJson({ type: 'ping' });
  const pong = await ws.nextJson();
  assert.equal(pong.type, 'pong');
  assert.match(pong.timestamp, ISO_UTC_TIMESTAMP);

  // A second participant of the session types; the first page shows it.
  const other = server.connect(`/ws/chat/${sessionId}?token=${accessToken('user-456')}`);
  assert.equal((await other.nextJson()).type, 'connected');
  other.sendJson({ type: 'typing' });
  await untilAfterMessages(ws, () => page.shown.typingIndicators.length > 0, 'the typing indicator on the first page');
  assert.deepEqual(page.shown.typingIndicators, ['user-456']);
  assert.deepEqual(page.shown.errors, []);

  // The typist itself is not told: the next thing it receives is its own pong.
  other.sendJson({ type: 'ping' });
  assert.equal((await other.nextJson()).type, 'pong');

  await other.close();
  await ws.close();
});

test('spec chat typing message carries user_id and session_id and does not echo to the sender', async () => {
  const sessionId = 'session-typing-fields';
  const first = server.connect(`/ws/chat/${sessionId}?token=${accessToken('alice')}`);
  const second = server.connect(`/ws/chat/${sessionId}?token=${accessToken('bob')}`);
  await first.nextJson();
  await second.nextJson();

  first.sendJson({ type: 'typing' });
  const typing = await second.nextJson();
  assert.equal(typing.type, 'typing');
  assert.equal(typing.user_id, 'alice');
  assert.equal(typing.session_id, sessionId);
  assert.match(typing.timestamp, ISO_UTC_TIMESTAMP);

  first.sendJson({ type: 'ping' });
  assert.equal((await first.nextJson()).type, 'pong', 'the sender receives no typing of its own');

  // When alice's only connection leaves, bob is told.
  await first.close();
  const gone = await second.nextJson();
  assert.equal(gone.type, 'user_disconnected');
  assert.equal(gone.user_id, 'alice');
  assert.equal(gone.session_id, sessionId);
  await second.close();
});

test('spec workspace example connects and first receives connected with workspace_id and user_id', async () => {
  const workspaceId = 'ws-123';
  await server.addWorkspaceMember(workspaceId, 'user-1');
  const ws = server.connect(`/ws/workspaces/${workspaceId}?token=${accessToken('user-1')}`);
  const connected = await ws.nextJson();
  assert.equal(connected.type, 'connected');
  assert.equal(connected.workspace_id, workspaceId);
  assert.equal(connected.user_id, 'user-1');
  assert.match(connected.timestamp, ISO_UTC_TIMESTAMP);
  await ws.close();
});

test('spec plugin debug example gets execution_info first and pong to its text ping', async () => {
  const execId = 'exec-uuid-123';
  await server.createPluginExecution(execId);
  const ws = server.connect(`/api/v1/ws/plugin/debug/${execId}`);
  const info = await ws.nextJson();
  assert.equal(info.type, 'execution_info');
  assert.equal(info.data.execution_id, execId);
  assert.ok(['pending', 'running', 'completed', 'failed'].includes(info.data.status), `status ${info.data.status}`);
  assert.match(info.timestamp, ISO_UTC_TIMESTAMP);

  ws.ws.send('ping'); // Server responds with 'pong'
  const pong = await ws.next();
  assert.equal(pong.isBinary, false);
  assert.equal(pong.text, 'pong');
  await ws.close();
});
