"""Two nodes on one PostgreSQL and one Redis (--broker): what a client sends
or a REST call publishes on one node reaches the clients on the other, each
room message is one PUBLISH, and both nodes say they are ready."""
import asyncio
import json
import os
import subprocess

import pytest
import websockets

from cluster_nodes import (NodeCluster, await_stats, console, ingest_log, notification_tab, publish_notification,
                           readiness, receive_json, workspace_socket)
from nadoo_server import (API_KEY, JWT_SECRET, REPO, add_workspace_member, closing, create_plugin_execution,
                          ends_response, http_call, make_token, metric, receive_until, run)

DEMO_APP = "app-uuid-123"
BENCH = os.environ.get("NADOO_BENCH_BINARY", str(REPO / "build" / "nadoo-bench"))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, fake_openai):
    instance = NodeCluster(tmp_path_factory.mktemp("cluster"),
                           env={"OPENAI_BASE_URL": fake_openai.base_url, "OPENAI_API_KEY": "sk-test-not-real"})
    yield instance
    instance.stop()


def test_both_nodes_are_ready(cluster):
    assert [readiness(node) for node in cluster.nodes] == [200, 200]


def test_a_notification_reaches_tabs_on_both_nodes_with_one_id_and_one_publish(cluster):
    a, b = cluster.nodes

    async def scenario():
        tabs = [await notification_tab(a, "cluster-ann"), await notification_tab(b, "cluster-ann")]
        publishes_before = cluster.redis.publish_calls()
        for n in range(10):
            notification_id = await asyncio.to_thread(publish_notification, a, "cluster-ann", f"built {n}")
            received = [await receive_json(tab) for tab in tabs]
            assert [message["type"] for message in received] == ["notification", "notification"]
            assert {message["id"] for message in received} == {notification_id}
        # One PUBLISH each (twice would be 20); the nodes' own reports (stats,
        # presence, a gap notice after start) may fall in between.
        assert 10 <= cluster.redis.publish_calls() - publishes_before <= 14
        # Read on node b: the tab on node a hears it too.
        await tabs[1].send(json.dumps({"type": "ack", "id": notification_id}))
        read = [await receive_json(tab) for tab in tabs]
        assert [(message["type"], message["id"]) for message in read] == [("notification_read", notification_id)] * 2
        for tab in tabs:
            await tab.close()

    run(scenario())


def test_a_tab_that_connects_on_the_other_node_gets_the_backlog_then_live_notifications(cluster):
    a, b = cluster.nodes

    async def scenario():
        stored = await asyncio.to_thread(publish_notification, a, "cluster-bea", "while away")
        tab = await websockets.connect(b.ws_url(f"/ws/notifications/cluster-bea?token={make_token('cluster-bea')}"))
        assert (await receive_json(tab))["type"] == "connected"
        assert (await receive_json(tab))["id"] == stored
        live = await asyncio.to_thread(publish_notification, a, "cluster-bea", "live")
        assert (await receive_json(tab))["id"] == live
        await tab.close()

    run(scenario())


def test_plugin_events_ingested_on_one_node_reach_consoles_on_both_in_order(cluster):
    a, b = cluster.nodes
    create_plugin_execution(a, "exec-cluster")

    async def scenario():
        consoles = [await console(node, "exec-cluster") for node in (a, b)]
        for n in range(20):
            await asyncio.to_thread(ingest_log, a, "exec-cluster", f"line {n}")
        for ws in consoles:
            events = [await receive_json(ws) for _ in range(20)]
            assert [event["data"]["message"] for event in events] == [f"line {n}" for n in range(20)]
            assert [event["sequence"] for event in events] == list(range(1, 21))
            await ws.close()
        # A console opened on node b afterwards replays exactly that history.
        late = await websockets.connect(b.ws_url("/ws/plugin-debug/exec-cluster"))
        assert (await receive_json(late))["type"] == "execution_info"
        history = await receive_json(late)
        assert history["type"] == "debug_data"
        assert [event["sequence"] for event in history["data"]] == list(range(1, 21))
        await late.close()

    run(scenario())


def test_plugin_events_ingested_on_both_nodes_at_once_reach_every_console_in_sequence_order(cluster):
    a, b = cluster.nodes
    create_plugin_execution(a, "exec-two-ingests")
    per_node = 40

    def ingest_from(node, label):
        for n in range(per_node):
            ingest_log(node, "exec-two-ingests", f"{label} {n}")

    async def scenario():
        consoles = [await console(node, "exec-two-ingests") for node in (a, b)]
        await asyncio.to_thread(cluster.redis.await_subscribers, "nadoo:room:execution:exec-two-ingests", 2)
        # Both nodes store and publish at once, so their publishes cross.
        await asyncio.gather(asyncio.to_thread(ingest_from, a, "a"), asyncio.to_thread(ingest_from, b, "b"))
        seen = []
        for ws in consoles:
            events = [await receive_json(ws) for _ in range(2 * per_node)]
            assert [event["sequence"] for event in events] == list(range(1, 2 * per_node + 1))
            seen.append([event["data"]["message"] for event in events])
            await ws.close()
        assert seen[0] == seen[1]
        assert sorted(seen[0]) == sorted([f"a {n}" for n in range(per_node)] + [f"b {n}" for n in range(per_node)])

    run(scenario())


def test_a_chat_answer_streams_to_a_participant_on_the_other_node(cluster):
    a, b = cluster.nodes

    async def scenario():
        token = make_token("cluster-chatter")
        asker = await websockets.connect(a.ws_url(f"/ws/chat/cluster-session?token={token}"))
        watcher = await websockets.connect(b.ws_url(f"/ws/chat/cluster-session?token={token}"))
        second_tab = await websockets.connect(a.ws_url(f"/ws/chat/cluster-session?token={token}"))
        for ws in (asker, watcher, second_tab):
            assert (await receive_json(ws))["type"] == "connected"
        # One subscription per node, whatever its number of members.
        await asyncio.to_thread(cluster.redis.await_subscribers, "nadoo:room:chat:cluster-session", 2)
        # Both in the room: a typing relay from node b reaches node a.
        await watcher.send(json.dumps({"type": "typing", "is_typing": True}))
        typing = await receive_json(asker)
        assert typing["type"] == "typing"
        await asker.send(json.dumps({"type": "chat", "content": "What was the gross margin?",
                                     "application_id": DEMO_APP}))
        asked = await asyncio.wait_for(receive_until(asker, ends_response), 30)
        watched = await asyncio.wait_for(receive_until(watcher, ends_response), 30)
        assert [m["type"] for m in watched] == [m["type"] for m in asked]
        streamed = "".join(m["text"] for m in watched if m["type"] == "text-delta")
        assert streamed and streamed == watched[-1]["full_response"] == asked[-1]["full_response"]
        assert watched[-1]["finish_reason"] == "stop"
        for ws in (asker, watcher, second_tab):
            await ws.close()

    run(scenario())


def test_each_node_counts_what_it_carried_for_the_other(cluster):
    a, b = cluster.nodes
    sent = metric(a, "nadoo_broker_messages_published_total")
    received = metric(b, "nadoo_broker_messages_received_total")

    async def scenario():
        tab = await notification_tab(b, "cluster-cal")
        await asyncio.to_thread(publish_notification, a, "cluster-cal", "counted")
        assert (await receive_json(tab))["type"] == "notification"
        await tab.close()

    run(scenario())
    assert metric(a, "nadoo_broker_messages_published_total") >= sent + 1
    assert metric(b, "nadoo_broker_messages_received_total") >= received + 1
    assert metric(a, "nadoo_broker_messages_dropped_total") == 0


def test_a_member_removed_through_one_node_is_closed_on_every_node_and_readmitted_at_once(cluster):
    a, b = cluster.nodes
    status, reply = http_call(a, "PUT", "/api/v1/workspaces/ws-cluster/members/cluster-dan")
    assert status == 201, reply

    async def scenario():
        tabs = [(await workspace_socket(node, "ws-cluster", "cluster-dan"))[0] for node in (a, b)]
        await asyncio.to_thread(cluster.redis.await_subscribers, "nadoo:room:workspace:ws-cluster", 2)
        status, reply = await asyncio.to_thread(http_call, a, "DELETE", "/api/v1/workspaces/ws-cluster/members/cluster-dan")
        assert status == 200, reply
        for messages, code, reason in [await asyncio.wait_for(closing(tab), 10) for tab in tabs]:
            assert [(m["type"], m["code"]) for m in messages if m["type"] == "error"] == [("error", "forbidden")]
            assert (code, reason) == (1008, "Forbidden")
        refused = await websockets.connect(b.ws_url(f"/ws/workspaces/ws-cluster?token={make_token('cluster-dan')}"))
        assert (await asyncio.wait_for(closing(refused), 10))[1:] == (1008, "Forbidden")
        # Added again through node b: node a admits at once.
        status, reply = await asyncio.to_thread(http_call, b, "PUT", "/api/v1/workspaces/ws-cluster/members/cluster-dan")
        assert status == 201, reply
        back, _ = await workspace_socket(a, "ws-cluster", "cluster-dan")
        await back.close()

    run(scenario())


def test_stats_on_either_node_are_the_clusters(cluster):
    a, b = cluster.nodes

    async def scenario():
        sockets = []
        for node, user, session in ((a, "stats-amy", "stats-one"), (b, "stats-bob", "stats-one"),
                                    (b, "stats-bob", "stats-two")):
            ws = await websockets.connect(node.ws_url(f"/ws/chat/{session}?token={make_token(user)}"))
            assert (await receive_json(ws))["type"] == "connected"
            sockets.append(ws)

        def ours(document):
            details = document["details"]
            return ({key: details["sessions"].get(key) for key in ("stats-one", "stats-two")},
                    {key: details["users"].get(key) for key in ("stats-amy", "stats-bob")})

        expected = ({"stats-one": 2, "stats-two": 1}, {"stats-amy": 1, "stats-bob": 2})
        for node in (a, b):
            document = await asyncio.to_thread(await_stats, node, lambda d: ours(d) == expected)
            assert document["total_connections"] >= 3
        for ws in sockets:
            await ws.close()
        gone = ({"stats-one": None, "stats-two": None}, {"stats-amy": None, "stats-bob": None})
        for node in (a, b):
            await asyncio.to_thread(await_stats, node, lambda d: ours(d) == gone)

    run(scenario())


def openai_application(node, app_id, model):
    body = {"name": app_id, "provider": "openai", "model": model, "system_prompt": "Be brief."}
    status, reply = http_call(node, "PUT", f"/api/v1/applications/{app_id}", body)
    assert status == 200, reply
    return app_id


def chat_message(application_id, content="Hello there"):
    return json.dumps({"type": "chat", "content": content, "application_id": application_id})


async def chat_socket(node, session, user="cluster-chat"):
    ws = await websockets.connect(node.ws_url(f"/ws/chat/{session}?token={make_token(user)}"))
    assert (await receive_json(ws))["type"] == "connected"
    return ws


async def participants_on_both_nodes(cluster, session):
    """A chat socket of `session` on each node, once Redis carries the room to both."""
    sockets = [await chat_socket(node, session) for node in cluster.nodes]
    await asyncio.to_thread(cluster.redis.await_subscribers, f"nadoo:room:chat:{session}", 2)
    return sockets


def test_a_cancel_through_the_other_node_stops_the_generation_where_it_runs(cluster):
    a, b = cluster.nodes
    slow = openai_application(a, "app-cluster-slow", "slow:tokens=1000:interval_ms=30")

    async def scenario():
        asker, canceller = await participants_on_both_nodes(cluster, "cluster-cancel")
        await asker.send(chat_message(slow))
        start = (await receive_until(canceller, lambda m: m["type"] == "text-delta"))[0]
        assert start["type"] == "response_start"
        await canceller.send(json.dumps({"type": "cancel", "message_id": start["message_id"]}))
        ends = [(await asyncio.wait_for(receive_until(ws, ends_response), 10))[-1] for ws in (asker, canceller)]
        assert [(end["finish_reason"], end["message_id"]) for end in ends] == [("cancelled", start["message_id"])] * 2
        for ws in (asker, canceller):
            await ws.close()

    run(scenario())


def test_a_chat_through_the_other_node_interrupts_the_generation_and_streams_the_new_one(cluster):
    a, b = cluster.nodes
    slow = openai_application(a, "app-cluster-slow", "slow:tokens=1000:interval_ms=30")
    quick = openai_application(a, "app-cluster-quick", "normal:tokens=3:interval_ms=1")

    async def scenario():
        first_asker, second_asker = await participants_on_both_nodes(cluster, "cluster-interrupt")
        await first_asker.send(chat_message(slow))
        await receive_until(second_asker, lambda m: m["type"] == "text-delta")
        await second_asker.send(chat_message(quick, "second question"))
        for ws in (first_asker, second_asker):
            first = await asyncio.wait_for(receive_until(ws, ends_response), 10)
            second = await asyncio.wait_for(receive_until(ws, ends_response), 10)
            assert first[-1]["finish_reason"] == "interrupted"
            assert second[0]["type"] == "response_start" and second[0]["message_id"] != first[-1]["message_id"]
            assert second[-1]["finish_reason"] == "stop" and second[-1]["full_response"] == "tok0 tok1 tok2 "
        for ws in (first_asker, second_asker):
            await ws.close()

    run(scenario())


def test_two_chats_sent_through_both_nodes_at_once_leave_one_answer_streaming(cluster):
    a, b = cluster.nodes
    medium = openai_application(a, "app-cluster-medium", "slow:tokens=40:interval_ms=20")

    async def scenario():
        asker_a, asker_b = await participants_on_both_nodes(cluster, "cluster-race")
        await asyncio.gather(asker_a.send(chat_message(medium, "from a")), asker_b.send(chat_message(medium, "from b")))
        for ws in (asker_a, asker_b):
            ends = {}
            while len(ends) < 2:
                end = (await asyncio.wait_for(receive_until(ws, ends_response), 15))[-1]
                ends[end["message_id"]] = end["finish_reason"]
            assert sorted(ends.values()) == ["interrupted", "stop"], ends
        for ws in (asker_a, asker_b):
            await ws.close()

    run(scenario())


def test_a_cancel_with_nothing_streaming_on_any_node_is_still_an_error(cluster):
    a, b = cluster.nodes

    async def scenario():
        ws = await chat_socket(b, "cluster-idle")
        await ws.send('{"type":"cancel"}')
        error = await receive_json(ws)
        assert (error["type"], error["code"]) == ("error", "not_found")
        await ws.close()

    run(scenario())


def test_a_client_joining_through_the_other_node_mid_answer_gets_every_delta_once(cluster):
    a, b = cluster.nodes
    slow = openai_application(a, "app-cluster-slow", "slow:tokens=1000:interval_ms=30")

    async def scenario():
        asker = await chat_socket(a, "cluster-catch-up")
        await asker.send(chat_message(slow))
        before = await receive_until(asker, lambda m: m["type"] == "text-delta" and m["index"] == 4)
        late = await chat_socket(b, "cluster-catch-up")
        start = await receive_json(late)
        assert (start["type"], start["message_id"]) == ("response_start", before[0]["message_id"])
        deltas = await receive_until(late, lambda m: m["type"] == "text-delta" and m["index"] >= 8)
        await asker.send(json.dumps({"type": "cancel"}))
        rest = await asyncio.wait_for(receive_until(late, ends_response), 10)
        streamed = [m for m in deltas + rest if m["type"] == "text-delta"]
        assert [m["index"] for m in streamed] == list(range(len(streamed)))
        end = rest[-1]
        assert end["finish_reason"] == "cancelled"
        assert "".join(m["text"] for m in streamed) == end["full_response"]
        for ws in (asker, late):
            await ws.close()

    run(scenario())


async def nothing_more_before_pong(ws):
    """Proves nothing is queued for `ws`: a ping's pong is the next message."""
    await ws.send('{"type":"ping"}')
    assert (await receive_json(ws))["type"] == "pong"


def test_presence_spans_nodes_once_per_user_whatever_their_tabs(cluster):
    a, b = cluster.nodes
    for user in ("pres-xia", "pres-yan"):
        add_workspace_member(a, "ws-presence", user)

    async def scenario():
        xia, _ = await workspace_socket(a, "ws-presence", "pres-xia")
        # Node b hears of xia through Redis; its stats show her once it does.
        await asyncio.to_thread(await_stats, b, lambda d: d["details"]["users"].get("pres-xia") == 1)
        yan_on_b, connected = await workspace_socket(b, "ws-presence", "pres-yan")
        assert set(connected["members_online"]) == {"pres-xia", "pres-yan"}
        joined = await receive_json(xia)
        assert (joined["type"], joined["user_id"]) == ("user_joined", "pres-yan")
        yan_on_a, _ = await workspace_socket(a, "ws-presence", "pres-yan")
        await nothing_more_before_pong(xia)  # a second tab, on another node: no second user_joined
        await yan_on_b.close()
        await nothing_more_before_pong(xia)  # a tab is left on node a: not gone
        await yan_on_a.close()
        left = await receive_json(xia)
        assert (left["type"], left["user_id"]) == ("user_left", "pres-yan")
        await nothing_more_before_pong(xia)
        await xia.close()

    run(scenario())


def test_a_chat_participant_is_disconnected_once_when_their_last_tab_on_any_node_closes(cluster):
    a, b = cluster.nodes

    async def chat_tab(node, user):
        ws = await websockets.connect(node.ws_url(f"/ws/chat/chat-presence?token={make_token(user)}"))
        assert (await receive_json(ws))["type"] == "connected"
        return ws

    async def scenario():
        watcher = await chat_tab(a, "cp-wes")
        zoe_on_b = await chat_tab(b, "cp-zoe")
        # Node b tells of zoe's tab before its stats report, on one connection:
        # once node a's stats show her, node a knows she is in the session.
        await asyncio.to_thread(await_stats, a, lambda d: d["details"]["users"].get("cp-zoe") == 1)
        zoe_on_a = await chat_tab(a, "cp-zoe")
        await zoe_on_a.close()
        await asyncio.to_thread(await_stats, a, lambda d: d["details"]["users"].get("cp-zoe") == 1)
        await nothing_more_before_pong(watcher)  # she still has a tab on node b
        await zoe_on_b.close()
        gone = await receive_json(watcher)
        assert (gone["type"], gone["user_id"], gone["session_id"]) == ("user_disconnected", "cp-zoe", "chat-presence")
        await nothing_more_before_pong(watcher)
        await watcher.close()

    run(scenario())


def test_the_fanout_benchmark_splits_its_members_over_both_nodes_and_counts_one_publish_per_event(cluster):
    a, b = cluster.nodes
    # Paced under the workspace rate limit (20 events/s): the benchmark's
    # own rig lifts it; here the tool and the one-PUBLISH rule are tested.
    completed = subprocess.run(
        [BENCH, "fanout", "--port", str(a.port), "--member-ports", f"{a.port},{b.port}", "--members", "10",
         "--events", "20", "--rate", "10", "--workspace", "ws-bench-cluster", "--membership",
         "--server-pid", str(a.pid), "--other-server-pids", str(b.pid), "--redis-port", str(cluster.redis.port),
         "--deadline-seconds", "30"],
        env={**os.environ, "BENCH_JWT_SECRET": JWT_SECRET, "BENCH_API_KEY": API_KEY},
        capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    report = json.loads(completed.stdout)
    assert report["status"] == "ok" and report["problems"] == [], report
    figures = report["figures"]
    assert figures["deliveries"] == 200
    assert report["settings"]["member_ports"] == [a.port, b.port]
    # Each event once (twice would be 40); each node's reports (stats,
    # workspace and chat presence) may fall in the two-second span too, at
    # most twice each.
    assert 20 <= figures["redis_publishes"] <= 20 + 2 * 3 * 2, figures["redis_publishes"]
