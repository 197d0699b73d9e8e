"""Chat through the OpenAI-compatible provider, against a fake upstream:
usage, cancel (the upstream sees the connection closed), interrupt,
reconnect catch-up, a dropped client, and every kind of upstream failure."""
import json
import time

import pytest
import websockets

from nadoo_server import Server, ends_response, stop_and_check, http_call, make_token, receive_until, run


@pytest.fixture(scope="module")
def openai_server(fake_openai, tmp_path_factory):
    instance = Server(
        "--openai-first-token-timeout-seconds", "2",
        env={"OPENAI_BASE_URL": fake_openai.base_url, "OPENAI_API_KEY": "sk-test-not-real"},
        tmp_path=tmp_path_factory.mktemp("openai"),
    )
    yield instance
    stop_and_check(instance)


def application(server, app_id, model, **fields):
    body = {"name": app_id, "provider": "openai", "model": model, "system_prompt": "Be brief.", **fields}
    status, reply = http_call(server, "PUT", f"/api/v1/applications/{app_id}", body)
    assert status == 200, reply
    return app_id


def chat(application_id, content="Hello there", **extra):
    return json.dumps({"type": "chat", "content": content, "application_id": application_id, **extra})


async def connect(server, session, user="user-openai"):
    ws = await websockets.connect(server.ws_url(f"/ws/chat/{session}?token={make_token(user)}"))
    assert json.loads(await ws.recv())["type"] == "connected"
    return ws


def upstream_request(fake_openai, model):
    return [r for r in fake_openai.requests() if r["model"] == model]


def await_condition(check, seconds=10):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


def ask(server, session, app):
    """One chat in its own connection → every message up to response_end."""

    async def scenario():
        ws = await connect(server, session)
        await ws.send(chat(app))
        messages = await receive_until(ws, ends_response)
        await ws.close()
        return messages

    return run(scenario())


def test_normal_stream_reports_the_upstream_usage(openai_server, fake_openai):
    model = "normal:tokens=12:interval_ms=5"
    messages = ask(openai_server, "normal", application(openai_server, "app-normal", model))
    deltas = [m for m in messages if m["type"] == "text-delta"]
    end = messages[-1]
    assert [d["text"] for d in deltas] == [f"tok{i} " for i in range(12)]
    assert end["full_response"] == "".join(f"tok{i} " for i in range(12))
    assert end["finish_reason"] == "stop"
    seen = upstream_request(fake_openai, model)[-1]
    assert seen["completed"] and seen["authorization_present"] and seen["stream"]
    assert seen["messages"][0] == {"role": "system", "content": "Be brief."}
    assert seen["messages"][-1] == {"role": "user", "content": "Hello there"}
    assert end["tokens_used"] > 12  # the fake's usage: prompt + completion


def test_cancel_ends_with_cancelled_and_aborts_the_upstream_request(openai_server, fake_openai):
    model = "slow:tokens=1000:interval_ms=30"
    app = application(openai_server, "app-slow", model)

    async def scenario():
        ws = await connect(openai_server, "cancel")
        await ws.send(chat(app))
        start = json.loads(await ws.recv())
        await receive_until(ws, lambda m: m["type"] == "text-delta" and m["index"] == 2)
        await ws.send(json.dumps({"type": "cancel", "message_id": start["message_id"]}))
        rest = await receive_until(ws, ends_response)
        # Nothing follows response_end: the next message is the answer to this ping.
        await ws.send('{"type":"ping"}')
        after = json.loads(await ws.recv())
        await ws.close()
        return start, rest, after

    start, rest, after = run(scenario())
    end = rest[-1]
    assert end["finish_reason"] == "cancelled" and end["message_id"] == start["message_id"]
    assert end["full_response"].startswith("tok0 tok1 tok2 ")
    assert after["type"] == "pong"
    await_condition(lambda: upstream_request(fake_openai, model)[-1]["client_disconnected"])
    assert not upstream_request(fake_openai, model)[-1]["completed"]

    status, body = http_call(openai_server, "GET", "/api/v1/chat/sessions/cancel/messages", api_key=None,
                             token=make_token("user-openai"))
    stored = body["data"]["messages"][-1]
    assert (stored["role"], stored["finish_reason"], stored["content"]) == (
        "assistant", "cancelled", end["full_response"])


def test_new_chat_while_streaming_interrupts_and_starts_the_new_one(openai_server, fake_openai):
    slow = application(openai_server, "app-interrupted", "slow:tokens=1000:interval_ms=30")
    quick = application(openai_server, "app-quick", "normal:tokens=3:interval_ms=1")

    async def scenario():
        ws = await connect(openai_server, "interrupt")
        await ws.send(chat(slow))
        await receive_until(ws, lambda m: m["type"] == "text-delta")
        await ws.send(chat(quick, content="second question"))
        first = await receive_until(ws, ends_response)
        second = await receive_until(ws, ends_response)
        await ws.close()
        return first, second

    first, second = run(scenario())
    assert first[-1]["finish_reason"] == "interrupted"
    assert second[0]["type"] == "response_start" and second[0]["message_id"] != first[-1]["message_id"]
    assert second[-1]["finish_reason"] == "stop" and second[-1]["full_response"] == "tok0 tok1 tok2 "


def test_reconnecting_client_catches_up_then_follows_live(openai_server):
    app = application(openai_server, "app-catch-up", "normal:tokens=40:interval_ms=25")

    async def scenario():
        first_tab = await connect(openai_server, "catch-up", "user-tabs")
        await first_tab.send(chat(app))
        await receive_until(first_tab, lambda m: m["type"] == "text-delta" and m["index"] == 5)
        await first_tab.close()  # the generation goes on without anyone
        second_tab = await connect(openai_server, "catch-up", "user-tabs")
        messages = await receive_until(second_tab, ends_response)
        await second_tab.close()
        return messages

    messages = run(scenario())
    deltas = [m for m in messages if m["type"] == "text-delta"]
    assert messages[0]["type"] == "response_start"
    assert [d["index"] for d in deltas] == list(range(40))
    assert "".join(d["text"] for d in deltas) == messages[-1]["full_response"]
    assert messages[-1]["finish_reason"] == "stop"


def test_a_dropped_client_does_not_stop_the_generation(openai_server):
    app = application(openai_server, "app-dropped", "normal:tokens=20:interval_ms=10")

    async def scenario():
        ws = await connect(openai_server, "dropped", "user-drop")
        await ws.send(chat(app))
        await receive_until(ws, lambda m: m["type"] == "response_start")
        await ws.close()

    run(scenario())
    token = make_token("user-drop")

    def stored_answer():
        _, body = http_call(openai_server, "GET", "/api/v1/chat/sessions/dropped/messages", api_key=None, token=token)
        answers = [m for m in body["data"]["messages"] if m["role"] == "assistant"]
        return answers[0] if answers else None

    await_condition(lambda: stored_answer() is not None)
    assert stored_answer()["finish_reason"] == "stop"
    assert stored_answer()["content"] == "".join(f"tok{i} " for i in range(20))


@pytest.mark.parametrize(
    "model, code",
    [
        ("error_midstream:tokens=3", "provider_error"),
        ("error_midstream:tokens=3:mode=event", "provider_error"),
        ("malformed:tokens=2", "provider_error"),
        ("hang", "timeout"),
        ("rate_limited", "rate_limit"),
        ("context_overflow", "context_overflow"),
        ("unauthorized", "provider_error"),
    ],
)
def test_upstream_failure_is_an_error_then_response_end_with_error(openai_server, model, code):
    app = application(openai_server, "app-" + model.replace(":", "-").replace("=", "-"), model)

    async def scenario():
        ws = await connect(openai_server, "failures-" + code)
        await ws.send(chat(app))
        messages = await receive_until(ws, ends_response)
        await ws.send('{"type":"ping"}')
        pong = json.loads(await ws.recv())
        await ws.close()
        return messages, pong

    messages, pong = run(scenario())
    errors = [m for m in messages if m["type"] == "error"]
    deltas = [m for m in messages if m["type"] == "text-delta"]
    assert len(errors) == 1 and errors[0]["code"] == code and errors[0]["message"]
    assert "sk-test-not-real" not in errors[0]["message"]
    assert messages[-1]["finish_reason"] == "error"
    assert messages[-1]["full_response"] == "".join(d["text"] for d in deltas)
    assert pong["type"] == "pong"


def test_rate_limit_is_retried_once_before_the_first_token(openai_server, fake_openai):
    ask(openai_server, "retry", application(openai_server, "app-retry", "rate_limited:n=retry"))
    assert len(upstream_request(fake_openai, "rate_limited:n=retry")) == 2


def test_history_and_knowledge_reach_the_model(openai_server, fake_openai):
    status, _ = http_call(openai_server, "PUT", "/api/v1/knowledge-bases/kb-facts/documents/facts",
                          {"filename": "facts.md", "content": "# Launch\n\nThe launch date is 12 March 2026."})
    assert status == 200
    model = "echo:interval_ms=1"
    app = application(openai_server, "app-echo", model, knowledge_base_ids=["kb-facts"])

    async def scenario():
        ws = await connect(openai_server, "context")
        await ws.send(chat(app, content="When is the launch date?"))
        first = await receive_until(ws, ends_response)
        await ws.send(chat(app, content="Thanks", chat_id=first[-1]["chat_id"]))
        second = await receive_until(ws, ends_response)
        await ws.close()
        return first, second

    first, second = run(scenario())
    sources = [m for m in first if m["type"] == "sources"][0]["sources"]
    assert sources[0]["metadata"] == {"document_id": "facts", "filename": "facts.md", "heading": "Launch",
                                      "page_number": None}
    requests = upstream_request(fake_openai, model)
    system = requests[0]["messages"][0]
    assert system["role"] == "system" and "The launch date is 12 March 2026." in system["content"]
    assert [m["role"] for m in requests[1]["messages"]] == ["system", "user", "assistant", "user"]
    assert requests[1]["messages"][1]["content"] == "When is the launch date?"
    assert requests[1]["messages"][2]["content"] == first[-1]["full_response"]
