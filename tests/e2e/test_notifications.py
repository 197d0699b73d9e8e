"""Notifications (CONTRACT.md, "Notifications"): admission, live delivery to
every tab of a user and to nobody else, the backlog after `connected` (also
across a restart), ack and `notification_read`, the REST list, the bulk form,
bad bodies, and publishing while clients are connecting."""
import asyncio
import json
import re
import threading

import pytest
import websockets

from nadoo_server import http_call, make_token, run, stop_and_check

NOTIFICATION_ID = re.compile(r"^ntf_[0-9a-f]{32}$")
ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def content(n=1, **extra):
    return {"title": f"Workflow {n} completed", "body": f"Run {n} finished.", "action_url": f"/workflows/wf-{n}/results",
            **extra}


def publish(server, user, n=1, **extra):
    """POST one notification for `user` → its id."""
    status, reply = http_call(server, "POST", "/api/v1/notifications", {"user_id": user, **content(n, **extra)})
    assert status == 202 and reply["status"] == "success", reply
    assert NOTIFICATION_ID.match(reply["data"]["id"])
    return reply["data"]["id"]


def list_notifications(server, user, query=""):
    status, reply = http_call(server, "GET", f"/api/v1/notifications{query}", api_key=None, token=make_token(user))
    assert status == 200, reply
    return reply["data"]


async def connect(server, user):
    ws = await websockets.connect(server.ws_url(f"/ws/notifications/{user}?token={make_token(user)}"))
    connected = json.loads(await ws.recv())
    assert connected["type"] == "connected" and connected["user_id"] == user
    return ws


async def receive(ws):
    return json.loads(await ws.recv())


async def receive_notifications(ws, count):
    received = [await receive(ws) for _ in range(count)]
    assert all(m["type"] == "notification" for m in received), received
    return received


async def pong_after(ws):
    """The next message after a ping: proves nothing else was queued before it."""
    await ws.send(json.dumps({"type": "ping"}))
    return await receive(ws)


def test_missing_token_and_another_users_token_close_with_1008(server):
    async def closed(path):
        async with websockets.connect(server.ws_url(path)) as ws:
            with pytest.raises(websockets.ConnectionClosed):
                await ws.recv()
            return ws.close_code, ws.close_reason

    assert run(closed("/ws/notifications/alice")) == (1008, "Invalid token")
    assert run(closed(f"/ws/notifications/alice?token={make_token('mallory')}")) == (1008, "Invalid token")


def test_live_notification_reaches_every_tab_of_the_user_and_no_other_user(server):
    async def scenario():
        first_tab, second_tab = await connect(server, "live-ann"), await connect(server, "live-ann")
        other_user = await connect(server, "live-bob")
        sent_id = await asyncio.to_thread(publish, server, "live-ann", 7, data={"workflow_id": "wf-7", "ok": True})
        for tab in (first_tab, second_tab):
            message = await receive(tab)
            assert message["type"] == "notification" and message["id"] == sent_id
            assert message["notification"] == {"title": "Workflow 7 completed", "body": "Run 7 finished.",
                                               "action_url": "/workflows/wf-7/results",
                                               "data": {"workflow_id": "wf-7", "ok": True}}
            assert ISO_UTC.match(message["timestamp"])
        # The other user's next message is its own notification, not ann's.
        bob_id = await asyncio.to_thread(publish, server, "live-bob", 8)
        message = await receive(other_user)
        assert (message["type"], message["id"]) == ("notification", bob_id)
        assert "data" not in message["notification"]
        for ws in (first_tab, second_tab, other_user):
            await ws.close()

    run(scenario())


def test_offline_notifications_survive_a_restart_and_arrive_oldest_first(start_server):
    first = start_server()
    sent = [publish(first, "offline-cat", n) for n in range(1, 4)]
    stop_and_check(first)
    restarted = start_server()  # the same --data-dir

    async def scenario():
        ws = await connect(restarted, "offline-cat")
        backlog = await receive_notifications(ws, 3)
        assert [m["id"] for m in backlog] == sent
        assert [m["notification"]["title"] for m in backlog] == [f"Workflow {n} completed" for n in range(1, 4)]
        live_id = await asyncio.to_thread(publish, restarted, "offline-cat", 4)
        assert (await receive(ws))["id"] == live_id
        await ws.close()

    run(scenario())


def test_ack_reaches_every_tab_and_the_notification_is_not_delivered_again(server):
    first, second = publish(server, "ack-dan", 1), publish(server, "ack-dan", 2)

    async def scenario():
        acking_tab, other_tab = await connect(server, "ack-dan"), await connect(server, "ack-dan")
        for tab in (acking_tab, other_tab):
            assert [m["id"] for m in await receive_notifications(tab, 2)] == [first, second]
        await acking_tab.send(json.dumps({"type": "ack", "id": first}))
        for tab in (acking_tab, other_tab):
            read = await receive(tab)
            assert (read["type"], read["id"]) == ("notification_read", first) and ISO_UTC.match(read["timestamp"])
        # A repeated ack is confirmed to the acking tab only.
        await acking_tab.send(json.dumps({"type": "ack", "id": first}))
        assert (await receive(acking_tab))["type"] == "notification_read"
        assert (await pong_after(other_tab))["type"] == "pong"

        reconnected = await connect(server, "ack-dan")
        assert [m["id"] for m in await receive_notifications(reconnected, 1)] == [second]
        assert (await pong_after(reconnected))["type"] == "pong"
        for ws in (acking_tab, other_tab, reconnected):
            await ws.close()

    run(scenario())


async def error_code_of(server, user, message):
    """Sends `message`, reads the `error` it gets, and checks the connection stays open."""
    ws = await connect(server, user)
    await ws.send(json.dumps(message))
    error = await receive(ws)
    assert error["type"] == "error" and error["data"]["code"] == error["code"], error
    assert (await pong_after(ws))["type"] == "pong"
    await ws.close()
    return error["code"]


@pytest.mark.parametrize(
    "ack, code",
    [
        ({"type": "ack"}, "invalid_message"),
        ({"type": "ack", "id": 42}, "invalid_message"),
        ({"type": "ack", "id": ""}, "invalid_message"),
        ({"type": "ack", "id": "bad id"}, "invalid_message"),
        ({"type": "ack", "id": "ntf_unknown"}, "not_found"),
        ({"type": "dismiss", "id": "x"}, "unknown_type"),
    ],
)
def test_bad_ack_is_an_error_and_the_connection_stays_open(server, ack, code):
    assert run(error_code_of(server, "ack-eve", ack)) == code


def test_ack_of_another_users_notification_is_not_found_and_changes_nothing(server):
    theirs = publish(server, "ack-owner")
    assert run(error_code_of(server, "ack-intruder", {"type": "ack", "id": theirs})) == "not_found"
    assert [n["id"] for n in list_notifications(server, "ack-owner", "?unread=true")["notifications"]] == [theirs]


def test_get_lists_the_callers_notifications_unread_and_in_pages(server):
    ids = [publish(server, "list-fay", n, data={"n": n}) for n in range(1, 6)]
    publish(server, "list-other", 9)

    async def acknowledge(*acked):
        ws = await connect(server, "list-fay")
        await receive_notifications(ws, 5)
        for notification_id in acked:
            await ws.send(json.dumps({"type": "ack", "id": notification_id}))
            assert (await receive(ws))["id"] == notification_id
        await ws.close()

    run(acknowledge(ids[1], ids[3]))

    everything = list_notifications(server, "list-fay")
    assert [n["id"] for n in everything["notifications"]] == ids and everything["has_more"] is False
    listed = everything["notifications"][0]
    assert set(listed) == {"id", "user_id", "title", "body", "action_url", "data", "created_at", "read_at"}
    assert (listed["user_id"], listed["data"], listed["read_at"]) == ("list-fay", {"n": 1}, None)
    assert ISO_UTC.match(listed["created_at"]) and ISO_UTC.match(everything["notifications"][1]["read_at"])

    page = list_notifications(server, "list-fay", "?unread=true&limit=2")
    assert [n["id"] for n in page["notifications"]] == [ids[0], ids[2]] and page["has_more"] is True
    rest = list_notifications(server, "list-fay", f"?unread=true&limit=2&after={ids[2]}")
    assert [n["id"] for n in rest["notifications"]] == [ids[4]] and rest["has_more"] is False
    assert list_notifications(server, "list-fay", f"?after={ids[3]}")["notifications"][0]["id"] == ids[4]
    assert list_notifications(server, "list-nobody")["notifications"] == []


def test_bulk_publish_stores_and_delivers_one_notification_per_user(server):
    async def scenario():
        tabs = {user: await connect(server, user) for user in ("bulk-gil", "bulk-hal")}
        body = {"user_ids": ["bulk-gil", "bulk-hal", "bulk-gil", "bulk-ivy"], **content(3)}
        status, reply = await asyncio.to_thread(http_call, server, "POST", "/api/v1/notifications", body)
        assert status == 202, reply
        stored = reply["data"]["notifications"]
        assert [entry["user_id"] for entry in stored] == ["bulk-gil", "bulk-hal", "bulk-ivy"]
        assert len({entry["id"] for entry in stored}) == 3
        for entry in stored[:2]:
            message = await receive(tabs[entry["user_id"]])
            assert message["id"] == entry["id"] and message["notification"]["title"] == "Workflow 3 completed"
        offline = await connect(server, "bulk-ivy")
        assert (await receive(offline))["id"] == stored[2]["id"]
        for ws in (*tabs.values(), offline):
            await ws.close()

    run(scenario())


LONG = "x" * 5000


@pytest.mark.parametrize(
    "body, field",
    [
        (content(), "user_id"),
        ({"user_id": "u", "user_ids": ["v"], **content()}, "user_id"),
        ({"user_id": 5, **content()}, "user_id"),
        ({"user_id": "bad id", **content()}, "user_id"),
        ({"user_ids": [], **content()}, "user_ids"),
        ({"user_ids": "u", **content()}, "user_ids"),
        ({"user_ids": ["u", 7], **content()}, "user_ids"),
        ({"user_ids": [f"u{n}" for n in range(1001)], **content()}, "user_ids"),
        ({"user_id": "u", **content(), "title": ""}, "title"),
        ({"user_id": "u", **content(), "title": None}, "title"),
        ({"user_id": "u", **content(), "title": ["x"]}, "title"),
        ({"user_id": "u", **content(), "title": "x" * 257}, "title"),
        ({"user_id": "u", "title": "t", "action_url": "/a"}, "body"),
        ({"user_id": "u", **content(), "body": LONG}, "body"),
        # PostgreSQL text cannot hold NUL; refused on every store alike.
        ({"user_id": "u", **content(), "title": "a\u0000b"}, "title"),
        ({"user_id": "u", **content(), "body": "a\u0000b"}, "body"),
        ({"user_id": "u", "title": "t", "body": "b"}, "action_url"),
        ({"user_id": "u", **content(), "action_url": "/" + "x" * 2048}, "action_url"),
        ({"user_id": "u", **content(), "action_url": "javascript:alert(1)"}, "action_url"),
        ({"user_id": "u", **content(), "action_url": "//evil.example.com/x"}, "action_url"),
        ({"user_id": "u", **content(), "data": "text"}, "data"),
        ({"user_id": "u", **content(), "data": [1, 2]}, "data"),
        ({"user_id": "u", **content(), "data": {"blob": "x" * 9000}}, "data"),
    ],
)
def test_invalid_publish_body_is_a_400_naming_the_field(server, body, field):
    status, reply = http_call(server, "POST", "/api/v1/notifications", body)
    assert status == 400 and reply["status"] == "error" and reply["code"] == 400, reply
    assert f"`{field}`" in reply["message"]


def test_publish_needs_an_api_key_and_a_json_object(server):
    status, reply = http_call(server, "POST", "/api/v1/notifications", {"user_id": "u", **content()}, api_key=None)
    assert status == 401 and reply["status"] == "error"
    status, reply = http_call(server, "POST", "/api/v1/notifications", {"user_id": "u", **content()},
                              api_key="nai-wrong")
    assert status == 401
    for raw in (b"{not json", b"[1, 2]", b""):
        status, reply = http_call(server, "POST", "/api/v1/notifications", raw)
        assert status == 400 and "body" in reply["message"], raw
    assert list_notifications(server, "u")["notifications"] == []  # nothing was stored


@pytest.mark.parametrize(
    "query, field", [("?limit=0", "limit"), ("?limit=201", "limit"), ("?limit=ten", "limit"),
                     ("?unread=maybe", "unread"), ("?after=bad%20id", "after")],
)
def test_invalid_list_query_is_a_400_naming_the_parameter(server, query, field):
    status, reply = http_call(server, "GET", f"/api/v1/notifications{query}", api_key=None, token=make_token("q"))
    assert status == 400 and f"`{field}`" in reply["message"]


def test_list_needs_a_valid_bearer_token(server):
    assert http_call(server, "GET", "/api/v1/notifications", api_key=None)[0] == 401
    assert http_call(server, "GET", "/api/v1/notifications", api_key=None, token="not-a-jwt")[0] == 401
    # The API key is not a user: it lists nobody's notifications.
    assert http_call(server, "GET", "/api/v1/notifications")[0] == 401


def test_backlog_beyond_its_limit_says_where_to_page_from(start_server):
    limited = start_server("--notification-backlog-limit", "3")
    ids = [publish(limited, "many-jo", n) for n in range(1, 6)]

    async def scenario():
        ws = await connect(limited, "many-jo")
        assert [m["id"] for m in await receive_notifications(ws, 3)] == ids[:3]
        truncated = await receive(ws)
        assert truncated["type"] == "notification_backlog_truncated" and truncated["after"] == ids[2]
        await ws.close()
        return truncated["after"]

    after = run(scenario())
    rest = list_notifications(limited, "many-jo", f"?unread=true&after={after}")
    assert [n["id"] for n in rest["notifications"]] == ids[3:]


def all_notification_ids(server, user):
    """Every notification of `user` in stored order, over as many pages as it takes."""
    ids, after = [], ""
    while True:
        page = list_notifications(server, user, f"?limit=200{after}")
        ids += [n["id"] for n in page["notifications"]]
        if not page["has_more"]:
            return ids
        after = f"&after={ids[-1]}"


def test_notifications_published_while_clients_connect_arrive_in_order_none_lost_none_doubled(start_server):
    busy = start_server("--notification-backlog-limit", "1000")
    publishers, per_publisher = 3, 100
    total = publishers * per_publisher
    published, published_lock = [], threading.Lock()

    async def scenario():
        loop = asyncio.get_running_loop()
        # A client connects each time another 20 notifications have been stored.
        reached = {count: asyncio.Event() for count in range(1, total, 20)}

        def publisher(first):
            for n in range(first, first + per_publisher):
                notification_id = publish(busy, "burst-kim", n)
                with published_lock:
                    published.append(notification_id)
                    count = len(published)
                if count in reached:
                    loop.call_soon_threadsafe(reached[count].set)

        async def client_joining_at(count):
            await reached[count].wait()
            ws = await connect(busy, "burst-kim")
            received = []
            while len(received) < total:
                message = await receive(ws)
                assert message["type"] == "notification", message
                received.append(message["id"])
            await ws.close()
            return received

        clients = [asyncio.create_task(client_joining_at(count)) for count in reached]
        await asyncio.gather(*(asyncio.to_thread(publisher, p * per_publisher) for p in range(publishers)))
        return await asyncio.gather(*clients)

    received_by_client = run(scenario())
    # Concurrent publishers: the order that counts is the stored one.
    stored_order = all_notification_ids(busy, "burst-kim")
    assert sorted(stored_order) == sorted(published) and len(stored_order) == total
    for received in received_by_client:
        assert received == stored_order
