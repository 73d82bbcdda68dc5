"""Fact rows of returns and orders, and the figures DuckDB computes from them with the production SQL
(fakes for the service's ports, the real local insights adapters)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest

from returns_shared.domain.money import Money
from returns_shared.domain.orders import OrderLine
from returns_shared.insights.facts import COLUMN_NAMES, delivery_facts, return_facts
from returns_shared.policy.document import load_policy
from returns_shared.service.insights import backfill_facts
from tests.service import builders as b

from .support import InsightsWorld

D = Decimal


@pytest.fixture
def world(tmp_path) -> InsightsWorld:
    return InsightsWorld(tmp_path)


def test_a_refunded_return_leaves_its_return_line_clause_and_refund_rows(world):
    world.order(b.order("O1", lines=2, price="30.00"))
    rid = world.approved(
        "O1",
        [
            {"orderLineId": "L1", "quantity": 1, "reason": "DEFECTIVE"},
            {"orderLineId": "L2", "quantity": 1, "reason": "STYLE"},
        ],
        key="k1",
    )
    world.refunded(rid, {"L1": "NEW_WITH_TAGS", "L2": "WORN"})
    ret = world.stored(rid)
    rows = return_facts(ret, world.repo.get_order("O1"), load_policy())
    assert all(set(row) == {"kind", "month", *COLUMN_NAMES} for row in rows)
    by_kind = {
        kind: [r for r in rows if r["kind"] == kind] for kind in ("return", "line", "clause", "refund")
    }
    [returned] = by_kind["return"]
    assert (returned["units"], returned["item_value"], returned["rejected_value"]) == (
        2,
        D("60.00"),
        D("30.00"),
    )
    assert (returned["refunded"], returned["version"], returned["status"]) == (
        ret.refund.amount.amount,
        ret.version,
        "REFUNDED",
    )
    assert returned["shipping_credit"] == D("6.99")  # FEE-US-QUALITY: a self-shipped defect earns it
    assert {(r["line_id"], r["accepted"], r["refunded"]) for r in by_kind["line"]} == {
        ("L1", True, D("30.00")),
        ("L2", False, D("0.00")),
    }
    assert {(r["clause_id"], r["clause_role"]) for r in by_kind["clause"]} == {
        ("FEE-US-QUALITY", "fee"),
        ("COND-NEW", "refusal"),
    }
    [refund] = by_kind["refund"]
    assert (refund["refund_id"], refund["month"]) == (ret.refund.id, f"{ret.refund.issued_at:%Y-%m}")
    assert refund["refund_clauses"].split() == list(ret.refund.applied_clauses)


def test_a_delivery_that_moves_to_another_month_is_withdrawn_from_the_old_one():
    before = b.order("O1", lines=1)
    line = before.lines[0]
    moved = before.model_copy(
        update={"lines": (line.model_copy(update={"delivered_at": line.delivered_at + timedelta(days=40)}),)}
    )
    rows = delivery_facts(moved, 2, before=before)
    assert {(r["month"], r["withdrawn"], r["version"]) for r in rows} == {
        (f"{line.delivered_at:%Y-%m}", True, 2),
        (f"{line.delivered_at + timedelta(days=40):%Y-%m}", False, 2),
    }
    assert [r["withdrawn"] for r in delivery_facts(before, 2, before=before)] == [
        False
    ]  # unchanged: no withdrawal


def test_figures_read_the_newest_version_once_whatever_was_written_twice(world):
    world.order(b.order("O1", lines=2, price="30.00"))
    rid = world.approved("O1", [{"orderLineId": "L1", "quantity": 1, "reason": "SIZE_TOO_SMALL"}], key="k1")
    world.stream(rid)  # APPROVED
    world.refunded(rid, {"L1": "NEW_WITH_TAGS"})
    world.stream(rid)
    world.stream(rid)  # a redelivered batch
    [sku] = [row for row in world.insights("SKU")["rows"] if row["key"] == "SKU-1"]
    assert (sku["returns"], sku["units"], sku["itemValue"], sku["refunded"]) == (1, 1, "30.00", "30.00")
    assert (sku["deliveredUnits"], sku["returnRate"]) == (1, 1.0)
    [status] = world.insights("STATUS")["rows"]
    assert (status["key"], status["returns"]) == ("REFUNDED", 1)


def test_the_period_is_from_included_to_excluded(world):
    world.order(b.order("O1", lines=1))
    rid = world.approved("O1", [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}], key="k1")
    world.stream(rid)
    created = world.stored(rid).created_at
    assert (
        world.insights(
            "MONTH", **{"from": created.isoformat(), "to": (created + timedelta(seconds=1)).isoformat()}
        )["rows"][0]["returns"]
        == 1
    )
    assert (
        world.insights(
            "MONTH", **{"from": (created - timedelta(days=1)).isoformat(), "to": created.isoformat()}
        )["rows"]
        == []
    )


def test_products_delivered_and_never_returned_are_rows_with_a_zero_rate(world):
    world.order(b.order("O1", lines=2))
    rid = world.approved("O1", [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}], key="k1")
    world.stream(rid)
    rows = {row["key"]: row for row in world.insights("SKU")["rows"]}
    assert (rows["SKU-2"]["returns"], rows["SKU-2"]["deliveredUnits"], rows["SKU-2"]["returnRate"]) == (
        0,
        1,
        0.0,
    )
    assert [row["key"] for row in world.insights("SKU")["rows"]] == ["SKU-1", "SKU-2"]  # most returns first


def test_the_backfill_writes_what_the_stream_did(world, tmp_path):
    world.order(b.order("O1", lines=2, price="30.00"))
    rid = world.approved("O1", [{"orderLineId": "L2", "quantity": 1, "reason": "STYLE"}], key="k1")
    world.refunded(rid, {"L2": "NEW_WITH_TAGS"})
    world.stream(rid)
    streamed = {dim: world.insights(dim)["rows"] for dim in ("SKU", "CLAUSE", "COUNTRY")}
    world.files.clear()
    assert world.insights("SKU")["rows"] == []
    counts = backfill_facts({"since": f"{world.clock() - timedelta(days=40):%Y-%m}"}, world.deps)
    assert (counts["returns"], counts["orders"]) == (1, 1)
    assert {dim: world.insights(dim)["rows"] for dim in streamed} == streamed


def test_many_small_files_are_compacted_without_changing_a_figure(world):
    world.order(b.order("O1", lines=1, price="30.00"))
    rid = world.approved("O1", [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}], key="k1")
    for _ in range(30):
        world.stream(rid)
    folders = {p.parent for p in world.files.directory.glob("kind=return/month=*/*.parquet")}
    assert all(len(list(folder.glob("*.parquet"))) <= 25 for folder in folders)
    [row] = world.insights("METHOD")["rows"]
    assert (row["returns"], row["itemValue"]) == (1, "30.00")


def test_an_export_neutralises_what_a_spreadsheet_would_run(world):
    order = b.order("O1", lines=1, price="30.00")
    line = order.lines[0]
    tricky = order.model_copy(
        update={
            "lines": (
                OrderLine(
                    **{
                        **line.model_dump(),
                        "title": "@SUM(A1:A9)",
                        "sku": "-SKU",
                        "unit_price": Money.of("30.00", "USD"),
                    }
                ),
            )
        }
    )
    world.order(tricky)
    rid = world.approved(
        "O1",
        [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE", "note": "=cmd|' /C calc'!A0\tand a tab"}],
        key="k1",
    )
    world.refunded(rid, {"L1": "NEW_WITH_TAGS"})
    world.stream(rid)
    now = world.clock()
    answer = world.command(
        "exportReturns",
        b.AGENT,
        {
            "from": (now - timedelta(days=1)).isoformat(),
            "to": (now + timedelta(days=1)).isoformat(),
            "kind": "RETURN_LINES",
        },
    )
    assert answer["rows"] == 1 and answer["url"].endswith("?expires=300")
    [body] = world.s3.objects.values()
    text = body.decode("utf-8")
    assert text.startswith('"rma","order_id","sku","title"')  # a header row, every field quoted
    [row] = list(csv.DictReader(io.StringIO(text, newline=""), strict=True))
    assert (row["sku"], row["title"]) == ("'-SKU", "'@SUM(A1:A9)")
    assert row["note"] == "'=cmd|' /C calc'!A0\tand a tab"
    assert D(row["refunded_amount"]) == D("30.00") and row["accepted"] == "true"


def test_a_line_whose_sku_changed_is_withdrawn_under_the_old_one():
    before = b.order("O1", lines=1)
    line = before.lines[0]
    renamed = before.model_copy(update={"lines": (line.model_copy(update={"sku": "SKU-NEW"}),)})
    rows = delivery_facts(renamed, 2, before=before)
    assert {(r["sku"], r["withdrawn"], r["quantity"]) for r in rows} == {
        ("SKU-1", True, 0),
        ("SKU-NEW", False, 1),
    }


def test_delivered_units_follow_the_newest_version_of_each_line(world):
    order = world.order(b.order("O1", lines=2))  # version 1: both lines delivered 5 days ago
    line = order.lines[0]
    moved = order.model_copy(
        update={
            "lines": (
                line.model_copy(update={"delivered_at": line.delivered_at - timedelta(days=60)}),
                order.lines[1],
            )
        }
    )
    stored = world.table.orders["O1"]
    world.table.orders["O1"] = type(stored)(moved, 2, [])
    world.stream_order(moved, 2, before=order)
    world.stream_order(moved, 2, before=order)  # a redelivered batch changes nothing
    rows = {row["key"]: row for row in world.insights("SKU")["rows"]}
    assert (rows["SKU-2"]["deliveredUnits"], "SKU-1" in rows) == (1, False)  # SKU-1 moved out of the period
