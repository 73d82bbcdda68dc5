"""Fakes of the gateway's ports, domain builders, tokens and a tiny ASGI client for the API tests."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from service import builders  # the service tests' domain builders (tests/ is on sys.path)

from returns_api.app import create_app
from returns_api.settings import Settings
from returns_shared.domain.money import Money
from returns_shared.domain.orders import Order
from returns_shared.domain.returns import Return, ReturnLabel, ReturnLine
from returns_shared.domain.vocabulary import ReturnMethod, ReturnReason, ReturnStatus
from returns_shared.policy.engine import RequestedLine, load_policy, quote
from returns_shared.service.ports import Caller, Page, UnknownPackage

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
SECRET = "test-secret-of-at-least-thirty-two-bytes"
POLICY = load_policy()
ALICE, BOB = "alice@example.com", "bob@example.com"


# -- domain builders ---------------------------------------------------------------------------
def make_order(order_id: str = "O1", email: str = ALICE, country: str = "US", lines: int = 1) -> Order:
    return builders.order(order_id, email=email, country=country, lines=lines)


def make_return(
    return_id: str,
    order: Order,
    *,
    status: ReturnStatus = ReturnStatus.APPROVED,
    method: ReturnMethod = ReturnMethod.SELF_SHIP,
    label_key: str | None = None,
) -> Return:
    requested = [
        RequestedLine(order_line_id=order.lines[0].id, quantity=1, reason=ReturnReason.SIZE_TOO_SMALL)
    ]
    decided = quote(order, requested, method, [], policy=POLICY, now=NOW)
    ret = Return.request(
        return_id=return_id,
        order_id=order.id,
        customer_email=order.email,
        method=method,
        lines=[ReturnLine(order_line_id=order.lines[0].id, quantity=1, reason=ReturnReason.SIZE_TOO_SMALL)],
        quote=decided,
        idempotency_key=None,
        actor=f"customer:{order.email}",
        at=NOW - timedelta(days=1),
    )
    ret.status = status
    if label_key:
        ret.label = ReturnLabel(carrier="UPS", tracking_number="1Z999", object_key=label_key,
                                fee=Money.of("0.00", "USD"), created_at=NOW)
    return ret


# -- fakes -------------------------------------------------------------------------------------
class FakeReader:
    """In-memory ReturnsReader that counts its calls (to prove batching)."""

    def __init__(self, orders: Sequence[Order] = (), returns: Sequence[Return] = ()) -> None:
        self.orders = {order.id: order for order in orders}
        self.returns = {ret.id: ret for ret in returns}
        self.calls: Counter[str] = Counter()
        self.list_calls: list[dict[str, Any]] = []
        self.fail_with: Exception | None = None

    def _called(self, name: str) -> None:
        self.calls[name] += 1
        if self.fail_with is not None:
            raise self.fail_with

    def get_order(self, order_id: str) -> Order | None:
        self._called("get_order")
        return self.orders.get(order_id)

    def get_orders(self, order_ids: Sequence[str]) -> dict[str, Order]:
        self._called("get_orders")
        return {i: self.orders[i] for i in order_ids if i in self.orders}

    def get_return(self, return_id: str) -> Return | None:
        self._called("get_return")
        return self.returns.get(return_id)

    def get_returns(self, return_ids: Sequence[str]) -> dict[str, Return]:
        self._called("get_returns")
        return {i: self.returns[i] for i in return_ids if i in self.returns}

    def returns_of_order(self, order_id: str) -> list[Return]:
        self._called("returns_of_order")
        return [r for r in self.returns.values() if r.order_id == order_id]

    def returns_of_orders(self, order_ids: Sequence[str]) -> dict[str, list[Return]]:
        self._called("returns_of_orders")
        return {i: [r for r in self.returns.values() if r.order_id == i] for i in order_ids}

    def returns_of_customer(self, email: str) -> list[Return]:
        self._called("returns_of_customer")
        return [r for r in self.returns.values() if r.customer_email == email.lower()]

    def returns_by_tracking_number(self, number: str) -> list[Return]:
        self._called("returns_by_tracking_number")
        key = "".join(number.split()).upper()
        return [r for r in self.returns.values() if r.tracking_number and r.tracking_number.upper() == key]

    def list_orders(self, *, customer_email: str, first: int, after: str | None) -> Page[Order]:
        self._called("list_orders")
        self.list_calls.append({"orders_of": customer_email, "first": first, "after": after})
        mine = [o for o in self.orders.values() if o.email.lower() == customer_email.strip().lower()]
        return Page(items=mine[:first], next_cursor=None)

    def unknown_packages(self, *, first: int, after: str | None) -> Page[UnknownPackage]:
        self._called("unknown_packages")
        return Page(items=[], next_cursor=None)

    def list_returns(self, *, first: int, after: str | None, status: ReturnStatus | None = None,
                     order_id: str | None = None, customer_email: str | None = None,
                     oldest_first: bool = False) -> Page:
        self._called("list_returns")
        self.list_calls.append({"first": first, "after": after, "status": status, "order_id": order_id,
                                "customer_email": customer_email, "oldest_first": oldest_first})
        items = [
            r for r in sorted(self.returns.values(), key=lambda r: r.id, reverse=oldest_first)
            if (status is None or r.status == status)
            and (order_id is None or r.order_id == order_id)
            and (customer_email is None or r.customer_email == customer_email)
        ]
        return _page(items, first=first, after=after)

    def failed_refunds(self, *, first: int, after: str | None) -> Page:
        self._called("failed_refunds")
        return _page([r for r in sorted(self.returns.values(), key=lambda r: r.id) if r.refund_failed],
                     first=first, after=after)

    def failed_labels(self, *, first: int, after: str | None) -> Page:
        self._called("failed_labels")
        return _page([r for r in sorted(self.returns.values(), key=lambda r: r.id) if r.label_failure],
                     first=first, after=after)


def _page(items: list[Return], *, first: int, after: str | None) -> Page:
    start = int(after.removeprefix("p")) if after else 0
    chunk = items[start : start + first]
    more = start + first < len(items)
    return Page(items=chunk, next_cursor=f"p{start + first}" if more else None)


@dataclass
class Sent:
    function: str
    command: str
    caller: Caller
    payload: dict[str, Any]
    correlation_id: str | None = None


@dataclass
class FakeBus:
    """Records every command; answers with `answer(sent)` or a success naming the payload's id."""

    sent: list[Sent] = field(default_factory=list)
    answer: Callable[[Sent], dict[str, Any]] | None = None

    def send(self, function: str, command: str, caller: Caller, payload: dict[str, Any], *,
             correlation_id: str | None = None) -> dict[str, Any]:
        json.dumps(payload)  # the command must be plain JSON
        sent = Sent(function, command, caller, payload, correlation_id)
        self.sent.append(sent)
        if self.answer is not None:
            return self.answer(sent)
        return {"returnId": payload.get("id"), "orderId": None, "userErrors": []}


class FakeLabelStore:
    def __init__(self) -> None:
        self.presigned: list[tuple[str, int]] = []

    def put(self, key: str, pdf: bytes) -> None:  # pragma: no cover - the gateway never writes
        raise AssertionError("the gateway must not write labels")

    def url(self, key: str, *, expires_in: int) -> str:
        self.presigned.append((key, expires_in))
        return f"https://labels.example/{key}?expires={expires_in}"


# -- tokens ------------------------------------------------------------------------------------
def token(
    group: str | None = None,
    *,
    email: str | None = ALICE,
    sub: str = "user-1",
    expires_in: int = 3600,
    secret: str = SECRET,
    **claims: Any,
) -> str:
    body: dict[str, Any] = {"sub": sub, "exp": int(time.time()) + expires_in, **claims}
    if email is not None:
        body["email"] = email
    if group is not None:
        body["cognito:groups"] = [group]
    return jwt.encode(body, secret, algorithm="HS256")


def auth(group: str | None = None, **kwargs: Any) -> dict[str, str]:
    return {"authorization": f"Bearer {token(group, **kwargs)}"}


# -- the app and a minimal ASGI client -----------------------------------------------------------
def settings(**overrides: Any) -> Settings:
    base: dict[str, Any] = {"local_jwt_secret": SECRET, "stage": "test"}
    base.update(overrides)
    return Settings(**base)


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def request(app: Any, method: str, path: str, *, body: bytes = b"", headers: dict[str, str] | None = None,
            chunks: Sequence[bytes] | None = None) -> HttpResponse:
    raw_headers = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    path, _, query = path.partition("?")
    scope = {"type": "http", "method": method, "path": path, "query_string": query.encode(),
             "headers": raw_headers, "scheme": "http"}
    parts = list(chunks) if chunks is not None else [body]
    messages = [{"type": "http.request", "body": part, "more_body": i < len(parts) - 1}
                for i, part in enumerate(parts)]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = sent[0]
    body_out = b"".join(m.get("body", b"") for m in sent[1:])
    return HttpResponse(start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body_out)


class Api:
    """The app wired with fakes, plus helpers to post GraphQL."""

    def __init__(
        self, reader: FakeReader | None = None, bus: FakeBus | None = None, **setting_overrides: Any
    ):
        self.reader = reader or FakeReader()
        self.bus = bus or FakeBus()
        self.labels = FakeLabelStore()
        self.settings = settings(**setting_overrides)
        self.app = create_app(reader=self.reader, command_bus=self.bus, label_store=self.labels,
                              settings=self.settings, clock=lambda: NOW)

    def post(self, query: str, variables: dict[str, Any] | None = None,
             headers: dict[str, str] | None = None) -> HttpResponse:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        return request(self.app, "POST", "/graphql", body=body,
                       headers={"content-type": "application/json", **(headers or {})})

    def gql(self, query: str, variables: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None) -> dict[str, Any]:
        response = self.post(query, variables, headers)
        assert response.status == 200, response.body
        return response.json()


def error_codes(result: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in result.get("errors", [])]
