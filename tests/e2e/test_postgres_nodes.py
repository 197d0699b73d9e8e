"""Two nodes on one PostgreSQL database, before they talk to each other:
what both write for one plugin execution or one user never collides and
keeps each writer's order, and what one node writes the other reads, also
a membership that the other node admitted from before."""
import json
import threading

import websockets

from nadoo_server import Server, add_workspace_member, http_call, make_token, run
from postgres_cluster import cluster  # noqa: F401 (a fixture)

EXECUTIONS = "/api/v1/plugins/executions"
WRITES_PER_NODE = 40


def two_nodes(cluster, tmp_path):
    return [Server("--store", cluster.uri, tmp_path=tmp_path / name) for name in ("a", "b")]


def write_from_both(nodes, write):
    """`write(node, name, n)` for n in 0…WRITES_PER_NODE-1, each node's writes
    in order on a thread of its own, both nodes at once."""
    failures = []

    def writer(node, name):
        try:
            for n in range(WRITES_PER_NODE):
                write(node, name, n)
        except AssertionError as failure:
            failures.append(failure)

    threads = [threading.Thread(target=writer, args=(node, name)) for node, name in zip(nodes, "ab")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert not any(thread.is_alive() for thread in threads)


def stop_all(nodes):
    for node in nodes:
        node.stop()


def test_two_nodes_ingesting_for_one_execution_never_collide_or_reorder(cluster, tmp_path):
    nodes = two_nodes(cluster, tmp_path)
    try:
        body = {"plugin_id": "plugin-1", "tool_name": "summarize", "execution_id": "exec-shared"}
        assert http_call(nodes[0], "POST", EXECUTIONS, body)[0] == 201

        def ingest(node, name, n):
            event = {"type": "log", "data": {"level": "info", "message": f"{name}-{n}"}}
            status, reply = http_call(node, "POST", f"{EXECUTIONS}/exec-shared/events", event)
            assert status == 202, reply

        write_from_both(nodes, ingest)
        status, reply = http_call(nodes[1], "GET", f"{EXECUTIONS}/exec-shared?limit=1000")
        assert status == 200, reply
        events = reply["data"]["events"]
        assert [event["sequence"] for event in events] == list(range(1, 2 * WRITES_PER_NODE + 1))
        messages = [event["data"]["message"] for event in events]
        for name in "ab":
            assert [m for m in messages if m.startswith(name)] == [f"{name}-{n}" for n in range(WRITES_PER_NODE)]
        assert reply["data"]["event_count"] == 2 * WRITES_PER_NODE
    finally:
        stop_all(nodes)


def test_two_nodes_publishing_to_one_user_keep_every_notification_in_order(cluster, tmp_path):
    nodes = two_nodes(cluster, tmp_path)
    try:
        def publish(node, name, n):
            body = {"user_id": "user-shared", "title": f"{name}-{n}", "body": "from a node", "action_url": "/n"}
            status, reply = http_call(node, "POST", "/api/v1/notifications", body)
            assert status == 202, reply

        write_from_both(nodes, publish)
        status, reply = http_call(nodes[0], "GET", "/api/v1/notifications?limit=200", api_key=None,
                                  token=make_token("user-shared"))
        assert status == 200, reply
        listed = reply["data"]["notifications"]
        assert len({n["id"] for n in listed}) == len(listed) == 2 * WRITES_PER_NODE
        titles = [n["title"] for n in listed]
        for name in "ab":
            assert [t for t in titles if t.startswith(name)] == [f"{name}-{n}" for n in range(WRITES_PER_NODE)]
    finally:
        stop_all(nodes)


async def first_workspace_message(server, workspace_id, user_id):
    url = server.ws_url(f"/ws/workspaces/{workspace_id}?token={make_token(user_id)}")
    async with websockets.connect(url) as ws:
        return json.loads(await ws.recv())


def test_a_membership_removed_on_one_node_is_refused_on_the_other(cluster, tmp_path):
    nodes = two_nodes(cluster, tmp_path)
    try:
        add_workspace_member(nodes[0], "ws-shared", "user-leaving")
        assert run(first_workspace_message(nodes[1], "ws-shared", "user-leaving"))["type"] == "connected"
        status, reply = http_call(nodes[0], "DELETE", "/api/v1/workspaces/ws-shared/members/user-leaving")
        assert status == 200, reply
        refused = run(first_workspace_message(nodes[1], "ws-shared", "user-leaving"))
        assert refused["type"] == "error" and refused["code"] == "forbidden", refused
        add_workspace_member(nodes[0], "ws-shared", "user-leaving")
        assert run(first_workspace_message(nodes[1], "ws-shared", "user-leaving"))["type"] == "connected"
    finally:
        stop_all(nodes)
