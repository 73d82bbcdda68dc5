"""Two small ASGI middlewares around the GraphQL view: the request id and the body limit.

`RequestId` names every request (Lambda's request id when there is one), answers it in
`x-request-id` and is the last resort: an exception that escapes the app becomes a masked 500
that quotes the id, with the stack trace in the log. `BodyLimit` refuses more than `max_bytes`
(declared or actually streamed) with 413 before anything parses the body.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from returns_api.observability import logger

REQUEST_ID_KEY = "returns.request_id"  # where the id waits in the ASGI scope for the view


def request_id_of(scope: Scope) -> str:
    return str(scope.get(REQUEST_ID_KEY) or "unknown")


def error_response(status: int, message: str, code: str, **extensions: str) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]},
        status_code=status,
    )


class RequestId:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        scope[REQUEST_ID_KEY] = request_id
        started = False

        async def send_named(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_named)
        except Exception:  # last resort: never leak internals, always leave a trace
            logger.exception("unhandled error serving a request", extra={"request_id": request_id})
            if started:
                raise
            response = error_response(
                500,
                f"Unexpected error. Reference: {request_id}",
                "INTERNAL_SERVER_ERROR",
                requestId=request_id,
            )
            await response(scope, receive, send_named)


class BodyLimit:
    """Reads the whole body first (bounded), then hands it to the app in one message."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = await self._read(scope, receive)
        if body is None:
            too_large = error_response(
                413, f"Request body larger than {self.max_bytes} bytes", "PAYLOAD_TOO_LARGE"
            )
            await too_large(scope, receive, send)
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()  # after the body: the client's disconnect, if any
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _read(self, scope: Scope, receive: Receive) -> bytes | None:
        """The body, or None when it is (or says it is) larger than the limit."""
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


def _header(scope: Scope, name: bytes) -> str | None:
    headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _request_id(scope: Scope) -> str:
    """Lambda's request id when there is one (it is on every log line), else a fresh one."""
    context: Any = scope.get("aws.context")
    aws_request_id = getattr(context, "aws_request_id", None)
    if isinstance(aws_request_id, str) and aws_request_id:
        return aws_request_id
    event = scope.get("aws.event")
    if isinstance(event, dict):
        api_request_id = event.get("requestContext", {}).get("requestId")
        if isinstance(api_request_id, str) and api_request_id:
            return api_request_id
    return str(uuid.uuid4())
