"""The plugin debug console: executions and their events over REST (API key),
and the console socket: execution_info, debug_data with the history, then
the live events in order, none lost or doubled, with redaction, UTC
timestamps, terminal statuses and the slow-console guard."""
import asyncio
import http.client
import itertools
import json
import struct
import time

import pytest
import websockets

from nadoo_server import API_KEY, SANITIZED, create_plugin_execution, http_call, metric, receive_until, run
from raw_websocket import OPCODE_CLOSE, RawWebSocket

EXECUTIONS = "/api/v1/plugins/executions"
CONSOLE_PATHS = ["/api/v1/ws/plugin/debug/{}", "/ws/plugin-debug/{}"]
fresh_ids = (f"exec-py-{n}" for n in itertools.count())


def new_execution(server, **fields):
    execution_id = next(fresh_ids)
    body = {"plugin_id": "plugin-1", "tool_name": "summarize", "execution_id": execution_id, **fields}
    status, reply = http_call(server, "POST", EXECUTIONS, body)
    assert status == 201, reply
    return execution_id


def post_event(server, execution_id, event_type, data):
    status, reply = http_call(server, "POST", f"{EXECUTIONS}/{execution_id}/events", {"type": event_type, "data": data})
    assert status == 202, reply
    return reply["data"]


def log(message, **extra):
    return {"level": "info", "message": message, **extra}


def get_execution(server, execution_id, query=""):
    status, reply = http_call(server, "GET", f"{EXECUTIONS}/{execution_id}{query}")
    assert status == 200, reply
    return reply["data"]


def console_url(server, execution_id, path=CONSOLE_PATHS[0]):
    return server.ws_url(path.format(execution_id))


def is_terminal(message):
    return message["type"] in ("execution_complete", "execution_error")


def sequences_seen(messages):
    """The event sequences a console saw: debug_data's, then the live ones."""
    seen = []
    for message in messages:
        if message["type"] == "debug_data":
            seen += [event["sequence"] for event in message["data"]]
        elif "sequence" in message:
            seen.append(message["sequence"])
    return seen


# ---------------------------------------------------------------- REST


def test_creating_an_execution_answers_201_running_and_a_duplicate_409(server):
    status, reply = http_call(
        server, "POST", EXECUTIONS, {"plugin_id": "p", "tool_name": "t", "execution_id": "exec-dup", "workspace_id": "ws-1"}
    )
    assert status == 201 and reply["status"] == "success"
    data = reply["data"]
    assert (data["execution_id"], data["status"], data["plugin_id"], data["tool_name"], data["workspace_id"]) == (
        "exec-dup", "running", "p", "t", "ws-1")
    assert data["started_at"].endswith("Z")
    status, reply = http_call(server, "POST", EXECUTIONS, {"plugin_id": "p", "tool_name": "t", "execution_id": "exec-dup"})
    assert status == 409 and "`execution_id`" in reply["message"]


def test_an_execution_without_id_gets_one_from_the_server(server):
    status, reply = http_call(server, "POST", EXECUTIONS, {"plugin_id": "p", "tool_name": "t"})
    assert status == 201
    made = reply["data"]["execution_id"]
    assert made.startswith("exec_") and get_execution(server, made)["events"] == []


def test_unknown_execution_is_404_on_get_and_ingest(server):
    assert http_call(server, "GET", f"{EXECUTIONS}/exec-nowhere")[0] == 404
    assert http_call(server, "POST", f"{EXECUTIONS}/exec-nowhere/events", {"type": "log", "data": log("m")})[0] == 404
    assert http_call(server, "POST", f"{EXECUTIONS}/exec-nowhere/events/batch", {"logs": [log("m")]})[0] == 404


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("POST", EXECUTIONS, {"plugin_id": "p", "tool_name": "t"}),
        ("GET", f"{EXECUTIONS}/exec-auth", None),
        ("POST", f"{EXECUTIONS}/exec-auth/events", {"type": "log", "data": log("m")}),
        ("POST", f"{EXECUTIONS}/exec-auth/events/batch", {"logs": []}),
    ],
)
def test_every_call_needs_the_api_key(server, method, path, body):
    create_plugin_execution(server, "exec-auth")
    for key in (None, "nai-wrong"):
        status, reply = http_call(server, method, path, body, api_key=key)
        assert status == 401 and reply["status"] == "error"


@pytest.mark.parametrize(
    "body, field",
    [
        (b"not json", "body"),
        ([], "body"),
        ({"tool_name": "t"}, "plugin_id"),
        ({"plugin_id": 7, "tool_name": "t"}, "plugin_id"),
        ({"plugin_id": "p"}, "tool_name"),
        ({"plugin_id": "p", "tool_name": "t" * 257}, "tool_name"),
        ({"plugin_id": "p", "tool_name": "t", "execution_id": "bad id"}, "execution_id"),
        ({"plugin_id": "p", "tool_name": "t", "workspace_id": 5}, "workspace_id"),
    ],
)
def test_bad_execution_body_is_a_400_naming_the_field(server, body, field):
    status, reply = http_call(server, "POST", EXECUTIONS, body)
    assert status == 400 and reply["code"] == 400
    assert (f"`{field}`" in reply["message"]) if field != "body" else ("body" in reply["message"])


@pytest.mark.parametrize(
    "body, field",
    [
        ({"data": log("m")}, "type"),
        ({"type": "print", "data": log("m")}, "type"),
        ({"type": "log"}, "data"),
        ({"type": "log", "data": "text"}, "data"),
        ({"type": "log", "data": {"message": "m"}}, "data.level"),
        ({"type": "log", "data": {"level": "info"}}, "data.message"),
        ({"type": "log", "data": log("m", timestamp="yesterday")}, "data.timestamp"),
        ({"type": "log", "data": log("x" * 40000)}, "data.message"),
        ({"type": "trace", "data": {"event": "e", "metadata": []}}, "data.metadata"),
        ({"type": "trace", "data": {"event": "e", "execution_time": -1}}, "data.execution_time"),
        ({"type": "step", "data": {"step_name": "s", "ended_at": "2025-02-30T00:00:00"}}, "data.ended_at"),
        ({"type": "variable", "data": {"value": 1}}, "data.name"),
        ({"type": "api_call", "data": {"api_type": "llm"}}, "data.endpoint"),
        ({"type": "api_call", "data": {"api_type": "llm", "endpoint": "/x", "success": 1}}, "data.success"),
        ({"type": "execution_error", "data": {"traceback": "t"}}, "data.error"),
        ({"type": "execution_complete", "data": {"execution_time": "slow"}}, "data.execution_time"),
    ],
)
def test_bad_event_body_is_a_400_naming_the_field(server, body, field):
    create_plugin_execution(server, "exec-bad-events")
    status, reply = http_call(server, "POST", f"{EXECUTIONS}/exec-bad-events/events", body)
    assert status == 400, reply
    assert f"`{field}`" in reply["message"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"logs": {}}, "logs"),
        ({"logs": [log("m"), 3]}, "logs[1]"),
        ({"trace": [{"event": "e", "timestamp": "10:30"}]}, "trace[0].timestamp"),
        ({"steps": [{"started_at": "2025-01-15T10:30:00"}]}, "steps[0].step_name"),
        ({"variables": {"rows": {"name": "rows", "metadata": 1}}}, "variables.rows.metadata"),
        ({"variables": "rows"}, "variables"),
        ({"api_calls": [{"api_type": "llm", "endpoint": "/x", "duration": "1s"}]}, "api_calls[0].duration"),
        ({"total_execution_time": -2}, "total_execution_time"),
        ({"execution_id": "exec-other"}, "execution_id"),
    ],
)
def test_bad_bundle_is_a_400_naming_the_field_and_stores_nothing(server, body, field):
    create_plugin_execution(server, "exec-bad-bundle")
    status, reply = http_call(server, "POST", f"{EXECUTIONS}/exec-bad-bundle/events/batch", {"logs": [log("ok")], **body})
    assert status == 400, reply
    assert f"`{field}`" in reply["message"]
    assert get_execution(server, "exec-bad-bundle")["events"] == []


def test_bad_query_on_get_is_a_400(server):
    create_plugin_execution(server, "exec-query")
    for query, field in (("?limit=0", "limit"), ("?limit=1001", "limit"), ("?after=-1", "after"), ("?after=x", "after")):
        status, reply = http_call(server, "GET", f"{EXECUTIONS}/exec-query{query}")
        assert status == 400 and f"`{field}`" in reply["message"]


def test_events_are_stored_with_sequences_and_paged(server):
    execution_id = new_execution(server)
    answers = [post_event(server, execution_id, "log", log(f"line {n}")) for n in range(1, 6)]
    assert [answer["last_sequence"] for answer in answers] == [1, 2, 3, 4, 5]
    assert answers[0]["accepted"] == 1 and answers[0]["dropped"] == 0
    page = get_execution(server, execution_id, "?after=1&limit=2")
    assert [event["sequence"] for event in page["events"]] == [2, 3] and page["has_more"]
    event = page["events"][0]
    assert event["type"] == "log" and event["data"] == log("line 2") and event["timestamp"].endswith("Z")
    rest = get_execution(server, execution_id, "?after=3")
    assert [event["sequence"] for event in rest["events"]] == [4, 5] and not rest["has_more"]
    assert rest["event_count"] == 5


def test_terminal_events_set_the_status_once(server):
    completed = new_execution(server)
    assert post_event(server, completed, "execution_complete", {"result": {"ok": True}, "execution_time": 1.5})["status"] == "completed"
    failed = new_execution(server)
    assert post_event(server, failed, "execution_error", {"error": "boom", "traceback": "Traceback …"})["status"] == "failed"
    # A later terminal event is stored but does not change an ended execution.
    assert post_event(server, failed, "execution_complete", {"result": None})["status"] == "failed"
    for execution_id, status in ((completed, "completed"), (failed, "failed")):
        shown = get_execution(server, execution_id)
        assert shown["status"] == status and shown["ended_at"].endswith("Z")


def test_secrets_are_redacted_at_any_depth(server):
    execution_id = new_execution(server)
    post_event(server, execution_id, "api_call", {
        "api_type": "llm", "endpoint": "/v1/chat", "success": True,
        "parameters": {"model": "m", "api_key": "sk-live-1", "options": {"headers": [{"Authorization": "Bearer abc"}]}},
        "result": {"usage": {"tokens": 12}, "session": {"refresh_token": "r-1", "Client-Secret": {"x": 1}}},
    })
    post_event(server, execution_id, "variable", {"name": "DB_PASSWORD", "value": "hunter2", "value_type": "str"})
    data = [event["data"] for event in get_execution(server, execution_id)["events"]]
    text = json.dumps(data)
    for secret in ("sk-live-1", "Bearer abc", "r-1", "hunter2"):
        assert secret not in text
    parameters, result = data[0]["parameters"], data[0]["result"]
    assert parameters["model"] == "m" and parameters["api_key"] == "***REDACTED***"
    assert parameters["options"]["headers"][0]["Authorization"] == "***REDACTED***"
    assert result["usage"]["tokens"] == "***REDACTED***"  # the SDK's rule: the key holds "token"
    assert result["session"] == {"refresh_token": "***REDACTED***", "Client-Secret": "***REDACTED***"}
    assert data[1]["value"] == "***REDACTED***" and data[1]["name"] == "DB_PASSWORD"


def test_record_timestamps_are_normalised_to_utc(server):
    execution_id = new_execution(server)
    post_event(server, execution_id, "log", log("naive", timestamp="2025-01-15T10:30:00.123456"))
    post_event(server, execution_id, "log", log("offset", timestamp="2025-01-15T19:30:00+09:00"))
    post_event(server, execution_id, "step", {"step_name": "s", "started_at": "2025-01-15T05:30:00-05:00",
                                              "ended_at": "2025-01-15T10:30:01Z", "duration": 1.0})
    events = get_execution(server, execution_id)["events"]
    assert events[0]["data"]["timestamp"] == "2025-01-15T10:30:00.123456Z"
    assert events[1]["data"]["timestamp"] == "2025-01-15T10:30:00Z"
    assert (events[2]["data"]["started_at"], events[2]["data"]["ended_at"]) == ("2025-01-15T10:30:00Z", "2025-01-15T10:30:01Z")


def sdk_bundle(execution_id):
    """What the SDK's PluginContext.get_debug_info() returns, timestamps without zone."""
    return {
        "execution_id": execution_id, "plugin_id": "plugin-1", "workspace_id": "ws-1",
        "logs": [{"level": "info", "message": "loaded", "timestamp": "2025-01-15T10:30:00.300000"}],
        "trace": [{"timestamp": "2025-01-15T10:30:00.100000", "event": "step_started", "data": {"step": "load"},
                   "metadata": {}, "step": "load", "execution_time": 0.1}],
        "steps": [{"step_name": "load", "started_at": "2025-01-15T10:30:00.050000",
                   "ended_at": "2025-01-15T10:30:00.400000", "duration": 0.35}],
        "variables": {"rows": {"name": "rows", "value": 3, "value_type": "int",
                               "timestamp": "2025-01-15T10:30:00.200000", "metadata": {}}},
        "api_calls": [{"timestamp": "2025-01-15T10:30:00.250000", "api_type": "llm", "endpoint": "/v1/chat",
                       "parameters": {"token": "t-1"}, "result": "ok", "duration": 0.01, "error": None, "success": True}],
        "step_timings": {"load": 0.35},
        "total_execution_time": 0.5,
    }


def test_the_sdk_bundle_is_stored_in_time_order_in_one_call(server):
    execution_id = new_execution(server)
    status, reply = http_call(server, "POST", f"{EXECUTIONS}/{execution_id}/events/batch", sdk_bundle(execution_id))
    assert status == 202 and reply["data"]["accepted"] == 5 and reply["data"]["last_sequence"] == 5
    shown = get_execution(server, execution_id)
    assert [event["type"] for event in shown["events"]] == ["step", "trace", "variable", "api_call", "log"]
    assert [event["sequence"] for event in shown["events"]] == [1, 2, 3, 4, 5]
    assert shown["events"][3]["data"]["parameters"] == {"token": "***REDACTED***"}
    assert shown["events"][0]["data"]["started_at"] == "2025-01-15T10:30:00.050000Z"
    assert shown["total_execution_time"] == 0.5 and shown["status"] == "running"


def test_past_the_event_limit_events_are_dropped_but_the_terminal_one_is_kept(start_server):
    small = start_server("--plugin-debug-max-events-per-execution", "3")
    execution_id = new_execution(small)
    status, reply = http_call(small, "POST", f"{EXECUTIONS}/{execution_id}/events/batch",
                              {"logs": [log(f"m{n}") for n in range(5)]})
    assert status == 202 and (reply["data"]["accepted"], reply["data"]["dropped"]) == (3, 2)
    assert post_event(small, execution_id, "execution_complete", {"result": 1})["status"] == "completed"
    shown = get_execution(small, execution_id)
    assert [event["sequence"] for event in shown["events"]] == [1, 2, 3, 4]
    assert shown["dropped_events"] == 2


def test_executions_expire_after_the_retention(start_server):
    short = start_server("--plugin-execution-retention-seconds", "1", "--plugin-execution-purge-interval-seconds", "1")
    execution_id = new_execution(short)
    post_event(short, execution_id, "log", log("soon gone"))
    deadline = time.monotonic() + 10
    while http_call(short, "GET", f"{EXECUTIONS}/{execution_id}")[0] == 200:
        assert time.monotonic() < deadline, "the execution never expired"
        time.sleep(0.2)  # the purge has no event to await; poll for its effect
    assert http_call(short, "GET", f"{EXECUTIONS}/{execution_id}")[0] == 404
    assert http_call(short, "POST", f"{EXECUTIONS}/{execution_id}/events", {"type": "log", "data": log("m")})[0] == 404


# ---------------------------------------------------------------- console


@pytest.mark.parametrize("path", CONSOLE_PATHS + ["/api/ws/plugin-debug/{}"])
def test_unknown_execution_gets_not_found_then_1008(server, path):
    async def scenario():
        async with websockets.connect(console_url(server, "exec-unknown", path)) as ws:
            error = json.loads(await ws.recv())
            with pytest.raises(websockets.ConnectionClosed):
                await ws.recv()
            return error, ws.close_code

    error, code = run(scenario())
    assert error["type"] == "error" and error["code"] == "not_found" and error["data"]["code"] == "not_found"
    assert code == 1008


@pytest.mark.parametrize("path", CONSOLE_PATHS)
def test_console_gets_execution_info_then_history_then_live_events(server, path):
    execution_id = new_execution(server, workspace_id="ws-1")
    post_event(server, execution_id, "log", log("before 1"))
    post_event(server, execution_id, "trace", {"event": "before 2", "data": {"k": [1, 2]}})

    async def scenario():
        async with websockets.connect(console_url(server, execution_id, path)) as ws:
            info, history = json.loads(await ws.recv()), json.loads(await ws.recv())
            await asyncio.to_thread(post_event, server, execution_id, "step", {"step_name": "live"})
            live = json.loads(await ws.recv())
            return info, history, live

    info, history, live = run(scenario())
    assert info["type"] == "execution_info" and info["timestamp"].endswith("Z")
    assert {k: info["data"][k] for k in ("execution_id", "plugin_id", "tool_name", "status", "workspace_id")} == {
        "execution_id": execution_id, "plugin_id": "plugin-1", "tool_name": "summarize", "status": "running",
        "workspace_id": "ws-1"}
    assert info["data"]["started_at"].endswith("Z")
    assert history["type"] == "debug_data" and history["omitted_events"] == 0
    assert [(e["type"], e["sequence"]) for e in history["data"]] == [("log", 1), ("trace", 2)]
    assert history["data"][1]["data"] == {"event": "before 2", "data": {"k": [1, 2]}}
    assert (live["type"], live["sequence"], live["data"]) == ("step", 3, {"step_name": "live"})
    assert live["timestamp"].endswith("Z")


def test_console_of_an_execution_without_events_gets_no_debug_data(server):
    execution_id = new_execution(server)

    async def scenario():
        async with websockets.connect(console_url(server, execution_id)) as ws:
            info = json.loads(await ws.recv())
            await asyncio.to_thread(post_event, server, execution_id, "log", log("first"))
            return info, json.loads(await ws.recv())

    info, first = run(scenario())
    assert info["type"] == "execution_info" and (first["type"], first["sequence"]) == ("log", 1)


def test_two_consoles_see_the_same_live_events(server):
    execution_id = new_execution(server)

    async def scenario():
        async with websockets.connect(console_url(server, execution_id)) as one, websockets.connect(
            console_url(server, execution_id, CONSOLE_PATHS[1])
        ) as two:
            await one.recv(), await two.recv()
            for n in range(3):
                await asyncio.to_thread(post_event, server, execution_id, "log", log(f"m{n}"))
            await asyncio.to_thread(post_event, server, execution_id, "execution_error", {"error": "boom"})
            return [await receive_until(ws, is_terminal) for ws in (one, two)]

    seen_by_one, seen_by_two = run(scenario())
    assert seen_by_one == seen_by_two
    assert [(m["type"], m["sequence"]) for m in seen_by_one] == [
        ("log", 1), ("log", 2), ("log", 3), ("execution_error", 4)]


def test_a_later_console_sees_the_terminal_status(server):
    execution_id = new_execution(server)
    post_event(server, execution_id, "execution_complete", {"result": "done", "execution_time": 0.2})

    async def scenario():
        async with websockets.connect(console_url(server, execution_id)) as ws:
            return json.loads(await ws.recv()), json.loads(await ws.recv())

    info, history = run(scenario())
    assert info["data"]["status"] == "completed" and info["data"]["ended_at"].endswith("Z")
    assert history["data"][0]["type"] == "execution_complete" and history["data"][0]["data"]["result"] == "done"


def test_console_sees_redacted_records(server):
    execution_id = new_execution(server)

    async def scenario():
        async with websockets.connect(console_url(server, execution_id)) as ws:
            await ws.recv()
            await asyncio.to_thread(post_event, server, execution_id, "trace",
                                    {"event": "call", "data": {"deep": [{"password": "pw-1"}]}})
            return await ws.recv()

    text = run(scenario())
    assert "pw-1" not in text and json.loads(text)["data"]["data"]["deep"][0]["password"] == "***REDACTED***"


def test_plain_text_ping_gets_plain_pong_and_json_ping_a_pong_message(server):
    execution_id = new_execution(server)

    async def scenario():
        async with websockets.connect(console_url(server, execution_id)) as ws:
            await ws.recv()
            await ws.send("ping")
            plain = await ws.recv()
            await ws.send('{"type":"ping"}')
            return plain, json.loads(await ws.recv())

    plain, pong = run(scenario())
    assert plain == "pong" and pong["type"] == "pong"


class KeptAliveApi:
    """One HTTP/1.1 connection for many ingest calls."""

    def __init__(self, server):
        self.connection = http.client.HTTPConnection(server.host, server.port, timeout=30)

    def post(self, path, body):
        self.connection.request("POST", path, body=json.dumps(body),
                                headers={"X-API-Key": API_KEY, "Content-Type": "application/json"})
        response = self.connection.getresponse()
        return response.status, json.loads(response.read())

    def close(self):
        self.connection.close()


def test_consoles_connecting_during_a_stream_each_see_every_event_exactly_once(server):
    execution_id = new_execution(server)
    event_count, console_count = 300, 24

    def stream_events(started):
        api = KeptAliveApi(server)
        try:
            for n in range(1, event_count):
                if n == 20:
                    started.set()
                status, reply = api.post(f"{EXECUTIONS}/{execution_id}/events", {"type": "log", "data": log(f"m{n}")})
                assert status == 202, reply
        finally:
            api.close()

    async def console():
        async with websockets.connect(console_url(server, execution_id), max_queue=None) as ws:
            return await receive_until(ws, is_terminal)

    async def scenario():
        import threading

        started = threading.Event()
        streaming = asyncio.create_task(asyncio.to_thread(stream_events, started))
        await asyncio.to_thread(started.wait, 10)
        consoles = []
        for _ in range(console_count):  # connecting one after another while the stream runs
            consoles.append(asyncio.create_task(console()))
            await asyncio.sleep(0)
        await streaming
        await asyncio.to_thread(post_event, server, execution_id, "execution_complete", {"result": "ok"})
        return await asyncio.gather(*consoles)

    for messages in run(scenario(), timeout=120):
        assert messages[0]["type"] == "execution_info"
        assert sequences_seen(messages) == list(range(1, event_count + 1))


def close_code_of(raw):
    """Reads the raw socket's frames up to the close frame; its status code."""
    while True:
        opcode, payload = raw.read_frame()
        if opcode == OPCODE_CLOSE:
            return struct.unpack("!H", payload[:2])[0]


def test_burst_to_a_console_that_stops_reading_closes_it_with_1013_and_memory_stays_bounded(start_server):
    history_limit = 128 * 1024
    busy = start_server("--outbound-queue-limit-bytes", str(256 * 1024),
                        "--plugin-debug-history-limit-bytes", str(history_limit),
                        "--plugin-debug-max-events-per-execution", "20000",
                        "--max-http-body-bytes", str(4 * 1024 * 1024),
                        # Time to read the stalled socket's close frame after the burst.
                        "--handshake-timeout-seconds", "60")
    execution_id = new_execution(busy)
    # Opens the console and reads nothing after the handshake.
    stalled = RawWebSocket(busy.host, busy.port, f"/api/v1/ws/plugin/debug/{execution_id}", timeout=30)
    assert "101" in stalled.status_line
    rss_before = busy.rss_kib()
    api = KeptAliveApi(busy)
    statuses, rss_peak = [], 0
    try:
        for batch in range(10):  # 10,000 events of ~2 KiB: 20 MiB for the stalled console
            bundle = {"logs": [log(f"{batch}-{n}-" + "x" * 2000) for n in range(1000)]}
            statuses.append(api.post(f"{EXECUTIONS}/{execution_id}/events/batch", bundle)[0])
            rss_peak = max(rss_peak, busy.rss_kib())
        statuses.append(api.post(f"{EXECUTIONS}/{execution_id}/events", {"type": "log", "data": log("after")})[0])
    finally:
        api.close()
    assert statuses == [202] * 11
    # The close frame first: the server counts the close before it sends it,
    # on the console's own thread, which may not be the one that answered the POST.
    assert close_code_of(stalled) == 1013
    assert metric(busy, "nadoo_slow_consumer_closes_total") == 1
    stalled.close()
    # The stalled console cost at most its queue (plus socket buffers), not the 20 MiB sent to it.
    if not SANITIZED:
        assert rss_peak - rss_before < 64 * 1024, (rss_before, rss_peak)

    async def late_console():
        async with websockets.connect(console_url(busy, execution_id), max_size=None) as ws:
            return json.loads(await ws.recv()), await ws.recv()

    info, history_text = run(late_console())
    history = json.loads(history_text)
    # Its history is the newest events that fit the limit, with no gap before the live ones.
    assert info["data"]["event_count"] == 10_001
    assert len(history_text) <= history_limit
    sequences = [event["sequence"] for event in history["data"]]
    assert sequences == list(range(10_002 - len(sequences), 10_002)) and len(sequences) > 10
    assert history["omitted_events"] == 10_001 - len(sequences)
