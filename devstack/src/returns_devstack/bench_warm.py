"""The warm per-request cost of the gateway: a page of 50 returns with their orders, served by the
Mangum handler (the API Gateway v2 event, a customer's bearer token, JSON out) over an in-memory
reader (the service tests' fakes, answers kept: no I/O, no copies), against the floor of the same
work in graphql-core: `graphql_sync` running the same document on the same SDL
(graphql/schema.graphql) with trivial resolvers over the very answer the gateway gave (plain dicts).

What the ratio holds: authentication, Strawberry's execution and our resolvers and loaders, the
domain → GraphQL conversion, Mangum and the ASGI layer. Run from the repository root (`make bench`).
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any, cast

from returns_devstack.bench_calls import PAGE
from returns_devstack.bench_cold import REPO

if TYPE_CHECKING:
    from mangum.types import LambdaContext

CUSTOMER = "page@example.com"
SECRET = "bench-secret-of-at-least-thirty-two-bytes"


def _world_with_50_returns() -> Any:
    from returns_shared.service.ports import Caller
    from tests.service.builders import order, request_input  # the service tests' in-memory fakes
    from tests.service.fakes import World

    world = World()
    caller = Caller(sub="page-customer", email=CUSTOMER, groups=frozenset())
    for n in range(10):
        stored = world.table.put_order(order(f"PAGE-{n}", email=CUSTOMER, lines=5))
        for line in stored.lines:
            answer = world.command("requestReturn", caller,
                                   request_input(stored.id, lines=(line.id,), key=f"page-{n}-{line.id}"))
            assert not answer["userErrors"], answer
    return world


class _Recorded:
    """A reader that answers each call as the fake did the first time: serving a page costs the
    gateway nothing but its own work (the fake deep-copies every read, a storage stand-in's cost)."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._answers: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        call = getattr(self._reader, name)

        def recorded(*args: Any, **kwargs: Any) -> Any:
            key = repr((name, args, sorted(kwargs.items())))
            if key not in self._answers:
                self._answers[key] = call(*args, **kwargs)
            return self._answers[key]

        return recorded


def _event(token: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((REPO / "events/graphql/http_api_v2_request.json").read_text())
    event["headers"]["authorization"] = f"Bearer {token}"
    event["body"] = json.dumps({"query": PAGE})
    return event


class _Context:
    """The parts of Lambda's context object the gateway reads (Mangum types all of them)."""

    aws_request_id = "bench"
    function_name = "gateway"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:gateway"


def gateway_and_floor() -> tuple[Any, Any]:
    """Two callables doing one request each: the Mangum handler, and graphql_sync on plain dicts."""
    import jwt
    from graphql import build_schema, graphql_sync
    from mangum import Mangum

    from returns_api.app import create_app
    from returns_api.loaders import inline
    from returns_api.settings import Settings

    world = _world_with_50_returns()
    app = create_app(reader=_Recorded(world.repo), command_bus=None, label_store=world.labels,  # type: ignore[arg-type]
                     settings=Settings(local_jwt_secret=SECRET, stage="bench", graphql_ide=False),
                     clock=world.clock, blocking=inline)  # as returns_api.lambda_handler wires it
    handler = Mangum(app, lifespan="off")
    exp = int(time.time()) + 3600
    event = _event(jwt.encode({"sub": "page-customer", "email": CUSTOMER, "exp": exp}, SECRET, "HS256"))

    def gateway() -> dict[str, Any]:
        answer = handler(event, cast("LambdaContext", _Context()))
        body: dict[str, Any] = json.loads(answer["body"])
        assert "errors" not in body and len(body["data"]["returns"]["edges"]) == 50, body
        return body

    data = gateway()["data"]
    schema = build_schema((REPO / "graphql/schema.graphql").read_text())

    def floor() -> dict[str, Any]:
        result = graphql_sync(schema, PAGE, root_value=data)  # parsed and validated each time, too
        assert result.errors is None and result.data == data, result.errors
        answered: dict[str, Any] = json.loads(json.dumps({"data": result.data}))
        return answered

    return gateway, floor
