"""The ASGI app: POST /graphql (GraphiQL on GET when enabled) and GET /health.

The same app runs under uvicorn locally and under Mangum on Lambda.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cross_web import HTTPException

from returns_api.asgi import (
    ASGIApp,
    BodyTooLarge,
    Receive,
    Request,
    Response,
    Scope,
    Send,
    read_body,
)
from returns_api.context import Services
from returns_api.observability import logger
from returns_api.schema import build_schema
from returns_api.settings import Settings
from returns_api.view import GraphQLView
from returns_shared.service.ports import CommandBus, LabelStore, ReturnsReader

if TYPE_CHECKING:
    from returns_shared.policy.document import PolicyDocument

GRAPHQL_PATH = "/graphql"
HEALTH_PATH = "/health"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(
    *,
    reader: ReturnsReader,
    command_bus: CommandBus,
    label_store: LabelStore,
    settings: Settings,
    policy: PolicyDocument | None = None,
    clock: Callable[[], datetime] = _utc_now,
) -> ASGIApp:
    """Wire the gateway. `policy` defaults to the policy package's current document."""
    if policy is None:
        from returns_shared.policy.document import load_policy

        policy = load_policy()
    services = Services(
        reader=reader,
        command_bus=command_bus,
        label_store=label_store,
        policy=policy,
        settings=settings,
        clock=clock,
    )
    view = GraphQLView(build_schema(settings), services, graphiql=settings.developer_tools)
    return GatewayApp(view, max_body_bytes=settings.max_body_bytes)


class GatewayApp:
    def __init__(self, view: GraphQLView, *, max_body_bytes: int) -> None:
        self.view = view
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":  # websockets: not offered
            return
        request_id = _request_id(scope)
        scope["returns.request_id"] = request_id
        response = await self._respond(scope, receive, request_id)
        response.headers["x-request-id"] = request_id
        await response.send_to(send)

    async def _respond(self, scope: Scope, receive: Receive, request_id: str) -> Response:
        path = str(scope.get("path", "/")).rstrip("/") or "/"
        if path == HEALTH_PATH:
            return Response.json({"status": "ok"})
        if path != GRAPHQL_PATH:
            return Response.json({"error": "Not Found"}, status=404)
        try:
            body = await read_body(scope, receive, self.max_body_bytes)
            return await self.view.run(Request(scope, body))
        except BodyTooLarge:
            return Response.json(
                {"errors": [{"message": f"Request body larger than {self.max_body_bytes} bytes",
                             "extensions": {"code": "PAYLOAD_TOO_LARGE"}}]},
                status=413,
            )
        except HTTPException as exc:
            return Response.json(
                {"errors": [{"message": exc.reason, "extensions": {"code": "BAD_REQUEST"}}]},
                status=exc.status_code,
            )
        except Exception:  # noqa: BLE001 - last resort: never leak internals, always leave a trace
            logger.exception("unhandled error serving a request", extra={"request_id": request_id})
            return Response.json(
                {"errors": [{"message": f"Unexpected error. Reference: {request_id}",
                             "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}}]},
                status=500,
            )


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


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
