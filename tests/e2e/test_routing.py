"""Every endpoint path of the spec and the contract's aliases accept, and
anything else is refused before the upgrade."""
import json

import pytest
import websockets

from nadoo_server import add_workspace_member, create_plugin_execution, make_token, run

TOKEN_USER = "user-route"


@pytest.fixture(scope="module", autouse=True)
def workspace_membership(server):
    add_workspace_member(server, "ws-123", TOKEN_USER)


def first_message(server, path):
    async def connect():
        async with websockets.connect(server.ws_url(path)) as ws:
            return json.loads(await ws.recv())

    return run(connect())


@pytest.mark.parametrize(
    "path, expected_type, field, value",
    [
        ("/ws/chat/session-abc", "connected", "session_id", "session-abc"),
        ("/api/ws/chat/session-abc", "connected", "session_id", "session-abc"),
        (f"/ws/notifications/{TOKEN_USER}", "connected", "user_id", TOKEN_USER),
        (f"/api/ws/notifications/{TOKEN_USER}", "connected", "user_id", TOKEN_USER),
        ("/ws/workspaces/ws-123", "connected", "workspace_id", "ws-123"),
        ("/api/ws/workspaces/ws-123", "connected", "workspace_id", "ws-123"),
    ],
)
def test_every_spec_path_and_alias_sends_its_first_message(server, path, expected_type, field, value):
    message = first_message(server, f"{path}?token={make_token(TOKEN_USER)}")
    assert message["type"] == expected_type
    assert message[field] == value
    assert message["user_id"] == TOKEN_USER


@pytest.mark.parametrize(
    "path", ["/api/v1/ws/plugin/debug/exec-1", "/ws/plugin-debug/exec-1", "/api/ws/plugin-debug/exec-1"]
)
def test_plugin_debug_paths_send_execution_info_without_token(server, path):
    create_plugin_execution(server, "exec-1")
    message = first_message(server, path)
    assert message["type"] == "execution_info"
    assert message["data"]["execution_id"] == "exec-1"


def refused_status(server, path):
    async def connect():
        with pytest.raises(websockets.InvalidStatusCode) as refused:
            async with websockets.connect(server.ws_url(path)):
                pass
        return refused.value.status_code

    return run(connect())


@pytest.mark.parametrize("path", ["/ws/unknown/x", "/ws/chat", "/ws/chat/a/b", "/ws/chat/a/", "/", "/ws/stats-x/1"])
def test_unknown_path_is_refused_with_404(server, path):
    assert refused_status(server, path) == 404


@pytest.mark.parametrize(
    "path", ["/ws/chat/" + "a" * 129, "/ws/chat/bad%20id", "/ws/chat/%3Cscript%3E", "/ws/workspaces/a%2Fb"]
)
def test_invalid_path_segment_is_refused_with_400(server, path):
    assert refused_status(server, path) == 400


def test_longest_accepted_id_is_128_characters(server):
    session = "s" * 128
    assert first_message(server, f"/ws/chat/{session}")["session_id"] == session


def test_echo_route_is_off_by_default(start_server):
    assert refused_status(start_server(), "/ws/echo") == 404
