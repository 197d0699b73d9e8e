// Authentication as a browser sees it: the handshake completes, then the server
// closes with 1008 "Invalid token", and both are readable in the close event.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { accessToken, signJwt, startServer } from './nadoo-server.mjs';

const hourAgo = () => Math.floor(Date.now() / 1000) - 3600;
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

describe('default server (chat token optional)', () => {
  let server;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  /** Asserts the upgrade succeeded and was followed by close 1008 "Invalid token". */
  async function assertRejectedAfterHandshake(pathAndQuery, options) {
    const client = server.connect(pathAndQuery, options);
    await client.opened; // the handshake completed: a browser can read the close code
    const { code, reason } = await client.closeEvent();
    assert.equal(code, 1008);
    assert.equal(reason, 'Invalid token');
    assert.equal(client.received.length, 0, 'no message before the close');
  }

  const rejected = [
    ['expired token on chat', () => `/ws/chat/s-1?token=${accessToken('user-1', { expiresInSeconds: -3600 })}`],
    ['token signed with the wrong secret on chat', () => `/ws/chat/s-1?token=${accessToken('user-1', { secret: 'not-the-server-secret' })}`],
    ['alg none token on chat', () => `/ws/chat/s-1?token=${signJwt({ sub: 'user-1', exp: inAnHour(), type: 'access' }, { alg: 'none' })}`],
    ['malformed token on chat', () => '/ws/chat/s-1?token=not.a-jwt'],
    ['token without exp on chat', () => `/ws/chat/s-1?token=${signJwt({ sub: 'user-1', type: 'access' })}`],
    ['not-yet-valid token (nbf an hour ahead) on chat', () => `/ws/chat/s-1?token=${signJwt({ sub: 'user-1', exp: inAnHour(), nbf: inAnHour() })}`],
    ['token without sub on chat', () => `/ws/chat/s-1?token=${signJwt({ exp: inAnHour(), type: 'access' })}`],
    ['refresh token (type claim not access) on chat', () => `/ws/chat/s-1?token=${accessToken('user-1', { claims: { type: 'refresh' } })}`],
    ['missing token on notifications', () => '/ws/notifications/user-1'],
    ['missing token on workspaces', () => '/ws/workspaces/ws-1'],
    ['sub different from user_id on notifications', () => `/ws/notifications/user-1?token=${accessToken('user-2')}`],
    ['expired token on notifications', () => `/ws/notifications/user-1?token=${signJwt({ sub: 'user-1', exp: hourAgo() })}`],
    ['wrong-secret token on workspaces', () => `/ws/workspaces/ws-1?token=${accessToken('user-1', { secret: 'other' })}`],
  ];
  for (const [what, pathAndQuery] of rejected) {
    test(`${what} closes with 1008 Invalid token after the handshake`, async () => {
      await assertRejectedAfterHandshake(pathAndQuery());
    });
  }

  test('invalid bearer header on chat closes with 1008 Invalid token', async () => {
    await assertRejectedAfterHandshake('/ws/chat/s-1', { headers: { Authorization: 'Bearer garbage' } });
  });

  test('every 1008 close is counted in nadoo_auth_failures_total', async () => {
    const before = await server.metric('nadoo_auth_failures_total');
    await assertRejectedAfterHandshake('/ws/workspaces/ws-count');
    await assertRejectedAfterHandshake(`/ws/chat/s-count?token=${accessToken('u', { secret: 'x' })}`);
    assert.equal(await server.metric('nadoo_auth_failures_total'), before + 2);
  });

  test('bearer header token is accepted on notifications', async () => {
    const client = server.connect('/ws/notifications/user-7', {
      headers: { Authorization: `Bearer ${accessToken('user-7')}` },
    });
    const connected = await client.nextJson();
    assert.equal(connected.type, 'connected');
    assert.equal(connected.user_id, 'user-7');
    assert.equal((await client.close()).code, 1000);
  });

  test('valid query token on notifications connects as its sub', async () => {
    const client = server.connect(`/ws/notifications/user-8?token=${accessToken('user-8')}`);
    const connected = await client.nextJson();
    assert.deepEqual([connected.type, connected.user_id], ['connected', 'user-8']);
    await client.close();
  });

  test('token without a type claim is accepted as an access token', async () => {
    const client = server.connect(`/ws/chat/s-untyped?token=${signJwt({ sub: 'user-untyped', exp: inAnHour() })}`);
    const connected = await client.nextJson();
    assert.deepEqual([connected.type, connected.user_id], ['connected', 'user-untyped']);
    await client.close();
  });

  test('chat without a token connects as a guest-<16 hex> user, distinct per connection', async () => {
    const first = server.connect('/ws/chat/guest-room');
    const second = server.connect('/ws/chat/guest-room');
    const a = await first.nextJson();
    const b = await second.nextJson();
    assert.equal(a.type, 'connected');
    assert.equal(a.session_id, 'guest-room');
    assert.match(a.user_id, /^guest-[0-9a-f]{16}$/);
    assert.match(b.user_id, /^guest-[0-9a-f]{16}$/);
    assert.notEqual(a.user_id, b.user_id);
    await first.close();
    await second.close();
  });

  test('plugin debug connects without a token', async () => {
    await server.createPluginExecution('exec-no-token');
    const client = server.connect('/ws/plugin-debug/exec-no-token');
    assert.equal((await client.nextJson()).type, 'execution_info');
    await client.close();
  });
});

describe('server with --chat-require-token', () => {
  let server;
  before(async () => {
    server = await startServer({ args: ['--chat-require-token'] });
  });
  after(async () => {
    await server?.stop();
  });

  test('chat without a token closes with 1008 Invalid token when tokens are required', async () => {
    const client = server.connect('/ws/chat/s-required');
    await client.opened;
    assert.deepEqual(await client.closeEvent(), { code: 1008, reason: 'Invalid token' });
  });

  test('chat with a valid token still connects when tokens are required', async () => {
    const client = server.connect(`/ws/chat/s-required?token=${accessToken('user-9')}`);
    const connected = await client.nextJson();
    assert.deepEqual([connected.type, connected.user_id], ['connected', 'user-9']);
    await client.close();
  });
});
