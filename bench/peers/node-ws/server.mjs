// Peer server: Node `ws` 8 serving nadoo-realtime's workspace endpoint
// (`/ws/workspaces/{id}?token=JWT`) and `/healthz`, one process, one event
// loop. A broadcast serializes once into one Buffer and sends that Buffer to
// every other connection of the room, as ws's own broadcast example does.
import { createServer } from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';
import {
  WorkspacePresence,
  connected_message,
  handle_client_message,
  max_message_bytes,
  peer_options,
  presence_message,
  verified_user,
  workspace_of_path,
} from '../lib/workspace_peer.mjs';

const { host, port, jwt_secret } = peer_options('node-ws');
const presence = new WorkspacePresence();
const rooms = new Map(); // workspace id → Set of sockets

/** Sends `text` once serialized to every open socket of `workspace_id` but `sender`. */
function broadcast(workspace_id, text, sender) {
  const data = Buffer.from(text);
  for (const socket of rooms.get(workspace_id) ?? []) {
    if (socket !== sender && socket.readyState === WebSocket.OPEN) socket.send(data, { binary: false });
  }
}

function on_connection(socket, workspace_id, user_id) {
  if (!user_id) return socket.close(1008, 'Invalid token');
  let room = rooms.get(workspace_id);
  if (!room) rooms.set(workspace_id, (room = new Set()));
  room.add(socket);
  const arrival = presence.arrive(workspace_id, user_id);
  if (arrival.first_connection) broadcast(workspace_id, presence_message('user_joined', workspace_id, user_id), socket);
  socket.send(connected_message(workspace_id, user_id, arrival.online_users));

  socket.on('message', (data, is_binary) => {
    if (is_binary) return;
    const outcome = handle_client_message(data.toString(), workspace_id, user_id);
    if (outcome?.reply) socket.send(outcome.reply);
    if (outcome?.relay) broadcast(workspace_id, outcome.relay, socket);
  });
  socket.on('close', () => {
    room.delete(socket);
    if (room.size === 0) rooms.delete(workspace_id);
    if (presence.depart(workspace_id, user_id)) {
      broadcast(workspace_id, presence_message('user_left', workspace_id, user_id), socket);
    }
  });
}

const websockets = new WebSocketServer({ noServer: true, maxPayload: max_message_bytes });
const server = createServer((request, response) => {
  const healthy = request.method === 'GET' && request.url === '/healthz';
  response.writeHead(healthy ? 200 : 404, { 'Content-Type': 'text/plain' }).end(healthy ? 'ok\n' : 'not found\n');
});
server.on('upgrade', (request, tcp_socket, head) => {
  const url = new URL(request.url, 'http://peer');
  const workspace_id = workspace_of_path(url.pathname);
  if (!workspace_id) return tcp_socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  const user_id = verified_user(url.searchParams.get('token'), jwt_secret);
  websockets.handleUpgrade(request, tcp_socket, head, (socket) => on_connection(socket, workspace_id, user_id));
});
server.listen(port, host, () => console.log(`node-ws peer listening on http://${host}:${port}`));
