"""The demo data that scripts/run loads: every endpoint family works at once
for the development user, as the URLs scripts/run prints promise."""

import json

import websockets

from nadoo_server import http_call, make_token, run


def test_development_user_is_a_member_of_the_demo_workspace(demo_server):
    async def scenario():
        url = demo_server.ws_url(f"/ws/workspaces/ws-123?token={make_token('user-123')}")
        async with websockets.connect(url) as ws:
            connected = json.loads(await ws.recv())
            assert connected["type"] == "connected"
            assert connected["members_online"] == ["user-123"]

    run(scenario())


def test_demo_plugin_execution_has_a_console(demo_server):
    async def scenario():
        async with websockets.connect(demo_server.ws_url("/api/v1/ws/plugin/debug/exec-uuid-123")) as ws:
            info = json.loads(await ws.recv())
            assert info["type"] == "execution_info"
            assert info["data"]["tool_name"] == "summarize_report"
            assert info["data"]["workspace_id"] == "ws-123"

    run(scenario())


def test_demo_report_belongs_to_the_demo_workspace(demo_server):
    async def scenario():
        url = demo_server.ws_url(f"/ws/workspaces/ws-123?token={make_token('user-123')}")
        async with websockets.connect(url) as ws:
            await ws.recv()  # connected
            body = {"filename": "q4-report.md", "content": "# Q4\nRevised.", "workspace_id": "ws-123"}
            status, _ = http_call(demo_server, "PUT", "/api/v1/knowledge-bases/kb-demo-reports/documents/q4-report",
                                  body)
            assert status == 200
            event = json.loads(await ws.recv())
            assert (event["type"], event["document_id"], event["action"]) == ("document_updated", "q4-report",
                                                                              "updated")

    run(scenario())
