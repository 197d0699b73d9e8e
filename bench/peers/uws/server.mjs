// Peer server: uWebSockets.js v20.30 serving nadoo-realtime's workspace
// endpoint (`/ws/workspaces/{id}?token=JWT`) and `/healthz`, one process, one
// event loop. Rooms are uWS topics and a broadcast is one `publish`, which
// serializes and frames once in C++ for every subscriber but the sender.
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
    if (outcome?.relay) socket.publish(topic_of(workspace_id), outcome.relay);
  },
  close: (socket) => {
    const { workspace_id, user_id } = socket.getUserData();
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
  console.log(`uws peer listening on http://${host}:${port}`);
});
