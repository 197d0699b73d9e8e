"""Peer server: FastAPI 0.92 on uvicorn 0.17.6 (Debian; the stack of the
platform's own backend) serving nadoo-realtime's workspace endpoint
(`/ws/workspaces/{id}?token=JWT`) and `/healthz`, one process, one uvloop
loop. A broadcast serializes once and awaits `send_text` on every other
connection of the room in turn, FastAPI's documented ConnectionManager way.

    JWT_SECRET=… /usr/bin/python3 -m uvicorn server:app --app-dir bench/peers/fastapi \\
        --host 127.0.0.1 --port P --ws websockets --loop uvloop --http httptools \\
        --ws-per-message-deflate false --ws-max-size 65536 --log-level warning --no-access-log
(bench/peers/start fastapi P runs exactly that.)"""

import sys
from pathlib import Path

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from fastapi.responses import PlainTextResponse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "lib"))
from workspace_peer import (  # noqa: E402  (the shared module is found through the path above)
    WorkspacePresence, connected_message, handle_client_message, jwt_secret, presence_message, verified_user)

SECRET = jwt_secret()
presence = WorkspacePresence()
rooms = {}  # workspace id → set of WebSockets
app = FastAPI()


async def broadcast(room, text, sender):
    for connection in list(room):
        if connection is not sender:
            try:
                await connection.send_text(text)
            except Exception:  # noqa: BLE001  (what a send on a closing socket raises is the ASGI server's own type)
                pass  # closing meanwhile: its own handler removes it from the room


@app.get("/healthz", response_class=PlainTextResponse)
async def healthz():
    return "ok\n"


@app.websocket("/ws/workspaces/{workspace_id}")
async def serve_workspace(websocket: WebSocket, workspace_id: str, token: str | None = None):
    await websocket.accept()
    user_id = verified_user(token, SECRET)
    if not user_id:
        await websocket.close(code=1008, reason="Invalid token")
        return
    first_connection, online_users = presence.arrive(workspace_id, user_id)
    room = set()
    try:
        # `connected` must be the first message: the socket joins its room
        # only once it is sent, since every send here may let others run.
        await websocket.send_text(connected_message(workspace_id, user_id, online_users))
        room = rooms.setdefault(workspace_id, set())
        room.add(websocket)
        if first_connection:
            await broadcast(room, presence_message("user_joined", workspace_id, user_id), websocket)
        while True:
            outcome = handle_client_message(await websocket.receive_text(), workspace_id, user_id)
            if outcome is None:
                continue
            kind, text = outcome
            if kind == "reply":
                await websocket.send_text(text)
            else:
                await broadcast(room, text, websocket)
    except WebSocketDisconnect:
        pass
    finally:
        room.discard(websocket)
        if not room and rooms.get(workspace_id) is room:
            del rooms[workspace_id]
        if presence.depart(workspace_id, user_id):
            await broadcast(room, presence_message("user_left", workspace_id, user_id), websocket)
