"""The Strawberry HTTP view on our ASGI values: per-request context, GraphiQL, JSON in/out."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from cross_web import AsyncHTTPRequestAdapter, FormData, HTTPException
from strawberry.http import GraphQLHTTPResponse
from strawberry.http.async_base_view import AsyncBaseHTTPView
from strawberry.http.ides import get_graphql_ide_html

from returns_api.asgi import Request, Response
from returns_api.auth import identify
from returns_api.context import RequestContext, Services
from returns_api.graphiql import DEFAULT_DOCUMENT, offline_ide
from returns_api.schema import GatewaySchema


class RequestAdapter(AsyncHTTPRequestAdapter):
    def __init__(self, request: Request) -> None:
        self._request = request
        self._headers = request.headers

    @property
    def method(self) -> Any:
        return self._request.method

    @property
    def query_params(self) -> Mapping[str, str | None]:
        return self._request.query_params

    @property
    def path_params(self) -> Mapping[str, Any]:
        return {}

    @property
    def headers(self) -> Mapping[str, str]:
        return self._headers

    @property
    def content_type(self) -> str | None:
        return self._headers.get("content-type")

    async def get_body(self) -> bytes:
        return self._request.body

    async def get_form_data(self) -> FormData:
        raise ValueError("multipart requests are not accepted")

    @property
    def url(self) -> str:
        return self._request.url

    @property
    def cookies(self) -> Mapping[str, str]:
        return {}


@dataclass
class SubResponse:
    status_code: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


class GraphQLView(AsyncBaseHTTPView[Request, Response, SubResponse, Request, Request, RequestContext, None]):
    request_adapter_class = RequestAdapter
    protocols = ()  # no subscriptions, SSE or multipart streaming

    def __init__(self, schema: GatewaySchema, services: Services, *, graphiql: bool) -> None:
        self.schema = schema
        self.services = services
        self.graphql_ide = "graphiql" if graphiql else None
        self.multipart_uploads_enabled = False

    @property
    def allow_queries_via_get(self) -> bool:
        return False  # queries are POSTed; GET serves GraphiQL only

    def decode_json(self, data: str | bytes) -> object:
        try:
            decoded = json.loads(data)
        except UnicodeDecodeError as exc:
            raise HTTPException(400, "The request body is not UTF-8 JSON") from exc
        if isinstance(decoded, list):
            return decoded  # refused by Strawberry: batching is off
        if not isinstance(decoded, dict):
            raise HTTPException(400, "The request body must be a JSON object")
        name = decoded.get("operationName")
        if name is not None and not isinstance(name, str):
            raise HTTPException(400, "`operationName` must be a string")
        return decoded

    async def get_sub_response(self, request: Request) -> SubResponse:
        return SubResponse()

    async def get_context(self, request: Request, response: SubResponse | Request) -> RequestContext:
        services = self.services
        return RequestContext(
            services=services,
            identity=identify(request.headers, services.settings),
            request_id=request.scope.get("returns.request_id", "unknown"),
            now=services.clock(),
        )

    async def get_root_value(self, request: Request) -> None:
        return None

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: SubResponse
    ) -> Response:
        response = Response(self.encode_json(response_data).encode(), status=sub_response.status_code or 200)
        response.headers.update(sub_response.headers)
        return response

    async def render_graphql_ide(self, request: Request) -> Response:
        html = offline_ide(get_graphql_ide_html(self.graphql_ide), self.services.settings.graphiql_assets_url)
        # Preload the example operations instead of Strawberry's welcome text.
        start = html.index("const EXAMPLE_QUERY = `") + len("const EXAMPLE_QUERY = `")
        end = html.index("`;", start)
        escaped = DEFAULT_DOCUMENT.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${")
        return Response.html(html[:start] + escaped + html[end:])

    def is_websocket_request(self, request: Request | Request) -> TypeGuard[Request]:
        return False

    async def pick_websocket_subprotocol(self, request: Request) -> str | None:
        return None

    async def create_websocket_response(self, request: Request, subprotocol: str | None) -> Request:
        raise HTTPException(400, "WebSockets are not supported")

    def get_websocket_headers(self, request: Request) -> Mapping[str, str]:
        return request.headers

    async def reject_websocket(self, request: Request) -> Request:
        raise HTTPException(400, "WebSockets are not supported")
