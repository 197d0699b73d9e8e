"""RFC 6455 as the server speaks it, seen on the wire by a bare client: the
opening handshake's answer and refusals, control frames, fragmentation, and
the close codes for frames that break the protocol."""
import base64
import hashlib
import socket
import struct

import pytest

from raw_websocket import OPCODE_CLOSE, OPCODE_PING, OPCODE_PONG, OPCODE_TEXT, RawWebSocket

OPCODE_CONTINUATION = 0x0
ACCEPT_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


LIMIT = 64 * 1024  # the default --max-message-bytes


def close_code(payload):
    return struct.unpack("!H", payload[:2])[0]


def read_close(client):
    """The server's close frame (skipping anything before it), then the end of the TCP stream."""
    while True:
        opcode, payload = client.read_frame()
        if opcode == OPCODE_CLOSE:
            assert client.wait_for_eof()
            return close_code(payload), payload[2:].decode()


def upgrade_response(server, extra_headers):
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(
            (f"GET /ws/echo HTTP/1.1\r\nHost: {server.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             f"{extra_headers}\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = sock.recv(65536)
            assert chunk, "server closed before answering"
            response += chunk
        return response.decode(errors="replace")


def test_handshake_answers_with_the_accept_value_of_the_key(server):
    key = base64.b64encode(b"0123456789abcdef").decode()
    response = upgrade_response(server, f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n")
    expected = base64.b64encode(hashlib.sha1(key.encode() + ACCEPT_GUID).digest()).decode()
    assert response.startswith("HTTP/1.1 101 ")
    assert f"Sec-WebSocket-Accept: {expected}\r\n" in response


def test_other_versions_get_426_naming_version_13(server):
    response = upgrade_response(server, "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n")
    assert response.startswith("HTTP/1.1 426 ")
    assert "Sec-WebSocket-Version: 13\r\n" in response


def test_a_missing_key_gets_400(server):
    assert upgrade_response(server, "Sec-WebSocket-Version: 13\r\n").startswith("HTTP/1.1 400 ")


def test_ping_is_answered_with_its_payload(server):
    client = RawWebSocket(server.host, server.port, "/ws/echo")
    client.send_frame(OPCODE_PING, b"are you there")
    assert client.read_frame() == (OPCODE_PONG, b"are you there")
    client.close()


def test_fragments_with_a_ping_between_are_echoed_as_one_message(server):
    client = RawWebSocket(server.host, server.port, "/ws/echo")
    client.send_frame(OPCODE_TEXT, b"frag", final=False)
    client.send_frame(OPCODE_PING, b"mid")
    client.send_frame(OPCODE_CONTINUATION, b"men", final=False)
    client.send_frame(OPCODE_CONTINUATION, b"ted")
    assert client.read_frame() == (OPCODE_PONG, b"mid")
    assert client.read_frame() == (OPCODE_TEXT, b"fragmented")
    client.close()


def test_messages_sent_in_one_write_are_each_answered(server):
    client = RawWebSocket(server.host, server.port, "/ws/echo")
    client.send_frames([(OPCODE_TEXT, f"m{i}".encode()) for i in range(50)])
    assert [client.read_frame() for _ in range(50)] == [(OPCODE_TEXT, f"m{i}".encode()) for i in range(50)]
    client.close()


def test_client_close_is_answered_with_its_code_then_the_server_closes_tcp(server):
    client = RawWebSocket(server.host, server.port, "/ws/echo")
    client.send_frame(OPCODE_CLOSE, struct.pack("!H", 4001) + b"done")
    assert read_close(client)[0] == 4001


@pytest.mark.parametrize(
    "frame, code",
    [
        pytest.param({"opcode": OPCODE_TEXT, "payload": b"x", "masked": False}, 1002, id="unmasked"),
        pytest.param({"opcode": OPCODE_TEXT, "payload": b"x", "rsv1": True}, 1002, id="reserved-bit"),
        pytest.param({"opcode": 0x3, "payload": b"x"}, 1002, id="reserved-opcode"),
        pytest.param({"opcode": OPCODE_CONTINUATION, "payload": b"x"}, 1002, id="stray-continuation"),
        pytest.param({"opcode": OPCODE_PING, "payload": b"x", "final": False}, 1002, id="fragmented-ping"),
        pytest.param({"opcode": OPCODE_TEXT, "payload": b"\xc3\x28"}, 1007, id="invalid-utf8"),
        pytest.param({"opcode": OPCODE_CLOSE, "payload": struct.pack("!H", 1005)}, 1002, id="reserved-close-code"),
        pytest.param({"opcode": OPCODE_TEXT, "payload": b"x" * (LIMIT + 1)}, 1009, id="over-the-limit"),
    ],
)
def test_protocol_violations_close_with_their_code(server, frame, code):
    client = RawWebSocket(server.host, server.port, "/ws/echo")
    client.send_frame(**frame)
    assert read_close(client)[0] == code
