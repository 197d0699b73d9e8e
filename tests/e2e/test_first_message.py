"""Every endpoint's first message comes before any reply (docs/decisions.md,
"First message first"): a client that sends the moment its handshake is
answered gets its `pong`s and `error`s after the contract's first message (and
after the notifications backlog or the console's history), in the order it sent
them. Each race runs 50 times on a raw socket, which sends as soon as the 101
has arrived, sooner than a library client would."""
import contextlib
import json

import pytest

from nadoo_server import add_workspace_member, create_plugin_execution, http_call, make_token
from raw_websocket import OPCODE_CLOSE, OPCODE_TEXT, RawWebSocket

RACES = 50
BACKLOG_NOTIFICATIONS = 100  # --notification-backlog-limit's default
# Frames a connection may get before its replies: first message, backlog,
# history, presence. More means something is wrong, not that we should wait.
MAX_FRAMES_PER_RACE = BACKLOG_NOTIFICATIONS + 20
SOCKET_TIMEOUT_SECONDS = 5

JSON_PING = (OPCODE_TEXT, b'{"type":"ping"}')
PLAIN_PING = (OPCODE_TEXT, b"ping")
NOT_JSON = (OPCODE_TEXT, b"{not json")


def reply_of(opcode, payload):
    """What a frame answers: `pong`, `error:<code>`, plain `pong` as `text:pong`; None for other messages."""
    if opcode != OPCODE_TEXT:
        return f"opcode:{opcode}"
    if payload == b"pong":
        return "text:pong"
    message = json.loads(payload)
    if message["type"] == "pong":
        return "pong"
    if message["type"] == "error":
        return f"error:{message['code']}"
    return None


def race(server, path, frames, expected_replies, greeting):
    """Opens `path`, sends `frames` in one write as soon as the handshake is
    answered → None when the messages before the first reply are `greeting`
    (a list of types) and the replies are `expected_replies` in order, else
    what was received instead."""
    ws = RawWebSocket(server.host, server.port, path, timeout=SOCKET_TIMEOUT_SECONDS)
    try:
        ws.send_frames(frames)
        before_replies, replies, received = [], [], []
        for _ in range(MAX_FRAMES_PER_RACE):
            opcode, payload = ws.read_frame()
            received.append((opcode, payload[:80]))
            reply = reply_of(opcode, payload)
            if reply is None and not replies:
                before_replies.append(json.loads(payload)["type"])
            elif reply is not None:
                replies.append(reply)
            if len(replies) == len(expected_replies):
                break
        if before_replies[: len(greeting)] == greeting and replies == expected_replies:
            return None
        return received
    finally:
        with contextlib.suppress(OSError):  # a courtesy: the server may have gone on a failure
            ws.send_frame(OPCODE_CLOSE, b"\x03\xe8")
        ws.close()


def run_races(server, path, frames, expected_replies, greeting):
    failures = [got for got in (race(server, path, frames, expected_replies, greeting) for _ in range(RACES)) if got]
    assert not failures, f"{len(failures)} of {RACES} races broke the order; first: {failures[0]}"


# What each sends in one write and the replies it must get, in that order.
JSON_RACE = ([JSON_PING, NOT_JSON, JSON_PING], ["pong", "error:invalid_json", "pong"])


def test_chat_answers_nothing_before_connected(server):
    run_races(server, "/ws/chat/session-first-message", *JSON_RACE, greeting=["connected"])


def test_notifications_answer_nothing_before_connected_and_the_backlog(server):
    user = "user-first-message"
    # A backlog of the default limit: reading it is what a reply could overtake.
    for n in range(BACKLOG_NOTIFICATIONS):
        body = {"user_id": user, "title": f"Run {n}", "body": "Finished.", "action_url": f"/runs/{n}"}
        assert http_call(server, "POST", "/api/v1/notifications", body)[0] == 202
    path = f"/ws/notifications/{user}?token={make_token(user)}"
    run_races(server, path, *JSON_RACE, greeting=["connected"] + ["notification"] * BACKLOG_NOTIFICATIONS)


def test_workspaces_answer_nothing_before_connected(server):
    add_workspace_member(server, "ws-first-message", "member-first-message")
    path = f"/ws/workspaces/ws-first-message?token={make_token('member-first-message')}"
    run_races(server, path, *JSON_RACE, greeting=["connected"])


@pytest.mark.parametrize("path", ["/api/v1/ws/plugin/debug/{}", "/ws/plugin-debug/{}"])
def test_plugin_console_answers_plain_and_json_ping_after_execution_info_and_history(server, path):
    execution_id = "exec-first-message"
    create_plugin_execution(server, execution_id)
    event = {"type": "log", "data": {"level": "info", "message": "started"}}
    assert http_call(server, "POST", f"/api/v1/plugins/executions/{execution_id}/events", event)[0] == 202
    frames = [PLAIN_PING, JSON_PING, NOT_JSON, PLAIN_PING]
    run_races(server, path.format(execution_id), frames, ["text:pong", "pong", "error:invalid_json", "text:pong"],
              greeting=["execution_info", "debug_data"])


def test_plugin_console_of_unknown_execution_answers_nothing_but_its_error_and_1008(server):
    for _ in range(RACES):
        ws = RawWebSocket(server.host, server.port, "/ws/plugin-debug/exec-never-made", timeout=SOCKET_TIMEOUT_SECONDS)
        try:
            ws.send_frames([PLAIN_PING, JSON_PING])
            opcode, payload = ws.read_frame()
            assert opcode == OPCODE_TEXT and json.loads(payload)["code"] == "not_found", payload
            opcode, payload = ws.read_frame()
            assert opcode == OPCODE_CLOSE and int.from_bytes(payload[:2], "big") == 1008, (opcode, payload)
            ws.send_frame(OPCODE_CLOSE, payload[:2])
            assert ws.wait_for_eof()
        finally:
            ws.close()


def test_echo_without_first_message_answers_at_once(server):
    for _ in range(RACES):
        ws = RawWebSocket(server.host, server.port, "/ws/echo", timeout=SOCKET_TIMEOUT_SECONDS)
        try:
            ws.send_frames([PLAIN_PING, NOT_JSON])
            assert [ws.read_frame(), ws.read_frame()] == [PLAIN_PING, NOT_JSON]
        finally:
            ws.close()


def test_frames_sent_in_the_same_write_as_the_upgrade_request_are_read_after_the_first_message(server):
    """A client that does not wait for the 101 (RFC 6455 says it should)
    loses nothing: its frames are answered, after the first message."""
    execution_id = "exec-pipelined-frames"
    create_plugin_execution(server, execution_id)
    for _ in range(RACES):
        echo = RawWebSocket(server.host, server.port, "/ws/echo", timeout=SOCKET_TIMEOUT_SECONDS,
                            frames_with_request=[PLAIN_PING, NOT_JSON])
        console = RawWebSocket(server.host, server.port, f"/api/v1/ws/plugin/debug/{execution_id}",
                               timeout=SOCKET_TIMEOUT_SECONDS, frames_with_request=[PLAIN_PING, JSON_PING])
        try:
            assert [echo.read_frame(), echo.read_frame()] == [PLAIN_PING, NOT_JSON]
            first_type = json.loads(console.read_frame()[1])["type"]
            assert first_type == "execution_info"
            assert [reply_of(*console.read_frame()), reply_of(*console.read_frame())] == ["text:pong", "pong"]
        finally:
            echo.close()
            console.close()
