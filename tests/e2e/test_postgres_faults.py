"""PostgreSQL going away and coming back under a serving node: the node
starts without it, fails fast while it is gone (REST 503 in the envelope,
/readyz 503, chat `error`), and serves again by itself once it is back. Each
test has a cluster of its own (tests/support/postgres_server), so halting it
disturbs no other test."""
import asyncio
import json
import time

import websockets

from nadoo_server import REPO_DEMO_SEED, Server, http_call, http_get, make_token, run
from postgres_cluster import cluster  # noqa: F401 (a fixture)

DEMO_APP = "app-uuid-123"
# The bound for a node to serve again; by design at most about 3 s
# (connect attempts back off to 2 s at most, the probe runs every second).
RECOVERY_SECONDS = 5


def await_readiness(server, status):
    """The /readyz status becoming `status`, polled, within RECOVERY_SECONDS."""
    deadline = time.monotonic() + RECOVERY_SECONDS
    while time.monotonic() < deadline:
        if http_get(server, "/readyz", api_key=None)[0] == status:
            return
        time.sleep(0.1)
    raise AssertionError(f"/readyz did not turn {status} within {RECOVERY_SECONDS} s:\n{server.log()}")


def assert_storage_unavailable(status, reply):
    assert status == 503, reply
    assert reply["status"] == "error" and reply["message"] == "Storage is unavailable; please retry", reply


async def chat_reply(server, session, to_the_end=False):
    """The first message after a `chat` (the stream's start, or an `error`),
    and with `to_the_end` the `finish_reason` of its `response_end` too."""
    async with websockets.connect(server.ws_url(f"/ws/chat/{session}?token={make_token('user-faults')}")) as ws:
        assert json.loads(await ws.recv())["type"] == "connected"
        await ws.send(json.dumps({"type": "chat", "content": "What were the key Q4 metrics?",
                                  "application_id": DEMO_APP}))
        first = json.loads(await asyncio.wait_for(ws.recv(), 20))
        if not to_the_end or first["type"] != "response_start":
            return first
        for _ in range(10_000):  # an answer's deltas, bounded
            message = json.loads(await asyncio.wait_for(ws.recv(), 20))
            if message["type"] == "response_end":
                return {**first, "finish_reason": message["finish_reason"]}
        raise AssertionError("no response_end")


def test_a_node_started_while_postgres_is_down_serves_once_it_is_up(cluster, tmp_path):
    cluster.command("halt")
    server = Server("--store", cluster.uri, "--seed-file", REPO_DEMO_SEED, tmp_path=tmp_path)
    try:
        assert http_get(server, "/healthz", api_key=None)[0] == 200
        assert http_get(server, "/readyz", api_key=None)[0] == 503
        assert_storage_unavailable(*http_call(server, "GET", f"/api/v1/applications/{DEMO_APP}"))
        assert "storage" in server.log().lower() and "unavailable" in server.log().lower()
        cluster.command("resume")
        await_readiness(server, 200)
        status, reply = http_call(server, "PUT", "/api/v1/applications/after-outage",
                                  {"name": "After the outage", "provider": "builtin", "model": "builtin-extractive"})
        assert status in (200, 201), reply
        assert http_call(server, "GET", "/api/v1/applications/after-outage")[0] == 200
        assert "connected" in server.log()
    finally:
        server.stop()


def test_losing_postgres_while_serving_fails_fast_and_recovers_without_a_restart(cluster, tmp_path):
    server = Server("--store", cluster.uri, "--seed-file", REPO_DEMO_SEED, tmp_path=tmp_path)
    try:
        await_readiness(server, 200)
        assert run(chat_reply(server, "before"))["type"] == "response_start"
        cluster.command("halt")
        body = {"user_id": "user-faults", "title": "During the outage", "body": "never stored",
                "action_url": "/outage"}
        assert_storage_unavailable(*http_call(server, "POST", "/api/v1/notifications", body))
        await_readiness(server, 503)
        assert run(chat_reply(server, "during"))["type"] == "error"
        cluster.command("resume")
        await_readiness(server, 200)
        body["title"] = "After the outage"
        status, reply = http_call(server, "POST", "/api/v1/notifications", body)
        assert status == 202, reply
        status, page = http_call(server, "GET", "/api/v1/notifications", api_key=None,
                                 token=make_token("user-faults"))
        assert status == 200, page
        assert [n["title"] for n in page["data"]["notifications"]] == ["After the outage"]
        # The whole answer: the knowledge search runs on the reader, after response_start.
        after = run(chat_reply(server, "after", to_the_end=True))
        assert (after["type"], after["finish_reason"]) == ("response_start", "stop"), after
        # Said once per connection that noticed (4 lanes and the reader), never once per call.
        assert 1 <= server.log().count("connection lost") <= 5, server.log()
    finally:
        server.stop()
