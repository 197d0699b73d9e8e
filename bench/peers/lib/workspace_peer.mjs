// What the Node peers (node-ws/, uws/) share, independent of their WebSocket
// library: options, access-token verification, who is online in which
// workspace, and the workspace endpoint's messages in nadoo-realtime's shapes.
// Each peer keeps its own rooms and its library's own broadcast.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseArgs } from 'node:util';

/** The same inbound limit as nadoo-realtime's default (`max_message_bytes`). */
export const max_message_bytes = 64 * 1024;
/** Bytes queued for one connection before the library sheds it: nadoo-realtime's `outbound_queue_limit_bytes`. */
export const outbound_queue_limit_bytes = 1024 * 1024;

/** `--host`/`--port` (or HOST/PORT) and JWT_SECRET from the environment; exits 64 when one is missing. */
export function peer_options(peer_name) {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
      port: { type: 'string', default: process.env.PORT },
    },
  });
  const port = Number(values.port);
  const jwt_secret = process.env.JWT_SECRET;
  if (!port || !jwt_secret) {
    console.error(`usage: JWT_SECRET=… node ${peer_name}/server.mjs [--host H] --port P`);
    process.exit(64);
  }
  return { host: values.host, port, jwt_secret };
}

const header_hs256 = (header) => {
  try {
    return JSON.parse(Buffer.from(header, 'base64url').toString()).alg === 'HS256';
  } catch {
    return false;
  }
};

/**
 * The user of an HS256 access token signed with `secret` (claims `sub`, `exp`;
 * `type`, when present, must be `access`), or null when it is not one.
 */
export function verified_user(token, secret) {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3 || !header_hs256(parts[0])) return null;
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const signature = Buffer.from(parts[2], 'base64url');
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return null;
  let claims;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
  } catch {
    return null;
  }
  if (typeof claims.exp !== 'number' || claims.exp < Date.now() / 1000) return null;
  if (claims.type !== undefined && claims.type !== 'access') return null;
  return typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : null;
}

/** Connections per user per workspace: presence is announced per user, not per connection. */
export class WorkspacePresence {
  #workspaces = new Map(); // workspace id → Map(user id → open connections)

  /** Counts a connection in; says whether it is the user's first and who is online now (the user too). */
  arrive(workspace_id, user_id) {
    let users = this.#workspaces.get(workspace_id);
    if (!users) this.#workspaces.set(workspace_id, (users = new Map()));
    const connections = (users.get(user_id) ?? 0) + 1;
    users.set(user_id, connections);
    return { first_connection: connections === 1, online_users: [...users.keys()] };
  }

  /** Counts a connection out; true when it was the user's last in that workspace. */
  depart(workspace_id, user_id) {
    const users = this.#workspaces.get(workspace_id);
    const connections = (users?.get(user_id) ?? 0) - 1;
    if (connections > 0) {
      users.set(user_id, connections);
      return false;
    }
    users?.delete(user_id);
    if (users?.size === 0) this.#workspaces.delete(workspace_id);
    return true;
  }
}

const timestamp = () => new Date().toISOString(); // 2026-11-28T08:08:00.123Z, as nadoo-realtime writes it

export const connected_message = (workspace_id, user_id, members_online) =>
  JSON.stringify({ type: 'connected', workspace_id, user_id, members_online, timestamp: timestamp() });

export const presence_message = (type, workspace_id, user_id) =>
  JSON.stringify({ type, workspace_id, user_id, timestamp: timestamp() });

/**
 * What a client's text message asks for: `{ reply }` for a ping, `{ relay }`
 * (serialized once, stamped with sender, workspace and time) for a
 * `document_updated`, null for anything else, which is dropped.
 */
export function handle_client_message(text, workspace_id, user_id) {
  let message;
  try {
    message = JSON.parse(text);
  } catch {
    return null;
  }
  if (message?.type === 'ping') return { reply: JSON.stringify({ type: 'pong', timestamp: timestamp() }) };
  if (message?.type !== 'document_updated') return null;
  message.workspace_id = workspace_id;
  message.user_id = user_id;
  message.timestamp = timestamp();
  return { relay: JSON.stringify(message) };
}

/** The workspace id of a `/ws/workspaces/{id}` path, or null. */
export function workspace_of_path(pathname) {
  const match = /^\/ws\/workspaces\/([^/]+)$/.exec(pathname);
  return match ? decodeURIComponent(match[1]) : null;
}
