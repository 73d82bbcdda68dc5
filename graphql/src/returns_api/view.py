"""The GraphQL view: Strawberry's public ASGI integration with our context, JSON rules and GraphiQL.

Only POST runs operations (GET serves GraphiQL when enabled); no subscriptions or websockets.
A body that is not one JSON object (or nests too deeply to decode) is answered 400, never 500.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from returns_api.auth import identify
from returns_api.context import RequestContext, Services
from returns_api.graphiql import DEFAULT_DOCUMENT, offline_ide
from returns_api.middleware import request_id_of
from returns_api.schema import GatewaySchema

_PRELOAD_START = "const EXAMPLE_QUERY = `"


class GraphQLView(GraphQL[RequestContext, None]):
    def __init__(self, schema: GatewaySchema, services: Services, *, graphiql: bool) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql else None,
            allow_queries_via_get=False,  # queries are POSTed; GET serves GraphiQL only
            subscription_protocols=(),
        )
        self.services = services
        # GraphiQL's page, built once: its files from GRAPHIQL_ASSETS_URL (npm), never a CDN, and the
        # example operations preloaded instead of Strawberry's welcome text
        assets = services.settings.graphiql_assets_url
        self._ide_page = _ide_page(self.graphql_ide_html, assets) if graphiql else ""

    def decode_json(self, data: str | bytes) -> object:
        # Strawberry answers a JSONDecodeError with 400 "Unable to parse request body as JSON".
        try:
            text = data if isinstance(data, str) else data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise json.JSONDecodeError("the request body is not UTF-8", "", 0) from exc
        try:
            decoded: Any = json.loads(text)
        except RecursionError as exc:  # e.g. 10,000 `[`: a client error, not a crash
            raise json.JSONDecodeError("the request body nests too deeply", "", 0) from exc
        if isinstance(decoded, list):
            return decoded  # refused by Strawberry: batching is off
        if not isinstance(decoded, dict):
            raise json.JSONDecodeError("the request body must be a JSON object", text, 0)
        if not isinstance(decoded.get("operationName"), str | None):
            raise json.JSONDecodeError("`operationName` must be a string", text, 0)
        return decoded

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext:  # Strawberry's signature; never a WebSocket here (no subscription protocols)
        services = self.services
        return RequestContext(
            services=services,
            identity=identify(request.headers, services.settings),
            request_id=request_id_of(request.scope),
            now=services.clock(),
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(self._ide_page)


def _ide_page(html: str, assets_url: str) -> str:
    page = offline_ide(html, assets_url)
    start = page.index(_PRELOAD_START) + len(_PRELOAD_START)
    end = page.index("`;", start)
    escaped = DEFAULT_DOCUMENT.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${")
    return page[:start] + escaped + page[end:]
