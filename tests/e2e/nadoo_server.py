"""Starts the real nadoo-realtime binary for end-to-end tests.

Each server listens on 127.0.0.1 on a port the kernel picks (`--port 0`); the
port is read from the server's own "listening on" log line, so nothing waits on
a fixed delay.
"""
import asyncio
import hashlib
import json
import os
import queue
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import jwt
import websockets

REPO = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("NADOO_BINARY", str(REPO / "build" / "nadoo-realtime"))
# A sanitizer build (tests/CMakeLists.txt): its memory figures are the sanitizer's, not ours.
SANITIZED = os.environ.get("NADOO_SANITIZED") == "1"
JWT_SECRET = "e2e-test-secret-not-for-production"
API_KEY = "nai-e2e-test-key"
STARTUP_TIMEOUT_SECONDS = 15
LISTENING = re.compile(r"listening on http://([0-9.]+):(\d+)")


def make_token(sub, ttl=3600, secret=JWT_SECRET, algorithm="HS256", **claims):
    """An access token as the platform issues them, made by PyJWT."""
    now = int(time.time())
    payload = {"sub": sub, "iat": now, "exp": now + ttl, "type": "access", **claims}
    return jwt.encode(payload, secret, algorithm=algorithm)


def postgres_server_uri():
    """The test PostgreSQL's URI (tests/support/postgres_server), from the state file ctest names."""
    with open(os.environ["NADOO_TEST_POSTGRES_STATE"]) as state:
        for line in state:
            if line.startswith("URI="):
                return line[len("URI="):].strip()
    raise RuntimeError("no URI= line in the PostgreSQL state file: did the postgres fixture start?")


def store_arguments(data_dir):
    """`--store URI` of a database of its own per data directory when the suite runs
    on PostgreSQL (NADOO_E2E_STORE=postgres, set by tests/CMakeLists.txt), so that a
    server restarted on the same data directory finds its data again; none on SQLite."""
    if os.environ.get("NADOO_E2E_STORE") != "postgres":
        return []
    server_uri = postgres_server_uri()
    name = "e2e_" + hashlib.sha1(data_dir.encode()).hexdigest()[:20]
    exists = subprocess.run(["psql", server_uri, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                            check=True, capture_output=True, text=True).stdout.strip()
    if exists != "1":
        subprocess.run(["psql", server_uri, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return ["--store", server_uri.rsplit("/", 1)[0] + "/" + name]


class Server:
    def __init__(self, *args, env=None, tmp_path=None):
        environment = dict(os.environ)
        environment.update({"JWT_SECRET": JWT_SECRET, "NADOO_API_KEYS": API_KEY})
        environment.update(env or {})
        data_dir = str(tmp_path) if tmp_path else "/tmp/nadoo-e2e-data"
        command = [BINARY, "serve", "--port", "0", "--data-dir", data_dir, *store_arguments(data_dir), *args]
        self.process = subprocess.Popen(
            command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.log_lines = []
        self._lines = queue.Queue()
        threading.Thread(target=self._collect_output, daemon=True).start()
        self.host, self.port = self._await_listening()

    def _collect_output(self):
        for line in self.process.stdout:
            self.log_lines.append(line)
            self._lines.put(line)
        self._lines.put(None)

    def _await_listening(self):
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while True:
            line = self._lines.get(timeout=max(0.01, deadline - time.monotonic()))
            if line is None:
                raise RuntimeError("server exited before listening:\n" + "".join(self.log_lines))
            match = LISTENING.search(line)
            if match:
                return match.group(1), int(match.group(2))

    def ws_url(self, path):
        return f"ws://{self.host}:{self.port}{path}"

    def http_url(self, path):
        return f"http://{self.host}:{self.port}{path}"

    @property
    def pid(self):
        return self.process.pid

    def rss_kib(self):
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)

    def log(self):
        return "".join(self.log_lines)


def run(coroutine, timeout=60):
    """Runs one test's coroutine, bounded in time."""
    return asyncio.run(asyncio.wait_for(coroutine, timeout))


def http_get(server, path, api_key=API_KEY, headers=None):
    """GET → (status, content type, body text); never raises for HTTP errors."""
    request = urllib.request.Request(server.http_url(path), headers=dict(headers or {}))
    if api_key:
        request.add_header("X-API-Key", api_key)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("Content-Type"), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), error.read().decode()


def stats(server):
    status, _, body = http_get(server, "/ws/stats")
    assert status == 200, body
    return json.loads(body)


def metric(server, name):
    _, _, body = http_get(server, "/metrics", api_key=None)
    for line in body.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"metric {name} missing")


REPO_DEMO_SEED = str(REPO / "demo" / "seed.json")
FAKE_OPENAI = str(REPO / "tests" / "fake_openai" / "fake_openai_server.py")


class FakeOpenAi:
    """The fake OpenAI-compatible upstream (tests/fake_openai), on loopback."""

    def __init__(self):
        self.process = subprocess.Popen(
            ["/usr/bin/python3", FAKE_OPENAI, "--port", "0"], stdout=subprocess.PIPE, text=True
        )
        line = self.process.stdout.readline()
        match = re.search(r"listening on (http://[0-9.]+:\d+)", line)
        if not match:
            raise RuntimeError(f"fake upstream did not start: {line!r}")
        self.url = match.group(1)
        self.base_url = self.url + "/v1"

    def requests(self):
        with urllib.request.urlopen(self.url + "/_control/requests", timeout=10) as response:
            return json.loads(response.read())["requests"]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def http_call(server, method, path, body=None, api_key=API_KEY, token=None):
    """Any method → (status, parsed JSON body or text)."""
    data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
    request = urllib.request.Request(server.http_url(path), data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if api_key:
        request.add_header("X-API-Key", api_key)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        text = error.read()
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, text.decode()


def add_workspace_member(server, workspace_id, user_id, role=None):
    """Makes `user_id` a member of `workspace_id`: the workspace socket admits members only."""
    body = {"role": role} if role else None
    status, reply = http_call(server, "PUT", f"/api/v1/workspaces/{workspace_id}/members/{user_id}", body)
    assert status in (200, 201), reply


def create_plugin_execution(server, execution_id, plugin_id="plugin-e2e", tool_name="tool-e2e"):
    """Makes sure plugin execution `execution_id` exists (the plugin debug
    socket admits only existing executions); an existing one is kept."""
    body = {"plugin_id": plugin_id, "tool_name": tool_name, "execution_id": execution_id}
    status, reply = http_call(server, "POST", "/api/v1/plugins/executions", body)
    assert status in (201, 409), reply


async def receive_until(ws, predicate, limit=100_000):
    """Messages up to and including the first that matches `predicate`."""
    received = []
    for _ in range(limit):
        message = json.loads(await ws.recv())
        received.append(message)
        if predicate(message):
            return received
    raise AssertionError("no matching message")


async def closing(ws):
    """Every message until the server closes → (messages, code, reason)."""
    messages = []
    try:
        async for message in ws:
            messages.append(json.loads(message))
    except websockets.ConnectionClosed:
        pass
    return messages, ws.close_code, ws.close_reason


def ends_response(message):
    return message["type"] == "response_end"


def stop_and_check(instance):
    """Stops a server; under a sanitizer build, any report it printed fails the test."""
    instance.stop()
    for marker in ("ThreadSanitizer", "AddressSanitizer", "LeakSanitizer", "runtime error:"):
        assert marker not in instance.log(), instance.log()
