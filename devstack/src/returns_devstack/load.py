"""`make load`: concurrent clients against the local stack (`make dev`'s server, started here on free
ports, or `--url` of a running one), mixing quotes, return requests and listings.

Each client is a customer with an order of its own (recorded first by the order feed), so clients
never contend for the same order: any error is a fault. Order ids and idempotency keys carry a tag
of the run, so a second run against the same stack (`--url`) never reuses the first run's keys.
An error is an HTTP status other than 200, a GraphQL error or a userError. Prints throughput,
errors and p50/p95 per operation.

    python -m returns_devstack.load --clients 20 --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from returns_devstack.local_server import LocalServer
from returns_devstack.tokens import mint

QUOTE = """query($input: ReturnInput!) { returnQuote(input: $input) {
  quote { total { amount currencyCode } appliedClauses { id } } userErrors { field message code } } }"""
REQUEST = """mutation($input: RequestReturnInput!) { requestReturn(input: $input) {
  return { id status } userErrors { field message code } } }"""
LIST = """query($first: Int) { returns(first: $first) {
  edges { node { id status createdAt quote { total { amount } } } } pageInfo { hasNextPage } } }"""
MIX = ("quote", "quote", "list", "list", "request")  # two reads of each kind per write
LINES = 5


@dataclass
class Report:
    clients: int
    seconds: float
    latencies: dict[str, list[float]] = field(
        default_factory=lambda: {"quote": [], "list": [], "request": []}
    )
    errors: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(len(samples) for samples in self.latencies.values())

    def summary(self) -> dict[str, Any]:
        def figures(samples: list[float]) -> dict[str, float]:
            ordered = sorted(samples)
            if not ordered:
                return {"count": 0}
            p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
            return {
                "count": len(ordered),
                "p50_ms": round(statistics.median(ordered) * 1000, 1),
                "p95_ms": round(p95 * 1000, 1),
            }

        every = [sample for samples in self.latencies.values() for sample in samples]
        return {
            "clients": self.clients,
            "seconds": self.seconds,
            "requests": self.requests,
            "per_second": round(self.requests / self.seconds, 1),
            "errors": len(self.errors),
            "all": figures(every),
            **{name: figures(samples) for name, samples in self.latencies.items()},
            "first_errors": self.errors[:5],
        }


def _order(run: str, client: int, now: datetime) -> dict[str, Any]:
    at = (now - timedelta(days=10)).isoformat().replace("+00:00", "Z")
    delivered = (now - timedelta(days=5)).isoformat().replace("+00:00", "Z")
    address = {
        "name": "Load Test",
        "line1": "350 Fifth Avenue",
        "city": "New York",
        "region": "NY",
        "postalCode": "10118",
        "countryCode": "US",
    }
    lines = [
        {
            "id": f"L{i}",
            "sku": f"SKU-{i}",
            "title": f"Item {i}",
            "category": "DRESS",
            "quantity": 1000,
            "unitPrice": {"amount": "30.00", "currencyCode": "USD"},
            "deliveredAt": delivered,
        }
        for i in range(1, LINES + 1)
    ]
    return {
        "id": f"LOAD-{run}-{client:03d}",
        "email": f"load.{client}@example.com",
        "placedAt": at,
        "currencyCode": "USD",
        "paymentReference": f"pi_load_{client}",
        "shippingAddress": address,
        "billingAddress": address,
        "shippingFee": {"amount": "5.99", "currencyCode": "USD"},
        "lines": lines,
    }


async def _post(
    http: httpx.AsyncClient, token: str, query: str, variables: dict[str, Any]
) -> tuple[float, str | None]:
    started = time.perf_counter()
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        return elapsed, f"HTTP {response.status_code}: {response.text[:200]}"
    body = response.json()
    if body.get("errors"):
        return elapsed, json.dumps(body["errors"])[:300]
    answer = next(iter(body["data"].values()))
    if isinstance(answer, dict) and answer.get("userErrors"):
        return elapsed, json.dumps(answer["userErrors"])[:300]
    return elapsed, None


async def _record_order(run: str, number: int, url: str, report: Report) -> dict[str, Any] | None:
    order = _order(run, number, datetime.now(UTC))
    feed = mint(sub="load-feed", email=None, groups=["integration"])
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        _elapsed, error = await _post(
            http,
            feed,
            "mutation($input: RecordOrderInput!) { recordOrder(input: $input) "
            "{ order { id } userErrors { field message code } } }",
            {"input": order},
        )
    if error:
        report.errors.append(f"recordOrder: {error}")
        return None
    return order


async def _client(
    run: str, number: int, order: dict[str, Any], url: str, deadline: float, report: Report
) -> None:
    customer = mint(sub=f"load-{number}", email=order["email"], groups=[])
    keys = itertools.count(1)
    steps = itertools.islice(
        itertools.cycle(MIX), number % len(MIX), None
    )  # clients start at different steps
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        for step in steps:
            if time.monotonic() >= deadline:
                return
            line = {
                "orderLineId": f"L{next(keys) % LINES + 1}",
                "quantity": 1,
                "reason": "SIZE_TOO_SMALL",
            }
            if step == "quote":
                variables = {
                    "input": {"orderId": order["id"], "method": "SELF_SHIP", "lines": [line]}
                }
                elapsed, error = await _post(http, customer, QUOTE, variables)
            elif step == "list":
                elapsed, error = await _post(http, customer, LIST, {"first": 20})
            else:
                variables = {
                    "input": {
                        "orderId": order["id"],
                        "method": "SELF_SHIP",
                        "lines": [line],
                        "conditionAttested": True,
                        "idempotencyKey": f"load-{run}-{number}-{next(keys)}",
                    }
                }
                elapsed, error = await _post(http, customer, REQUEST, variables)
            report.latencies[step].append(elapsed)
            if error:
                report.errors.append(f"{step}: {error}")


async def run_load(url: str, *, clients: int, seconds: float) -> Report:
    """Records each client's order first, then runs the mix for `seconds` (the clock starts after)."""
    report = Report(clients=clients, seconds=seconds)
    run = uuid.uuid4().hex[:10]  # the customers are the same in every run; their keys must not be
    orders = await asyncio.gather(
        *(_record_order(run, number, url, report) for number in range(clients))
    )
    deadline = time.monotonic() + seconds
    await asyncio.gather(
        *(
            _client(run, number, order, url, deadline, report)
            for number, order in enumerate(orders)
            if order is not None
        )
    )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--url", help="a running local stack (default: start one on free ports)")
    args = parser.parse_args()
    server = None if args.url else LocalServer()
    try:
        url: str = server.url if server is not None else args.url
        report = asyncio.run(run_load(url, clients=args.clients, seconds=args.seconds))
    finally:
        if server is not None:
            server.stop()
    print(json.dumps(report.summary(), indent=2))
    sys.exit(1 if report.errors else 0)


if __name__ == "__main__":
    main()
