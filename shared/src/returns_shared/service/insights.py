"""Return insights (the merchant's view) and the accounting exports; the facts they are computed from.

- `record_changes`: the table's stream (every stored return and order version) → fact rows → the sink.
- `backfill_facts`: the same rows from the table itself, month by month (GSI4 Queries, never a Scan):
  for a new deployment, or after the fact schema changed (then into empty files: README "Insights").
- `return_insights` / `export_returns`: the commands behind GraphQL's returnInsights and exportReturns.
  Figures are about the return requests created in [from, to) (docs/spec/insights.md); the REFUNDS
  export lists the refunds issued in it (what accounting reconciles with the provider's payouts).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from returns_shared.domain.errors import InvalidInput
from returns_shared.insights.facts import Row, delivery_facts, return_facts
from returns_shared.insights.queries import (
    EXPORT_COLUMNS,
    ROW_LIMIT,
    Window,
    delivery_key,
    export_query,
    insight_query,
)
from returns_shared.service.commands import ExportReturns, InsightWindow, ReturnInsights
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.dispatch import Answer
from returns_shared.service.insight_ports import FactSink, InsightsEngine, OrderChanged, ReturnChanged
from returns_shared.service.ports import Caller

MAX_WINDOW = timedelta(days=731)  # two years: the README's cost figures are per year


def _engine(deps: Dependencies) -> InsightsEngine:
    if deps.insights is None:
        raise RuntimeError("no insights engine is configured in this function (INSIGHTS_ENGINE)")
    return deps.insights


def _sink(deps: Dependencies) -> FactSink:
    if deps.facts is None:
        raise RuntimeError("no fact sink is configured in this function (FACT_SINK)")
    return deps.facts


def window_of(cmd: InsightWindow) -> Window:
    start, end = cmd.from_.astimezone(UTC), cmd.to.astimezone(UTC)
    if end <= start:
        raise InvalidInput("The end of the period must come after its start.", field=("to",))
    if end - start > MAX_WINDOW:
        raise InvalidInput(f"A period may last {MAX_WINDOW.days} days at most.", field=("to",))
    return Window(start, end)


def _money(value: Any) -> str:
    return str(Decimal(str(value or 0)).quantize(Decimal("0.01")))


def _count(value: Any) -> int:
    return int(value or 0)


def insight_row(row: Mapping[str, Any], *, delivered: bool) -> dict[str, Any]:
    """One answer row from the engine's (DuckDB's Python values or Athena's text alike)."""
    units = _count(row["units"])
    delivered_units = _count(row["delivered_units"]) if delivered else None
    return {
        "key": row["key"],
        "subKey": row["sub_key"],
        "currency": row["currency"],
        "returns": _count(row["returns"]),
        "units": units,
        **{
            name: _money(row[column])
            for name, column in (
                ("itemValue", "item_value"),
                ("rejectedValue", "rejected_value"),
                ("refunded", "refunded"),
                ("labelFees", "label_fees"),
                ("shippingCredits", "shipping_credits"),
            )
        },
        "deliveredUnits": delivered_units,
        "returnRate": units / delivered_units if delivered_units else None,
    }


def return_insights(cmd: ReturnInsights, caller: Caller, deps: Dependencies) -> Answer:
    window = window_of(cmd)
    if cmd.then_by == cmd.group_by:
        raise InvalidInput("Split the rows by another dimension than the one they are grouped by.",
                           field=("thenBy",))
    rows = _engine(deps).rows(insight_query(window, cmd.group_by, cmd.then_by))
    delivered = delivery_key(cmd.group_by, cmd.then_by) is not None
    newest = max((str(row["as_of"]) for row in rows if row.get("as_of")), default=None)
    return {
        "rows": [insight_row(row, delivered=delivered) for row in rows[:ROW_LIMIT]],
        "truncated": len(rows) > ROW_LIMIT,
        # the newest fact read; none read: the start of the period (nothing after it is included)
        "asOf": newest or window.start.isoformat().replace("+00:00", "Z"),
    }


def export_returns(cmd: ExportReturns, caller: Caller, deps: Dependencies) -> Answer:
    window = window_of(cmd)
    name = f"{cmd.kind.value.lower().replace('_', '-')}-{window.start:%Y-%m-%d}-to-{window.end:%Y-%m-%d}.csv"
    exported = _engine(deps).export(
        export_query(window, cmd.kind), filename=name, columns=EXPORT_COLUMNS[cmd.kind]
    )
    return {
        "url": exported.url,
        "rows": exported.rows,
        "expiresAt": exported.expires_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    }


def facts_of(changes: Sequence[ReturnChanged | OrderChanged], deps: Dependencies) -> list[Row]:
    """The fact rows of stored versions (a return's rows need its order: one batched read)."""
    returns = [change.ret for change in changes if isinstance(change, ReturnChanged)]
    orders = deps.repo.get_orders([ret.order_id for ret in returns]) if returns else {}
    policy = deps.policy()
    rows: list[Row] = []
    for change in changes:
        if isinstance(change, ReturnChanged):
            order = orders.get(change.ret.order_id)
            if order is None:  # never expected: a return is made for a stored order
                raise LookupError(f"return {change.ret.id} names a missing order {change.ret.order_id}")
            rows += return_facts(change.ret, order, policy)
        else:
            before = change.before.order if change.before else None
            rows += delivery_facts(change.stored.order, change.stored.version, before=before)
    return rows


def record_changes(changes: Sequence[ReturnChanged | OrderChanged], deps: Dependencies) -> dict[str, int]:
    """The stream's batch: every fact row it implies, written once for the batch."""
    return {"changes": len(changes), "facts": _sink(deps).put(facts_of(changes, deps))}


def month_index(month: str) -> int:
    try:
        year, number = (int(part) for part in month.split("-"))
        datetime(year, number, 1, tzinfo=UTC)
    except ValueError:
        raise InvalidInput(f"The month {month!r} is not one: write it as year and month, e.g. 2026-01.",
                           field=("month",)) from None
    return year * 12 + number - 1


def backfill_facts(event: Mapping[str, Any], deps: Dependencies) -> dict[str, int]:
    """{"since": "yyyy-MM", "until": "yyyy-MM" (default: this month)}: the facts of every return created
    and every order placed in those months, read from the table month by month (GSI4), into the sink."""
    first = month_index(str(event.get("since") or ""))
    last = month_index(str(event["until"])) if event.get("until") else month_index(f"{deps.clock():%Y-%m}")
    sink, policy = _sink(deps), deps.policy()
    counts = {"months": 0, "returns": 0, "orders": 0, "facts": 0}
    for month in range(first, last + 1):
        rows: list[Row] = []
        for stored in deps.repo.orders_placed_in(month):
            rows += delivery_facts(stored.order, stored.version)
            counts["orders"] += 1
        returns = list(deps.repo.returns_created_in(month))
        orders = deps.repo.get_orders([ret.order_id for ret in returns]) if returns else {}
        for ret in returns:
            rows += return_facts(ret, orders[ret.order_id], policy)
        counts["returns"] += len(returns)
        counts["facts"] += sink.put(rows)
        counts["months"] += 1
    return counts
