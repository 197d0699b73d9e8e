"""The contract's token rules: the handshake completes, then 1008 `Invalid token`."""
import json
import time

import jwt
import pytest
import websockets

from nadoo_server import JWT_SECRET, add_workspace_member, make_token, metric, run


@pytest.fixture(scope="module", autouse=True)
def workspace_membership(server):
    for user in ("u1", "u9", "log-user"):
        add_workspace_member(server, "w1", user)


def close_of(server, path, headers=None):
    """Connects, reads until the server closes; returns (code, reason, messages)."""

    async def connect():
        messages = []
        async with websockets.connect(server.ws_url(path), extra_headers=headers or {}) as ws:
            try:
                async for message in ws:
                    messages.append(json.loads(message))
            except websockets.ConnectionClosed:
                pass
            return ws.close_code, ws.close_reason, messages

    return run(connect())


def first_message(server, path, headers=None):
    async def connect():
        async with websockets.connect(server.ws_url(path), extra_headers=headers or {}) as ws:
            return json.loads(await ws.recv())

    return run(connect())


def token_with(payload, secret=JWT_SECRET, algorithm="HS256", headers=None):
    return jwt.encode(payload, secret, algorithm=algorithm, headers=headers)


NOW = int(time.time())
BAD_TOKENS = {
    "expired": make_token("u1", ttl=-3600),
    "wrong_secret": make_token("u1", secret="another-secret"),
    "alg_none": token_with({"sub": "u1", "exp": NOW + 3600}, secret=None, algorithm="none"),
    "hs512_when_hs256_is_configured": make_token("u1", algorithm="HS512"),
    "not_yet_valid": make_token("u1", nbf=NOW + 3600),
    "refresh_token": make_token("u1", type="refresh"),
    "missing_exp": token_with({"sub": "u1", "type": "access"}),
    "malformed": "not-a-jwt",
    "tampered": make_token("u1")[:-4] + "AAAA",
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
@pytest.mark.parametrize("path", ["/ws/chat/s1", "/ws/notifications/u1", "/ws/workspaces/w1"])
def test_bad_token_closes_with_1008_invalid_token(server, case, path):
    code, reason, messages = close_of(server, f"{path}?token={BAD_TOKENS[case]}")
    assert (code, reason) == (1008, "Invalid token")
    assert messages == []


@pytest.mark.parametrize("path", ["/ws/notifications/u1", "/ws/workspaces/w1"])
def test_missing_token_closes_with_1008_where_required(server, path):
    assert close_of(server, path)[:2] == (1008, "Invalid token")


def test_notification_user_must_match_token_subject(server):
    code, reason, _ = close_of(server, f"/ws/notifications/someone-else?token={make_token('u1')}")
    assert (code, reason) == (1008, "Invalid token")


def test_auth_failures_are_counted_in_metrics(server):
    before = metric(server, "nadoo_auth_failures_total")
    close_of(server, f"/ws/workspaces/w1?token={BAD_TOKENS['expired']}")
    assert metric(server, "nadoo_auth_failures_total") == before + 1


def test_chat_without_token_admits_an_anonymous_guest(server):
    message = first_message(server, "/ws/chat/guest-session")
    assert message["type"] == "connected"
    assert message["user_id"].startswith("guest-")
    assert len(message["user_id"]) == len("guest-") + 16


def test_two_guests_get_different_ids(server):
    first = first_message(server, "/ws/chat/guest-session")["user_id"]
    second = first_message(server, "/ws/chat/guest-session")["user_id"]
    assert first != second


def test_chat_can_be_configured_to_require_a_token(start_server):
    strict = start_server("--chat-require-token")
    assert close_of(strict, "/ws/chat/s1")[:2] == (1008, "Invalid token")
    assert first_message(strict, f"/ws/chat/s1?token={make_token('u7')}")["user_id"] == "u7"


def test_bearer_header_is_accepted_instead_of_query_token(server):
    message = first_message(server, "/ws/workspaces/w1", headers={"Authorization": f"Bearer {make_token('u9')}"})
    assert message["user_id"] == "u9"


def test_token_within_leeway_is_accepted(server):
    message = first_message(server, f"/ws/workspaces/w1?token={make_token('u1', ttl=-10)}")
    assert message["type"] == "connected"


def test_issuer_and_audience_are_checked_when_configured(start_server):
    strict = start_server("--jwt-issuer", "nadoo", "--jwt-audience", "realtime")
    add_workspace_member(strict, "w1", "u1")
    good = make_token("u1", iss="nadoo", aud=["realtime", "api"])
    assert first_message(strict, f"/ws/workspaces/w1?token={good}")["type"] == "connected"
    for bad in (make_token("u1", iss="other", aud="realtime"), make_token("u1", iss="nadoo", aud="other"),
                make_token("u1")):
        assert close_of(strict, f"/ws/workspaces/w1?token={bad}")[:2] == (1008, "Invalid token")


def test_hs384_is_used_when_configured(start_server):
    hs384 = start_server(env={"JWT_ALGORITHM": "HS384"})
    add_workspace_member(hs384, "w1", "u1")
    assert first_message(hs384, f"/ws/workspaces/w1?token={make_token('u1', algorithm='HS384')}")["user_id"] == "u1"
    assert close_of(hs384, f"/ws/workspaces/w1?token={make_token('u1')}")[:2] == (1008, "Invalid token")


def test_token_never_appears_in_the_log(server):
    token = make_token("log-user")
    first_message(server, f"/ws/workspaces/w1?token={token}")
    close_of(server, f"/ws/workspaces/w1?token={token[:-3]}xyz")
    assert token.split(".")[2] not in server.log()
    assert token not in server.log()


@pytest.mark.parametrize("algorithm", ["RS256", "ES256"])
def test_public_key_algorithms_verify_and_refuse_hmac_confusion(start_server, tmp_path, algorithm):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    private_key = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if algorithm == "RS256"
        else ec.generate_private_key(ec.SECP256R1())
    )
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    key_file = tmp_path / "public.pem"
    key_file.write_bytes(public_pem)
    keyed = start_server("--jwt-algorithm", algorithm, "--jwt-public-key-file", str(key_file))
    add_workspace_member(keyed, "w1", "u1")

    signed = token_with({"sub": "u1", "exp": NOW + 3600}, secret=private_key, algorithm=algorithm)
    assert first_message(keyed, f"/ws/workspaces/w1?token={signed}")["user_id"] == "u1"
    # The classic confusion attack: HMAC keyed with the public key's PEM text.
    import base64, hashlib, hmac

    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = b64(b'{"alg":"HS256","typ":"JWT"}') + "." + b64(json.dumps({"sub": "u1", "exp": NOW + 3600}).encode())
    forged = signing_input + "." + b64(hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest())
    assert close_of(keyed, f"/ws/workspaces/w1?token={forged}")[:2] == (1008, "Invalid token")
