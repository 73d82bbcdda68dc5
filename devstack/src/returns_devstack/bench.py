"""`make bench`: what the service costs per call, measured on this machine, with ratios against a
baseline measured in the same run (absolute times differ between machines; ratios travel).

- policy: a quote from the pure engine, against the baseline `items_paid` (one pass over the lines);
- gateway: `returnQuote` and `requestReturn` through the real ASGI app on the embedded stack (moto),
  against the baseline `returnPolicy` query (same app, no data access).

Prints a table; exits non-zero only when something fails, never on timing.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from returns_devstack.environment import apply_local_environment


def measure(fn: Callable[[], Any], *, repeat: int, warmup: int = 3) -> dict[str, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    samples.sort()
    return {
        "median_ms": statistics.median(samples) * 1000,
        "p95_ms": samples[int(len(samples) * 0.95) - 1] * 1000,
    }


def bench_policy() -> list[tuple[str, dict[str, float]]]:
    from returns_shared.domain.money import Money
    from returns_shared.domain.orders import Address, Order, OrderLine
    from returns_shared.domain.vocabulary import ReturnMethod, ReturnReason
    from returns_shared.policy.engine import RequestedLine, items_paid, load_policy, quote

    now = datetime.now(UTC)
    address = Address(
        name="Jane Doe", line1="1 Main St", city="New York", postal_code="10001", country_code="US"
    )
    lines = tuple(
        OrderLine(id=f"L{i}", sku=f"S{i}", title="Dress", category="DRESS", quantity=2,
                  unit_price=Money.of("30.00", "USD"), unit_tax=Money.of("2.40", "USD"),
                  delivered_at=now - timedelta(days=3))
        for i in range(20)
    )
    order = Order(id="B-1", email="jane@example.com", placed_at=now - timedelta(days=10), currency="USD",
                  payment_reference="pi_1", shipping_address=address, billing_address=address,
                  shipping_fee=Money.of("5.99", "USD"), lines=lines)
    policy = load_policy()
    requested = [RequestedLine(f"L{i}", 1, ReturnReason.STYLE) for i in range(20)]
    return [
        ("baseline: items_paid (20 lines)", measure(lambda: items_paid(order), repeat=2000)),
        (
            "quote (20 lines)",
            measure(
                lambda: quote(order, requested, ReturnMethod.PREPAID_LABEL, [], policy=policy, now=now),
                repeat=500,
            ),
        ),
    ]


def bench_gateway() -> list[tuple[str, dict[str, float]]]:
    import httpx
    from moto import mock_aws

    from returns_devstack.deploy import MOTO_CONFIG
    from returns_devstack.stack import start_embedded_stack
    from returns_devstack.tokens import demo_token

    with mock_aws(config=MOTO_CONFIG):
        embedded = start_embedded_stack()
        embedded.seed_demo_data()
        app = embedded.gateway_app()
        token = demo_token("customer")
        counter = iter(range(10**9))

        async def post(
            query: str, variables: dict[str, Any] | None = None, auth: bool = True
        ) -> dict[str, Any]:
            headers = {"Authorization": f"Bearer {token}"} if auth else {}
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://bench"
            ) as client:
                response = await client.post("/graphql", json={"query": query, "variables": variables or {}},
                                             headers=headers)
            body: dict[str, Any] = response.json()
            if body.get("errors"):
                raise RuntimeError(body["errors"])
            return body

        def run(query: str, variables: dict[str, Any] | None = None, auth: bool = True) -> Callable[[], Any]:
            return lambda: asyncio.run(post(query, variables, auth))

        quote_query = """query { returnQuote(input: {orderId: "AK-1001", method: PREPAID_LABEL,
            lines: [{orderLineId: "L1", quantity: 1, reason: STYLE}]}) { quote { total { amount } } } }"""
        request = """mutation($key: String!) { requestReturn(input: {orderId: "AK-1002", method: SELF_SHIP,
            conditionAttested: true, idempotencyKey: $key,
            lines: [{orderLineId: "L1", quantity: 1, reason: STYLE}]}) {
            return { id } userErrors { code } } }"""

        def request_then_cancel() -> None:
            body = asyncio.run(post(request, {"key": f"bench-{next(counter)}"}))
            return_id = body["data"]["requestReturn"]["return"]["id"]
            asyncio.run(
                post(
                    "mutation($id: ID!) { cancelReturn(id: $id) { userErrors { code } } }", {"id": return_id}
                )
            )

        return [
            (
                "baseline: returnPolicy (no data access)",
                measure(run("{ returnPolicy { version } }", auth=False), repeat=100),
            ),
            ("returnQuote (gateway reads + policy)", measure(run(quote_query), repeat=100)),
            (
                "requestReturn + cancelReturn (functions, events, DynamoDB)",
                measure(request_then_cancel, repeat=30),
            ),
        ]


def report(title: str, rows: list[tuple[str, dict[str, float]]]) -> None:
    baseline = rows[0][1]["median_ms"]
    print(f"\n{title}")
    print(f"  {'case':<60} {'median ms':>10} {'p95 ms':>10} {'× baseline':>11}")
    for name, figures in rows:
        print(
            f"  {name:<60} {figures['median_ms']:>10.3f} {figures['p95_ms']:>10.3f} "
            f"{figures['median_ms'] / baseline:>11.1f}"
        )


def main() -> None:
    apply_local_environment()
    report("Policy engine (pure, in-process)", bench_policy())
    report("GraphQL gateway on the embedded stack (moto in-process)", bench_gateway())


if __name__ == "__main__":
    main()
