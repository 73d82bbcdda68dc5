"""The insights function driven by its REAL event files (events/insights/, what `sam local invoke -e` uses):
the table's stream (an order and a return), the merchant's commands and the backfill task."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .support import line, order_input

EVENTS = Path(__file__).resolve().parents[2] / "events"


def load(name: str, **replace: str) -> dict[str, Any]:
    text = (EVENTS / name).read_text()
    for old, new in replace.items():
        assert old in text, (name, old)
        text = text.replace(old, new)
    return json.loads(text)


def test_the_stream_event_becomes_facts_the_commands_read(flow, stack):
    # the return in the event names its order: the table holds it (the function reads it beside the event)
    flow.record(order_input(line("L1", sku="DRS-0420-M", category="DRESS", price="49.90", tax="4.24"),
                            order_id="AK-2001"))
    stack.flush_facts()
    stream = load("insights/dynamodb_stream_order_and_return.json")
    counts = stack.runtime.invoke("InsightsFunction", stream)
    # a delivery; a return, its line, its clause
    assert counts["changes"] == 2 and counts["facts"] >= 4
    again = stack.runtime.invoke("InsightsFunction", stream)  # a redelivered batch: nothing counts twice
    assert again == counts

    answer = stack.runtime.invoke("InsightsFunction", load("insights/command_return_insights.json"))
    assert answer["userErrors"] == []
    rows = {(row["key"], row["subKey"]): row for row in answer["rows"]}
    small = rows[("DRS-0420-M", "SIZE_TOO_SMALL")]
    assert (small["returns"], small["itemValue"]) == (1, "54.14")  # 49.90 + 4.24, once

    exported = stack.runtime.invoke("InsightsFunction", load("insights/command_export_returns.json"))
    assert exported["userErrors"] == [] and exported["rows"] == 1 and exported["url"].startswith("http")

    task = stack.runtime.invoke("InsightsFunction", load("insights/task_backfill_facts.json"))
    assert task["job"] == "backfill-facts" and task["counts"]["months"] == 3
