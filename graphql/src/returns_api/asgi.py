"""Minimal ASGI plumbing: request/response values and the body-size guard.

strawberry.asgi needs Starlette, which is not a dependency here; the gateway needs only POST
JSON, a GET for GraphiQL and /health, so these few lines stand in for it.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyTooLarge(Exception):
    pass


@dataclass
class Request:
    scope: Scope
    body: bytes

    @property
    def method(self) -> str:
        return str(self.scope.get("method", "GET")).upper()

    @property
    def path(self) -> str:
        return str(self.scope.get("path", "/"))

    @property
    def headers(self) -> dict[str, str]:
        """Lower-case names; repeated headers joined with ', ' (RFC 9110)."""
        merged: dict[str, str] = {}
        for raw_name, raw_value in self.scope.get("headers", []):
            name = raw_name.decode("latin-1").lower()
            value = raw_value.decode("latin-1")
            merged[name] = f"{merged[name]}, {value}" if name in merged else value
        return merged

    @property
    def query_params(self) -> dict[str, str]:
        query = self.scope.get("query_string", b"").decode("latin-1")
        return dict(parse_qsl(query, keep_blank_values=True))

    @property
    def url(self) -> str:
        host = self.headers.get("host", "localhost")
        query = self.scope.get("query_string", b"").decode("latin-1")
        return f"{self.scope.get('scheme', 'http')}://{host}{self.path}" + (f"?{query}" if query else "")


@dataclass
class Response:
    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = "application/json"

    @classmethod
    def json(cls, data: object, status: int = 200) -> Response:
        return cls(json.dumps(data, separators=(",", ":")).encode(), status=status)

    @classmethod
    def text(cls, text: str, status: int) -> Response:
        return cls(text.encode(), status=status, media_type="text/plain; charset=utf-8")

    @classmethod
    def html(cls, text: str) -> Response:
        return cls(text.encode(), media_type="text/html; charset=utf-8")

    async def send_to(self, send: Send) -> None:
        headers = {"content-type": self.media_type, **self.headers, "content-length": str(len(self.body))}
        await send(
            {
                "type": "http.response.start",
                "status": self.status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
            }
        )
        await send({"type": "http.response.body", "body": self.body})


async def read_body(scope: Scope, receive: Receive, limit: int) -> bytes:
    """The whole body, refusing more than `limit` bytes (declared or actually sent)."""
    declared = _headers(scope).get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _headers(scope: Scope) -> Mapping[str, str]:
    return {
        name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])
    }
