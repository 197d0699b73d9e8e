// SIGTERM: every WebSocket, whatever its endpoint, is closed with 1001 (going
// away) and the process exits 0.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { accessToken, startServer } from './nadoo-server.mjs';

let server;
before(async () => {
  server = await startServer({ args: ['--enable-echo', '--shutdown-grace-seconds', '5'] });
});
after(async () => {
  await server?.stop();
});

test('SIGTERM closes every connection on every endpoint with 1001 and exits 0', async () => {
  const endpoints = [
    { path: `/ws/chat/shutdown-chat?token=${accessToken('user-a')}`, first: 'connected' },
    { path: '/ws/chat/shutdown-chat', first: 'connected' },
    { path: `/api/ws/chat/shutdown-chat-2?token=${accessToken('user-b')}`, first: 'connected' },
    { path: `/ws/notifications/user-a?token=${accessToken('user-a')}`, first: 'connected' },
    { path: `/api/ws/notifications/user-b?token=${accessToken('user-b')}`, first: 'connected' },
    { path: `/ws/workspaces/shutdown-ws?token=${accessToken('user-a')}`, first: 'connected' },
    { path: `/api/ws/workspaces/shutdown-ws?token=${accessToken('user-b')}`, first: 'connected' },
    { path: '/api/v1/ws/plugin/debug/shutdown-exec', first: 'execution_info' },
    { path: '/ws/plugin-debug/shutdown-exec', first: 'execution_info' },
    { path: '/api/ws/plugin-debug/shutdown-exec', first: 'execution_info' },
    { path: '/ws/echo', first: null },
  ];
  await server.createPluginExecution('shutdown-exec');
  await server.addWorkspaceMember('shutdown-ws', 'user-a');
  await server.addWorkspaceMember('shutdown-ws', 'user-b');
  const clients = endpoints.map(({ path, first }) => ({ path, first, client: server.connect(path) }));
  await Promise.all(
    clients.map(async ({ path, first, client }) => {
      if (first === null) {
        // Echo greets with nothing; a round trip proves it is established.
        await client.opened;
        client.ws.send('hello');
        assert.equal((await client.next()).text, 'hello');
      } else {
        assert.equal((await client.nextJson()).type, first, path);
      }
    }),
  );
  assert.equal(await server.metric('nadoo_connections_open'), endpoints.length);

  const exit = server.terminate(15000);
  const closes = await Promise.all(clients.map(({ client }) => client.closeEvent(10000)));
  for (const [i, { code }] of closes.entries()) assert.equal(code, 1001, endpoints[i].path);
  assert.deepEqual(await exit, { code: 0, signal: null });
});
