"""What the Python peers (python-websockets/, fastapi/) share, independent of
their WebSocket library: access-token verification, who is online in which
workspace, and the workspace endpoint's messages in nadoo-realtime's shapes.
Each peer keeps its own rooms and its library's own broadcast."""

import json
import os
from datetime import datetime, timezone

import jwt  # PyJWT, Debian's python3-jwt

# The same inbound limit as nadoo-realtime's default (`max_message_bytes`).
MAX_MESSAGE_BYTES = 64 * 1024


def jwt_secret():
    secret = os.environ.get("JWT_SECRET")
    if not secret:
        raise SystemExit("JWT_SECRET is not set")
    return secret


def verified_user(token, secret):
    """The user of an HS256 access token signed with `secret` (claims `sub`,
    `exp`; `type`, when present, must be `access`), or None."""
    if not token:
        return None
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["exp", "sub"]})
    except jwt.InvalidTokenError:
        return None
    if claims.get("type", "access") != "access":
        return None
    subject = claims["sub"]
    return subject if isinstance(subject, str) and subject else None


class WorkspacePresence:
    """Connections per user per workspace: presence is announced per user,
    not per connection."""

    def __init__(self):
        self._workspaces = {}  # workspace id → {user id: open connections}

    def arrive(self, workspace_id, user_id):
        """Counts a connection in; returns (first connection of the user?,
        users online now, the user too)."""
        users = self._workspaces.setdefault(workspace_id, {})
        users[user_id] = users.get(user_id, 0) + 1
        return users[user_id] == 1, list(users)

    def depart(self, workspace_id, user_id):
        """Counts a connection out; True when it was the user's last there."""
        users = self._workspaces.get(workspace_id, {})
        connections = users.get(user_id, 0) - 1
        if connections > 0:
            users[user_id] = connections
            return False
        users.pop(user_id, None)
        if not users:
            self._workspaces.pop(workspace_id, None)
        return True


def to_json(message):
    """Compact, as the other servers write it: `"sent_us":1` (the generator
    reads that field with a regular expression), and fewer bytes per delivery."""
    return json.dumps(message, separators=(",", ":"))


def timestamp():
    """2026-11-28T08:08:00.123Z, as nadoo-realtime writes it."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def connected_message(workspace_id, user_id, members_online):
    return to_json({"type": "connected", "workspace_id": workspace_id, "user_id": user_id,
                    "members_online": members_online, "timestamp": timestamp()})


def presence_message(kind, workspace_id, user_id):
    return to_json({"type": kind, "workspace_id": workspace_id, "user_id": user_id,
                    "timestamp": timestamp()})


def handle_client_message(text, workspace_id, user_id):
    """What a client's text message asks for: ("reply", pong) for a ping,
    ("relay", event) for a `document_updated`, serialized once and stamped
    with sender, workspace and time; None for anything else (dropped)."""
    try:
        message = json.loads(text)
    except ValueError:
        return None
    kind = message.get("type") if isinstance(message, dict) else None
    if kind == "ping":
        return "reply", to_json({"type": "pong", "timestamp": timestamp()})
    if kind != "document_updated":
        return None
    message.update(workspace_id=workspace_id, user_id=user_id, timestamp=timestamp())
    return "relay", to_json(message)
