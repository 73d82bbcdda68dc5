"""The merchant's view through GraphQL on the stack: returns made with made-up SKUs, the facts carried by
the table's stream into Parquet, the figures and exports read back exactly (docs/spec/insights.md)."""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import unquote, urlparse

import boto3
import pytest

from returns_shared.adapters.insights_local import ParquetFactFiles

from .lifecycle_helpers import amount, approved, inspect_all, ok, receive, refund
from .support import DECLINE, INSPECT, Tokens, iso, line, order_input

INSIGHTS = """query($from: DateTime!, $to: DateTime!, $groupBy: InsightDimension!,
    $thenBy: InsightDimension) {
  returnInsights(from: $from, to: $to, groupBy: $groupBy, thenBy: $thenBy) {
    asOf truncated
    rows { key subKey currency returns units deliveredUnits returnRate itemValue { amount currencyCode }
           rejectedValue { amount } refunded { amount } labelFees { amount } shippingCredits { amount } }
    userErrors { field message code } } }"""
EXPORT = """mutation($from: DateTime!, $to: DateTime!, $kind: ExportKind!) {
  exportReturns(from: $from, to: $to, kind: $kind) {
    url rows expiresAt userErrors { field message code } } }"""
MERCHANT = Tokens().merchant
D = Decimal


def money(value: str) -> Decimal:
    return D(value).quantize(D("0.01"))


def period(days_back: float = 10, minutes_ahead: float = 60) -> dict[str, str]:
    now = datetime.now(UTC)
    return {"from": iso(now - timedelta(days=days_back)), "to": iso(now + timedelta(minutes=minutes_ahead))}


def figures(
    gql,
    group_by: str,
    then_by: str | None = None,
    *,
    token: str = MERCHANT,
    window: dict[str, str] | None = None,
) -> dict[Any, dict[str, Any]]:
    answer = gql(INSIGHTS, {**(window or period()), "groupBy": group_by, "thenBy": then_by}, token=token)[
        "returnInsights"
    ]
    assert answer["userErrors"] == [] and not answer["truncated"], answer
    return {(row["key"], row["subKey"]) if then_by else row["key"]: row for row in answer["rows"]}


def exported(gql, stack, kind: str) -> list[dict[str, str]]:
    answer = gql(EXPORT, {**period(), "kind": kind}, token=MERCHANT)["exportReturns"]
    assert answer["userErrors"] == [], answer
    url = urlparse(answer["url"])  # a presigned GET of the results bucket (moto in-process: read it by key)
    assert "X-Amz-Signature=" in url.query or "Signature=" in url.query
    assert "attachment" in unquote(url.query)
    bucket = os.environ["INSIGHTS_RESULTS_BUCKET"]
    key = unquote(url.path.split(f"/{bucket}/", 1)[-1] if f"/{bucket}/" in url.path else url.path.lstrip("/"))
    body = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(body, newline=""), strict=True))
    assert len(rows) == answer["rows"]
    return rows


@pytest.fixture
def shop(flow, gql, tokens, stack):
    """Five returns, each doing one thing the figures must show; what was done, for the assertions."""
    dress, top, belt, coat = (
        dict(sku=f"INS-{name}", category=f"INS-{cat}")
        for name, cat in (("DRESS-M", "DRESS"), ("TOP-S", "TOP"), ("BELT", "ACCESSORY"), ("COAT", "COAT"))
    )
    a = flow.record(
        order_input(
            line("A1", price="40.00", tax="3.20", quantity=3, **dress),
            line("A2", price="25.00", tax="2.00", title='=HYPERLINK("http://x.example")', **top),
            email="ines@example.com",
        )
    )
    b = flow.record(
        order_input(line("B1", price="40.00", quantity=2, **dress), country="CA", email="bea@example.com")
    )
    c = flow.record(
        order_input(
            line("C1", price="25.00", tax="2.00", **top),
            line("C2", price="10.00", **belt),
            email="carl@example.com",
        )
    )
    d = flow.record(order_input(line("D1", price="620.00", **coat), email="dora@example.com"))

    done: dict[str, Any] = {}
    # R1: first prepaid package (FEE-US-FIRST, free label), a note that looks like a formula
    r1 = approved(
        flow,
        a,
        [{"orderLineId": "A1", "quantity": 2, "reason": "SIZE_TOO_SMALL", "note": "+1 runs small"}],
        method="PREPAID_LABEL",
    )
    # R2: a later prepaid package of the same order: 6.99 label fee (FEE-US-LATER)
    r2 = approved(flow, a, [{"orderLineId": "A2", "quantity": 1, "reason": "STYLE"}], method="PREPAID_LABEL")
    # R3: Canada, first package: a 6.99 shipping credit paid with the refund (FEE-CAJP-FIRST)
    r3 = approved(flow, b, [{"orderLineId": "B1", "quantity": 1, "reason": "SIZE_TOO_LARGE"}])
    # R4: two lines, one rejected at inspection (COND-NEW)
    r4 = approved(
        flow,
        c,
        [
            {"orderLineId": "C1", "quantity": 1, "reason": "UNWANTED"},
            {"orderLineId": "C2", "quantity": 1, "reason": "UNWANTED"},
        ],
    )
    for ret in (r1, r2, r3):
        receive(flow, ret["id"])
        inspect_all(flow, ret)
        done[ret["id"]] = refund(flow, ret["id"])
    receive(flow, r4["id"])
    ok(
        flow.act(
            INSPECT,
            tokens.warehouse,
            id=r4["id"],
            lines=[
                {"orderLineId": "C1", "condition": "WORN"},
                {"orderLineId": "C2", "condition": "NEW_WITH_TAGS"},
            ],
        )
    )
    done[r4["id"]] = refund(flow, r4["id"])
    # R5: 620.00 is flagged (SCREEN-AMOUNT) and declined: nothing paid
    r5 = ok(flow.request(d, [{"orderLineId": "D1", "quantity": 1, "reason": "STYLE"}]))
    assert r5["status"] == "UNDER_REVIEW"
    done[r5["id"]] = ok(flow.act(DECLINE, tokens.agent, id=r5["id"], reason="could not confirm"))
    assert stack.flush_facts() > 0  # the stream's records into facts (make dev: every second)
    return {
        "r1": done[r1["id"]],
        "r2": done[r2["id"]],
        "r3": done[r3["id"]],
        "r4": done[r4["id"]],
        "r5": done[r5["id"]],
    }


def test_product_figures_are_exactly_what_was_done(gql, shop):
    r1, r2, r3, r4 = (shop[k] for k in ("r1", "r2", "r3", "r4"))
    assert [ret["status"] for ret in (r1, r2, r3, r4)] == ["REFUNDED"] * 4
    paid = {name: amount(shop[name]["refund"]["amount"]) for name in ("r1", "r2", "r3", "r4")}
    # what the refunds were, by the policy: item part - label fee + credit
    assert paid == {
        "r1": 2 * D("43.20"),
        "r2": D("27.00") - D("6.99"),
        "r3": D("40.00") + D("6.99"),
        "r4": D("10.00"),
    }
    by_sku = figures(gql, "SKU")
    dress, top, belt, coat = (by_sku[f"INS-{s}"] for s in ("DRESS-M", "TOP-S", "BELT", "COAT"))
    assert (dress["returns"], dress["units"], dress["deliveredUnits"]) == (2, 3, 5)  # 3 + 2 delivered
    assert money(dress["itemValue"]["amount"]) == 2 * D("43.20") + D("40.00")
    assert money(dress["refunded"]["amount"]) == paid["r1"] + paid["r3"]
    assert money(dress["labelFees"]["amount"]) == 0 and money(dress["shippingCredits"]["amount"]) == D("6.99")
    assert dress["returnRate"] == pytest.approx(3 / 5)
    assert (top["returns"], top["units"], top["deliveredUnits"], top["returnRate"]) == (2, 2, 2, 1.0)
    assert money(top["itemValue"]["amount"]) == 2 * D("27.00")
    assert money(top["refunded"]["amount"]) == paid["r2"] + paid["r4"]  # a return's money counts in each SKU
    assert money(top["labelFees"]["amount"]) == D("6.99") and money(top["rejectedValue"]["amount"]) == D(
        "27.00"
    )
    assert (belt["returns"], belt["units"], money(belt["refunded"]["amount"])) == (1, 1, D("10.00"))
    assert (coat["returns"], coat["units"], money(coat["refunded"]["amount"])) == (1, 1, D("0.00"))
    assert {row["itemValue"]["currencyCode"] for row in by_sku.values()} == {"USD"}

    by_category = figures(gql, "CATEGORY")
    assert (by_category["INS-DRESS"]["units"], by_category["INS-DRESS"]["deliveredUnits"]) == (3, 5)
    why = figures(gql, "SKU", "REASON")
    assert why[("INS-DRESS-M", "SIZE_TOO_SMALL")]["units"] == 2
    assert why[("INS-DRESS-M", "SIZE_TOO_LARGE")]["units"] == 1
    assert why[("INS-DRESS-M", "SIZE_TOO_LARGE")]["deliveredUnits"] == 5


def test_money_by_month_country_method_status(gql, shop):
    paid = sum(amount(shop[name]["refund"]["amount"]) for name in ("r1", "r2", "r3", "r4"))
    [month] = figures(gql, "MONTH").values()
    assert (month["key"], month["returns"], month["units"]) == (datetime.now(UTC).strftime("%Y-%m"), 5, 7)
    assert money(month["refunded"]["amount"]) == paid and month["deliveredUnits"] is None
    assert money(month["labelFees"]["amount"]) == D("6.99") and money(
        month["shippingCredits"]["amount"]
    ) == D("6.99")
    assert {k: r["returns"] for k, r in figures(gql, "COUNTRY").items()} == {"US": 4, "CA": 1}
    assert {k: r["returns"] for k, r in figures(gql, "METHOD").items()} == {
        "PREPAID_LABEL": 2,
        "SELF_SHIP": 3,
    }
    assert {k: r["returns"] for k, r in figures(gql, "STATUS").items()} == {"REFUNDED": 4, "DECLINED": 1}


def test_the_policy_view_lists_the_clauses_that_acted(gql, shop):
    clauses = figures(gql, "CLAUSE")
    assert {k: r["returns"] for k, r in clauses.items()} == {
        "FEE-US-FIRST": 1,
        "FEE-US-LATER": 1,
        "FEE-CAJP-FIRST": 1,
        "FEE-US-SELF": 2,
        "COND-NEW": 1,
        "SCREEN-AMOUNT": 1,
    }
    assert money(clauses["FEE-US-LATER"]["labelFees"]["amount"]) == D("6.99")
    assert money(clauses["FEE-CAJP-FIRST"]["shippingCredits"]["amount"]) == D("6.99")
    assert money(clauses["COND-NEW"]["rejectedValue"]["amount"]) == D("27.00")
    assert money(clauses["SCREEN-AMOUNT"]["itemValue"]["amount"]) == D("620.00")
    assert all(row["deliveredUnits"] is None and row["returnRate"] is None for row in clauses.values())
    outcome = figures(gql, "CLAUSE", "STATUS")  # screening flags and what became of them
    assert outcome[("SCREEN-AMOUNT", "DECLINED")]["returns"] == 1


def test_exports_list_the_refunds_with_their_stripe_ids_and_neutralise_formulas(gql, stack, shop):
    refunds = exported(gql, stack, "REFUNDS")
    assert list(refunds[0]) == [
        "rma",
        "order_id",
        "customer_email",
        "payment_reference",
        "stripe_refund_id",
        "amount",
        "currency",
        "issued_at",
        "label_fee",
        "shipping_credit",
        "clause_ids",
    ]
    paid = {shop[n]["id"]: shop[n]["refund"] for n in ("r1", "r2", "r3", "r4")}
    assert {row["rma"]: row["stripe_refund_id"] for row in refunds} == {
        rid: r["id"] for rid, r in paid.items()
    }
    assert all(
        row["stripe_refund_id"].startswith("re_") and row["payment_reference"].startswith("pi_")
        for row in refunds
    )
    assert {row["rma"]: D(row["amount"]) for row in refunds} == {
        rid: amount(r["amount"]) for rid, r in paid.items()
    }
    later = next(row for row in refunds if row["rma"] == shop["r2"]["id"])
    assert (D(later["label_fee"]), "FEE-US-LATER" in later["clause_ids"].split()) == (D("6.99"), True)

    lines = exported(gql, stack, "RETURN_LINES")
    assert len(lines) == 6 and lines[0]["rma"]
    top = next(row for row in lines if row["sku"] == "INS-TOP-S" and row["rma"] == shop["r2"]["id"])
    assert top["title"] == '\'=HYPERLINK("http://x.example")'  # shown as text, never run
    small = next(row for row in lines if row["rma"] == shop["r1"]["id"])
    assert (small["note"], small["quantity"], small["reason"], small["condition_at_inspection"]) == (
        "'+1 runs small",
        "2",
        "SIZE_TOO_SMALL",
        "NEW_WITH_TAGS",
    )
    worn = next(row for row in lines if row["sku"] == "INS-TOP-S" and row["rma"] == shop["r4"]["id"])
    assert (worn["accepted"], D(worn["refunded_amount"])) == ("false", D("0.00"))


def test_nobody_but_the_merchant_and_agents_reads_any_of_it(gql, tokens, shop):
    assert figures(gql, "SKU", token=tokens.agent)  # agents may
    for token in (tokens.customer("ines@example.com"), tokens.warehouse, tokens.integration):
        for document, variables in (
            (INSIGHTS, {**period(), "groupBy": "SKU"}),
            (EXPORT, {**period(), "kind": "REFUNDS"}),
        ):
            [error] = gql.errors(document, variables, token=token)
            assert error["extensions"]["code"] == "FORBIDDEN"
    [error] = gql.errors(INSIGHTS, {**period(), "groupBy": "SKU"})
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_bad_period_is_a_user_error(gql, shop):
    now = datetime.now(UTC)
    backwards = {"from": iso(now), "to": iso(now - timedelta(days=1)), "groupBy": "SKU"}
    answer = gql(INSIGHTS, backwards, token=MERCHANT)["returnInsights"]
    assert [(e["field"], e["code"]) for e in answer["userErrors"]] == [(["to"], "INVALID_INPUT")]
    assert answer["rows"] == []
    long = {"from": iso(now - timedelta(days=800)), "to": iso(now), "kind": "REFUNDS"}
    answer = gql(EXPORT, long, token=MERCHANT)["exportReturns"]
    assert answer["url"] is None and answer["userErrors"][0]["code"] == "INVALID_INPUT"


def test_the_backfill_rebuilds_the_same_figures_from_the_table(gql, stack, shop):
    before = {dim: figures(gql, dim) for dim in ("SKU", "CLAUSE", "MONTH")}
    ParquetFactFiles(stack.facts_dir).clear()
    assert gql(INSIGHTS, {**period(), "groupBy": "SKU"}, token=MERCHANT)["returnInsights"]["rows"] == []
    answer = stack.rebuild_facts(since=(datetime.now(UTC) - timedelta(days=80)).strftime("%Y-%m"))
    assert answer["counts"]["returns"] == 5 and answer["counts"]["orders"] >= 4
    assert {dim: figures(gql, dim) for dim in before} == before
    stack.flush_facts()  # the stream's own copies again: repeats never count twice
    assert {dim: figures(gql, dim) for dim in before} == before
