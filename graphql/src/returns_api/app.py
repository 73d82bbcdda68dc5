"""The ASGI app: POST /graphql (GraphiQL on GET when enabled) and GET /health.

The same app runs under uvicorn locally and under Mangum on Lambda: Strawberry's ASGI view
behind two small middlewares (request id outermost, then the body limit).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from returns_api.context import Services
from returns_api.loaders import Blocking
from returns_api.middleware import BodyLimit, RequestId
from returns_api.schema import build_schema
from returns_api.settings import Settings
from returns_api.view import GraphQLView
from returns_shared.service.ports import CommandBus, LabelStore, MailStore, PhotoStore, ReturnsReader

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
    blocking: Blocking = asyncio.to_thread,
    mail_store: MailStore | None = None,
    photo_store: PhotoStore | None = None,
) -> GatewayApp:
    """Wire the gateway. `policy` defaults to the policy package's current document; `blocking`
    runs the ports' calls (a worker thread; `loaders.inline` on Lambda, see context.Services)."""
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
        blocking=blocking,
        mail_store=mail_store,
        photo_store=photo_store,
    )
    view = GraphQLView(build_schema(settings), services, graphiql=settings.developer_tools)
    return GatewayApp(view, max_body_bytes=settings.max_body_bytes)


class GatewayApp:
    """Routes by path; `view` stays reachable for tests and the local stack."""

    def __init__(self, view: GraphQLView, *, max_body_bytes: int) -> None:
        self.view = view
        self._app: ASGIApp = RequestId(BodyLimit(self._route, max_bytes=max_body_bytes))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
        elif scope["type"] == "http":  # websockets: not offered
            await self._app(scope, receive, send)

    async def _route(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", "/")).rstrip("/") or "/"
        if path == GRAPHQL_PATH:
            await self.view(scope, receive, send)
            return
        response = JSONResponse({"status": "ok"}) if path == HEALTH_PATH else JSONResponse(
            {"error": "Not Found"}, status_code=404)
        await response(scope, receive, send)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
