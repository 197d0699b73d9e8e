"""Message size limit (whole message, any number of fragments) and slow
consumers closed with 1013 while the server's memory stays bounded."""
import json
import time

import pytest
import websockets

from nadoo_server import create_plugin_execution, make_token, metric, run

LIMIT = 64 * 1024


async def closed_code(ws):
    try:
        while True:
            await ws.recv()
    except websockets.ConnectionClosed:
        return ws.close_code


@pytest.mark.parametrize("path", ["/ws/echo", "/ws/chat/big", "/api/v1/ws/plugin/debug/e-big"])
def test_message_over_the_limit_closes_with_1009(server, path):
    create_plugin_execution(server, "e-big")
    async def scenario():
        async with websockets.connect(server.ws_url(path), max_size=None) as ws:
            if path != "/ws/echo":
                await ws.recv()
            await ws.send("x" * (LIMIT + 1))
            return await closed_code(ws)

    assert run(scenario()) == 1009


def test_message_at_the_limit_is_echoed(server):
    async def scenario():
        async with websockets.connect(server.ws_url("/ws/echo"), max_size=None) as ws:
            await ws.send("y" * LIMIT)
            return await ws.recv()

    assert run(scenario()) == "y" * LIMIT


def test_fragment_count_is_not_capped_only_the_total_size(start_server):
    roomy = start_server("--enable-echo", "--max-message-bytes", str(2 * 1024 * 1024))
    message = bytes(range(256)) * 4096  # 1 MiB
    fragments = [message[i : i + 64] for i in range(0, len(message), 64)]

    async def scenario():
        async with websockets.connect(roomy.ws_url("/ws/echo"), max_size=None) as ws:
            await ws.send(fragments)  # 16,384 frames of 64 bytes
            echoed = await ws.recv()
            await ws.send([b"z" * 64] * (2 * 1024 * 1024 // 64 + 1))  # one fragment too many bytes
            return echoed, await closed_code(ws)

    echoed, code = run(scenario())
    assert echoed == message
    assert code == 1009


def test_slow_echo_consumer_is_closed_with_1013_and_memory_stays_bounded(start_server):
    queue_limit = 256 * 1024
    slow = start_server("--enable-echo", "--outbound-queue-limit-bytes", str(queue_limit))
    rss_before = slow.rss_kib()
    payload = "p" * (60 * 1024)

    async def scenario():
        # max_queue=1: the client stops reading its socket after one unread message.
        async with websockets.connect(slow.ws_url("/ws/echo"), max_size=None, max_queue=1) as ws:
            deadline = time.monotonic() + 30
            try:
                for sent in range(1, 3001):
                    await ws.send(payload)
                    if sent % 20 == 0 and metric(slow, "nadoo_slow_consumer_closes_total") >= 1:
                        break
                    assert time.monotonic() < deadline, "server never shed the slow consumer"
            except websockets.ConnectionClosed:
                pass  # the close arrived while sending: the same outcome, seen sooner
            rss_at_peak = slow.rss_kib()
            return await closed_code(ws), sent, rss_at_peak

    code, sent, rss_at_peak = run(scenario())
    assert code == 1013
    assert sent < 3000
    # Sent ~{sent} × 60 KiB; the server kept at most its queue limit plus socket buffers.
    assert rss_at_peak - rss_before < 64 * 1024, (rss_before, rss_at_peak)
    assert metric(slow, "nadoo_outbound_queue_bytes") == 0


def test_slow_room_member_is_closed_with_1013_while_others_go_on(start_server):
    slow = start_server("--outbound-queue-limit-bytes", str(256 * 1024))

    async def scenario():
        url = slow.ws_url("/ws/chat/flood?token=")
        # A long user id makes each relayed typing notice ~4 KiB, so the flood is short.
        typist_id = "typist-" + "t" * 4000
        async with websockets.connect(url + make_token("reader"), max_queue=1) as reader, websockets.connect(
            url + make_token(typist_id)
        ) as typist, websockets.connect(url + make_token("watcher"), max_queue=None) as watcher:
            await reader.recv(), await typist.recv(), await watcher.recv()
            deadline = time.monotonic() + 60
            for sent in range(1, 20_001):
                await typist.send('{"type":"typing"}')
                # The watcher reads each notice as it comes, so it is never the one shed;
                # it learns that the reader was, from the reader's user_disconnected.
                notice = json.loads(await watcher.recv())
                if notice["type"] == "user_disconnected":
                    break
                assert notice["type"] == "typing"
                assert time.monotonic() < deadline, "server never shed the slow reader"
            assert notice["user_id"] == "reader"
            assert metric(slow, "nadoo_slow_consumer_closes_total") == 1
            await typist.send('{"type":"ping"}')
            typist_saw = [json.loads(await typist.recv()), json.loads(await typist.recv())]
            return await closed_code(reader), typist_saw, watcher.open

    code, typist_saw, watcher_open = run(scenario(), timeout=90)
    assert code == 1013
    assert [message["type"] for message in typist_saw] == ["user_disconnected", "pong"], [(m["type"], m.get("user_id", "")[:20]) for m in typist_saw]
    assert typist_saw[0]["user_id"] == "reader"
    assert watcher_open


def test_connection_past_the_limit_completes_its_handshake_then_closes_with_1013(start_server):
    full = start_server("--max-connections", "1")

    async def scenario():
        async with websockets.connect(full.ws_url("/ws/chat/first")) as first:
            await first.recv()
            async with websockets.connect(full.ws_url("/ws/chat/second")) as second:
                await second.wait_closed()
            await (await first.ping())  # the first is served on
            return second.close_code, second.close_reason

    code, reason = run(scenario())
    assert (code, reason) == (1013, "Server at connection limit")
    assert metric(full, "nadoo_connection_limit_closes_total") == 1
