#!/usr/bin/python3
"""A fake OpenAI-compatible upstream for Nadoo Realtime's tests and benchmarks.

Standard library only (asyncio). Run:

    /usr/bin/python3 tests/fake_openai/fake_openai_server.py \
        [--host 127.0.0.1] [--port 0] [--tls-cert CERT.pem --tls-key KEY.pem] [--api-key KEY]

When ready it prints exactly one line on stdout, flushed:

    listening on http://127.0.0.1:PORT        (https://… with --tls-cert)

and serves until killed (SIGTERM/SIGINT). With --api-key, a chat request whose
`Authorization` is not `Bearer KEY` gets 401 (without it any or no key passes).

Endpoints
---------
POST <any path ending in>/chat/completions
    An OpenAI Chat Completions request. The scenario is the request's `model`:
    a name, then optional `:key=value` parameters, e.g.
    `normal:tokens=50:interval_ms=20` or `slow:tokens=1000:interval_ms=200`.

    normal           streams `tokens` (default 5) deltas "tok0 ", "tok1 ", …
                     `interval_ms` (default 10) apart, then a finish chunk,
                     then the usage chunk (when the request asked for
                     stream_options.include_usage and usage != 0), then
                     `data: [DONE]`. The answer is "tok0 tok1 … tok{N-1} ".
    slow             the same with defaults tokens=1000, interval_ms=200.
    echo             streams the words of the last user message (each with
                     its following space) like `normal`.
    error_midstream  `tokens` (default 3) deltas, then with mode=drop
                     (default) the connection is cut; with mode=event an
                     SSE `data: {"error":{…}}` event is sent and the body ends.
    hang             reads the request and never answers.
    malformed        `tokens` (default 1) deltas, then `data: {not json`.
    rate_limited     429 {"error":{"message":…,"type":"requests","code":"rate_limit_exceeded"}}
    context_overflow 400 {"error":{…,"code":"context_length_exceeded"}}
    unauthorized     401 {"error":{…,"code":"invalid_api_key"}}
    server_error     `status` (default 500) with an OpenAI error body.

    Streaming parameters for every streaming scenario:
      finish=stop|length  the finish_reason sent (default stop)
      usage=0             no usage chunk
      framing=close       a close-delimited body (Connection: close, no
                          Transfer-Encoding) instead of chunked
    Unknown scenario names get 404 with code model_not_found.

GET /_control/requests
    {"requests": [{"id": 1, "model": "normal:tokens=3", "scenario": "normal",
      "path": "/v1/chat/completions", "messages": [{"role":…, "content":…}],
      "temperature": 0.7, "max_tokens": 1024, "stream": true, "include_usage": true,
      "authorization_present": true, "client_disconnected": false,
      "completed": true, "tokens_sent": 3}, …]}
    in arrival order, ids from 1. `authorization_present` says whether an
    Authorization header came (the key itself is never kept).
    `client_disconnected`: the client closed the connection before the fake had
    sent its whole answer. `completed`: the fake sent its whole scripted answer
    (through [DONE] for streams; error answers count as completed; hang and
    error_midstream with mode=drop never complete).

POST /_control/reset
    Forgets all recorded requests; answers {"ok": true}.
"""

import argparse
import asyncio
import json
import ssl
import sys
import time

MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 16 * 1024 * 1024


class Connection:
    """One client connection: its own read buffer, so that a watcher for the
    client closing can read while an answer streams without losing bytes."""

    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer
        self.buffer = bytearray()
        self.eof = False

    async def fill(self):
        data = await self.reader.read(65536)
        if not data:
            self.eof = True
            return False
        self.buffer += data
        return True

    async def read_until(self, delimiter, limit):
        while True:
            at = self.buffer.find(delimiter)
            if at >= 0:
                data = bytes(self.buffer[: at + len(delimiter)])
                del self.buffer[: at + len(delimiter)]
                return data
            if len(self.buffer) > limit or not await self.fill():
                return None

    async def read_exactly(self, size):
        while len(self.buffer) < size:
            if not await self.fill():
                return None
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    async def watch_for_close(self):
        """Returns once the client has closed its side (or the socket broke)."""
        try:
            while await self.fill():
                pass
        except (ConnectionError, ssl.SSLError, OSError):
            pass

    async def send(self, data):
        self.writer.write(data)
        await self.writer.drain()


class Request:
    def __init__(self, method, path, headers, body):
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body


async def read_request(conn):
    head = await conn.read_until(b"\r\n\r\n", MAX_HEADER_BYTES)
    if head is None:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    body = b""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size_line = await conn.read_until(b"\r\n", 1024)
            if size_line is None:
                return None
            size = int(size_line.split(b";")[0].strip(), 16)
            chunk = await conn.read_exactly(size + 2)
            if chunk is None:
                return None
            if size == 0:
                break
            body += chunk[:-2]
    elif "content-length" in headers:
        length = int(headers["content-length"])
        if length > MAX_BODY_BYTES:
            return None
        body = await conn.read_exactly(length)
        if body is None:
            return None
    return Request(method, target.split("?", 1)[0], headers, body)


def response_head(status, reason, headers):
    lines = [f"HTTP/1.1 {status} {reason}"] + [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def send_json(conn, status, reason, document, extra_headers=()):
    body = json.dumps(document).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    await conn.send(response_head(status, reason, headers + list(extra_headers)) + body)


def openai_error(message, error_type, code, param=None):
    return {"error": {"message": message, "type": error_type, "param": param, "code": code}}


def parse_scenario(model):
    name, *pairs = str(model).split(":")
    params = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        params[key] = int(value) if value.lstrip("-").isdigit() else value
    return name, params


class FakeOpenAi:
    def __init__(self, api_key):
        self.api_key = api_key
        self.requests = []

    async def serve(self, reader, writer):
        conn = Connection(reader, writer)
        try:
            while True:
                request = await read_request(conn)
                if request is None:
                    break
                keep_alive = await self.dispatch(conn, request)
                if not keep_alive or request.headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, ssl.SSLError, OSError, ValueError):
            pass
        finally:
            try:
                writer.close()
            except (ConnectionError, ssl.SSLError, OSError):
                pass

    async def dispatch(self, conn, request):
        if request.method == "GET" and request.path == "/_control/requests":
            await send_json(conn, 200, "OK", {"requests": self.requests})
            return True
        if request.method == "POST" and request.path == "/_control/reset":
            self.requests.clear()
            await send_json(conn, 200, "OK", {"ok": True})
            return True
        if request.method == "POST" and request.path.endswith("/chat/completions"):
            return await self.chat(conn, request)
        await send_json(conn, 404, "Not Found", openai_error("no such endpoint", "invalid_request_error", None))
        return True

    async def chat(self, conn, request):
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            await send_json(conn, 400, "Bad Request", openai_error("body is not JSON", "invalid_request_error", None))
            return True
        model = body.get("model", "")
        name, params = parse_scenario(model)
        record = {
            "id": len(self.requests) + 1,
            "model": model,
            "scenario": name,
            "path": request.path,
            "messages": body.get("messages", []),
            "temperature": body.get("temperature"),
            "max_tokens": body.get("max_tokens"),
            "stream": bool(body.get("stream", False)),
            "include_usage": bool((body.get("stream_options") or {}).get("include_usage", False)),
            "authorization_present": "authorization" in request.headers,
            "client_disconnected": False,
            "completed": False,
            "tokens_sent": 0,
        }
        self.requests.append(record)
        answer = Answer(conn, record, body, params)
        try:
            if self.api_key is not None and request.headers.get("authorization") != f"Bearer {self.api_key}":
                return await answer.error(401, "Unauthorized", openai_error(
                    "Incorrect API key provided.", "invalid_request_error", "invalid_api_key"))
            return await answer.play(name)
        except (ConnectionError, ssl.SSLError, OSError):
            if not record["completed"]:
                record["client_disconnected"] = True
            return False
        finally:
            await answer.stop_watching()


class Answer:
    """Plays one scenario to one request and keeps its record up to date."""

    def __init__(self, conn, record, body, params):
        self.conn = conn
        self.record = record
        self.body = body
        self.params = params
        self.watch = None
        self.framing_close = params.get("framing") == "close"

    async def stop_watching(self):
        # Awaited, not just cancelled: the next request's read must not race
        # the watcher's read on the same stream.
        if self.watch is not None and not self.watch.done():
            self.watch.cancel()
            try:
                await self.watch
            except asyncio.CancelledError:
                pass

    def client_gone(self):
        if self.watch is not None and self.watch.done():
            self.record["client_disconnected"] = True
            return True
        return False

    async def pause(self, seconds):
        """Waits, and says whether the client closed meanwhile."""
        if seconds > 0:
            await asyncio.wait({self.watch}, timeout=seconds)
        return self.client_gone()

    async def error(self, status, reason, document, extra_headers=()):
        await send_json(self.conn, status, reason, document, extra_headers)
        self.record["completed"] = True
        return True

    async def play(self, name):
        params = self.params
        if name == "normal":
            return await self.stream(self.numbered_tokens(params.get("tokens", 5)), params.get("interval_ms", 10))
        if name == "slow":
            return await self.stream(self.numbered_tokens(params.get("tokens", 1000)), params.get("interval_ms", 200))
        if name == "echo":
            return await self.stream(self.echoed_words(), params.get("interval_ms", 10))
        if name == "error_midstream":
            ending = "error_event" if params.get("mode") == "event" else "drop"
            return await self.stream(self.numbered_tokens(params.get("tokens", 3)), params.get("interval_ms", 10),
                                     ending=ending)
        if name == "malformed":
            return await self.stream(self.numbered_tokens(params.get("tokens", 1)), params.get("interval_ms", 10),
                                     ending="malformed")
        if name == "hang":
            self.watch = asyncio.ensure_future(self.conn.watch_for_close())
            await self.watch
            self.record["client_disconnected"] = True
            return False
        if name == "rate_limited":
            return await self.error(429, "Too Many Requests", openai_error(
                "Rate limit reached for requests. Please try again in 1s.", "requests", "rate_limit_exceeded"),
                [("Retry-After", "1")])
        if name == "context_overflow":
            return await self.error(400, "Bad Request", openai_error(
                "This model's maximum context length is 8192 tokens. However, your messages resulted in "
                "9000 tokens. Please reduce the length of the messages.",
                "invalid_request_error", "context_length_exceeded", "messages"))
        if name == "unauthorized":
            return await self.error(401, "Unauthorized", openai_error(
                "Incorrect API key provided.", "invalid_request_error", "invalid_api_key"))
        if name == "server_error":
            return await self.error(params.get("status", 500), "Server Error", openai_error(
                "The server had an error while processing your request.", "server_error", None))
        return await self.error(404, "Not Found", openai_error(
            f"The model `{name}` does not exist.", "invalid_request_error", "model_not_found"))

    @staticmethod
    def numbered_tokens(count):
        return [f"tok{i} " for i in range(count)]

    def echoed_words(self):
        users = [m.get("content", "") for m in self.body.get("messages", []) if m.get("role") == "user"]
        words = (users[-1] if users else "").split()
        return [word + " " for word in words]

    def chunk(self, delta, finish_reason=None, usage_field=True):
        document = {
            "id": f"chatcmpl-fake-{self.record['id']}",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": self.record["model"],
            "system_fingerprint": None,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
        }
        if self.record["include_usage"] and usage_field:
            document["usage"] = None
        return document

    async def send_event(self, text):
        data = text.encode()
        if not self.framing_close:
            data = f"{len(data):x}\r\n".encode() + data + b"\r\n"
        await self.conn.send(data)

    async def stream(self, tokens, interval_ms, ending="done"):
        headers = [("Content-Type", "text/event-stream; charset=utf-8"), ("Cache-Control", "no-cache")]
        headers.append(("Connection", "close") if self.framing_close else ("Transfer-Encoding", "chunked"))
        await self.conn.send(response_head(200, "OK", headers))
        self.watch = asyncio.ensure_future(self.conn.watch_for_close())
        # A comment first, as some providers send while the model warms up.
        await self.send_event(": processing\n\n")
        await self.send_event("data: " + json.dumps(self.chunk({"role": "assistant", "content": ""})) + "\n\n")
        for index, token in enumerate(tokens):
            if index > 0 and await self.pause(interval_ms / 1000):
                return False
            if self.client_gone():
                return False
            await self.send_event("data: " + json.dumps(self.chunk({"content": token})) + "\n\n")
            self.record["tokens_sent"] += 1

        if ending == "drop":
            await self.pause(interval_ms / 1000)
            self.conn.writer.transport.abort()
            return False
        if ending == "malformed":
            await self.send_event("data: {not json\n\n")
        elif ending == "error_event":
            await self.send_event("data: " + json.dumps(openai_error(
                "The server had an error while processing your request.", "server_error", None)) + "\n\n")
        else:
            finish = self.params.get("finish", "stop")
            await self.send_event("data: " + json.dumps(self.chunk({}, finish)) + "\n\n")
            if self.record["include_usage"] and self.params.get("usage", 1) != 0:
                prompt = sum(len(str(m.get("content", "")).split()) for m in self.record["messages"])
                usage = {"prompt_tokens": prompt, "completion_tokens": len(tokens),
                         "total_tokens": prompt + len(tokens)}
                document = self.chunk({}, usage_field=False)
                document["choices"] = []
                document["usage"] = usage
                await self.send_event("data: " + json.dumps(document) + "\n\n")
            await self.send_event("data: [DONE]\n\n")
        if not self.framing_close:
            await self.conn.send(b"0\r\n\r\n")
        if self.client_gone():
            return False
        self.record["completed"] = True
        return not self.framing_close


async def main():
    parser = argparse.ArgumentParser(description="Fake OpenAI-compatible upstream (see the module docstring).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-cert", help="PEM certificate: serve HTTPS")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    parser.add_argument("--api-key", help="require `Authorization: Bearer KEY` on chat requests")
    args = parser.parse_args()

    tls = None
    if args.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)

    fake = FakeOpenAi(args.api_key)
    # A deep backlog: benchmarks open hundreds of streams at once.
    server = await asyncio.start_server(fake.serve, args.host, args.port, ssl=tls, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    scheme = "https" if tls else "http"
    print(f"listening on {scheme}://{args.host}:{port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
