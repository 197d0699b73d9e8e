"""HTTP/1.1 as a production server speaks it: HEAD wherever GET, `Allow` on
405, `Expect: 100-continue` answered at once, 414 for a target too long,
plain errors for invalid UTF-8 bodies, strict booleans and cursors, and no
`.`/`..` as ids. Raw sockets, so that the test controls every byte."""
import json
import socket

import pytest

from nadoo_server import API_KEY, http_call, make_token
from raw_websocket import RawWebSocket

SOCKET_TIMEOUT_SECONDS = 5
MAX_HEAD_BYTES = 65536
MAX_RECEIVES = 10_000  # bounds every read loop (each receive waits at most the timeout)


class RawHttp:
    """One keep-alive HTTP/1.1 connection over a plain socket."""

    def __init__(self, server):
        self.sock = socket.create_connection((server.host, server.port), timeout=SOCKET_TIMEOUT_SECONDS)
        self.host = f"{server.host}:{server.port}"
        self.buffer = b""

    def close(self):
        self.sock.close()

    def send_head(self, method, target, headers=()):
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.host}", *headers]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())

    def _receive(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buffer += chunk

    def read_until(self, marker, limit=MAX_HEAD_BYTES):
        for _ in range(MAX_RECEIVES):
            if marker in self.buffer:
                data, self.buffer = self.buffer.split(marker, 1)
                return data
            assert len(self.buffer) <= limit, "no end of head"
            self._receive()
        raise AssertionError("no end of head")

    def read_exactly(self, count):
        for _ in range(MAX_RECEIVES):
            if len(self.buffer) >= count:
                data, self.buffer = self.buffer[:count], self.buffer[count:]
                return data
            self._receive()
        raise AssertionError("body incomplete")

    def read_response(self, head_request=False):
        """→ (status, headers with lower-case names, body)."""
        head = self.read_until(b"\r\n\r\n").decode()
        status_line, *fields = head.split("\r\n")
        headers = {}
        for field in fields:
            name, value = field.split(":", 1)
            headers[name.strip().lower()] = value.strip()
        status = int(status_line.split()[1])
        body = b"" if head_request or status == 100 else self.read_exactly(int(headers.get("content-length", 0)))
        return status, headers, body


@pytest.fixture
def raw(server):
    connections = []

    def connect():
        connection = RawHttp(server)
        connections.append(connection)
        return connection

    yield connect
    for connection in connections:
        connection.close()


def envelope(body):
    return json.loads(body)


# HEAD ------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics", "/ws/stats", "/api/v1/applications/app-none"])
def test_head_answers_like_get_without_the_body(raw, path):
    connection = raw()
    api_key = f"X-API-Key: {API_KEY}"
    connection.send_head("GET", path, [api_key])
    got_status, got_headers, got_body = connection.read_response()
    connection.send_head("HEAD", path, [api_key])
    status, headers, _ = connection.read_response(head_request=True)
    assert status == got_status
    assert headers["content-type"] == got_headers["content-type"]
    if path in ("/healthz", "/api/v1/applications/app-none"):  # bodies that do not change between calls
        assert int(headers["content-length"]) == len(got_body)
    assert int(headers["content-length"]) > 0
    # No body followed the HEAD answer: the next answer starts right after its head.
    connection.send_head("GET", "/healthz")
    assert connection.read_response()[0] == 200


# 405 Allow -------------------------------------------------------------------

@pytest.mark.parametrize(
    "method, path, allowed",
    [
        ("DELETE", "/healthz", {"GET", "HEAD"}),
        ("POST", "/api/v1/applications/app-x", {"GET", "HEAD", "PUT", "DELETE"}),
        ("GET", "/api/v1/notifications/", None),  # another path (trailing slash): 404, no Allow
        ("HEAD", "/api/v1/workspaces/w/events", {"POST"}),
    ],
)
def test_method_not_allowed_lists_the_allowed_methods(raw, method, path, allowed):
    connection = raw()
    connection.send_head(method, path, [f"X-API-Key: {API_KEY}"])
    status, headers, _ = connection.read_response(head_request=method == "HEAD")
    if allowed is None:
        assert status == 404 and "allow" not in headers
        return
    assert status == 405
    assert {m.strip() for m in headers["allow"].split(",")} == allowed


# Expect: 100-continue --------------------------------------------------------

def test_expect_100_continue_gets_100_before_the_body_is_sent(raw, server):
    body = json.dumps({"name": "Continued", "system_prompt": "x" * 4096}).encode()
    connection = raw()
    connection.send_head("PUT", "/api/v1/applications/app-continue",
                         [f"X-API-Key: {API_KEY}", "Content-Type: application/json",
                          f"Content-Length: {len(body)}", "Expect: 100-continue"])
    # Nothing of the body is sent yet: the 100 must come first (within the socket timeout).
    status, _, _ = connection.read_response()
    assert status == 100
    connection.sock.sendall(body)
    status, _, reply = connection.read_response()
    assert status == 200, reply
    assert http_call(server, "GET", "/api/v1/applications/app-continue")[1]["data"]["name"] == "Continued"


@pytest.mark.parametrize(
    "method, path, length, expected",
    [
        ("PUT", "/api/v1/applications/app-huge", 2 * 1024 * 1024, 413),  # over --max-http-body-bytes
        ("PUT", "/api/v1/no-such-thing", 10, 404),
        ("POST", "/api/v1/applications/app-x", 10, 405),
        ("PUT", "/api/v1/applications/bad%20id", 10, 400),
    ],
)
def test_expect_100_continue_refused_at_once_without_100(raw, method, path, length, expected):
    connection = raw()
    connection.send_head(method, path, [f"X-API-Key: {API_KEY}", f"Content-Length: {length}",
                                        "Expect: 100-continue"])
    status, headers, _ = connection.read_response()
    assert status == expected
    assert headers["connection"] == "close"  # the body may still come: the server will not read it


def test_body_without_expect_is_read_as_before(server):
    status, reply = http_call(server, "PUT", "/api/v1/applications/app-plain", {"name": "Plain"})
    assert status == 200, reply


# Refusals while the client is still sending -----------------------------------

# Far more than the kernel buffers of both ends hold on loopback, so the
# client is still writing when the answer comes.
UNREAD_BODY_BYTES = 32 * 1024 * 1024


def test_body_refused_by_its_length_reaches_a_client_that_sends_it_anyway(raw):
    """The server drains what still comes after a refusal instead of closing
    with unread bytes (which sends a reset that destroys the answer)."""
    connection = raw()
    connection.send_head("PUT", "/api/v1/applications/app-huge", [f"X-API-Key: {API_KEY}",
                                                                  f"Content-Length: {UNREAD_BODY_BYTES}"])
    connection.sock.sendall(b"x" * UNREAD_BODY_BYTES)  # a reset would fail this (ECONNRESET / EPIPE)
    status, headers, body = connection.read_response()
    assert status == 413, body
    assert headers["connection"] == "close"


def test_head_refused_by_its_length_is_answered_without_a_body(raw):
    connection = raw()
    connection.send_head("HEAD", "/healthz", [f"Content-Length: {UNREAD_BODY_BYTES}"])
    status, headers, _ = connection.read_response(head_request=True)
    assert status == 413 and int(headers["content-length"]) > 0
    with pytest.raises(ConnectionError):  # the connection ends without a body
        connection.read_exactly(1)


# 414 / 431 -------------------------------------------------------------------

def test_target_longer_than_the_header_limit_is_414(raw):
    connection = raw()
    connection.send_head("GET", "/healthz?pad=" + "a" * 100_000)
    status, headers, body = connection.read_response()
    assert status == 414, body
    assert "target" in envelope(body)["message"].lower()


def test_header_fields_over_the_limit_are_still_431(raw):
    connection = raw()
    connection.send_head("GET", "/healthz", [f"X-Padding-{i}: {'b' * 1000}" for i in range(40)])
    assert connection.read_response()[0] == 431


# Bodies ----------------------------------------------------------------------

@pytest.mark.parametrize("raw_body", [b'{"name": "caf\xe9"}', b'{"name": "\xff\xfe"}', b'{"name": "\xed\xa0\x80"}'])
def test_invalid_utf8_body_is_a_400_saying_so(server, raw_body):
    status, reply = http_call(server, "PUT", "/api/v1/applications/app-utf8", raw_body)
    assert status == 400 and "UTF-8" in reply["message"], reply


@pytest.mark.parametrize("raw_body, expected", [(b'{"name": ', "not valid JSON"), (b'["\xff"', "not valid JSON"),
                                               (b'["\xff"]', "UTF-8"), (b"[1]", "JSON object")])
def test_other_bad_bodies_keep_their_own_message(server, raw_body, expected):
    status, reply = http_call(server, "PUT", "/api/v1/applications/app-utf8", raw_body)
    assert status == 400 and expected in reply["message"], reply


# Query parameters ------------------------------------------------------------

def list_as(server, user, path):
    return http_call(server, "GET", path, api_key=None, token=make_token(user))


@pytest.mark.parametrize("value", ["1", "0", "True", "yes"])
def test_boolean_parameters_accept_only_true_or_false(server, value):
    status, reply = list_as(server, "bool-user", f"/api/v1/notifications?unread={value}")
    assert status == 400 and "`unread`" in reply["message"]
    assert list_as(server, "bool-user", "/api/v1/notifications?unread=false")[0] == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/notifications?after=garbage",
        "/api/v1/notifications?after=msg_0123456789abcdef0123456789abcdef",
        "/api/v1/chat/app-uuid-123/messages?after=garbage",
        "/api/v1/chat/sessions/s-1/messages?after=ntf_0123456789abcdef0123456789abcdef",
    ],
)
def test_cursor_that_no_listing_entry_can_have_is_a_400(server, path):
    status, reply = list_as(server, "cursor-user", path)
    assert status == 400 and "`after`" in reply["message"], reply


def test_plugin_events_cursor_is_a_sequence(server):
    status, reply = http_call(server, "POST", "/api/v1/plugins/executions",
                              {"plugin_id": "p", "tool_name": "t", "execution_id": "exec-cursor"})
    assert status in (201, 409), reply
    status, reply = http_call(server, "GET", "/api/v1/plugins/executions/exec-cursor?after=garbage")
    assert status == 400 and "`after`" in reply["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/notifications?after=ntf_0123456789abcdef0123456789abcdef",
        "/api/v1/chat/app-uuid-123/messages?after=msg_0123456789abcdef0123456789abcdef",
    ],
)
def test_well_formed_cursor_matching_nothing_is_an_empty_page(server, path):
    status, reply = list_as(server, "cursor-user", path)
    assert status == 200, reply
    assert reply["data"]["has_more"] is False


def test_members_cursor_is_any_user_id(server):
    for user in ("alice", "zed"):
        http_call(server, "PUT", f"/api/v1/workspaces/ws-cursor/members/{user}")
    status, reply = http_call(server, "GET", "/api/v1/workspaces/ws-cursor/members?after=garbage")
    assert status == 200 and [m["user_id"] for m in reply["data"]["members"]] == ["zed"]
    status, reply = http_call(server, "GET", "/api/v1/workspaces/ws-cursor/members?after=bad%20id")
    assert status == 400 and "`after`" in reply["message"]


# . and .. as ids -------------------------------------------------------------

@pytest.mark.parametrize("segment", [".", "..", "%2E", "%2e%2E"])
def test_dot_segments_are_not_rest_ids(raw, segment):
    connection = raw()
    connection.send_head("PUT", f"/api/v1/applications/{segment}",
                         [f"X-API-Key: {API_KEY}", "Content-Length: 2"])
    connection.sock.sendall(b"{}")
    status, _, body = connection.read_response()
    assert status == 400 and "Invalid id" in envelope(body)["message"]


@pytest.mark.parametrize("path", ["/ws/chat/..", "/ws/chat/.", "/ws/workspaces/%2E%2E", "/api/v1/ws/plugin/debug/.."])
def test_dot_segments_are_refused_on_upgrade_with_400(server, path):
    connection = RawWebSocket(server.host, server.port, path, timeout=SOCKET_TIMEOUT_SECONDS)
    try:
        assert connection.status_line.split()[1] == "400", connection.status_line
    finally:
        connection.sock.close()
