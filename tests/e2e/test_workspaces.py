"""Workspace collaboration: members only, presence once per user, client
events checked, stamped and relayed to the others, the platform's membership
and event calls, knowledge document changes, and the event rate limit."""
import asyncio
import json

import pytest
import websockets

from nadoo_server import add_workspace_member, closing, http_call, make_token, receive_until, run

ISO_UTC_SUFFIX = "Z"


async def connect(server, workspace, user):
    """Opens a member's socket and returns it with its `connected` message."""
    ws = await websockets.connect(server.ws_url(f"/ws/workspaces/{workspace}?token={make_token(user)}"))
    connected = json.loads(await ws.recv())
    assert connected["type"] == "connected", connected
    return ws, connected


async def next_message(ws):
    return json.loads(await ws.recv())


async def two_members(server, workspace, first, second):
    """Makes both members, connects `first` then `second`, and reads the
    `user_joined` that `first` gets of `second`: → (first, second, joined)."""
    for user in (first, second):
        add_workspace_member(server, workspace, user)
    first_ws, _ = await connect(server, workspace, first)
    second_ws, _ = await connect(server, workspace, second)
    joined = await next_message(first_ws)
    assert joined["type"] == "user_joined"
    return first_ws, second_ws, joined


async def nothing_more_before_pong(ws):
    """Proves nothing is queued for `ws`: a ping's pong is the next message."""
    await ws.send('{"type":"ping"}')
    assert (await next_message(ws))["type"] == "pong"


def refusal(server, path):
    async def scenario():
        return await closing(await websockets.connect(server.ws_url(path)))

    return run(scenario())


@pytest.mark.parametrize("query", ["", "?token=not-a-jwt", f"?token={make_token('u', ttl=-3600)}"])
def test_missing_or_invalid_token_closes_with_1008_invalid_token(server, query):
    add_workspace_member(server, "ws-auth", "u")
    assert refusal(server, f"/ws/workspaces/ws-auth{query}") == ([], 1008, "Invalid token")


def test_non_member_gets_a_forbidden_error_then_1008_forbidden(server):
    add_workspace_member(server, "ws-private", "insider")
    messages, code, reason = refusal(server, f"/ws/workspaces/ws-private?token={make_token('outsider')}")
    assert (code, reason) == (1008, "Forbidden")
    assert [(m["type"], m["code"], m["data"]["code"]) for m in messages] == [("error", "forbidden", "forbidden")]


def test_connected_lists_the_members_online_including_the_joining_user(server):
    for user in ("ann", "ben", "cat"):
        add_workspace_member(server, "ws-online", user)

    async def scenario():
        ann, first = await connect(server, "ws-online", "ann")
        ben, second = await connect(server, "ws-online", "ben")
        for ws in (ann, ben):
            await ws.close()
        return first, second

    first, second = run(scenario())
    assert first["workspace_id"] == "ws-online" and first["user_id"] == "ann"
    assert first["members_online"] == ["ann"]
    assert second["members_online"] == ["ann", "ben"]
    assert second["timestamp"].endswith(ISO_UTC_SUFFIX)


def test_presence_is_announced_once_per_user_whatever_the_tabs(server):
    async def scenario():
        watcher, first_tab, joined = await two_members(server, "ws-tabs", "watcher", "tabby")
        second_tab, connected = await connect(server, "ws-tabs", "tabby")
        await nothing_more_before_pong(watcher)  # the second tab was not announced
        await first_tab.close()
        await nothing_more_before_pong(watcher)  # nor the first tab's leaving
        await nothing_more_before_pong(second_tab)  # a tab is not told of its own user's tabs
        await second_tab.close()
        left = await next_message(watcher)
        await watcher.close()
        return joined, connected, left

    joined, connected, left = run(scenario())
    assert {k: joined[k] for k in ("type", "user_id", "workspace_id")} == {
        "type": "user_joined", "user_id": "tabby", "workspace_id": "ws-tabs"}
    assert connected["members_online"] == ["tabby", "watcher"]
    assert {k: left[k] for k in ("type", "user_id", "workspace_id")} == {
        "type": "user_left", "user_id": "tabby", "workspace_id": "ws-tabs"}


def test_client_event_is_stamped_and_relayed_to_the_others_and_the_senders_other_tabs(server):
    async def scenario():
        reader, sender, _ = await two_members(server, "ws-relay", "reader", "sender")
        other_tab, _ = await connect(server, "ws-relay", "sender")
        await sender.send(json.dumps({
            "type": "document_updated", "document_id": "doc-456", "action": "edited",
            "title": "Q4 report", "user_id": "spoofed", "workspace_id": "ws-elsewhere",
            "timestamp": "1999-01-01T00:00:00Z",
        }))
        seen_by_reader = await next_message(reader)
        seen_by_other_tab = await next_message(other_tab)
        await nothing_more_before_pong(sender)  # not echoed to the sending connection
        for ws in (reader, sender, other_tab):
            await ws.close()
        return seen_by_reader, seen_by_other_tab

    seen_by_reader, seen_by_other_tab = run(scenario())
    assert seen_by_reader == seen_by_other_tab
    assert seen_by_reader["type"] == "document_updated"
    assert seen_by_reader["document_id"] == "doc-456" and seen_by_reader["action"] == "edited"
    assert seen_by_reader["title"] == "Q4 report"  # other fields are kept
    assert seen_by_reader["user_id"] == "sender" and seen_by_reader["workspace_id"] == "ws-relay"
    assert seen_by_reader["timestamp"] != "1999-01-01T00:00:00Z" and seen_by_reader["timestamp"].endswith("Z")


@pytest.mark.parametrize(
    "event",
    [
        {"type": "application_changed", "application_id": "app-1", "action": "published"},
        {"type": "member_added", "member_id": "newcomer", "role": "editor"},
        {"type": "document_updated", "document_id": "doc-1", "knowledge_base_id": "kb-1"},
    ],
)
def test_every_client_event_type_is_relayed(server, event):
    async def scenario():
        b, a, _ = await two_members(server, "ws-types", "b", "a")
        await a.send(json.dumps(event))
        relayed = await next_message(b)
        await a.close(), await b.close()
        return relayed

    relayed = run(scenario())
    assert {k: relayed[k] for k in event} == event
    assert relayed["user_id"] == "a"


async def error_then_pong(ws, message):
    await ws.send(message if isinstance(message, str) else json.dumps(message))
    error = await next_message(ws)
    await ws.send('{"type":"ping"}')
    assert (await next_message(ws))["type"] == "pong"  # the connection stays open
    return error


@pytest.mark.parametrize(
    "message, code",
    [
        ({"type": "user_joined", "user_id": "x"}, "forbidden"),
        ({"type": "user_left", "user_id": "x"}, "forbidden"),
        ({"type": "document_deleted", "document_id": "d"}, "unknown_type"),
        ({"type": "connected"}, "unknown_type"),
        ("{not json", "invalid_json"),
    ],
)
def test_server_only_and_unknown_types_are_refused_and_not_relayed(server, message, code):
    async def scenario():
        y, x, _ = await two_members(server, "ws-refused", "y", "x")
        error = await error_then_pong(x, message)
        await nothing_more_before_pong(y)
        await x.close(), await y.close()
        return error

    error = run(scenario())
    assert error["type"] == "error" and error["code"] == code and error["data"]["code"] == code


@pytest.mark.parametrize(
    "event, field",
    [
        ({"type": "document_updated"}, "document_id"),
        ({"type": "document_updated", "document_id": ""}, "document_id"),
        ({"type": "document_updated", "document_id": 456}, "document_id"),
        ({"type": "document_updated", "document_id": "bad id"}, "document_id"),
        ({"type": "document_updated", "document_id": "d" * 129}, "document_id"),
        ({"type": "document_updated", "document_id": "d", "knowledge_base_id": "bad kb"}, "knowledge_base_id"),
        ({"type": "document_updated", "document_id": "d", "action": "x" * 65}, "action"),
        ({"type": "document_updated", "document_id": "d", "action": 3}, "action"),
        ({"type": "application_changed"}, "application_id"),
        ({"type": "application_changed", "application_id": "a", "action": ""}, "action"),
        ({"type": "member_added"}, "member_id"),
        ({"type": "member_added", "member_id": "m", "role": ["admin"]}, "role"),
    ],
)
def test_invalid_client_event_gets_invalid_message_naming_the_field(server, event, field):
    add_workspace_member(server, "ws-invalid", "v")

    async def scenario():
        ws, _ = await connect(server, "ws-invalid", "v")
        error = await error_then_pong(ws, event)
        await ws.close()
        return error

    error = run(scenario())
    assert error["code"] == "invalid_message" and f"`{field}`" in error["message"]


def test_rate_limit_refuses_events_then_closes_on_abuse(start_server):
    # One event a hundred seconds: nothing refills during the test.
    limited = start_server("--workspace-rate-limit-events-per-second", "0.01",
                           "--workspace-rate-limit-burst-events", "3",
                           "--workspace-rate-limit-refusals-before-close", "3")

    async def scenario():
        victim, spammer, _ = await two_members(limited, "ws-flood", "victim", "spammer")
        for i in range(10):
            await spammer.send(json.dumps({"type": "document_updated", "document_id": f"doc-{i}"}))
        messages, code, reason = await closing(spammer)
        seen = await receive_until(victim, lambda m: m["type"] == "user_left")
        await victim.close()
        return messages, code, reason, seen

    messages, code, reason, seen = run(scenario())
    assert [m["code"] for m in messages] == ["rate_limit"] * 3
    assert (code, reason) == (1008, "Rate limit exceeded")
    assert [m.get("document_id") for m in seen] == ["doc-0", "doc-1", "doc-2", None]


def test_ping_does_not_count_against_the_rate_limit(start_server):
    limited = start_server("--workspace-rate-limit-events-per-second", "0.01",
                           "--workspace-rate-limit-burst-events", "1",
                           "--workspace-rate-limit-refusals-before-close", "1")
    add_workspace_member(limited, "ws-ping", "pinger")

    async def scenario():
        ws, _ = await connect(limited, "ws-ping", "pinger")
        for _ in range(20):
            await ws.send('{"type":"ping"}')
            assert (await next_message(ws))["type"] == "pong"
        await ws.close()

    run(scenario())


def test_membership_put_broadcasts_member_added_once_and_get_lists_members(server):
    add_workspace_member(server, "ws-grow", "founder")

    async def scenario():
        founder, _ = await connect(server, "ws-grow", "founder")
        status, reply = http_call(server, "PUT", "/api/v1/workspaces/ws-grow/members/recruit", {"role": "editor"})
        added = await next_message(founder)
        again, again_reply = http_call(server, "PUT", "/api/v1/workspaces/ws-grow/members/recruit", {"role": "owner"})
        await nothing_more_before_pong(founder)  # already a member: no second member_added
        await founder.close()
        return status, reply, added, again, again_reply

    status, reply, added, again, again_reply = run(scenario())
    assert status == 201 and reply["data"] == {"workspace_id": "ws-grow", "user_id": "recruit", "role": "editor"}
    assert {k: added[k] for k in ("type", "workspace_id", "member_id", "role")} == {
        "type": "member_added", "workspace_id": "ws-grow", "member_id": "recruit", "role": "editor"}
    assert "user_id" not in added  # no user caused it: the platform did
    assert again == 200 and again_reply["data"]["role"] == "owner"

    status, listed = http_call(server, "GET", "/api/v1/workspaces/ws-grow/members")
    assert status == 200 and listed["data"]["has_more"] is False
    members = listed["data"]["members"]
    assert [(m["user_id"], m["role"]) for m in members] == [("founder", None), ("recruit", "owner")]
    assert all(m["added_at"].endswith("Z") for m in members)
    status, after = http_call(server, "GET", "/api/v1/workspaces/ws-grow/members?after=founder")
    assert [m["user_id"] for m in after["data"]["members"]] == ["recruit"]


def test_removed_member_is_disconnected_and_others_see_them_leave_once(server):
    async def scenario():
        stays, first_tab, _ = await two_members(server, "ws-shrink", "stays", "goes")
        second_tab, _ = await connect(server, "ws-shrink", "goes")
        status, reply = http_call(server, "DELETE", "/api/v1/workspaces/ws-shrink/members/goes")
        closes = await asyncio.gather(closing(first_tab), closing(second_tab))
        left = await next_message(stays)
        await nothing_more_before_pong(stays)  # one user_left for two tabs
        await stays.close()
        return status, reply, closes, left

    status, reply, closes, left = run(scenario())
    assert status == 200 and reply["data"] == {"workspace_id": "ws-shrink", "user_id": "goes"}
    for messages, code, reason in closes:
        assert [m["code"] for m in messages] == ["forbidden"]
        assert (code, reason) == (1008, "Forbidden")
    assert (left["type"], left["user_id"]) == ("user_left", "goes")
    assert http_call(server, "DELETE", "/api/v1/workspaces/ws-shrink/members/goes")[0] == 404
    assert refusal(server, f"/ws/workspaces/ws-shrink?token={make_token('goes')}")[1:] == (1008, "Forbidden")


def test_server_event_is_broadcast_to_every_connection_of_the_workspace(server):
    async def scenario():
        p, q, _ = await two_members(server, "ws-broadcast", "p", "q")
        status, reply = http_call(server, "POST", "/api/v1/workspaces/ws-broadcast/events", {
            "type": "workflow_completed", "workflow_id": "wf-9", "result": {"ok": True},
            "workspace_id": "ws-other", "timestamp": "1999-01-01T00:00:00Z"})
        received = [await next_message(p), await next_message(q)]
        await p.close(), await q.close()
        return status, reply, received

    status, reply, received = run(scenario())
    assert status == 202 and reply["data"] == {"workspace_id": "ws-broadcast", "type": "workflow_completed"}
    for event in received:
        assert event["type"] == "workflow_completed" and event["workflow_id"] == "wf-9"
        assert event["result"] == {"ok": True} and event["workspace_id"] == "ws-broadcast"
        assert event["timestamp"] != "1999-01-01T00:00:00Z" and "user_id" not in event


def document(workspace_id=None, content="# Notes\n\nSome text.\n"):
    body = {"filename": "notes.md", "content": content}
    if workspace_id:
        body["workspace_id"] = workspace_id
    return body


def test_knowledge_document_changes_reach_the_owning_workspace(server):
    for workspace in ("ws-docs", "ws-docs-new"):
        add_workspace_member(server, workspace, "editor")
    path = "/api/v1/knowledge-bases/kb-ws/documents/doc-ws"

    async def scenario():
        owner, _ = await connect(server, "ws-docs", "editor")
        new_owner, _ = await connect(server, "ws-docs-new", "editor")
        seen = []
        status, reply = http_call(server, "PUT", path, document("ws-docs"))
        seen.append(await next_message(owner))
        http_call(server, "PUT", path, document("ws-docs", "# Notes\n\nChanged.\n"))
        seen.append(await next_message(owner))
        http_call(server, "PUT", path, document("ws-docs-new"))
        seen.append(await next_message(owner))
        seen.append(await next_message(new_owner))
        http_call(server, "DELETE", path)
        seen.append(await next_message(new_owner))
        await nothing_more_before_pong(owner)
        await owner.close(), await new_owner.close()
        return status, reply, seen

    status, reply, seen = run(scenario())
    assert status == 200 and reply["data"]["workspace_id"] == "ws-docs"
    assert [(m["type"], m["workspace_id"], m["action"]) for m in seen] == [
        ("document_updated", "ws-docs", "created"),
        ("document_updated", "ws-docs", "updated"),
        ("document_updated", "ws-docs", "deleted"),  # moved away
        ("document_updated", "ws-docs-new", "created"),
        ("document_updated", "ws-docs-new", "deleted"),
    ]
    assert all(m["document_id"] == "doc-ws" and m["knowledge_base_id"] == "kb-ws" for m in seen)


def test_a_document_without_workspace_announces_nothing(server):
    add_workspace_member(server, "ws-quiet", "editor")

    async def scenario():
        ws, _ = await connect(server, "ws-quiet", "editor")
        assert http_call(server, "PUT", "/api/v1/knowledge-bases/kb-q/documents/d", document())[0] == 200
        assert http_call(server, "DELETE", "/api/v1/knowledge-bases/kb-q/documents/d")[0] == 200
        await nothing_more_before_pong(ws)
        await ws.close()

    run(scenario())


MEMBER = "/api/v1/workspaces/ws-rest/members/someone"
EVENTS = "/api/v1/workspaces/ws-rest/events"


@pytest.mark.parametrize(
    "method, path, body",
    [("PUT", MEMBER, None), ("DELETE", MEMBER, None), ("GET", "/api/v1/workspaces/ws-rest/members", None),
     ("POST", EVENTS, {"type": "x"})],
)
def test_workspace_calls_need_the_api_key(server, method, path, body):
    assert http_call(server, method, path, body, api_key=None)[0] == 401
    assert http_call(server, method, path, body, api_key="nai-wrong")[0] == 401


@pytest.mark.parametrize(
    "body, expected",
    [
        (b"{not json", "JSON"),
        (b"[1]", "JSON object"),
        ({"role": 5}, "`role`"),
        ({"role": ""}, "`role`"),
        ({"role": "r" * 65}, "`role`"),
    ],
)
def test_bad_member_body_is_a_400(server, body, expected):
    status, reply = http_call(server, "PUT", MEMBER, body)
    assert status == 400 and reply["status"] == "error" and expected in reply["message"]


@pytest.mark.parametrize(
    "body, expected",
    [
        (b"{not json", "JSON"),
        (b'"text"', "JSON object"),
        ({}, "`type`"),
        ({"type": 7}, "`type`"),
        ({"type": ""}, "`type`"),
        ({"type": "Workflow Done"}, "`type`"),
        ({"type": "9lives"}, "`type`"),
        ({"type": "x" * 65}, "`type`"),
        ({"type": "user_joined"}, "reserved"),
        ({"type": "user_left"}, "reserved"),
        ({"type": "connected"}, "reserved"),
        ({"type": "error"}, "reserved"),
        ({"type": "pong"}, "reserved"),
        ({"type": "notice", "user_id": "bad id"}, "`user_id`"),
    ],
)
def test_bad_server_event_body_is_a_400(server, body, expected):
    status, reply = http_call(server, "POST", EVENTS, body)
    assert status == 400 and reply["status"] == "error" and expected in reply["message"]


def test_server_event_over_the_size_limit_is_413(start_server):
    small = start_server("--workspace-event-max-bytes", "100")
    status, reply = http_call(small, "POST", EVENTS, {"type": "notice", "text": "x" * 200})
    assert status == 413 and "100 bytes" in reply["message"]


def test_bad_ids_and_methods_on_workspace_paths(server):
    assert http_call(server, "PUT", "/api/v1/workspaces/bad%20id/members/someone")[0] == 400
    assert http_call(server, "GET", "/api/v1/workspaces/ws-rest/members?after=bad%20id")[0] == 400
    assert http_call(server, "POST", MEMBER, {})[0] == 405
    assert http_call(server, "DELETE", "/api/v1/workspaces/ws-rest/members/never-added")[0] == 404


def test_bad_document_workspace_id_is_a_400(server):
    status, reply = http_call(server, "PUT", "/api/v1/knowledge-bases/kb/documents/d", document("bad id"))
    assert status == 400 and "`workspace_id`" in reply["message"]


def test_a_burst_reaches_every_member_whole_and_in_order_between_its_own_pongs(start_server):
    # Room messages are framed once and joined per member (SharedFrames);
    # a member's own pongs go between them without reordering either.
    burst = start_server("--workspace-rate-limit-events-per-second", "100000",
                         "--workspace-rate-limit-burst-events", "100000")
    events = 400
    members = ["reader-a", "reader-b", "pinger"]
    for user in members + ["publisher"]:
        add_workspace_member(burst, "ws-burst", user)

    async def read_burst(ws, pings):
        seen, pongs = [], 0
        for _ in range(pings):
            await ws.send('{"type":"ping"}')
        while len(seen) < events or pongs < pings:
            message = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if message["type"] == "pong":
                pongs += 1
            elif message["type"] == "document_updated":
                seen.append(message["document_id"])
        return seen, pongs

    async def scenario():
        readers = [(await connect(burst, "ws-burst", user))[0] for user in members]
        publisher, _ = await connect(burst, "ws-burst", "publisher")
        for ws in readers:  # each has seen the publisher join: nothing else is on its way
            await receive_until(ws, lambda m: m["type"] == "user_joined" and m["user_id"] == "publisher")
        reading = [asyncio.create_task(read_burst(ws, 20 if user == "pinger" else 0))
                   for ws, user in zip(readers, members)]
        for i in range(events):
            await publisher.send(json.dumps({"type": "document_updated", "document_id": f"doc-{i}"}))
        results = await asyncio.gather(*reading)
        for ws in readers + [publisher]:
            await ws.close()
        return results

    expected = [f"doc-{i}" for i in range(events)]
    for (seen, pongs), pings in zip(run(scenario()), [0, 0, 20]):
        assert seen == expected
        assert pongs == pings
