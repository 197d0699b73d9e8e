// Peer server: uWebSockets.js v20.30 serving nadoo-realtime's workspace
// endpoint (`/ws/workspaces/{id}?token=JWT`) and `/healthz`, one process, one
// event loop. Rooms are uWS topics (presence is one `publish`); a relayed event
// leaves uWS's `message` handler before it is broadcast, because uWS corks the
// socket whose message it handles and only one socket can be corked at a time:
// a publish from inside the handler drains a subscriber's 33rd queued message
// uncorked, one send() per frame (uWebSockets issue #1348; bench/peers/README.md).
// UWS_BROADCAST picks how the events of one loop turn go out:
//   corked-batch (default, the faster here): each member corked once around
//     the batch's frames, at most one cork buffer (16 KiB) at a time;
//   deferred-publish: one `publish` per event from setImmediate;
//   in-handler: `publish` inside `message`, the slow path, kept to show it.
import { createRequire } from 'node:module';
import {
  WorkspacePresence,
  connected_message,
  handle_client_message,
  max_message_bytes,
  outbound_queue_limit_bytes,
  peer_options,
  presence_message,
  verified_user,
} from '../lib/workspace_peer.mjs';

// The native addon itself, for Node 20 (ABI 115): the package's `uws.js`
// would fall back to a JavaScript shim if it failed to load, and this must
// fail loudly instead.
const uws = createRequire(import.meta.url)(
  './node_modules/@trufflesuite/uws-js-unofficial/binaries/uws_linux_x64_115.node',
);

const { host, port, jwt_secret } = peer_options('uws');
const presence = new WorkspacePresence();
const topic_of = (workspace_id) => `workspace/${workspace_id}`;

const broadcast_modes = ['corked-batch', 'deferred-publish', 'in-handler'];
const broadcast_mode = process.env.UWS_BROADCAST || 'corked-batch';
if (!broadcast_modes.includes(broadcast_mode)) {
  console.error(`uws peer: UWS_BROADCAST must be one of ${broadcast_modes.join(', ')}`);
  process.exit(2);
}
// uWS's cork buffer is 16 KiB (LoopData::CORK_BUFFER_SIZE): a batch past it
// would be written in several syscalls anyway, so it is corked in slices.
const cork_buffer_bytes = 16 * 1024;
const frame_header_bytes = (length) => (length < 126 ? 2 : length < 65536 ? 4 : 10);

const rooms = new Map(); // workspace id → Set of open sockets (corked-batch only)
let pending = []; // [{ socket, workspace_id, text }] relayed this loop turn
let flush_scheduled = false;

/** Every other member of the room gets the batch's frames, corked per slice that fits the cork buffer. */
function send_corked(workspace_id, relays) {
  const frames = relays.map(({ socket, text }) => ({ sender: socket, data: Buffer.from(text) }));
  const slices = [[]];
  let slice_bytes = 0;
  for (const frame of frames) {
    const bytes = frame.data.length + frame_header_bytes(frame.data.length);
    if (slice_bytes + bytes > cork_buffer_bytes && slices.at(-1).length) slices.push([]), (slice_bytes = 0);
    slices.at(-1).push(frame);
    slice_bytes += bytes;
  }
  for (const member of rooms.get(workspace_id) ?? []) {
    for (const slice of slices) {
      member.cork(() => {
        for (const frame of slice) if (frame.sender !== member) member.send(frame.data, false);
      });
    }
  }
}

/** Runs from setImmediate, outside every uWS handler: no socket is corked. */
function flush_relays() {
  const relays = pending;
  pending = [];
  flush_scheduled = false;
  if (broadcast_mode === 'deferred-publish') {
    for (const { socket, workspace_id, text } of relays) {
      // A sender that closed meanwhile is unsubscribed already: the app publishes.
      if (socket.getUserData().closed) app.publish(topic_of(workspace_id), text);
      else socket.publish(topic_of(workspace_id), text);
    }
    return;
  }
  const by_workspace = new Map();
  for (const relay of relays) {
    if (!by_workspace.has(relay.workspace_id)) by_workspace.set(relay.workspace_id, []);
    by_workspace.get(relay.workspace_id).push(relay);
  }
  for (const [workspace_id, batch] of by_workspace) send_corked(workspace_id, batch);
}

function relay(socket, workspace_id, text) {
  if (broadcast_mode === 'in-handler') return socket.publish(topic_of(workspace_id), text);
  pending.push({ socket, workspace_id, text });
  if (!flush_scheduled) {
    flush_scheduled = true;
    setImmediate(flush_relays);
  }
}

const app = uws.App();
app.get('/healthz', (response) => response.end('ok\n'));
app.ws('/ws/workspaces/:workspace_id', {
  maxPayloadLength: max_message_bytes,
  // uWS skips a subscriber past this backlog; nadoo-realtime queues as much before shedding one.
  maxBackpressure: outbound_queue_limit_bytes,
  upgrade: (response, request, context) => {
    const workspace_id = decodeURIComponent(request.getParameter(0));
    const user_id = verified_user(new URLSearchParams(request.getQuery()).get('token'), jwt_secret);
    response.upgrade(
      { workspace_id, user_id },
      request.getHeader('sec-websocket-key'),
      request.getHeader('sec-websocket-protocol'),
      request.getHeader('sec-websocket-extensions'),
      context,
    );
  },
  open: (socket) => {
    const { workspace_id, user_id } = socket.getUserData();
    if (!user_id) return socket.end(1008, 'Invalid token');
    socket.subscribe(topic_of(workspace_id));
    if (!rooms.has(workspace_id)) rooms.set(workspace_id, new Set());
    rooms.get(workspace_id).add(socket);
    const arrival = presence.arrive(workspace_id, user_id);
    // A socket's own publish skips that socket.
    if (arrival.first_connection) socket.publish(topic_of(workspace_id), presence_message('user_joined', workspace_id, user_id));
    socket.send(connected_message(workspace_id, user_id, arrival.online_users));
  },
  message: (socket, data, is_binary) => {
    if (is_binary) return;
    const { workspace_id, user_id } = socket.getUserData();
    const outcome = handle_client_message(Buffer.from(data).toString(), workspace_id, user_id);
    if (outcome?.reply) socket.send(outcome.reply);
    if (outcome?.relay) relay(socket, workspace_id, outcome.relay);
  },
  close: (socket) => {
    const user_data = socket.getUserData();
    const { workspace_id, user_id } = user_data;
    user_data.closed = true;
    const room = rooms.get(workspace_id);
    room?.delete(socket);
    if (room?.size === 0) rooms.delete(workspace_id);
    if (user_id && presence.depart(workspace_id, user_id)) {
      // The closed socket is already unsubscribed: the app publishes.
      app.publish(topic_of(workspace_id), presence_message('user_left', workspace_id, user_id));
    }
  },
});
app.any('/*', (response) => response.writeStatus('404 Not Found').end('not found\n'));
app.listen(host, port, (listen_socket) => {
  if (!listen_socket) {
    console.error(`uws peer: cannot listen on ${host}:${port}`);
    process.exit(1);
  }
  console.log(`uws peer (${broadcast_mode}) listening on http://${host}:${port}`);
});
