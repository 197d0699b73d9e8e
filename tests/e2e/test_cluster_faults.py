"""Redis faults under two nodes: while Redis is down or hangs, each node
keeps serving its own clients and says 503 on /readyz; once Redis answers
again, the nodes reconnect, subscribe every room again and carry messages
between them."""
import asyncio
import json
import os
import signal
import socket
import time

import pytest
import websockets

from cluster_nodes import (NodeCluster, await_ready, await_stats, console, ingest_log, notification_tab,
                           publish_notification, readiness, receive_json, workspace_socket)
from nadoo_server import (Server, add_workspace_member, create_plugin_execution, ends_response, http_call, make_token,
                          metric, receive_until, run, stop_and_check)


@pytest.fixture
def cluster(tmp_path):
    instance = NodeCluster(tmp_path)
    yield instance
    instance.stop()


async def notification_tabs(cluster, user):
    tabs = [await notification_tab(node, user) for node in cluster.nodes]
    await asyncio.to_thread(cluster.redis.await_subscribers, f"nadoo:room:user:{user}", len(cluster.nodes))
    return tabs


def await_all(cluster, expected):
    return max(await_ready(node, expected) for node in cluster.nodes)


def test_while_redis_is_down_each_node_serves_its_own_and_both_recover_when_it_returns(cluster):
    a, b = cluster.nodes

    async def scenario():
        tab_a, tab_b = await notification_tabs(cluster, "fault-ada")
        before = await asyncio.to_thread(publish_notification, a, "fault-ada", "before the outage")
        for tab in (tab_a, tab_b):
            assert (await receive_json(tab))["id"] == before
        cluster.redis.command("halt")
        await asyncio.to_thread(await_all, cluster, 503)
        dropped_before = metric(a, "nadoo_broker_messages_dropped_total")
        during = await asyncio.to_thread(publish_notification, a, "fault-ada", "during the outage")
        assert (await receive_json(tab_a))["id"] == during  # same-node delivery does not need Redis
        await tab_a.send(json.dumps({"type": "ack", "id": before}))
        read = await receive_json(tab_a)
        assert (read["type"], read["id"]) == ("notification_read", before)
        assert metric(a, "nadoo_broker_messages_dropped_total") == dropped_before + 2
        restarted = time.monotonic()
        cluster.redis.command("resume")
        await asyncio.to_thread(await_all, cluster, 200)
        print(f"both nodes ready {time.monotonic() - restarted:.2f} s after Redis accepted connections again")
        # Node b fills the gap for its tab from the store: what was published
        # and what was read while Redis was down.
        filled = [await receive_json(tab_b) for _ in range(2)]
        assert sorted((message["type"], message["id"]) for message in filled) == [
            ("notification", during), ("notification_read", before)]
        after = await asyncio.to_thread(publish_notification, a, "fault-ada", "after the outage")
        assert (await receive_json(tab_a))["id"] == after
        assert (await receive_json(tab_b))["id"] == after  # the room was subscribed again on node b
        for tab in (tab_a, tab_b):
            await tab.close()

    run(scenario())


def test_messages_a_node_could_not_publish_reach_the_other_nodes_tabs_once_it_can(cluster):
    a, b = cluster.nodes

    async def scenario():
        tab_a, tab_b = await notification_tabs(cluster, "fault-pia")
        # Redis refuses PUBLISH while every connection stays up: only the
        # publishing node knows that its messages were lost.
        cluster.redis.cli("ACL", "SETUSER", "default", "-publish")
        try:
            dropped_before = metric(a, "nadoo_broker_messages_dropped_total")
            refused = await asyncio.to_thread(publish_notification, a, "fault-pia", "refused by Redis")
            assert (await receive_json(tab_a))["id"] == refused
            await asyncio.to_thread(lambda: await_metric_above(a, "nadoo_broker_messages_dropped_total",
                                                               dropped_before))
        finally:
            cluster.redis.cli("ACL", "SETUSER", "default", "+publish")
        # Node a tells the others at its next heartbeat; node b fills from the store.
        assert (await receive_json(tab_b))["id"] == refused
        after = await asyncio.to_thread(publish_notification, a, "fault-pia", "after")
        for tab in (tab_a, tab_b):
            assert (await receive_json(tab))["id"] == after
            await tab.close()

    run(scenario())


def await_metric_above(node, name, value, timeout=10):
    deadline = time.monotonic() + timeout
    while metric(node, name) <= value:
        assert time.monotonic() < deadline, f"{name} stayed at {value}"
        time.sleep(0.02)


def test_a_console_that_stays_connected_through_a_redis_outage_gets_the_events_stored_meanwhile(cluster):
    a, b = cluster.nodes
    create_plugin_execution(a, "exec-outage")

    async def scenario():
        ws = await console(b, "exec-outage")
        await asyncio.to_thread(cluster.redis.await_subscribers, "nadoo:room:execution:exec-outage", 1)
        cluster.redis.command("halt")
        await asyncio.to_thread(await_all, cluster, 503)
        for n in range(3):
            await asyncio.to_thread(ingest_log, a, "exec-outage", f"during {n}")  # cannot reach b
        cluster.redis.command("resume")
        await asyncio.to_thread(await_all, cluster, 200)
        await asyncio.to_thread(ingest_log, a, "exec-outage", "after")
        events = [await receive_json(ws) for _ in range(4)]
        assert [event["sequence"] for event in events] == [1, 2, 3, 4]
        assert [event["data"]["message"] for event in events] == ["during 0", "during 1", "during 2", "after"]
        await ws.close()

    run(scenario())


def test_a_redis_that_hangs_is_noticed_by_the_heartbeat_and_reconnected_when_it_answers(cluster):
    a, b = cluster.nodes
    with open(os.path.join(cluster.redis.directory, "redis.pid")) as pid_file:
        redis_pid = int(pid_file.read())

    async def scenario():
        tab_a, tab_b = await notification_tabs(cluster, "fault-hal")
        os.kill(redis_pid, signal.SIGSTOP)  # connections stay open; nothing answers
        try:
            await asyncio.to_thread(await_all, cluster, 503)
        finally:
            os.kill(redis_pid, signal.SIGCONT)
        await asyncio.to_thread(await_all, cluster, 200)
        after = await asyncio.to_thread(publish_notification, b, "fault-hal", "after the hang")
        assert (await receive_json(tab_b))["id"] == after
        assert (await receive_json(tab_a))["id"] == after
        for tab in (tab_a, tab_b):
            await tab.close()

    run(scenario())
    assert "did not answer" in a.log() or "did not confirm" in a.log(), a.log()


def test_a_node_whose_redis_is_unreachable_at_start_serves_alone_and_says_503(tmp_path):
    # A port nobody listens on: bound, then closed.
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    node = Server("--broker", f"redis://127.0.0.1:{port}", tmp_path=tmp_path)
    try:
        assert readiness(node) == 503
        status, body = http_call(node, "GET", "/readyz", api_key=None)
        assert "broker" in body["message"].lower()

        async def scenario():
            tab = await notification_tab(node, "solo")
            stored = await asyncio.to_thread(publish_notification, node, "solo", "alone")
            assert (await receive_json(tab))["id"] == stored
            await tab.close()

        run(scenario())
    finally:
        stop_and_check(node)


def test_a_killed_nodes_users_leave_the_stats_and_the_workspace_within_its_ttl(tmp_path):
    cluster = NodeCluster(tmp_path, node_arguments=["--node-ttl-seconds", "2"])
    try:
        a, b = cluster.nodes
        for user in ("doomed-dee", "survivor-sam"):
            add_workspace_member(a, "ws-doomed", user)

        async def scenario():
            survivor, _ = await workspace_socket(a, "ws-doomed", "survivor-sam")
            doomed, _ = await workspace_socket(b, "ws-doomed", "doomed-dee")
            joined = await receive_json(survivor)
            assert (joined["type"], joined["user_id"]) == ("user_joined", "doomed-dee")
            chats = [await websockets.connect(node.ws_url(f"/ws/chat/doomed-chat?token={make_token(user)}"))
                     for node, user in ((a, "survivor-sam"), (b, "doomed-dee"))]
            for ws in chats:
                assert (await receive_json(ws))["type"] == "connected"
            # Node b tells of its users before its stats report them.
            await asyncio.to_thread(await_stats, a, lambda d: d["details"]["users"].get("doomed-dee") == 2)
            killed = time.monotonic()
            b.process.kill()
            b.process.wait(timeout=10)
            left = await receive_json(survivor, timeout=15)
            assert (left["type"], left["user_id"]) == ("user_left", "doomed-dee")
            print(f"user_left on node a {time.monotonic() - killed:.2f} s after node b's SIGKILL")
            gone = await receive_json(chats[0], timeout=15)
            assert (gone["type"], gone["user_id"]) == ("user_disconnected", "doomed-dee")
            await asyncio.to_thread(await_stats, a, lambda d: "doomed-dee" not in d["details"]["users"])
            print(f"node b left node a's stats {time.monotonic() - killed:.2f} s after SIGKILL")
            await survivor.close()
            await doomed.close()
            await chats[0].close()

        run(scenario())
    finally:
        cluster.stop()


def test_an_answer_whose_node_is_killed_ends_as_generation_lost_and_what_streamed_is_kept(tmp_path, fake_openai):
    cluster = NodeCluster(tmp_path, node_arguments=["--node-ttl-seconds", "2"],
                          env={"OPENAI_BASE_URL": fake_openai.base_url, "OPENAI_API_KEY": "sk-test-not-real"})
    try:
        a, b = cluster.nodes
        body = {"name": "slow", "provider": "openai", "model": "slow:tokens=1000:interval_ms=30", "system_prompt": "Hi"}
        assert http_call(a, "PUT", "/api/v1/applications/app-doomed", body)[0] == 200
        token = make_token("lost-lou")

        async def scenario():
            watcher = await websockets.connect(a.ws_url(f"/ws/chat/lost-session?token={token}"))
            asker = await websockets.connect(b.ws_url(f"/ws/chat/lost-session?token={token}"))
            for ws in (watcher, asker):
                assert (await receive_json(ws))["type"] == "connected"
            await asyncio.to_thread(cluster.redis.await_subscribers, "nadoo:room:chat:lost-session", 2)
            await asker.send(json.dumps({"type": "chat", "content": "Tell me", "application_id": "app-doomed"}))
            seen = await receive_until(watcher, lambda m: m["type"] == "text-delta" and m["index"] == 5)
            killed = time.monotonic()
            b.process.kill()
            b.process.wait(timeout=10)
            rest = await asyncio.wait_for(receive_until(watcher, ends_response), 15)
            print(f"generation_lost on node a {time.monotonic() - killed:.2f} s after node b's SIGKILL")
            errors = [m for m in rest if m["type"] == "error"]
            assert [m["code"] for m in errors] == ["generation_lost"]
            end = rest[-1]
            assert end["finish_reason"] == "error" and end["message_id"] == seen[0]["message_id"]
            streamed = "".join(m["text"] for m in seen + rest if m["type"] == "text-delta")
            assert end["full_response"] == streamed
            await watcher.close()
            return end

        end = run(scenario())
        status, history = http_call(a, "GET", "/api/v1/chat/sessions/lost-session/messages", api_key=None, token=token)
        assert status == 200, history
        answer = history["data"]["messages"][-1]
        assert (answer["id"], answer["role"], answer["content"]) == (end["message_id"], "assistant", end["full_response"])
    finally:
        cluster.stop()


def deltas_by_index(messages):
    """The text-deltas' texts by index, each index seen once."""
    deltas = [m for m in messages if m["type"] == "text-delta"]
    indices = [m["index"] for m in deltas]
    assert len(indices) == len(set(indices)), f"a delta came twice: {sorted(indices)}"
    assert sorted(indices) == list(range(len(indices))), f"a delta is missing: {sorted(indices)}"
    return "".join(m["text"] for m in sorted(deltas, key=lambda m: m["index"]))


def test_chat_participants_that_stay_connected_through_a_redis_outage_get_every_answer_whole(tmp_path, fake_openai):
    cluster = NodeCluster(tmp_path, env={"OPENAI_BASE_URL": fake_openai.base_url, "OPENAI_API_KEY": "sk-test-not-real"})
    try:
        a, b = cluster.nodes
        for app, tokens in (("app-short", 60), ("app-long", 600)):
            body = {"name": app, "provider": "openai", "model": f"slow:tokens={tokens}:interval_ms=20",
                    "system_prompt": "Hi"}
            assert http_call(a, "PUT", f"/api/v1/applications/{app}", body)[0] == 200

        async def through_an_outage(session, app, ends_during_the_outage):
            token = make_token(f"{session}-user")
            asker = await websockets.connect(a.ws_url(f"/ws/chat/{session}?token={token}"))
            watcher = await websockets.connect(b.ws_url(f"/ws/chat/{session}?token={token}"))
            for ws in (asker, watcher):
                assert (await receive_json(ws))["type"] == "connected"
            await asyncio.to_thread(cluster.redis.await_subscribers, f"nadoo:room:chat:{session}", 2)
            await asker.send(json.dumps({"type": "chat", "content": "Tell me", "application_id": app}))
            seen = await receive_until(watcher, lambda m: m["type"] == "text-delta" and m["index"] == 5)
            cluster.redis.command("halt")
            await asyncio.to_thread(await_all, cluster, 503)
            if ends_during_the_outage:
                assert (await asyncio.wait_for(receive_until(asker, ends_response), 15))[-1]["finish_reason"] == "stop"
            cluster.redis.command("resume")
            await asyncio.to_thread(await_all, cluster, 200)
            rest = await asyncio.wait_for(receive_until(watcher, ends_response), 30)
            end = rest[-1]
            asked = await asyncio.wait_for(receive_until(asker, ends_response), 30) if not ends_during_the_outage \
                else None
            assert end["finish_reason"] == "stop", end
            assert deltas_by_index(seen + rest) == end["full_response"]
            if asked:
                assert asked[-1]["full_response"] == end["full_response"]
            for ws in (asker, watcher):
                await ws.close()

        async def asked_and_answered_during_an_outage(session, app):
            token = make_token(f"{session}-user")
            watcher = await websockets.connect(b.ws_url(f"/ws/chat/{session}?token={token}"))
            assert (await receive_json(watcher))["type"] == "connected"
            await asyncio.to_thread(cluster.redis.await_subscribers, f"nadoo:room:chat:{session}", 1)
            cluster.redis.command("halt")
            await asyncio.to_thread(await_all, cluster, 503)
            asker = await websockets.connect(a.ws_url(f"/ws/chat/{session}?token={token}"))
            assert (await receive_json(asker))["type"] == "connected"
            await asker.send(json.dumps({"type": "chat", "content": "Tell me", "application_id": app}))
            asked = (await asyncio.wait_for(receive_until(asker, ends_response), 15))[-1]
            cluster.redis.command("resume")
            await asyncio.to_thread(await_all, cluster, 200)
            replayed = await asyncio.wait_for(receive_until(watcher, ends_response), 15)
            assert replayed[0]["type"] == "response_start" and replayed[0]["message_id"] == asked["message_id"]
            assert deltas_by_index(replayed) == asked["full_response"] == replayed[-1]["full_response"]
            assert replayed[-1]["finish_reason"] == "stop"
            for ws in (asker, watcher):
                await ws.close()

        # The answer ends on node a while Redis is down: node b ends it from the store.
        run(through_an_outage("gap-short", "app-short", True))
        # Asked and answered while Redis is down: node b replays it from the store.
        run(asked_and_answered_during_an_outage("gap-unseen", "app-short"))
        # It still streams when Redis is back: node b fills the missing deltas from a's snapshot.
        run(through_an_outage("gap-long", "app-long", False))
    finally:
        cluster.stop()


def test_while_postgresql_is_down_both_nodes_say_503_and_serve_again_when_it_returns(cluster):
    a, b = cluster.nodes

    async def scenario():
        tab_a, tab_b = await notification_tabs(cluster, "fault-pia")
        cluster.postgres.command("halt")
        try:
            await asyncio.to_thread(await_all, cluster, 503)
            status, reply = await asyncio.to_thread(
                http_call, a, "POST", "/api/v1/notifications",
                {"user_id": "fault-pia", "title": "t", "body": "b", "action_url": "/n"})
            assert status == 503, reply  # not stored: never 202
        finally:
            cluster.postgres.command("resume")
        await asyncio.to_thread(await_all, cluster, 200)
        after = await asyncio.to_thread(publish_notification, a, "fault-pia", "after the outage")
        assert (await receive_json(tab_a))["id"] == after
        assert (await receive_json(tab_b))["id"] == after
        for tab in (tab_a, tab_b):
            await tab.close()

    run(scenario())


def test_a_tab_whose_node_is_killed_reconnects_to_the_other_and_misses_no_notification(cluster):
    a, b = cluster.nodes

    async def scenario():
        tab = await notification_tab(b, "fault-kim")
        first = await asyncio.to_thread(publish_notification, a, "fault-kim", "before")
        assert (await receive_json(tab))["id"] == first
        b.process.kill()
        b.process.wait(timeout=10)
        # Published while the tab has no node: stored, so the next node has it.
        missed = [await asyncio.to_thread(publish_notification, a, "fault-kim", f"while away {n}") for n in range(3)]
        again = await notification_tab(a, "fault-kim")
        backlog = [await receive_json(again) for _ in range(4)]
        assert [m["id"] for m in backlog if m["type"] == "notification"] == [first, *missed]
        await again.close()

    run(scenario())
