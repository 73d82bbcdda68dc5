"""The order feed re-records orders (a delivery scan adds deliveredAt): once an order has a return, the
facts its refund is priced and paid on are locked, so the feed cannot redirect a refund to another
payment or stretch a return window. Refusals are INVALID_STATE and change nothing."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

from .support import RECORD_ORDER, iso, line, order_input


def _record(gql, tokens, order) -> list[dict]:
    return gql(RECORD_ORDER, {"input": order}, token=tokens.integration)["recordOrder"]["userErrors"]


def _with(order, **changes):
    changed = copy.deepcopy(order)
    changed.update(changes)
    return changed


def test_payment_facts_are_locked_once_an_order_has_a_return(flow, gql, tokens, stack):
    order = flow.record(order_input(line("L1", price="45.00"), line("L2", delivered_days_ago=None)))
    assert (
        _record(gql, tokens, _with(order, paymentReference="pi_corrected_by_the_feed")) == []
    )  # no return yet
    assert _record(gql, tokens, order) == []
    flow.request(order)
    stored = stack.deps.repo.get_stored_order(order["id"])

    redirected = _with(order, paymentReference="pi_someone_elses_card")
    cheaper = copy.deepcopy(order)
    cheaper["lines"][0]["unitPrice"]["amount"] = "9.00"
    in_euros = copy.deepcopy(order)
    in_euros["currencyCode"] = "EUR"
    for part in (
        in_euros["shippingFee"],
        *(li[k] for li in in_euros["lines"] for k in ("unitPrice", "unitTax")),
    ):
        part["currencyCode"] = "EUR"
    to_canada = copy.deepcopy(order)  # the fees were decided for the US (FEE-US-*, LABEL-US)
    to_canada["shippingAddress"] = {
        **to_canada["shippingAddress"],
        "countryCode": "CA",
        "postalCode": "M5V 3L9",
        "region": "ON",
    }
    moved = copy.deepcopy(order)
    moved["lines"][0]["deliveredAt"] = iso(datetime.now(UTC) - timedelta(days=1))  # a later delivery
    removed = copy.deepcopy(order)
    removed["lines"][0]["deliveredAt"] = None
    for attempt, field in (
        (redirected, ["input", "paymentReference"]),
        (cheaper, ["input", "lines"]),
        (in_euros, ["input", "currencyCode"]),
        (to_canada, ["input", "shippingAddress", "countryCode"]),
        (moved, ["input", "lines", "0", "deliveredAt"]),
        (removed, ["input", "lines", "0", "deliveredAt"]),
    ):
        [error] = _record(gql, tokens, attempt)
        assert (error["code"], error["field"]) == ("INVALID_STATE", field), error
    assert stack.deps.repo.get_stored_order(order["id"]) == stored  # nothing changed

    # a line that ships later gets its delivery date
    shipped = copy.deepcopy(order)
    shipped["lines"][1]["deliveredAt"] = iso(datetime.now(UTC) - timedelta(hours=2))
    assert _record(gql, tokens, shipped) == []
    assert stack.deps.repo.get_order(order["id"]).line("L2").delivered_at is not None


def test_the_locale_is_recorded_read_back_and_chooses_the_email_language(flow, gql, tokens, mailbox):
    order = flow.record({**order_input(line("L1")), "locale": "ja-jp"})
    query = "query($id: ID!) { order(id: $id) { id locale } }"
    assert gql(query, {"id": order["id"]}, token=tokens.agent)["order"]["locale"] == "ja-JP"
    ret = flow.request(order)["return"]  # a US order: screened, approved, "how to ship" emailed
    [mail] = [m for m in mailbox() if ret["id"] in m["subject"]]
    assert mail["subject"] == f"返品 {ret['id']} 承認のお知らせ：商品の返送方法"
    # the feed corrects the locale while the order has a return: it prices nothing, so it is not locked
    assert _record(gql, tokens, {**order, "locale": "en-US"}) == []
    assert gql(query, {"id": order["id"]}, token=tokens.agent)["order"]["locale"] == "en-US"
    [error] = _record(gql, tokens, {**order, "locale": "Japanese"})
    assert (error["code"], error["field"]) == ("INVALID_INPUT", ["input", "locale"])
