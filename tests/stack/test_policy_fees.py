"""FEE-* (return shipping per package), LABEL-US, the first-package rule, currencies, and REFUND-AMOUNT /
REFUND-FEES / REFUND-SHIPPING / REFUND-ORIGINAL / REFUND-7D arithmetic, through GraphQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .policy_helpers import (
    assert_nothing_stored,
    at,
    cancel,
    clause_ids,
    fees,
    ok,
    quoted,
    refused,
    rl,
)
from .support import INSPECT, RECEIVE, REFUND, TRACKING, address, line, order_input

SIZE, DEFECT, WRONG, NAD = "SIZE_TOO_SMALL", "DEFECTIVE", "WRONG_ITEM", "NOT_AS_DESCRIBED"
BOTH, SELF_ONLY = ["PREPAID_LABEL", "SELF_SHIP"], ["SELF_SHIP"]
AU = {"name": "Jane Doe", "line1": "Bennelong Point", "city": "Sydney", "region": "NSW", "postalCode": "2000",
      "countryCode": "AU", "phone": "+61 2 9250 7111"}
FR = {
    "name": "Marie Curie",
    "line1": "1 Rue de Rivoli",
    "city": "Paris",
    "region": None,
    "postalCode": "75001",
    "countryCode": "FR",
    "phone": "+33 1 40 20 50 50",
}

# (ship to, later package?, method, reasons of the returned lines) ->
#   (labelFee, shippingCredit, total, fee clause, merchantResponsibility, methodsAvailable)
FEE_TABLE: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = [
    (("US", False, "PREPAID_LABEL", [SIZE]), ("0.00", "0.00", "30.00", "FEE-US-FIRST", False, BOTH)),
    (("US", True, "PREPAID_LABEL", [SIZE]), ("6.99", "0.00", "23.01", "FEE-US-LATER", False, BOTH)),
    (("US", False, "SELF_SHIP", [SIZE]), ("0.00", "0.00", "30.00", "FEE-US-SELF", False, BOTH)),
    (("US", True, "SELF_SHIP", [SIZE]), ("0.00", "0.00", "30.00", "FEE-US-SELF", False, BOTH)),
    (("US", False, "SELF_SHIP", [DEFECT]), ("0.00", "6.99", "36.99", "FEE-US-QUALITY", True, BOTH)),
    (("US", True, "SELF_SHIP", [WRONG]), ("0.00", "6.99", "36.99", "FEE-US-QUALITY", True, BOTH)),
    (("US", False, "PREPAID_LABEL", [DEFECT]), ("0.00", "0.00", "30.00", "FEE-US-QUALITY", True, BOTH)),
    (("US", True, "PREPAID_LABEL", [DEFECT]), ("0.00", "0.00", "30.00", "FEE-US-QUALITY", True, BOTH)),
    (("US", True, "PREPAID_LABEL", [SIZE, NAD]), ("0.00", "0.00", "60.00", "FEE-US-QUALITY", True, BOTH)),
    (("CA", False, "SELF_SHIP", [SIZE]), ("0.00", "6.99", "36.99", "FEE-CAJP-FIRST", False, SELF_ONLY)),
    (("CA", False, "SELF_SHIP", [DEFECT]), ("0.00", "6.99", "36.99", "FEE-CAJP-QUALITY", True, SELF_ONLY)),
    (
        ("CA", False, "SELF_SHIP", [DEFECT, WRONG]),
        ("0.00", "6.99", "66.99", "FEE-CAJP-QUALITY", True, SELF_ONLY),
    ),
    (("CA", True, "SELF_SHIP", [SIZE]), ("0.00", "0.00", "30.00", "FEE-CAJP-LATER", False, SELF_ONLY)),
    (("CA", True, "SELF_SHIP", [DEFECT]), ("0.00", "6.99", "36.99", "FEE-CAJP-QUALITY", True, SELF_ONLY)),
    (("JP", False, "SELF_SHIP", [SIZE]), ("0.00", "6.99", "36.99", "FEE-CAJP-FIRST", False, SELF_ONLY)),
    (("JP", True, "SELF_SHIP", [SIZE]), ("0.00", "0.00", "30.00", "FEE-CAJP-LATER", False, SELF_ONLY)),
    (("JP", True, "SELF_SHIP", [NAD]), ("0.00", "6.99", "36.99", "FEE-CAJP-QUALITY", True, SELF_ONLY)),
    (("DE", False, "SELF_SHIP", [SIZE]), ("0.00", "0.00", "30.00", "FEE-EU", False, SELF_ONLY)),
    (("DE", False, "SELF_SHIP", [DEFECT]), ("0.00", "0.00", "30.00", "FEE-EU", True, SELF_ONLY)),
    (("FR", True, "SELF_SHIP", [DEFECT]), ("0.00", "0.00", "30.00", "FEE-EU", True, SELF_ONLY)),
    (("GB", False, "SELF_SHIP", [SIZE]), ("0.00", "0.00", "30.00", "FEE-OTHER", False, SELF_ONLY)),
    (("GB", False, "SELF_SHIP", [DEFECT]), ("0.00", "0.00", "30.00", "FEE-OTHER", True, SELF_ONLY)),
    (("AU", True, "SELF_SHIP", [WRONG]), ("0.00", "0.00", "30.00", "FEE-OTHER", True, SELF_ONLY)),
    (("AU", False, "PREPAID_LABEL", [DEFECT]), ("0.00", "0.00", "30.00", "FEE-OTHER", True, SELF_ONLY)),
]
ALL_FEE_CLAUSES = {"FEE-US-FIRST", "FEE-US-LATER", "FEE-US-SELF", "FEE-US-QUALITY", "FEE-CAJP-FIRST",
                   "FEE-CAJP-LATER", "FEE-CAJP-QUALITY", "FEE-EU", "FEE-OTHER"}


def _order(country: str, lines: list[dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
    ship = {"AU": AU, "FR": FR}.get(country) or address(country)
    return order_input(*lines, shipping=ship, **kwargs)


def test_fee_table_quotes_and_requests(flow):
    """Every FEE-* case, first as a quote, then as a stored request (which keeps the quote)."""
    problems = []
    for (country, later, method, why), expected in FEE_TABLE:
        ids = [f"L{i}" for i in range(1, len(why) + 1)]
        order = flow.record(_order(country, [line("L0"), *(line(i) for i in ids)]))
        if later:
            assert ok(flow.request(order, [rl("L0")]))["status"] == "APPROVED"
        lines = [rl(i, 1, reason) for i, reason in zip(ids, why, strict=True)]
        quote = quoted(flow.quote(order, lines, method=method))
        shown = (*fees(quote), (clause_ids(quote) & ALL_FEE_CLAUSES), quote["merchantResponsibility"],
                 quote["methodsAvailable"])
        want = (*expected[:3], {expected[3]}, *expected[4:])
        if shown != want or quote["firstReturnPackage"] is later:
            problems.append(f"quote {country} later={later} {method} {why}: {shown} != {want}")
        if method not in expected[5]:
            continue  # LABEL-US: no label outside the US, covered in test_policy_scenarios
        ret = ok(flow.request(order, lines, method=method))
        stored = (*fees(ret["quote"]), clause_ids(ret["quote"]) & ALL_FEE_CLAUSES)
        if stored != (*expected[:3], {expected[3]}) or ret["status"] != "APPROVED":
            problems.append(f"request {country} later={later} {method} {why}: {stored} {ret['status']}")
        if expected[1] != "0.00" and "REFUND-FEES" not in clause_ids(ret["quote"]):
            problems.append(f"request {country} {why}: a shipping credit without REFUND-FEES")
    assert not problems, "\n".join(problems)


def test_merchant_responsibility_is_judged_on_eligible_lines_only(flow):
    order = flow.record(_order("US", [line("L1"), line("SOCK", category="SOCKS")]))
    quote = quoted(flow.quote(order, [rl("L1"), rl("SOCK", 1, DEFECT)]))
    assert quote["merchantResponsibility"] is False
    assert fees(quote) == ("0.00", "0.00", "30.00")
    assert "FEE-US-SELF" in clause_ids(quote)
    # nothing eligible: no fee and no credit (a credit is only paid with a refund)
    ca = flow.record(_order("CA", [line("SOCK", category="SOCKS")]))
    assert fees(quoted(flow.quote(ca, [rl("SOCK", 1, DEFECT)]))) == ("0.00", "0.00", "0.00")


def test_first_package_is_kept_by_a_request_and_quotes_follow_cancellations(flow, gql, tokens):
    order = flow.record(_order("US", [line("L1"), line("L2"), line("L3")]))
    first = ok(flow.request(order, [rl("L1")], method="PREPAID_LABEL"))
    assert first["quote"]["firstReturnPackage"] is True and first["quote"]["labelFee"]["amount"] == "0.00"
    second = ok(flow.request(order, [rl("L2")], method="PREPAID_LABEL"))
    assert second["quote"]["firstReturnPackage"] is False
    assert fees(second["quote"]) == ("6.99", "0.00", "23.01")

    cancel(gql, tokens, first["id"])
    kept = flow.get(second["id"])
    assert kept["quote"]["firstReturnPackage"] is False
    assert fees(kept["quote"]) == ("6.99", "0.00", "23.01")
    # the second package is still active: a new quote is a later package
    assert quoted(flow.quote(order, [rl("L3")], method="PREPAID_LABEL"))["firstReturnPackage"] is False

    # the return requested as "later" is refunded as later, whatever was canceled meanwhile
    ok(gql(RECEIVE, {"id": second["id"], "at": None}, token=tokens.warehouse)["receiveReturn"])
    ok(gql(INSPECT, {"id": second["id"], "lines": [{"orderLineId": "L2", "condition": "NEW_WITH_TAGS"}]},
           token=tokens.warehouse)["inspectReturn"])
    refunded = ok(gql(REFUND, {"id": second["id"]}, token=tokens.agent)["issueRefund"])
    assert refunded["refund"]["amount"]["amount"] == "23.01"
    assert "FEE-US-LATER" in {c["id"] for c in refunded["refund"]["appliedClauses"]}

    # once no other package counts, a new quote is a first package again
    fresh = flow.record(_order("CA", [line("L1"), line("L2")]))
    only = ok(flow.request(fresh, [rl("L1")]))
    assert quoted(flow.quote(fresh, [rl("L2")]))["firstReturnPackage"] is False
    cancel(gql, tokens, only["id"])
    quote = quoted(flow.quote(fresh, [rl("L2")]))
    assert quote["firstReturnPackage"] is True
    assert fees(quote) == ("0.00", "6.99", "36.99") and "FEE-CAJP-FIRST" in clause_ids(quote)
    assert flow.get(only["id"])["quote"]["firstReturnPackage"] is True


def test_unsupported_currency_is_a_clear_error(flow, gql, tokens):
    eur = flow.record(
        _order(
            "DE", [line("L1", currency="EUR"), line("SOCK", category="SOCKS", currency="EUR")], currency="EUR"
        )
    )
    errors = refused(flow.quote(eur, [rl("L1")]), "UNSUPPORTED_CURRENCY")
    assert "EUR" in errors[0]["message"]
    refused(flow.quote(eur, [rl("SOCK")]), "UNSUPPORTED_CURRENCY")  # even when nothing is eligible
    refused(flow.request(eur, [rl("L1")]), "UNSUPPORTED_CURRENCY")
    assert_nothing_stored(gql, tokens, eur)


# -- REFUND-AMOUNT -----------------------------------------------------------------------------------
def test_line_amounts_round_half_even_and_totals_sum_rounded_lines(flow):
    order = flow.record(_order("US", [
        line("A", price="10.00", tax="0.125"),           # 10.125 -> 10.12
        line("B", price="10.00", tax="0.135"),           # 10.135 -> 10.14
        line("C", price="20.00", tax="0.005"),           # 20.005 -> 20.00
        line("D", price="10.00", tax="0.125", quantity=3),  # 30.375 -> 30.38
        line("E", price="9.9999"),                       # 9.9999 -> 10.00
    ]))
    quote = quoted(flow.quote(order, [rl("A"), rl("B"), rl("C"), rl("D", 3), rl("E")]))
    assert [q["amount"]["amount"] for q in quote["lines"]] == ["10.12", "10.14", "20.00", "30.38", "10.00"]
    assert quote["itemsSubtotal"]["amount"] == "80.64"  # a sum of rounded lines (unrounded: 80.6449)
    assert quote["total"]["amount"] == "80.64"
    two = quoted(flow.quote(order, [rl("A"), rl("C")]))
    assert two["itemsSubtotal"]["amount"] == "30.12"  # not round(30.13)
    ret = ok(flow.request(order, [rl("A"), rl("C")]))
    assert ret["quote"]["total"]["amount"] == "30.12"


def test_label_fee_is_shown_in_full_and_the_total_floored_at_zero(flow):
    order = flow.record(_order("US", [line("L0"), line("CHEAP", price="4.00", tax="0.50")]))
    ok(flow.request(order, [rl("L0")]))
    quote = quoted(flow.quote(order, [rl("CHEAP")], method="PREPAID_LABEL"))
    assert fees(quote) == ("6.99", "0.00", "0.00")
    assert quote["itemsSubtotal"]["amount"] == "4.50"
    assert "PREPAID_LABEL" in quote["methodsAvailable"]
    ret = ok(flow.request(order, [rl("CHEAP")], method="PREPAID_LABEL"))
    assert fees(ret["quote"]) == ("6.99", "0.00", "0.00")
    assert ret["label"] is not None and ret["label"]["fee"]["amount"] == "6.99"


def _settle(
    gql, tokens, ret: dict[str, Any], condition: str = "NEW_WITH_TAGS", **inspect: Any
) -> dict[str, Any]:
    if ret["method"] == "SELF_SHIP":
        ok(gql(TRACKING, {"id": ret["id"], "carrier": "UPS", "number": "1Z999AA10123456784"},
               token=tokens.agent)["submitReturnTracking"])
    ok(gql(RECEIVE, {"id": ret["id"], "at": None}, token=tokens.warehouse)["receiveReturn"])
    lines = [{"orderLineId": li["orderLineId"], "condition": condition, **inspect} for li in ret["lines"]]
    ok(gql(INSPECT, {"id": ret["id"], "lines": lines}, token=tokens.warehouse)["inspectReturn"])
    return ok(gql(REFUND, {"id": ret["id"]}, token=tokens.agent)["issueRefund"])


def test_item_part_is_capped_at_paid_minus_refunded(flow, gql, tokens):
    # 2 x 0.335 paid 0.67 in all, but each unit alone rounds to 0.34
    order = flow.record(_order("US", [line("L1", price="0.335", quantity=2)]))
    first = ok(flow.request(order, [rl("L1")]))
    assert first["quote"]["itemsSubtotal"]["amount"] == "0.34"
    assert _settle(gql, tokens, first)["refund"]["amount"]["amount"] == "0.34"
    quote = quoted(flow.quote(order, [rl("L1")]))
    assert quote["lines"][0]["amount"]["amount"] == "0.34"  # line amounts are before the cap
    assert quote["itemsSubtotal"]["amount"] == "0.33" and quote["total"]["amount"] == "0.33"
    second = ok(flow.request(order, [rl("L1")]))
    assert _settle(gql, tokens, second)["refund"]["amount"]["amount"] == "0.33"


def test_refund_keeps_credit_excludes_order_shipping_and_goes_to_original_payment(flow, gql, tokens, mailbox):
    order = flow.record(_order("CA", [line("L1", price="45.00")]))
    ret = ok(flow.request(order, [rl("L1")]))
    assert fees(ret["quote"]) == ("0.00", "6.99", "51.99")
    done = _settle(gql, tokens, ret)
    refund = done["refund"]
    assert refund["amount"] == {
        "amount": "51.99",
        "currencyCode": "USD",
    }  # order shipping 5.99 never refunded
    assert refund["paymentReference"] == order["paymentReference"]
    assert {"REFUND-AMOUNT", "REFUND-FEES", "REFUND-SHIPPING"} <= {c["id"] for c in refund["appliedClauses"]}
    assert done["status"] == "REFUNDED"
    assert at(done["refundDueAt"]) == at(done["receivedAt"]) + timedelta(days=7)
    # once refunded: the 5 days count from the refund itself, the date the confirmation email gives
    assert at(done["refundExpectedBy"]) == at(refund["issuedAt"]) + timedelta(days=5)
    assert any(order["email"] in mail["to"] and "51.99" in mail["body"] for mail in mailbox())
    # REFUND-ONCE: a second click pays nothing more
    again = gql(REFUND, {"id": ret["id"]}, token=tokens.agent)["issueRefund"]
    assert again["return"] is None and again["userErrors"]
    assert flow.get(ret["id"])["refund"]["id"] == refund["id"]
