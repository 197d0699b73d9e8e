"""Numbers in the JSON the server sends are written as JavaScript and Python
write them (`0.7`), not in Boost.JSON 1.81's form (`7E-1`): REST answers,
WebSocket messages and stored records alike. Asserted on the raw bytes."""
import json

import websockets

from nadoo_server import http_call, http_get, make_token, run

EXECUTIONS = "/api/v1/plugins/executions"


def raw_non_integers(text):
    """The raw text of every number in `text` with a fraction or an exponent."""
    tokens = []
    json.loads(text, parse_float=lambda token: tokens.append(token) or float(token))
    return tokens


def test_application_temperature_0_7_reads_back_as_0_7_in_the_raw_body(server):
    status, reply = http_call(server, "PUT", "/api/v1/applications/app-numbers", {"name": "Numbers", "temperature": 0.7})
    assert status == 200, reply
    status, _, body = http_get(server, "/api/v1/applications/app-numbers")
    assert status == 200
    assert '"temperature":0.7,' in body or '"temperature":0.7}' in body, body
    assert raw_non_integers(body) == ["0.7"]


def test_chat_response_time_and_source_scores_have_no_exponent(demo_server):
    async def scenario():
        url = demo_server.ws_url(f"/ws/chat/numbers?token={make_token('user-numbers')}")
        async with websockets.connect(url) as ws:
            await ws.recv()  # connected
            await ws.send(json.dumps({"type": "chat", "content": "Q4 revenue", "application_id": "app-uuid-123"}))
            received = []
            for _ in range(10_000):
                received.append(await ws.recv())
                if json.loads(received[-1])["type"] == "response_end":
                    return received
            raise AssertionError("no response_end")

    messages = run(scenario())
    by_type = {json.loads(text)["type"]: text for text in messages}
    assert raw_non_integers(by_type["sources"]), by_type["sources"]  # the scores
    numbers = [token for text in messages for token in raw_non_integers(text)]
    # Boost 1.81 writes every double with `E`; to_chars only very small or large ones, with `e`.
    assert numbers and not [token for token in numbers if "E" in token], numbers


def test_plugin_debug_durations_read_back_without_exponent(server):
    bundle = {
        "api_calls": [{"api_type": "llm", "endpoint": "/v1/chat", "duration": 0.25}],
        "total_execution_time": 1.5,
    }
    assert http_call(server, "POST", EXECUTIONS, {"plugin_id": "p", "tool_name": "t", "execution_id": "exec-numbers"})[0] == 201
    assert http_call(server, "POST", f"{EXECUTIONS}/exec-numbers/events/batch", bundle)[0] == 202
    status, _, body = http_get(server, f"{EXECUTIONS}/exec-numbers")
    assert status == 200
    assert '"duration":0.25' in body and '"total_execution_time":1.5' in body, body
