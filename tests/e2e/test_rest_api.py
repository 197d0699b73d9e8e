"""Applications and knowledge documents over REST (API key), with the
platform's envelope and clear errors for bad bodies."""
import pytest

from nadoo_server import http_call

GOOD_APPLICATION = {
    "name": "Support bot",
    "provider": "openai",
    "model": "gpt-4o-mini",
    "system_prompt": "Be helpful.",
    "knowledge_base_ids": ["kb-1", "kb-2"],
    "temperature": 0.3,
    "max_tokens": 512,
    "base_url": "https://llm.example.com/v1",
    "api_key": "sk-secret-value",
}


def test_application_put_get_delete_round_trip(server):
    status, put = http_call(server, "PUT", "/api/v1/applications/app-rest", GOOD_APPLICATION)
    assert status == 200 and put["status"] == "success" and put["code"] == 200
    status, got = http_call(server, "GET", "/api/v1/applications/app-rest")
    assert status == 200
    expected = {k: v for k, v in GOOD_APPLICATION.items() if k != "api_key"}
    assert got["data"] == {"id": "app-rest", **expected, "has_api_key": True}
    assert "sk-secret-value" not in str(got)

    status, replaced = http_call(server, "PUT", "/api/v1/applications/app-rest", {"name": "Renamed"})
    assert status == 200 and replaced["data"]["provider"] == "builtin" and replaced["data"]["name"] == "Renamed"

    assert http_call(server, "DELETE", "/api/v1/applications/app-rest")[0] == 200
    status, missing = http_call(server, "GET", "/api/v1/applications/app-rest")
    assert status == 404 and missing["status"] == "error" and missing["data"] is None
    assert http_call(server, "DELETE", "/api/v1/applications/app-rest")[0] == 404


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": 5}, "name"),
        ({"name": "x", "provider": "skynet"}, "provider"),
        ({"name": "x", "temperature": 3}, "temperature"),
        ({"name": "x", "temperature": "hot"}, "temperature"),
        ({"name": "x", "max_tokens": 0}, "max_tokens"),
        ({"name": "x", "max_tokens": 1.5}, "max_tokens"),
        ({"name": "x", "knowledge_base_ids": "kb-1"}, "knowledge_base_ids"),
        ({"name": "x", "knowledge_base_ids": ["bad id"]}, "knowledge_base_ids"),
        ({"name": "x", "base_url": "ftp://example.com"}, "base_url"),
        ({"name": "x" * 201}, "name"),
    ],
)
def test_invalid_application_body_is_a_400_naming_the_field(server, body, field):
    status, reply = http_call(server, "PUT", "/api/v1/applications/app-bad", body)
    assert status == 400 and reply["status"] == "error" and reply["code"] == 400
    assert f"`{field}`" in reply["message"]


@pytest.mark.parametrize("body", [b"{not json", b"[1,2]", b""])
def test_body_that_is_not_a_json_object_is_a_400(server, body):
    status, reply = http_call(server, "PUT", "/api/v1/applications/app-bad", body)
    assert status == 400 and "JSON" in reply["message"]


def test_rest_calls_need_the_api_key(server):
    assert http_call(server, "PUT", "/api/v1/applications/app-x", GOOD_APPLICATION, api_key=None)[0] == 401
    assert http_call(server, "GET", "/api/v1/applications/app-x", api_key="nai-wrong")[0] == 401
    document = {"filename": "a.md", "content": "text"}
    assert http_call(server, "PUT", "/api/v1/knowledge-bases/kb/documents/d", document, api_key=None)[0] == 401


def test_wrong_method_is_405_and_bad_path_id_is_400(server):
    assert http_call(server, "POST", "/api/v1/applications/app-x", GOOD_APPLICATION)[0] == 405
    assert http_call(server, "GET", "/api/v1/applications/bad%20id")[0] == 400


def test_document_put_chunks_and_delete(server):
    content = "# Intro\n\nFirst paragraph.\n\n# Details\n\nSecond paragraph.\n"
    status, reply = http_call(server, "PUT", "/api/v1/knowledge-bases/kb-rest/documents/doc-1",
                              {"filename": "doc.md", "content": content})
    assert status == 200
    assert reply["data"] == {"knowledge_base_id": "kb-rest", "document_id": "doc-1", "chunks": 2}
    assert http_call(server, "DELETE", "/api/v1/knowledge-bases/kb-rest/documents/doc-1")[0] == 200
    assert http_call(server, "DELETE", "/api/v1/knowledge-bases/kb-rest/documents/doc-1")[0] == 404


@pytest.mark.parametrize(
    "body, field",
    [({"content": "x"}, "filename"), ({"filename": "a.md"}, "content"), ({"filename": "a.md", "content": 3}, "content")],
)
def test_invalid_document_body_is_a_400_naming_the_field(server, body, field):
    status, reply = http_call(server, "PUT", "/api/v1/knowledge-bases/kb/documents/d", body)
    assert status == 400 and f"`{field}`" in reply["message"]


def test_body_over_the_limit_is_413(start_server):
    small = start_server("--max-http-body-bytes", "1000")
    status, _ = http_call(small, "PUT", "/api/v1/knowledge-bases/kb/documents/d",
                          {"filename": "a.md", "content": "x" * 2000})
    assert status == 413


def test_readiness_checks_storage(server):
    status, reply = http_call(server, "GET", "/readyz", api_key=None)
    assert status == 200 and reply["data"] == {"broker": "ready", "storage": "ready"}
