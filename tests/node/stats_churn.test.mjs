// The stats document under churn: 200 mixed connections open at once, half of
// them close at once, then the rest. The server takes a connection out of the
// stats before it answers the close frame, so after the client's `close` event
// the figures must be exact: no polling, no retries.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { accessToken, startServer } from './nadoo-server.mjs';

const CONNECTIONS = 200;
const CHAT_SESSIONS = ['churn-chat-0', 'churn-chat-1', 'churn-chat-2', 'churn-chat-3'];
const WORKSPACES = ['churn-ws-0', 'churn-ws-1', 'churn-ws-2'];
const USERS = Array.from({ length: 10 }, (_, i) => `churn-user-${i}`);
// One cycle of the mix; plugin debug counts in total_connections only.
const KINDS = ['chat', 'chat', 'guest', 'workspace', 'notifications', 'chat', 'workspace', 'notifications', 'guest', 'plugin'];

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

/** Connection i of the mix: where it goes and how it must show in the stats. */
function plan(i) {
  const kind = KINDS[i % KINDS.length];
  const user = USERS[i % USERS.length];
  const session = CHAT_SESSIONS[i % CHAT_SESSIONS.length];
  const workspace = WORKSPACES[i % WORKSPACES.length];
  switch (kind) {
    case 'chat':
      return { kind, path: `/ws/chat/${session}?token=${accessToken(user)}`, user, sessionKey: session };
    case 'guest': // the user id is the server's guest id, read from `connected`
      return { kind, path: `/ws/chat/${session}`, user: null, sessionKey: session };
    case 'workspace':
      return { kind, path: `/ws/workspaces/${workspace}?token=${accessToken(user)}`, user, sessionKey: `workspace_${workspace}` };
    case 'notifications':
      return { kind, path: `/ws/notifications/${user}?token=${accessToken(user)}`, user, sessionKey: null };
    case 'plugin':
      return { kind, path: `/api/v1/ws/plugin/debug/churn-exec-${i}`, executionId: `churn-exec-${i}`, user: null, sessionKey: null };
  }
  throw new Error(kind);
}

/** The stats document the spec's shape gives for `open` connections. */
function expectedStats(open) {
  const sessions = {};
  const users = {};
  for (const c of open) {
    if (c.sessionKey) sessions[c.sessionKey] = (sessions[c.sessionKey] ?? 0) + 1;
    if (c.user) users[c.user] = (users[c.user] ?? 0) + 1;
  }
  return {
    total_connections: open.length,
    active_sessions: Object.keys(sessions).length,
    active_users: Object.keys(users).length,
    details: { sessions, users },
  };
}

/** Sorts `details` keys so deepEqual compares contents, not key order. */
function normalized(stats) {
  const sortKeys = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  return { ...stats, details: { sessions: sortKeys(stats.details.sessions), users: sortKeys(stats.details.users) } };
}

test('stats are exact after 200 mixed connections open amid refused and instantly closed ones, after half close, and zero after all close', async () => {
  const plans = Array.from({ length: CONNECTIONS }, (_, i) => plan(i));
  for (const p of plans.filter((p) => p.executionId)) await server.createPluginExecution(p.executionId);
  for (const workspace of WORKSPACES) for (const user of USERS) await server.addWorkspaceMember(workspace, user);
  const connections = plans.map((p) => ({ ...p, client: server.connect(p.path) }));
  // Churn alongside them, never counted once closed: connections refused with
  // 1008, and connections that close as soon as the upgrade completes, racing
  // their own first message.
  const refused = Array.from({ length: 20 }, (_, i) => server.connect(`/ws/workspaces/${WORKSPACES[i % WORKSPACES.length]}`));
  const hasty = Array.from({ length: 20 }, (_, i) =>
    server.connect(`/ws/chat/${CHAT_SESSIONS[i % CHAT_SESSIONS.length]}?token=${accessToken(USERS[i % USERS.length])}`),
  );
  const hastyCloses = hasty.map(async (client) => {
    await client.opened;
    return client.close(10000);
  });

  // All open at once; each counts from its first message on.
  await Promise.all(
    connections.map(async (c) => {
      const first = await c.client.nextJson(10000);
      if (c.kind === 'plugin') {
        assert.equal(first.type, 'execution_info');
      } else {
        assert.equal(first.type, 'connected', `first message on ${c.path}`);
      }
      if (c.kind === 'guest') {
        assert.match(first.user_id, /^guest-[0-9a-f]{16}$/);
        c.user = first.user_id;
      } else if (c.user) {
        assert.equal(first.user_id, c.user);
      }
    }),
  );
  for (const { code } of await Promise.all(refused.map((client) => client.closeEvent(10000)))) assert.equal(code, 1008);
  for (const { code } of await Promise.all(hastyCloses)) assert.equal(code, 1000);

  const allOpen = expectedStats(connections);
  assert.equal(allOpen.total_connections, CONNECTIONS);
  assert.deepEqual(normalized(await server.stats()), normalized(allOpen));

  // Every other connection closes, all at once; each kind and room loses some.
  const closing = connections.filter((_, i) => i % 2 === 1);
  const staying = connections.filter((_, i) => i % 2 === 0);
  const halfCloses = await Promise.all(closing.map((c) => c.client.close(10000)));
  assert.ok(halfCloses.every(({ code }) => code === 1000), 'every close handshake completed with 1000');
  assert.deepEqual(normalized(await server.stats()), normalized(expectedStats(staying)));

  // The rest close; nothing remains.
  await Promise.all(staying.map((c) => c.client.close(10000)));
  assert.deepEqual(await server.stats(), {
    total_connections: 0,
    active_sessions: 0,
    active_users: 0,
    details: { sessions: {}, users: {} },
  });
  assert.equal(await server.metric('nadoo_connections_open'), 0);
});

test('stats need the X-API-Key header', async () => {
  const without = await server.http('/ws/stats');
  assert.equal(without.status, 401);
  const wrongKey = await server.http('/api/v1/ws/stats', { headers: { 'X-API-Key': 'nai-wrong' } });
  assert.equal(wrongKey.status, 401);
});
