"""Peer server: Python websockets 10.4 (Debian) serving nadoo-realtime's
workspace endpoint (`/ws/workspaces/{id}?token=JWT`) and `/healthz`, one
process, one asyncio loop. A broadcast is one `websockets.broadcast`, which
encodes the text once and writes it to every other connection of the room
without awaiting any of them.

    JWT_SECRET=… /usr/bin/python3 server.py [--host H] --port P"""

import argparse
import asyncio
import http
import os
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "lib"))
from workspace_peer import (  # noqa: E402  (the shared module is found through the path above)
    MAX_MESSAGE_BYTES, WorkspacePresence, connected_message, handle_client_message, jwt_secret,
    presence_message, verified_user)

WORKSPACE_PATH_PREFIX = "/ws/workspaces/"
SECRET = jwt_secret()
presence = WorkspacePresence()
rooms = {}  # workspace id → set of connections


async def answer_plain_http(path, request_headers):
    """`/healthz` is answered without a WebSocket; other paths but the workspace's are refused."""
    route = urlsplit(path).path
    if route == "/healthz":
        return http.HTTPStatus.OK, [], b"ok\n"
    if not route.startswith(WORKSPACE_PATH_PREFIX) or "/" in route[len(WORKSPACE_PATH_PREFIX):]:
        return http.HTTPStatus.NOT_FOUND, [], b"not found\n"
    return None


def others(room, connection):
    return (other for other in room if other is not connection)


async def serve_workspace(connection):
    url = urlsplit(connection.path)
    workspace_id = unquote(url.path[len(WORKSPACE_PATH_PREFIX):])
    user_id = verified_user(parse_qs(url.query).get("token", [None])[0], SECRET)
    if not user_id:
        await connection.close(1008, "Invalid token")
        return
    room = rooms.setdefault(workspace_id, set())
    room.add(connection)
    first_connection, online_users = presence.arrive(workspace_id, user_id)
    if first_connection:
        websockets.broadcast(others(room, connection), presence_message("user_joined", workspace_id, user_id))
    await connection.send(connected_message(workspace_id, user_id, online_users))
    try:
        async for text in connection:
            if not isinstance(text, str):
                continue
            outcome = handle_client_message(text, workspace_id, user_id)
            if outcome is None:
                continue
            kind, reply = outcome
            if kind == "reply":
                await connection.send(reply)
            else:
                websockets.broadcast(others(room, connection), reply)
    except websockets.ConnectionClosed:
        pass
    finally:
        room.discard(connection)
        if not room:
            rooms.pop(workspace_id, None)
        if presence.depart(workspace_id, user_id):
            websockets.broadcast(room, presence_message("user_left", workspace_id, user_id))


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=os.environ.get("PORT"))
    options = parser.parse_args()
    if not options.port:
        parser.error("--port (or PORT) is required")
    # No permessage-deflate: nadoo-realtime does not compress either, and
    # the Node generator offers it.
    async with websockets.serve(serve_workspace, options.host, options.port, process_request=answer_plain_http,
                                compression=None, max_size=MAX_MESSAGE_BYTES):
        print(f"python-websockets peer listening on http://{options.host}:{options.port}", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main())
