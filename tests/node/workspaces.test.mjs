// Workspace collaboration with Node's `ws` (CONTRACT.md, "Workspaces"): the
// spec's workspace page, presence while two tabs of one user open and close
// at the same time, and a member removed while their socket is being admitted.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { ISO_UTC_TIMESTAMP, accessToken, startServer, withTimeout } from './nadoo-server.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

const workspacePath = (workspaceId, user) => `/ws/workspaces/${workspaceId}?token=${accessToken(user)}`;

/** Connects a member and resolves with the client and its `connected` message. */
async function join(workspaceId, user) {
  const client = server.connect(workspacePath(workspaceId, user));
  const connected = await client.nextJson();
  assert.equal(connected.type, 'connected', JSON.stringify(connected));
  return { client, connected };
}

/** Messages of `client` up to and including the pong of a ping sent now. */
async function untilPong(client) {
  client.sendJson({ type: 'ping' });
  const messages = [];
  for (;;) {
    const message = await client.nextJson();
    if (message.type === 'pong') return messages;
    messages.push(message);
  }
}

/**
 * The spec's workspace page, as written: `showToast` on user_joined,
 * `refreshDocumentList` on document_updated, and the spec's send.
 */
function specWorkspacePage(url) {
  const page = { toasts: [], refreshes: [], ws: new WebSocket(url) };
  const showToast = (text) => page.toasts.push(text);
  const refreshDocumentList = () => page.refreshes.push(Date.now());
  const ws = page.ws;
  ws.onmessage = (event) => {
    const data = JSON.parse(event.data);
    if (data.type === 'user_joined') {
      showToast(`${data.user_id} joined the workspace`);
    }
    if (data.type === 'document_updated') {
      refreshDocumentList();
      page.lastDocumentUpdate = data;
    }
  };
  page.broadcastDocumentUpdate = () =>
    ws.send(JSON.stringify({ type: 'document_updated', document_id: 'doc-456', action: 'edited' }));
  // Not the spec's: lets the test wait for the server's first message.
  page.connected = new Promise((resolve) => ws.once('message', resolve));
  return page;
}

/** Resolves once `predicate()` holds, re-checked after each message of `ws`. */
function when(ws, predicate, what) {
  return withTimeout(
    new Promise((resolve) => {
      const check = () => {
        if (!predicate()) return;
        ws.off('message', check);
        resolve();
      };
      ws.on('message', check);
    }),
    5000,
    what,
  );
}

test('the spec workspace page toasts a joining member and refreshes on their document update', async () => {
  const workspaceId = 'ws-spec';
  await server.addWorkspaceMember(workspaceId, 'alice');
  await server.addWorkspaceMember(workspaceId, 'bob');
  const alicePage = specWorkspacePage(server.wsUrl(workspacePath(workspaceId, 'alice')));
  await withTimeout(alicePage.connected, 5000, 'alice connected');
  const bobPage = specWorkspacePage(server.wsUrl(workspacePath(workspaceId, 'bob')));
  await when(alicePage.ws, () => alicePage.toasts.length === 1, 'the toast of bob joining');
  assert.deepEqual(alicePage.toasts, ['bob joined the workspace']);

  await withTimeout(bobPage.connected, 5000, 'bob connected');
  bobPage.broadcastDocumentUpdate();
  await when(alicePage.ws, () => alicePage.refreshes.length === 1, 'the refresh of bob’s update');
  const update = alicePage.lastDocumentUpdate;
  assert.equal(update.document_id, 'doc-456');
  assert.equal(update.action, 'edited');
  assert.equal(update.user_id, 'bob');
  assert.equal(update.workspace_id, workspaceId);
  assert.match(update.timestamp, ISO_UTC_TIMESTAMP);
  assert.equal(bobPage.refreshes.length, 0, 'the sender is not sent its own update');
  alicePage.ws.close();
  bobPage.ws.close();
});

test('a non-member reads the forbidden error before the 1008 Forbidden close', async () => {
  await server.addWorkspaceMember('ws-members-only', 'member');
  const client = server.connect(workspacePath('ws-members-only', 'stranger'));
  const error = await client.nextJson();
  assert.equal(error.type, 'error');
  assert.equal(error.code, 'forbidden');
  assert.deepEqual(await client.closeEvent(), { code: 1008, reason: 'Forbidden' });
});

test('two tabs of one user opening and closing at once are announced joined and left alternately', async () => {
  const workspaceId = 'ws-flicker';
  await server.addWorkspaceMember(workspaceId, 'observer');
  await server.addWorkspaceMember(workspaceId, 'flicker');
  const { client: observer } = await join(workspaceId, 'observer');

  const cycles = 25;
  const tab = async () => {
    for (let i = 0; i < cycles; i++) {
      const { client } = await join(workspaceId, 'flicker');
      await client.close();
    }
  };
  await Promise.all([tab(), tab()]);
  // Every tab's close handshake is done, so every announcement is queued
  // ahead of the observer's pong.
  const announcements = (await untilPong(observer)).map((message) => {
    assert.equal(message.user_id, 'flicker');
    assert.equal(message.workspace_id, workspaceId);
    return message.type;
  });
  assert.ok(announcements.length >= 2, `announcements: ${announcements}`);
  announcements.forEach((type, i) => assert.equal(type, i % 2 === 0 ? 'user_joined' : 'user_left', `at ${i}`));
  assert.deepEqual(observer.received, []);
  await observer.close();
});

test('a member removed while their socket is being admitted is never left connected', async () => {
  const workspaceId = 'ws-race';
  const attempts = 20;
  await Promise.all(
    Array.from({ length: attempts }, async (_, i) => {
      const user = `racer-${i}`;
      await server.addWorkspaceMember(workspaceId, user);
      const client = server.connect(workspacePath(workspaceId, user));
      const removal = server.apiRequest('DELETE', `/api/v1/workspaces/${workspaceId}/members/${user}`);
      assert.equal((await removal).status, 200);
      // Admitted before the removal (connected, then closed) or after it
      // (refused): either way an error says why, then 1008 Forbidden.
      assert.deepEqual(await client.closeEvent(), { code: 1008, reason: 'Forbidden' }, user);
      const types = [];
      while (client.received.length > 0) types.push(JSON.parse(client.received.shift().text).type);
      assert.equal(types.at(-1), 'error', `${user} got ${types}`);
    }),
  );
});
