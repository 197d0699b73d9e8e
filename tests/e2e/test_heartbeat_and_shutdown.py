"""Server-side ping frames, dead peers dropped, and SIGTERM closing with 1001."""
import asyncio
import signal
import time

import websockets

from nadoo_server import Server, add_workspace_member, create_plugin_execution, make_token, run, stats
from raw_websocket import OPCODE_PING, OPCODE_PONG, OPCODE_TEXT, RawWebSocket


def test_server_pings_and_keeps_a_peer_that_answers(start_server):
    lively = start_server("--idle-timeout-seconds", "2")
    client = RawWebSocket(lively.host, lively.port, "/ws/chat/heartbeat", timeout=10)
    assert client.status_line.startswith("HTTP/1.1 101")
    assert client.read_frame()[0] == OPCODE_TEXT  # connected
    started = time.monotonic()
    for _ in range(3):  # three pings answered: kept well past the idle timeout
        opcode, payload = client.read_frame()
        assert opcode == OPCODE_PING
        client.send_frame(OPCODE_PONG, payload)
    assert time.monotonic() - started > 2
    assert stats(lively)["total_connections"] == 1
    client.close()


def test_peer_that_never_answers_is_dropped_after_the_idle_timeout(start_server):
    strict = start_server("--idle-timeout-seconds", "2")
    client = RawWebSocket(strict.host, strict.port, "/ws/chat/dead-peer", timeout=15)
    assert client.read_frame()[0] == OPCODE_TEXT
    started = time.monotonic()
    assert client.wait_for_eof()
    assert 1 <= time.monotonic() - started < 10
    # The server learns of its own timeout just after the socket closes: nothing
    # tells the client that moment, so the stats are read until they agree.
    deadline = time.monotonic() + 5
    while stats(strict)["total_connections"] != 0:
        assert time.monotonic() < deadline, "dropped peer still counted"
        time.sleep(0.01)
    client.close()


def test_sigterm_closes_every_socket_with_1001_and_exits_0(start_server):
    stopping = start_server("--enable-echo")
    add_workspace_member(stopping, "w-stop", "u-stop")
    create_plugin_execution(stopping, "e-stop")
    paths = [
        "/ws/chat/s-stop",
        f"/ws/notifications/u-stop?token={make_token('u-stop')}",
        f"/ws/workspaces/w-stop?token={make_token('u-stop')}",
        "/api/v1/ws/plugin/debug/e-stop",
        "/ws/echo",
    ]

    async def scenario():
        sockets = [await websockets.connect(stopping.ws_url(path)) for path in paths]
        for ws in sockets[:-1]:
            await ws.recv()
        stopping.process.send_signal(signal.SIGTERM)
        await asyncio.gather(*(ws.wait_closed() for ws in sockets))
        return [(ws.close_code, ws.close_reason) for ws in sockets]

    closes = run(scenario())
    assert closes == [(1001, "Server shutdown")] * len(paths)
    assert stopping.process.wait(timeout=15) == 0


def test_sigterm_the_moment_listening_is_printed_is_a_clean_shutdown(tmp_path):
    """The signal handler is in place before the server says it listens: a
    supervisor that stops it at once gets exit 0, not a kill (seen under TSan
    as a server that never exited)."""
    for attempt in range(20):
        server = Server(tmp_path=tmp_path / str(attempt))
        assert server.stop() == 0, server.log()
