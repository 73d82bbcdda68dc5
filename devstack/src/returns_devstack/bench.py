"""`make bench`: what the service costs, measured on this machine, with ratios against a baseline
measured in the same run (absolute times differ between machines; ratios travel).

- policy: a quote from the pure engine, against the baseline `items_paid` (one pass over the lines);
- gateway: `returnQuote` and `requestReturn` through the real ASGI app on the embedded stack (moto),
  against the baseline `returnPolicy` query (same app, no data access);
- cold starts (bench_cold): the gateway against a one-field Strawberry + Mangum floor, each worker's
  import against a fresh `import boto3` (medians of fresh processes);
- warm gateway (bench_warm): a page of 50 returns through the Mangum handler against graphql-core's
  `graphql_sync` on the same SDL with trivial resolvers (interleaved samples);
- package sizes (lambda_packages): each Lambda package unzipped, from the host's wheels, and from a
  `make sam-build` (Lambda python3.13 arm64 wheels) when .aws-sam/build is there;
- AWS calls per operation (bench_calls), counted at botocore's client;
- insights (bench_insights): each insight query and export over generated facts of 100,000 returns,
  median and p95 (`python -m returns_devstack.bench insights --athena-estimate 1000000` also prices them
  on Athena for a year of a million returns).

Prints tables; exits non-zero only when something fails, never on timing. `python -m
returns_devstack.bench cold|warm|sizes|calls|gateway|policy|insights` runs one part.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
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
    return figures(samples)


def figures(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
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
    print(f"  {'case':<64} {'median ms':>10} {'p95 ms':>10} {'× baseline':>11}")
    for name, figures in rows:
        print(
            f"  {name:<64} {figures['median_ms']:>10.3f} {figures['p95_ms']:>10.3f} "
            f"{figures['median_ms'] / baseline:>11.2f}"
        )


def bench_warm(samples: int = 80) -> list[tuple[str, dict[str, float]]]:
    from returns_devstack.bench_warm import gateway_and_floor

    gateway, floor = gateway_and_floor()
    for _ in range(5):
        floor(), gateway()
    taken: dict[str, list[float]] = {"floor": [], "gateway": []}
    for _ in range(samples):  # interleaved: a busy moment of a shared machine slows both alike
        for name, call in (("floor", floor), ("gateway", gateway)):
            started = time.perf_counter()
            call()
            taken[name].append(time.perf_counter() - started)

    return [("baseline: graphql_sync, same SDL and document, trivial resolvers", figures(taken["floor"])),
            ("page of 50 returns with orders through the Mangum handler", figures(taken["gateway"]))]


def report_sizes() -> None:
    from returns_devstack import lambda_packages

    built = lambda_packages.SAM_BUILD.is_dir()
    print("\nLambda packages, unzipped MB (host wheels; " +
          ("arm64: this machine's `make sam-build`)" if built else "arm64: run `make sam-build` first)"))
    print(f"  {'package':<20} {'host':>7} {'arm64':>7}  largest parts (host)")
    for name, package in lambda_packages.packages().items():
        sizes = lambda_packages.size_bytes(package)
        arm64 = lambda_packages.built_size_bytes(name)
        largest = ", ".join(f"{part} {size / 1e6:.1f}" for part, size in
                            sorted(sizes.items(), key=lambda item: -item[1])[:4] if size >= 100_000)
        arm = f"{sum(arm64.values()) / 1e6:7.1f}" if arm64 else f"{'-':>7}"
        print(f"  {name:<20} {sum(sizes.values()) / 1e6:7.1f} {arm}  {largest}")


def report_calls() -> None:
    from moto import mock_aws

    from returns_devstack.bench_calls import operation_calls, summary
    from returns_devstack.deploy import MOTO_CONFIG
    from returns_devstack.localstripe_server import LocalStripe
    from returns_devstack.stack import start_embedded_stack

    print("\nAWS calls per operation (counted at botocore's client; on AWS a mutation adds 1 lambda.Invoke)")
    payments = LocalStripe(port=0).start()
    try:
        with mock_aws(config=MOTO_CONFIG):
            embedded = start_embedded_stack(payments=payments, function_log_level="WARNING")
            for name, calls in operation_calls(embedded).items():
                print(f"  {name:<38} {sum(calls.values()):>3}  {summary(calls)}")
    finally:
        payments.stop()


def main(parts: list[str]) -> None:
    from returns_devstack import bench_cold

    apply_local_environment()
    options = [part for part in parts if part.startswith("--") or part.isdigit()]
    chosen = set(parts) - set(options) or {"policy", "gateway", "cold", "warm", "sizes", "calls", "insights"}
    if "cold" in chosen:
        bench_cold.main()
    if "warm" in chosen:
        report("Warm gateway request (in-memory reader; interleaved samples)", bench_warm())
    if "sizes" in chosen:
        report_sizes()
    if "calls" in chosen:
        report_calls()
    if "policy" in chosen:
        report("Policy engine (pure, in-process)", bench_policy())
    if "gateway" in chosen:
        report("GraphQL gateway on the embedded stack (moto in-process)", bench_gateway())
    if "insights" in chosen:
        from returns_devstack import bench_insights

        bench_insights.main(options)


if __name__ == "__main__":
    main(sys.argv[1:])
