// Notifications as a browser app uses them (CONTRACT.md, "Notifications"):
// `ws` clients as tabs, publishing over REST with the API key, listing with a
// Bearer token; the backlog, ack and notification_read across tabs, and
// publishes racing connects.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { API_KEY, ISO_UTC_TIMESTAMP, accessToken, startServer } from './nadoo-server.mjs';

const NOTIFICATION_ID = /^ntf_[0-9a-f]{32}$/;

let server;
before(async () => {
  server = await startServer({ args: ['--notification-backlog-limit', '1000'] });
});
after(async () => {
  await server?.stop();
});

const content = (n) => ({ title: `Report ${n} ready`, body: `Report ${n} is ready.`, action_url: `/reports/${n}` });

/** POST /api/v1/notifications → the envelope's data; anything but 202 throws. */
async function publish(body) {
  const { status, body: text, json } = await server.apiRequest('POST', '/api/v1/notifications', body);
  if (status !== 202) throw new Error(`publish answered ${status}: ${text}`);
  return json.data;
}

/** GET /api/v1/notifications as `user` → the envelope's data. */
async function listAs(user, query = '') {
  const { status, body } = await server.http(`/api/v1/notifications${query}`, {
    headers: { Authorization: `Bearer ${accessToken(user)}` },
  });
  assert.equal(status, 200, body);
  return JSON.parse(body).data;
}

/** A tab of `user`, past its `connected` message. */
async function openTab(user) {
  const tab = server.connect(`/ws/notifications/${user}?token=${accessToken(user)}`);
  const connected = await tab.nextJson();
  assert.deepEqual([connected.type, connected.user_id], ['connected', user]);
  return tab;
}

async function nextNotificationIds(tab, count) {
  const ids = [];
  while (ids.length < count) {
    const message = await tab.nextJson();
    assert.equal(message.type, 'notification', JSON.stringify(message));
    ids.push(message.id);
  }
  return ids;
}

async function assertNextIsPong(tab, why) {
  tab.sendJson({ type: 'ping' });
  const next = await tab.nextJson();
  assert.equal(next.type, 'pong', `${why}; got ${JSON.stringify(next)}`);
}

test('a token of another user, or none, closes with 1008 Invalid token after the handshake', async () => {
  for (const query of ['', `?token=${accessToken('someone-else')}`]) {
    const client = server.connect(`/ws/notifications/node-owner${query}`);
    await client.opened;
    assert.deepEqual(await client.closeEvent(), { code: 1008, reason: 'Invalid token' });
    assert.equal(client.received.length, 0);
  }
});

test('both tabs get a live notification in the spec shape; an ack hides it in both and for good', async () => {
  const [left, right] = [await openTab('node-tab-user'), await openTab('node-tab-user')];
  const { id } = await publish({ user_id: 'node-tab-user', ...content(1), data: { report_id: 'r-1' } });
  assert.match(id, NOTIFICATION_ID);
  for (const tab of [left, right]) {
    const message = await tab.nextJson();
    assert.deepEqual(Object.keys(message).sort(), ['id', 'notification', 'timestamp', 'type']);
    assert.equal(message.id, id);
    assert.deepEqual(message.notification, { ...content(1), data: { report_id: 'r-1' } });
    assert.match(message.timestamp, ISO_UTC_TIMESTAMP);
  }

  left.sendJson({ type: 'ack', id });
  for (const tab of [left, right]) assert.deepEqual(((m) => [m.type, m.id])(await tab.nextJson()), ['notification_read', id]);

  const later = await openTab('node-tab-user');
  await assertNextIsPong(later, 'an acknowledged notification is not delivered again');
  const listed = await listAs('node-tab-user');
  assert.equal(listed.notifications.length, 1);
  assert.match(listed.notifications[0].read_at, ISO_UTC_TIMESTAMP);
  assert.deepEqual((await listAs('node-tab-user', '?unread=true')).notifications, []);
  await Promise.all([left.close(), right.close(), later.close()]);
});

test('bad input on the socket is an error and the tab stays open', async () => {
  const tab = await openTab('node-bad-input');
  for (const [frame, code] of [
    ['{"type":', 'invalid_json'],
    [JSON.stringify({ type: 'ack' }), 'invalid_message'],
    [JSON.stringify({ type: 'ack', id: 'ntf_not_there' }), 'not_found'],
  ]) {
    tab.ws.send(frame);
    const error = await tab.nextJson();
    assert.deepEqual([error.type, error.code], ['error', code], frame);
  }
  await assertNextIsPong(tab, 'the connection survived every error');
  await tab.close();
});

test('publishers racing connecting tabs: every tab gets every notification once, in stored order', async () => {
  const user = 'node-race-user';
  const total = 200;
  const inFlight = 8;
  const readAll = async () => {
    const tab = await openTab(user);
    return { tab, ids: await nextNotificationIds(tab, total) };
  };
  // A tab opens each time another 40 notifications have been stored; each
  // reads until it has them all.
  const tabs = [];
  let started = 0;
  let storedCount = 0;
  const publisher = async () => {
    while (started < total) {
      await publish({ user_id: user, ...content(started++) });
      if (++storedCount % 40 === 1) tabs.push(readAll());
    }
  };
  await Promise.all(Array.from({ length: inFlight }, publisher));
  const received = await Promise.all(tabs);
  assert.equal(received.length, total / 40);

  const stored = [];
  for (let after = ''; ; ) {
    const page = await listAs(user, `?limit=200${after}`);
    stored.push(...page.notifications.map((n) => n.id));
    if (!page.has_more) break;
    after = `&after=${stored.at(-1)}`;
  }
  assert.equal(stored.length, total);
  for (const { tab, ids } of received) {
    assert.deepEqual(ids, stored);
    await tab.close();
  }
});

test('the bulk form answers with one id per distinct user', async () => {
  const tab = await openTab('node-bulk-a');
  const { notifications } = await publish({ user_ids: ['node-bulk-a', 'node-bulk-b', 'node-bulk-a'], ...content(9) });
  assert.deepEqual(notifications.map((n) => n.user_id), ['node-bulk-a', 'node-bulk-b']);
  assert.equal((await tab.nextJson()).id, notifications[0].id);
  const other = await openTab('node-bulk-b');
  assert.equal((await other.nextJson()).id, notifications[1].id);
  await Promise.all([tab.close(), other.close()]);
});

test('REST calls without their credentials are 401', async () => {
  const post = await fetch(`http://127.0.0.1:${server.port}/api/v1/notifications`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user_id: 'u', ...content(1) }),
  });
  assert.equal(post.status, 401);
  const get = await server.http('/api/v1/notifications', { headers: { 'X-API-Key': API_KEY } });
  assert.equal(get.status, 401);
});
