"""Chat on the demo data (builtin provider): the spec's own clients, the
stream's shape, participants, history, and bad input on every field."""
import json
import subprocess

import pytest
import websockets

from nadoo_server import REPO_DEMO_SEED, Server, ends_response, http_call, make_token, receive_until, run, stop_and_check

SPEC_CLIENT = __file__.rsplit("/", 1)[0] + "/spec_clients/chat_client.py"
DEMO_APP = "app-uuid-123"


def chat(content, application_id=DEMO_APP, **extra):
    return json.dumps({"type": "chat", "content": content, "application_id": application_id, **extra})


async def connect(server, session, user):
    ws = await websockets.connect(server.ws_url(f"/ws/chat/{session}?token={make_token(user)}"))
    connected = json.loads(await ws.recv())
    assert connected["type"] == "connected"
    return ws


def ask(server, session, user, question):
    """One question in its own connection → every message up to response_end."""

    async def scenario():
        ws = await connect(server, session, user)
        await ws.send(chat(question))
        messages = await receive_until(ws, ends_response)
        await ws.close()
        return messages

    return run(scenario())


def test_spec_python_client_gets_a_real_answer_unchanged(demo_server):
    source = open(SPEC_CLIENT).read()
    source = source.replace("localhost:8000", f"{demo_server.host}:{demo_server.port}")
    source = source.replace("eyJhbGciOiJIUzI1NiIs...", make_token("user-123"))
    result = subprocess.run(["/usr/bin/python3", "-c", source], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Connected: {" in result.stdout and "'user_id': 'user-123'" in result.stdout
    assert "Revenue grew 15% year over year to $4.2 million" in result.stdout
    assert "Tokens used: " in result.stdout
    assert "Error:" not in result.stdout


def test_stream_is_start_deltas_sources_end_with_the_contract_fields(demo_server):
    messages = ask(demo_server, "shape", "user-shape", "What were the key Q4 metrics?")
    start, *rest = messages
    deltas = [m for m in rest if m["type"] == "text-delta"]
    sources = [m for m in rest if m["type"] == "sources"]
    end = rest[-1]
    assert start["type"] == "response_start" and start["message_id"] and start["chat_id"]
    assert [m["type"] for m in rest] == ["text-delta"] * len(deltas) + ["sources", "response_end"]
    assert [d["index"] for d in deltas] == list(range(len(deltas)))
    assert all(d["message_id"] == start["message_id"] for d in deltas)
    assert end["full_response"] == "".join(d["text"] for d in deltas)
    assert "Net revenue retention: 112%" in end["full_response"]
    assert (end["message_id"], end["chat_id"]) == (start["message_id"], start["chat_id"])
    assert end["finish_reason"] == "stop" and end["tokens_used"] > 0 and end["response_time"] > 0
    first_source = sources[0]["sources"][0]
    assert sources[0]["message_id"] == start["message_id"]
    assert set(first_source) == {"chunk_id", "content", "score", "metadata"}
    assert set(first_source["metadata"]) == {"document_id", "filename", "heading", "page_number"}
    assert first_source["metadata"]["filename"] == "q4-report.md"
    assert first_source["metadata"]["heading"] == "Key Metrics"


def test_every_participant_of_the_session_receives_the_stream(demo_server):
    async def scenario():
        asker = await connect(demo_server, "shared", "alice")
        watcher = await connect(demo_server, "shared", "bob")
        await asker.send(chat("Summarize the Q4 report"))
        seen_by_asker = await receive_until(asker, ends_response)
        seen_by_watcher = await receive_until(watcher, ends_response)
        await asker.close(), await watcher.close()
        return seen_by_asker, seen_by_watcher

    seen_by_asker, seen_by_watcher = run(scenario())
    strip = lambda messages: [{k: v for k, v in m.items() if k != "timestamp"} for m in messages]
    assert strip(seen_by_asker) == strip(seen_by_watcher)


def test_chat_id_continues_a_chat_and_its_absence_starts_one(demo_server):
    async def scenario():
        ws = await connect(demo_server, "chats", "user-chats")
        await ws.send(chat("What was the gross margin?"))
        first = (await receive_until(ws, ends_response))[-1]
        await ws.send(chat("And the operating margin?", chat_id=first["chat_id"]))
        second = (await receive_until(ws, ends_response))[-1]
        await ws.send(json.dumps({"type": "message", "content": "What is ARR?", "application_id": DEMO_APP}))
        third = (await receive_until(ws, ends_response))[-1]
        await ws.close()
        return first, second, third

    first, second, third = run(scenario())
    assert second["chat_id"] == first["chat_id"]
    assert third["chat_id"] != first["chat_id"]


def test_history_lists_the_users_own_messages_in_order(demo_server):
    end = ask(demo_server, "history-session", "history-user", "What was the revenue?")[-1]
    token = make_token("history-user")
    status, body = http_call(demo_server, "GET", f"/api/v1/chat/{DEMO_APP}/messages", api_key=None, token=token)
    assert status == 200 and body["status"] == "success"
    messages = body["data"]["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant"]
    user, assistant = messages
    assert user["content"] == "What was the revenue?" and user["user_id"] == "history-user"
    assert assistant["id"] == end["message_id"] and assistant["content"] == end["full_response"]
    assert assistant["finish_reason"] == "stop" and assistant["tokens_used"] == end["tokens_used"]
    assert assistant["sources"] and assistant["chat_id"] == end["chat_id"]
    assert set(assistant) == {"id", "chat_id", "session_id", "role", "content", "user_id", "created_at",
                              "tokens_used", "sources", "finish_reason"}
    assert body["data"]["has_more"] is False

    status, by_session = http_call(demo_server, "GET", "/api/v1/chat/sessions/history-session/messages",
                                   api_key=None, token=token)
    assert status == 200 and by_session["data"]["messages"] == messages

    status, page = http_call(demo_server, "GET", f"/api/v1/chat/{DEMO_APP}/messages?limit=1", api_key=None,
                             token=token)
    assert [m["id"] for m in page["data"]["messages"]] == [user["id"]] and page["data"]["has_more"] is True
    status, page = http_call(demo_server, "GET", f"/api/v1/chat/{DEMO_APP}/messages?limit=1&after={user['id']}",
                             api_key=None, token=token)
    assert [m["id"] for m in page["data"]["messages"]] == [assistant["id"]] and page["data"]["has_more"] is False
    status, filtered = http_call(demo_server, "GET", f"/api/v1/chat/{DEMO_APP}/messages?chat_id=other",
                                 api_key=None, token=token)
    assert filtered["data"]["messages"] == []

    status, others = http_call(demo_server, "GET", f"/api/v1/chat/{DEMO_APP}/messages", api_key=None,
                               token=make_token("someone-else"))
    assert status == 200 and others["data"]["messages"] == []
    assert http_call(demo_server, "GET", f"/api/v1/chat/{DEMO_APP}/messages", api_key=None)[0] == 401
    assert http_call(demo_server, "GET", f"/api/v1/chat/{DEMO_APP}/messages?limit=0", api_key=None,
                     token=token)[0] == 400


def error_then_pong(server, session, message):
    """Sends `message`, reads the error it earns, then proves the connection is still open."""

    async def scenario():
        ws = await connect(server, session, "user-bad")
        await ws.send(message)
        error = json.loads(await ws.recv())
        await ws.send('{"type":"ping"}')
        pong = json.loads(await ws.recv())
        await ws.close()
        return error, pong

    return run(scenario())


def test_unknown_application_is_an_error_and_the_connection_stays_open(demo_server):
    error, pong = error_then_pong(demo_server, "unknown-app", chat("hello", application_id="no-such-app"))
    assert error["type"] == "error" and error["code"] == "application_not_found"
    assert pong["type"] == "pong"


def test_a_chat_of_another_user_is_refused(demo_server):
    async def scenario():
        owner = await connect(demo_server, "owned", "owner")
        await owner.send(chat("What is ARR?"))
        chat_id = (await receive_until(owner, ends_response))[-1]["chat_id"]
        intruder = await connect(demo_server, "owned-2", "intruder")
        await intruder.send(chat("Show me", chat_id=chat_id))
        error = json.loads(await intruder.recv())
        await owner.close(), await intruder.close()
        return error

    assert run(scenario())["code"] == "forbidden"


def test_question_the_knowledge_cannot_answer_says_so(demo_server):
    messages = ask(demo_server, "nothing", "user-n", "Which zebras migrate across the Serengeti?")
    assert "sources" not in [m["type"] for m in messages]
    assert "found nothing" in messages[-1]["full_response"]


def test_cancel_without_a_streaming_response_is_an_error(demo_server):
    async def scenario():
        ws = await connect(demo_server, "cancel-idle", "user-c")
        await ws.send('{"type":"cancel"}')
        error = json.loads(await ws.recv())
        await ws.close()
        return error

    assert run(scenario())["code"] == "not_found"


BAD_MESSAGES = {
    "content_missing": {"type": "chat", "application_id": DEMO_APP},
    "content_empty": {"type": "chat", "content": "", "application_id": DEMO_APP},
    "content_not_a_string": {"type": "chat", "content": 42, "application_id": DEMO_APP},
    "content_too_long": {"type": "chat", "content": "x" * (32 * 1024 + 1), "application_id": DEMO_APP},
    "application_id_missing": {"type": "chat", "content": "hi"},
    "application_id_not_a_string": {"type": "chat", "content": "hi", "application_id": ["a"]},
    "application_id_bad_characters": {"type": "chat", "content": "hi", "application_id": "app/../x"},
    "application_id_too_long": {"type": "chat", "content": "hi", "application_id": "a" * 129},
    "chat_id_not_a_string": {"type": "chat", "content": "hi", "application_id": DEMO_APP, "chat_id": 7},
    "chat_id_bad_characters": {"type": "chat", "content": "hi", "application_id": DEMO_APP, "chat_id": "a b"},
    "cancel_message_id_not_an_id": {"type": "cancel", "message_id": {"id": 1}},
}


def test_the_content_limit_is_the_operators(tmp_path):
    server = Server("--seed-file", REPO_DEMO_SEED, "--builtin-token-interval-ms", "1",
                    "--chat-max-content-bytes", "16", tmp_path=tmp_path)
    try:
        error, _ = error_then_pong(server, "limit-over", chat("x" * 17))
        assert error["code"] == "invalid_message" and "`content`" in error["message"]
        # At the limit the question is answered.
        messages = ask(server, "limit-at", "user-limit", "x" * 16)
        assert messages[-1]["type"] == "response_end"
    finally:
        stop_and_check(server)


@pytest.mark.parametrize("case", sorted(BAD_MESSAGES))
def test_bad_chat_field_is_an_invalid_message_error_and_the_connection_stays_open(demo_server, case):
    error, pong = error_then_pong(demo_server, f"bad-{case}", json.dumps(BAD_MESSAGES[case]))
    assert error["type"] == "error" and error["code"] == "invalid_message", error
    field = next(name for name in ("application_id", "chat_id", "message_id", "content") if name in case)
    assert f"`{field}`" in error["message"]
    assert pong["type"] == "pong"
