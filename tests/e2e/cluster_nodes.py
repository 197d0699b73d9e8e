"""Nodes of one cluster: a PostgreSQL and a Redis of their own, and nodes
started on both (`--store`, `--broker`), each on a port of its own."""
import asyncio
import json
import time

import websockets

from nadoo_server import REPO_DEMO_SEED, Server, http_call, http_get, make_token, stats, stop_and_check
from postgres_cluster import Cluster
from redis_instance import Redis

READY_TIMEOUT_SECONDS = 15


class NodeCluster:
    def __init__(self, folder, node_names=("a", "b"), node_arguments=(), env=None):
        self.folder = folder
        self.node_arguments = list(node_arguments)
        self.env = env
        self.postgres = Cluster(folder)
        self.redis = Redis(folder)
        self.nodes = []
        try:
            # The demo data through the first node only: the nodes share its database.
            self.nodes = [self.start_node(name, seed=(name == node_names[0])) for name in node_names]
            for node in self.nodes:
                await_ready(node)
        except BaseException:
            self.stop()
            raise

    def start_node(self, name, seed=False):
        arguments = ["--store", self.postgres.uri, "--broker", self.redis.url, "--node-id", name,
                     "--builtin-token-interval-ms", "5", *self.node_arguments]
        if seed:
            arguments += ["--seed-file", REPO_DEMO_SEED]
        return Server(*arguments, env=self.env, tmp_path=self.folder / name)

    def stop(self):
        for node in self.nodes:
            stop_and_check(node)
        self.redis.command("stop")
        self.postgres.command("stop")


def await_stats(node, predicate, timeout=READY_TIMEOUT_SECONDS):
    """Polls `node`'s /ws/stats (bounded) until `predicate(document)`; returns the document."""
    deadline = time.monotonic() + timeout
    while not predicate(document := stats(node)):
        assert time.monotonic() < deadline, f"/ws/stats never matched: {document}"
        time.sleep(0.05)
    return document


def readiness(node):
    return http_get(node, "/readyz", api_key=None)[0]


def await_ready(node, expected=200, timeout=READY_TIMEOUT_SECONDS):
    """Polls /readyz (bounded) until it answers `expected`; returns the seconds it took."""
    started = time.monotonic()
    while readiness(node) != expected:
        assert time.monotonic() - started < timeout, f"/readyz never answered {expected}:\n{node.log()}"
        time.sleep(0.05)
    return time.monotonic() - started


async def receive_json(ws, timeout=10):
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def notification_tab(node, user):
    """A notifications socket of `user` on `node`, past its `connected`."""
    ws = await websockets.connect(node.ws_url(f"/ws/notifications/{user}?token={make_token(user)}"))
    assert (await receive_json(ws))["type"] == "connected"
    return ws


def publish_notification(node, user, title):
    """POSTs one notification on `node` → its id."""
    status, reply = http_call(node, "POST", "/api/v1/notifications",
                              {"user_id": user, "title": title, "body": "from one node", "action_url": "/n"})
    assert status == 202, reply
    return reply["data"]["id"]


async def console(node, execution_id):
    """A plugin debug console on `node`, past its `execution_info`."""
    ws = await websockets.connect(node.ws_url(f"/ws/plugin-debug/{execution_id}"))
    assert (await receive_json(ws))["type"] == "execution_info"
    return ws


def ingest_log(node, execution_id, message):
    """POSTs one log event of the execution on `node`."""
    event = {"type": "log", "data": {"level": "info", "message": message}}
    status, reply = http_call(node, "POST", f"/api/v1/plugins/executions/{execution_id}/events", event)
    assert status == 202, reply


async def workspace_socket(node, workspace, user):
    """A workspace socket of `user` on `node` → (socket, its `connected`)."""
    ws = await websockets.connect(node.ws_url(f"/ws/workspaces/{workspace}?token={make_token(user)}"))
    connected = await receive_json(ws)
    assert connected["type"] == "connected", connected
    return ws, connected
