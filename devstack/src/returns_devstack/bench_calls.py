"""AWS calls per operation, counted at botocore's client (every call any client makes, whichever
adapter made it), on the embedded stack: the gateway's reads and the owning function's work, with
the events it publishes left in their queues (their reactions are other operations).

Locally a command is an in-process call, not a Lambda Invoke: on AWS add one `lambda.Invoke` to
each mutation. `make bench` prints these; tests/stack/test_call_counts.py holds them.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from returns_devstack.stack import EmbeddedStack
from returns_devstack.tokens import demo_token, mint

CUSTOMER = "calls@example.com"
ORDERS, LINES = 10, 5  # 50 returns, one per line, for the page of 50
PAGE = """query Page { returns(first: 50) { edges { cursor node { id status createdAt
  quote { total { amount currencyCode } } order { id placedAt currencyCode } } }
  pageInfo { hasNextPage endCursor } } }"""
QUOTE = """query Quote($orderId: ID!) { returnQuote(input: {orderId: $orderId, method: SELF_SHIP,
  lines: [{orderLineId: "L1", quantity: 1, reason: STYLE}]}) { quote { total { amount } }
  userErrors { code } } }"""
REQUEST = """mutation Request($orderId: ID!, $key: String!) { requestReturn(input: {orderId: $orderId,
  method: SELF_SHIP, conditionAttested: true, idempotencyKey: $key,
  lines: [{orderLineId: "L1", quantity: 1, reason: STYLE}]}) { return { id status } userErrors { code } } }"""
REFUND = """mutation Refund($id: ID!) { issueRefund(id: $id) { return { id status refund { status } }
  userErrors { code } } }"""

_counting = threading.Lock()


@contextmanager
def counting_aws_calls() -> Iterator[Counter[str]]:
    """`service.Operation` → how many calls every botocore client made meanwhile."""
    from botocore.client import BaseClient

    calls: Counter[str] = Counter()
    original = BaseClient._make_api_call

    def counted(client: Any, operation: str, params: Any) -> Any:
        calls[f"{client.meta.service_model.service_name}.{operation}"] += 1
        return original(client, operation, params)

    with _counting:
        BaseClient._make_api_call = counted
        try:
            yield calls
        finally:
            BaseClient._make_api_call = original


def _order(order_id: str, placed: datetime, payment: str) -> dict[str, Any]:
    address = {"name": "Casey Calls", "line1": "1 Main St", "city": "New York", "region": "NY",
               "postalCode": "10001", "countryCode": "US", "phone": "+1 212 736 3100"}
    delivered = (placed + timedelta(days=3)).isoformat().replace("+00:00", "Z")
    lines = [{"id": f"L{i}", "sku": f"SKU-{i}", "title": "Dress", "category": "DRESS", "quantity": 1,
              "unitPrice": {"amount": "30.00", "currencyCode": "USD"},
              "unitTax": {"amount": "0.00", "currencyCode": "USD"}, "deliveredAt": delivered}
             for i in range(1, LINES + 1)]
    return {"id": order_id, "email": CUSTOMER, "placedAt": placed.isoformat().replace("+00:00", "Z"),
            "currencyCode": "USD", "paymentReference": payment, "shippingAddress": address,
            "billingAddress": address, "shippingFee": {"amount": "5.99", "currencyCode": "USD"},
            "lines": lines}


class Client:
    def __init__(self, embedded: EmbeddedStack):
        self.app = embedded.gateway_app()

    def __call__(self, query: str, token: str, **variables: Any) -> dict[str, Any]:
        async def post() -> httpx.Response:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app),
                                         base_url="http://calls") as client:
                return await client.post("/graphql", json={"query": query, "variables": variables},
                                         headers={"Authorization": f"Bearer {token}"})

        body: dict[str, Any] = asyncio.run(post()).json()
        if body.get("errors"):
            raise RuntimeError(body["errors"])
        data: dict[str, Any] = body["data"]
        return data


def _counted(embedded: EmbeddedStack, run: Any) -> Counter[str]:
    embedded.command_bus.deliver_events = False  # reactions to its events are other operations
    try:
        with counting_aws_calls() as calls:
            run()
        return calls
    finally:
        embedded.command_bus.deliver_events = True


def operation_calls(embedded: EmbeddedStack, *, orders: int = ORDERS) -> dict[str, Counter[str]]:
    """Records `orders` orders of 5 lines and a return of each line for one customer (10: the page of
    50), then counts each operation. A page costs the same calls for 10 returns as for 50 (one query,
    one batch of orders): tests record fewer."""
    gql = Client(embedded)
    customer = mint(sub="calls-customer", email=CUSTOMER, groups=[])
    agent, warehouse = demo_token("agent"), demo_token("warehouse")
    now = datetime.now(UTC)
    for n in range(orders):
        order = _order(f"CALLS-{n}", now - timedelta(days=10, minutes=n), f"pi_calls_{n}")
        embedded.record_order(embedded.pay(order))
        for line in range(1, LINES + 1):
            embedded.runtime.invoke("RequestFunction", {
                "command": "requestReturn", "caller": {"sub": "calls-customer", "email": CUSTOMER},
                "input": {"orderId": f"CALLS-{n}", "method": "SELF_SHIP", "conditionAttested": True,
                          "idempotencyKey": f"calls-{n}-{line}",
                          "lines": [{"orderLineId": f"L{line}", "quantity": 1, "reason": "STYLE"}]}})
    embedded.record_order(embedded.pay(_order("CALLS-NEW", now - timedelta(days=10), "pi_calls_new")))
    figures = {
        "page of returns with their orders": _counted(embedded, lambda: gql(PAGE, customer)),
        "returnQuote": _counted(embedded, lambda: gql(QUOTE, customer, orderId="CALLS-NEW")),
    }
    answer: dict[str, Any] = {}
    figures["requestReturn"] = _counted(embedded, lambda: answer.update(
        gql(REQUEST, customer, orderId="CALLS-NEW", key="calls-new")))
    return_id = answer["requestReturn"]["return"]["id"]
    embedded.runtime.drain()  # screened (and approved: a small self-ship return)
    gql(f'mutation {{ receiveReturn(id: "{return_id}") {{ userErrors {{ code }} }} }}', warehouse)
    gql(f'mutation {{ inspectReturn(id: "{return_id}", lines: [{{orderLineId: "L1", '
        f'condition: NEW_WITH_TAGS}}]) {{ userErrors {{ code }} }} }}', warehouse)
    embedded.runtime.drain()
    figures["issueRefund"] = _counted(embedded, lambda: gql(REFUND, agent, id=return_id))
    return figures


def summary(calls: Counter[str]) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(calls.items()))
