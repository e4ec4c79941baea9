"""JSON-P: a GET under the CamTrace prefixes with `_callback=name` gets its JSON answer wrapped as
`name({"meta": {"status": <code>}, "data": <body>});` (HTTP 200, application/javascript), so a
browser script can read it cross-domain, errors included. Non-JSON answers are left alone.

A plain ASGI middleware: requests without `_callback` pass straight through at no cost.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

from fastapi import FastAPI

CALLBACK = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$.]{0,99}$")


class JsonpMiddleware:
    def __init__(self, app, prefixes: tuple[str, ...]) -> None:
        self.app = app
        self.prefixes = prefixes

    async def __call__(self, scope, receive, send):
        callback = self._callback(scope)
        if callback is None:
            return await self.app(scope, receive, send)
        if not CALLBACK.match(callback):
            return await _send(send, 400, "application/json", json.dumps({"error": "Invalid _callback name"}))
        captured: dict = {"start": None, "body": []}

        async def capture(message):
            if message["type"] == "http.response.start":
                captured["start"] = message
            elif message["type"] == "http.response.body":
                captured["body"].append(message.get("body", b""))

        await self.app(scope, receive, capture)
        start, body = captured["start"], b"".join(captured["body"])
        headers = dict(start["headers"]) if start else {}
        if start is None or not headers.get(b"content-type", b"").startswith(b"application/json"):
            if start is not None:
                await send(start)
            return await send({"type": "http.response.body", "body": body})
        data = json.loads(body) if body else None
        wrapped = f"{callback}({json.dumps({'meta': {'status': start['status']}, 'data': data})});"
        await _send(send, 200, "application/javascript", wrapped)

    def _callback(self, scope) -> str | None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(self.prefixes):
            return None
        if b"_callback" not in scope.get("query_string", b""):
            return None
        values = parse_qs(scope["query_string"].decode("latin-1")).get("_callback")
        return values[-1] if values else None


async def _send(send, status: int, media_type: str, text: str) -> None:
    body = text.encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", media_type.encode()), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def install_jsonp(app: FastAPI, prefixes: tuple[str, ...]) -> None:
    app.add_middleware(JsonpMiddleware, prefixes=prefixes)
