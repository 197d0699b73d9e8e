"""Keep-alive, bad input, and the chat room's typing relay."""
import json
import re

import pytest
import websockets

from nadoo_server import add_workspace_member, create_plugin_execution, make_token, run

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$")
JSON_ENDPOINTS = ["/ws/chat/s-msg", "/ws/notifications/u-msg", "/ws/workspaces/w-msg", "/api/v1/ws/plugin/debug/e-msg"]


@pytest.fixture(scope="module", autouse=True)
def workspace_membership(server):
    add_workspace_member(server, "w-msg", "u-msg")


def with_socket(server, path, body):
    if "/plugin/debug/" in path:
        create_plugin_execution(server, path.rsplit("/", 1)[1])
    async def connect():
        async with websockets.connect(server.ws_url(f"{path}?token={make_token('u-msg')}")) as ws:
            await ws.recv()  # connected / execution_info
            return await body(ws)

    return run(connect())


async def send_and_receive(ws, message):
    await ws.send(message)
    return json.loads(await ws.recv())


@pytest.mark.parametrize("path", JSON_ENDPOINTS)
def test_json_ping_is_answered_with_pong_and_timestamp(server, path):
    pong = with_socket(server, path, lambda ws: send_and_receive(ws, '{"type":"ping"}'))
    assert pong["type"] == "pong"
    assert ISO_UTC.match(pong["timestamp"])


def test_plain_text_ping_is_answered_with_plain_pong_on_plugin_debug(server):
    async def ping(ws):
        await ws.send("ping")
        return await ws.recv()

    assert with_socket(server, "/api/v1/ws/plugin/debug/e-1", ping) == "pong"


@pytest.mark.parametrize("path", JSON_ENDPOINTS)
@pytest.mark.parametrize(
    "message, code",
    [
        ("{not json", "invalid_json"),
        ("", "invalid_json"),
        ('{"type":"no_such_type"}', "unknown_type"),
        ('{"content":"no type"}', "invalid_message"),
        ('{"type":42}', "invalid_message"),
        ("[1,2,3]", "invalid_message"),
        (b"\x00binary", "invalid_message"),
    ],
)
def test_bad_input_gets_an_error_and_the_connection_stays_open(server, path, message, code):
    async def bad_then_ping(ws):
        error = await send_and_receive(ws, message)
        pong = await send_and_receive(ws, '{"type":"ping"}')
        return error, pong

    error, pong = with_socket(server, path, bad_then_ping)
    assert error["type"] == "error"
    assert error["code"] == code
    assert error["message"]
    assert error["data"] == {"code": code, "message": error["message"]}
    assert ISO_UTC.match(error["timestamp"])
    assert pong["type"] == "pong"


def test_typing_reaches_the_other_participants_only(server):
    async def scenario():
        url = server.ws_url("/ws/chat/typing-room?token=")
        async with websockets.connect(url + make_token("alice")) as alice, websockets.connect(
            url + make_token("bob")
        ) as bob:
            await alice.recv(), await bob.recv()
            await alice.send('{"type":"typing"}')
            seen_by_bob = json.loads(await bob.recv())
            # Alice's next message is her own pong: the typing notice did not come back to her.
            echo_check = await send_and_receive(alice, '{"type":"ping"}')
            return seen_by_bob, echo_check

    seen_by_bob, alice_next = run(scenario())
    assert seen_by_bob["type"] == "typing"
    assert seen_by_bob["user_id"] == "alice"
    assert seen_by_bob["session_id"] == "typing-room"
    assert alice_next["type"] == "pong"


def test_user_disconnected_is_sent_when_the_last_tab_leaves(server):
    async def scenario():
        url = server.ws_url("/ws/chat/leave-room?token=")
        async with websockets.connect(url + make_token("carol")) as carol:
            await carol.recv()
            dave_tab_1 = await websockets.connect(url + make_token("dave"))
            dave_tab_2 = await websockets.connect(url + make_token("dave"))
            await dave_tab_1.recv(), await dave_tab_2.recv()
            await dave_tab_1.close()
            # One tab left: no notice yet, so carol's next message is her pong.
            first = await send_and_receive(carol, '{"type":"ping"}')
            await dave_tab_2.close()
            second = json.loads(await carol.recv())
            return first, second

    first, second = run(scenario())
    assert first["type"] == "pong"
    assert second == {**second, "type": "user_disconnected", "user_id": "dave", "session_id": "leave-room"}
