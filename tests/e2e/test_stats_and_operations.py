"""The stats document, exact under churn; health, readiness and metrics."""
import asyncio
import json
import subprocess

import websockets

from nadoo_server import API_KEY, BINARY, add_workspace_member, create_plugin_execution, http_get, make_token, run, stats


def test_stats_require_an_api_key(server):
    assert http_get(server, "/ws/stats", api_key=None)[0] == 401
    assert http_get(server, "/ws/stats", api_key="nai-wrong")[0] == 401
    assert http_get(server, "/api/v1/ws/stats", api_key=API_KEY)[0] == 200


def test_stats_document_has_exactly_the_spec_shape(start_server):
    fresh = start_server()
    add_workspace_member(fresh, "ws-123", "user-1")
    create_plugin_execution(fresh, "exec-1")

    async def scenario():
        chat = fresh.ws_url("/ws/chat/session-abc?token=")
        workspace = fresh.ws_url("/ws/workspaces/ws-123?token=")
        sockets = [
            await websockets.connect(chat + make_token("user-1")),
            await websockets.connect(chat + make_token("user-2")),
            await websockets.connect(workspace + make_token("user-1")),
            await websockets.connect(fresh.ws_url("/ws/notifications/user-1?token=" + make_token("user-1"))),
            await websockets.connect(fresh.ws_url("/api/v1/ws/plugin/debug/exec-1")),
        ]
        for ws in sockets:
            await ws.recv()
        document = stats(fresh)
        for ws in sockets:
            await ws.close()
        return document, stats(fresh)

    document, after = run(scenario())
    assert document == {
        "total_connections": 5,
        "active_sessions": 2,
        "active_users": 2,
        "details": {
            "sessions": {"session-abc": 2, "workspace_ws-123": 1},
            "users": {"user-1": 3, "user-2": 1},
        },
    }
    assert after == {
        "total_connections": 0,
        "active_sessions": 0,
        "active_users": 0,
        "details": {"sessions": {}, "users": {}},
    }


def expected_stats(connections):
    sessions, users = {}, {}
    for session, user in connections:
        sessions[session] = sessions.get(session, 0) + 1
        users[user] = users.get(user, 0) + 1
    return {
        "total_connections": len(connections),
        "active_sessions": len(sessions),
        "active_users": len(users),
        "details": {"sessions": sessions, "users": users},
    }


def test_stats_are_exact_with_200_connections_opening_and_closing_at_once(start_server):
    fresh = start_server()
    plan = [(f"churn-{i % 7}", f"user-{i % 13}") for i in range(200)]

    async def open_one(session, user):
        ws = await websockets.connect(fresh.ws_url(f"/ws/chat/{session}?token={make_token(user)}"))
        assert json.loads(await ws.recv())["type"] == "connected"
        return ws

    async def scenario():
        sockets = await asyncio.gather(*(open_one(*entry) for entry in plan))
        all_open = stats(fresh)
        # Close the even half while the odd half keeps chatting.
        await asyncio.gather(*(ws.close() for ws in sockets[::2]), *(ws.ping() for ws in sockets[1::2]))
        half_open = stats(fresh)
        await asyncio.gather(*(ws.close() for ws in sockets[1::2]))
        return all_open, half_open, stats(fresh)

    all_open, half_open, none_open = run(scenario())
    assert all_open == expected_stats(plan)
    assert half_open == expected_stats(plan[1::2])
    assert none_open == expected_stats([])


def test_health_and_readiness(server):
    status, content_type, body = http_get(server, "/healthz", api_key=None)
    assert status == 200 and content_type == "application/json"
    assert json.loads(body)["status"] == "success"
    status, _, body = http_get(server, "/readyz", api_key=None)
    assert status == 200 and json.loads(body)["data"]["broker"] == "ready"


def binary_version():
    """The version the binary says it is: `nadoo-realtime 0.1.0`."""
    completed = subprocess.run([BINARY, "--version"], capture_output=True, text=True, timeout=10, check=True)
    return completed.stdout.split()[-1]


def test_healthz_names_the_running_version(server):
    status, _, body = http_get(server, "/healthz", api_key=None)
    assert status == 200
    assert json.loads(body)["data"] == {"status": "alive", "version": binary_version()}


def test_metrics_carry_the_build_info_gauge_with_the_version(server):
    _, _, body = http_get(server, "/metrics", api_key=None)
    assert "# TYPE nadoo_build_info gauge" in body
    assert f'nadoo_build_info{{version="{binary_version()}"}} 1' in body.splitlines()


def test_metrics_are_prometheus_text(server):
    status, content_type, body = http_get(server, "/metrics", api_key=None)
    assert status == 200
    assert content_type.startswith("text/plain; version=0.0.4")
    for name in [
        "nadoo_connections_open",
        "nadoo_messages_received_total",
        "nadoo_messages_sent_total",
        "nadoo_bytes_received_total",
        "nadoo_bytes_sent_total",
        "nadoo_auth_failures_total",
        "nadoo_slow_consumer_closes_total",
        "nadoo_outbound_queue_messages",
    ]:
        assert f"# TYPE {name} " in body
        assert any(line.startswith(name + " ") for line in body.splitlines())


def test_unknown_http_path_gets_the_error_envelope(server):
    status, _, body = http_get(server, "/no/such/thing")
    assert status == 404
    document = json.loads(body)
    assert document["status"] == "error" and document["code"] == 404 and document["data"] is None
