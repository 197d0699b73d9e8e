// The one behaviour check every server of the comparison passes, peers and
// nadoo-realtime alike: two members of one workspace with real tokens see
// `connected` and each other's presence, one `document_updated` is relayed
// stamped with sender, workspace and time, a JSON ping is answered, a close
// is announced with `user_left`, and a bad token is closed with 1008.
//   CHECK_JWT_SECRET=… [CHECK_API_KEY=…] node bench/peers/check.mjs --url http://127.0.0.1:PORT
// With CHECK_API_KEY (nadoo-realtime) the two users are made members first.
// Prints one line per step; exit status 0 when every step passed.
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { add_workspace_members, mint_access_token } from '../load/bench_common.mjs';

// The load generator's ws (`npm ci` in bench/load): the client the benchmarks use.
const WebSocket = createRequire(new URL('../load/package.json', import.meta.url))('ws');

const { values: options } = parseArgs({ options: { url: { type: 'string' } } });
const jwt_secret = process.env.CHECK_JWT_SECRET;
const api_key = process.env.CHECK_API_KEY;
if (!options.url || !jwt_secret) {
  console.error('usage: CHECK_JWT_SECRET=… [CHECK_API_KEY=…] node check.mjs --url http://127.0.0.1:PORT');
  process.exit(64);
}
const origin = options.url.replace(/\/$/, '');
const workspace_id = `ws-check-${randomBytes(4).toString('hex')}`;
// Every wait is bounded: a server that does not answer fails the step.
const wait_ms = 3000;
const iso_utc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** A client whose messages and close can be awaited in order. */
class Client {
  constructor(token) {
    this.socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/ws/workspaces/${workspace_id}?token=${token}`);
    this.inbox = [];
    this.waiters = [];
    this.closed = new Promise((resolve) => this.socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
    this.socket.on('message', (data) => {
      this.inbox.push(JSON.parse(String(data)));
      this.waiters.shift()?.();
    });
    this.socket.on('error', () => {}); // the close event says how it ended
  }

  /** The next message, or an error after `wait_ms`. */
  async next(what) {
    if (this.inbox.length === 0) {
      await bounded(new Promise((resolve) => this.waiters.push(resolve)), what);
    }
    return this.inbox.shift();
  }

  send(message) {
    this.socket.send(JSON.stringify(message));
  }
}

function bounded(promise, what) {
  let timer;
  const deadline = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${wait_ms} ms`)), wait_ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function expect(condition, description, seen) {
  if (!condition) throw new Error(`${description}; got ${JSON.stringify(seen)}`);
}

const steps = [];
const step = (name, body) => steps.push({ name, body });
let alice;
let bob;

step('GET /healthz answers 200', async () => {
  const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(wait_ms) });
  expect(response.status === 200, 'status 200', response.status);
});

step('first member gets connected with itself online', async () => {
  if (api_key) await add_workspace_members(origin, api_key, [[workspace_id, 'alice'], [workspace_id, 'bob']]);
  alice = new Client(mint_access_token(jwt_secret, 'alice', 600));
  const connected = await alice.next('connected');
  expect(connected.type === 'connected' && connected.workspace_id === workspace_id && connected.user_id === 'alice', 'connected for alice', connected);
  expect(JSON.stringify(connected.members_online) === '["alice"]', 'members_online ["alice"]', connected.members_online);
  expect(iso_utc.test(connected.timestamp), 'an ISO-8601 UTC timestamp', connected.timestamp);
});

step('second member gets connected with both online; the first gets user_joined', async () => {
  bob = new Client(mint_access_token(jwt_secret, 'bob', 600));
  const connected = await bob.next('connected');
  expect(connected.type === 'connected' && connected.user_id === 'bob', 'connected for bob', connected);
  expect(JSON.stringify([...connected.members_online].sort()) === '["alice","bob"]', 'members_online alice and bob', connected.members_online);
  const joined = await alice.next('user_joined');
  expect(joined.type === 'user_joined' && joined.user_id === 'bob' && joined.workspace_id === workspace_id, 'user_joined bob', joined);
});

step('a JSON ping is answered with pong', async () => {
  alice.send({ type: 'ping' });
  const pong = await alice.next('pong');
  expect(pong.type === 'pong' && iso_utc.test(pong.timestamp), 'pong with a timestamp', pong);
});

step('document_updated reaches the other member stamped, and not its sender', async () => {
  alice.send({ type: 'document_updated', document_id: 'doc-1', action: 'edited', user_id: 'mallory', sent_us: 12345 });
  const event = await bob.next('document_updated');
  expect(event.type === 'document_updated' && event.document_id === 'doc-1' && event.action === 'edited' && event.sent_us === 12345, 'the event as sent', event);
  expect(event.user_id === 'alice' && event.workspace_id === workspace_id, 'stamped with sender alice and the workspace', event);
  expect(iso_utc.test(event.timestamp), 'stamped with an ISO-8601 UTC timestamp', event.timestamp);
  alice.send({ type: 'ping' });
  const after = await alice.next('pong');
  expect(after.type === 'pong', 'the sender got its pong, not its own event', after);
});

step('a closing member is announced with user_left', async () => {
  bob.socket.close(1000);
  const left = await alice.next('user_left');
  expect(left.type === 'user_left' && left.user_id === 'bob' && left.workspace_id === workspace_id, 'user_left bob', left);
  alice.socket.close(1000);
  await bounded(alice.closed, 'close');
});

step('a token signed with another secret is closed with 1008 Invalid token', async () => {
  const intruder = new Client(mint_access_token(`not-${jwt_secret}`, 'alice', 600));
  const closed = await bounded(intruder.closed, 'close');
  expect(closed.code === 1008 && closed.reason === 'Invalid token', 'close 1008 "Invalid token"', closed);
});

let failures = 0;
for (const { name, body } of steps) {
  try {
    await body();
    console.log(`ok    ${name}`);
  } catch (error) {
    ++failures;
    console.log(`FAIL  ${name}: ${error.message}`);
    break; // later steps build on this one
  }
}
for (const client of [alice, bob]) client?.socket.terminate();
process.exitCode = failures ? 1 : 0;
