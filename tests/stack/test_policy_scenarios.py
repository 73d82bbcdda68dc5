"""The policy rules (spec/policy-rules.md) through GraphQL: the worked examples, eligibility (WINDOW-30D,
NR-*, QTY), methods (LABEL-US), whole-request refusals, idempotency and the policy view.

Fees, refund arithmetic and screening have their own files (test_policy_fees.py, test_policy_screening.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from .policy_helpers import (
    POLICY,
    assert_nothing_stored,
    at,
    by_line,
    cancel,
    clause_ids,
    fees,
    ok,
    order_view,
    quoted,
    reasons,
    refused,
    returnable,
    rl,
)
from .support import DECLINE, QUOTE, REQUEST_RETURN, iso, line, order_input

# -- examples.md, row by row ---------------------------------------------------------------------
# (row, ship to, later package?, method, reason, order lines, expected labelFee, shippingCredit, total,
#  fee clause, methodsAvailable, merchantResponsibility)
ELIGIBLE_ROWS = [
    (
        1,
        "US",
        False,
        "PREPAID_LABEL",
        "SIZE_TOO_SMALL",
        {},
        "0.00",
        "0.00",
        "30.00",
        "FEE-US-FIRST",
        ["PREPAID_LABEL", "SELF_SHIP"],
        False,
    ),
    (
        2,
        "US",
        True,
        "PREPAID_LABEL",
        "SIZE_TOO_SMALL",
        {},
        "6.99",
        "0.00",
        "23.01",
        "FEE-US-LATER",
        ["PREPAID_LABEL", "SELF_SHIP"],
        False,
    ),
    (
        3,
        "US",
        False,
        "SELF_SHIP",
        "DEFECTIVE",
        {},
        "0.00",
        "6.99",
        "36.99",
        "FEE-US-QUALITY",
        ["PREPAID_LABEL", "SELF_SHIP"],
        True,
    ),
    (
        4,
        "CA",
        False,
        "SELF_SHIP",
        "SIZE_TOO_SMALL",
        {},
        "0.00",
        "6.99",
        "36.99",
        "FEE-CAJP-FIRST",
        ["SELF_SHIP"],
        False,
    ),
    (
        5,
        "JP",
        True,
        "SELF_SHIP",
        "SIZE_TOO_SMALL",
        {},
        "0.00",
        "0.00",
        "30.00",
        "FEE-CAJP-LATER",
        ["SELF_SHIP"],
        False,
    ),
    (6, "DE", False, "SELF_SHIP", "DEFECTIVE", {}, "0.00", "0.00", "30.00", "FEE-EU", ["SELF_SHIP"], True),
    (
        10,
        "US",
        False,
        "SELF_SHIP",
        "SIZE_TOO_SMALL",
        {"price": "40.00", "tax": "3.20", "quantity": 2},
        "0.00",
        "0.00",
        "86.40",
        "FEE-US-SELF",
        ["PREPAID_LABEL", "SELF_SHIP"],
        False,
    ),
]


@pytest.mark.parametrize(
    "row, country, later, method, reason, spec, label_fee, credit, total, fee_clause, methods, merchant",
    ELIGIBLE_ROWS, ids=[f"row{r[0]}" for r in ELIGIBLE_ROWS],
)
def test_examples_eligible_rows(flow, row, country, later, method, reason, spec, label_fee, credit, total,
                                fee_clause, methods, merchant):
    quantity = spec.get("quantity", 1)
    order = flow.record(order_input(line("L0"), line("L1", **spec), country=country))
    if later:  # an earlier, non-void return package of the same order
        earlier = ok(flow.request(order, [rl("L0")]))
        assert earlier["status"] == "APPROVED"

    quote = quoted(flow.quote(order, [rl("L1", quantity, reason)], method=method))
    assert fees(quote) == (label_fee, credit, total), f"row {row}"
    assert quote["itemsSubtotal"]["amount"] == ("86.40" if row == 10 else "30.00")
    assert quote["lines"][0]["eligible"] is True and quote["lines"][0]["reasons"] == []
    assert quote["firstReturnPackage"] is (not later)
    assert quote["merchantResponsibility"] is merchant
    assert quote["methodsAvailable"] == methods
    assert fee_clause in clause_ids(quote)
    assert {"REFUND-AMOUNT", "REFUND-SHIPPING"} <= clause_ids(quote)
    assert quote["total"]["currencyCode"] == "USD"

    ret = ok(flow.request(order, [rl("L1", quantity, reason)], method=method))
    assert ret["status"] == "APPROVED", ret["screening"]
    assert fees(ret["quote"]) == (label_fee, credit, total)
    assert ret["quote"]["firstReturnPackage"] is (not later)
    assert fee_clause in clause_ids(ret["quote"])
    if method == "PREPAID_LABEL":
        assert ret["label"] is not None and ret["label"]["fee"]["amount"] == label_fee


# (row, order lines, lines returned, ineligible line, code, clause)
INELIGIBLE_ROWS = [
    (7, [line("L1", delivered_days_ago=40)], ["L1"], "RETURN_WINDOW_EXPIRED", "WINDOW-30D"),
    (8, [line("L1", category="SOCKS")], ["L1"], "NON_RETURNABLE_CATEGORY", "NR-CATEGORY"),
    (9, [line("L1", setId="S1"), line("L2", setId="S1")], ["L1"], "SET_INCOMPLETE", "NR-SET"),
]


@pytest.mark.parametrize(
    "row, lines, returned, code, clause", INELIGIBLE_ROWS, ids=[f"row{r[0]}" for r in INELIGIBLE_ROWS]
)
def test_examples_ineligible_rows(flow, gql, tokens, row, lines, returned, code, clause):
    order = flow.record(order_input(*lines))
    quote = quoted(flow.quote(order, [rl(line_id) for line_id in returned]))
    quote_line = quote["lines"][0]
    assert quote_line["eligible"] is False
    assert (code, clause) in reasons(quote_line)
    assert quote_line["amount"]["amount"] == "0.00"
    assert fees(quote) == ("0.00", "0.00", "0.00")
    assert clause in clause_ids(quote)

    answer = flow.request(order, [rl(line_id) for line_id in returned])
    errors = refused(answer, "INELIGIBLE")
    assert any(clause in error["message"] for error in errors), errors
    assert errors[0]["field"] == ["input", "lines", "0"]
    assert_nothing_stored(gql, tokens, order)


# -- WINDOW-30D ----------------------------------------------------------------------------------
def test_window_edges_returnability_and_undelivered_lines(flow, gql, tokens):
    order = flow.record(order_input(
        line("IN", delivered_days_ago=30 - 60 / 86400),   # 60 s before the window closes
        line("OUT", delivered_days_ago=30 + 60 / 86400),  # closed 60 s ago
        line("NODEL", delivered_days_ago=None),
        line("MANY", quantity=3),
    ))
    delivered = {li["id"]: li["deliveredAt"] for li in order["lines"]}
    view = by_line(order_view(gql, tokens, order)["returnability"])

    assert view["IN"]["eligible"] is True and view["IN"]["returnableQuantity"] == 1
    assert at(view["IN"]["returnDeadline"]) == at(delivered["IN"]) + timedelta(days=30)
    # the deadline is shown even after it passed; the line is not returnable any more
    assert view["OUT"]["eligible"] is False and view["OUT"]["returnableQuantity"] == 0
    assert reasons(view["OUT"]) == [("RETURN_WINDOW_EXPIRED", "WINDOW-30D")]
    assert at(view["OUT"]["returnDeadline"]) == at(delivered["OUT"]) + timedelta(days=30)
    assert view["NODEL"]["eligible"] is False and view["NODEL"]["returnableQuantity"] == 0
    assert reasons(view["NODEL"]) == [("NOT_DELIVERED", "WINDOW-30D")]
    assert view["NODEL"]["returnDeadline"] is None
    assert view["MANY"]["eligible"] is True and view["MANY"]["returnableQuantity"] == 3

    quote = quoted(flow.quote(order, [rl("IN"), rl("OUT"), rl("NODEL")]))
    lines = by_line(quote["lines"])
    assert lines["IN"]["eligible"] is True and lines["IN"]["amount"]["amount"] == "30.00"
    assert reasons(lines["OUT"]) == [("RETURN_WINDOW_EXPIRED", "WINDOW-30D")]
    assert reasons(lines["NODEL"]) == [("NOT_DELIVERED", "WINDOW-30D")]
    assert quote["itemsSubtotal"]["amount"] == "30.00"

    errors = refused(flow.request(order, [rl("IN"), rl("OUT")]), "INELIGIBLE")
    assert [error["field"] for error in errors] == [["input", "lines", "1"]]
    refused(flow.request(order, [rl("NODEL")]), "INELIGIBLE")
    assert_nothing_stored(gql, tokens, order)
    assert ok(flow.request(order, [rl("IN")]))["status"] == "APPROVED"


def test_window_closes_at_exactly_thirty_times_24_hours(stack, flow, gql, tokens, monkeypatch):
    """The closing instant itself is in time, one second later is not (gateway and functions frozen)."""
    from returns_api.app import create_app
    from returns_api.settings import Settings

    from .support import GraphQL

    closing = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=5)
    delivered = closing - timedelta(days=30)
    order = flow.record(order_input({**line("L1"), "deliveredAt": iso(delivered)}))

    def gateway(now: datetime) -> GraphQL:
        return GraphQL(
            create_app(
                reader=stack.deps.repo,
                command_bus=stack.command_bus,
                label_store=stack.deps.labels,
                settings=Settings.from_env(),
                clock=lambda: now,
            )
        )

    variables = {"input": {"orderId": order["id"], "method": "SELF_SHIP", "lines": [rl("L1")]}}
    for now, eligible in ((closing, True), (closing + timedelta(seconds=1), False)):
        frozen = gateway(now)
        quote = quoted(frozen(QUOTE, variables, token=tokens.customer())["returnQuote"])
        assert quote["lines"][0]["eligible"] is eligible, now
        view = frozen("query($id: ID!) { order(id: $id) { returnability { eligible returnDeadline } } }",
                      {"id": order["id"]}, token=tokens.customer())["order"]["returnability"][0]
        assert view["eligible"] is eligible
        assert at(view["returnDeadline"]) == closing

    # the request function judges with its own clock: at the closing instant it is still in time
    monkeypatch.setattr(stack.deps, "clock", lambda: closing + timedelta(seconds=1))
    refused(flow.request(order), "INELIGIBLE")
    monkeypatch.setattr(stack.deps, "clock", lambda: closing)
    assert ok(flow.request(order))["status"] == "APPROVED"


# -- NR-CATEGORY, NR-MARKED, NR-GIFT -----------------------------------------------------------------
def test_non_returnable_lines_are_ineligible_with_their_clause(flow, gql, tokens):
    order = flow.record(order_input(
        line("BODY", category="bodysuit"), line("TIGHTS", category="Tights"), line("SOCKS", category="SOCKS"),
        line("JEWEL", category="jewelry"), line("INTIM", category="InTiMaTeS"),
        line("MARKED", nonReturnable=True), line("GIFT", freeGift=True), line("ZERO", price="0.00"),
        line("OK", category="dress"),
    ))
    expected = {
        "BODY": ("NON_RETURNABLE_CATEGORY", "NR-CATEGORY"),
        "TIGHTS": ("NON_RETURNABLE_CATEGORY", "NR-CATEGORY"),
        "SOCKS": ("NON_RETURNABLE_CATEGORY", "NR-CATEGORY"),
        "JEWEL": ("NON_RETURNABLE_CATEGORY", "NR-CATEGORY"),
        "INTIM": ("NON_RETURNABLE_CATEGORY", "NR-CATEGORY"),
        "MARKED": ("MARKED_NON_RETURNABLE", "NR-MARKED"),
        "GIFT": ("FREE_GIFT", "NR-GIFT"),
        "ZERO": ("FREE_GIFT", "NR-GIFT"),
    }
    view = by_line(order_view(gql, tokens, order)["returnability"])
    for line_id, reason in expected.items():
        assert view[line_id]["eligible"] is False, line_id
        assert view[line_id]["returnableQuantity"] == 0, line_id
        assert reasons(view[line_id]) == [reason], line_id
    assert view["OK"]["eligible"] is True and view["OK"]["returnableQuantity"] == 1

    quote = quoted(flow.quote(order, [rl(line_id) for line_id in [*expected, "OK"]]))
    lines = by_line(quote["lines"])
    for line_id, reason in expected.items():
        assert lines[line_id]["eligible"] is False and reasons(lines[line_id]) == [reason], line_id
        assert lines[line_id]["amount"]["amount"] == "0.00"
    assert lines["OK"]["eligible"] is True
    assert quote["itemsSubtotal"]["amount"] == "30.00" and quote["total"]["amount"] == "30.00"
    assert {"NR-CATEGORY", "NR-MARKED", "NR-GIFT"} <= clause_ids(quote)

    # one ineligible line refuses the whole request; nothing is stored
    for line_id in expected:
        errors = refused(flow.request(order, [rl("OK"), rl(line_id)]), "INELIGIBLE")
        assert [error["field"] for error in errors] == [["input", "lines", "1"]], line_id
        assert expected[line_id][1] in errors[0]["message"]
    assert_nothing_stored(gql, tokens, order)


def test_line_with_several_reasons_reports_each(flow, gql, tokens):
    order = flow.record(order_input(line("L1", category="socks", nonReturnable=True, freeGift=True,
                                         delivered_days_ago=45)))
    view = order_view(gql, tokens, order)["returnability"][0]
    assert {code for code, _ in reasons(view)} == {
        "RETURN_WINDOW_EXPIRED", "NON_RETURNABLE_CATEGORY", "MARKED_NON_RETURNABLE", "FREE_GIFT"}


# -- NR-SET ------------------------------------------------------------------------------------------
def test_sets_go_back_whole_or_not_at_all(flow, gql, tokens):
    order = flow.record(order_input(
        line("TOP", setId="S1", quantity=2), line("SKIRT", setId="S1"), line("OTHER"),
    ))
    # returnability is per line and never SET_INCOMPLETE
    view = by_line(order_view(gql, tokens, order)["returnability"])
    assert all(item["eligible"] for item in view.values())
    assert view["TOP"]["returnableQuantity"] == 2

    partial_cases = {
        "one member only": [rl("TOP", 2)],
        "other member only": [rl("SKIRT"), rl("OTHER")],
        "partial quantity": [rl("TOP", 1), rl("SKIRT")],
    }
    for case, lines in partial_cases.items():
        quote = quoted(flow.quote(order, lines))
        for quote_line in quote["lines"]:
            if quote_line["orderLineId"] == "OTHER":
                assert quote_line["eligible"] is True, case
            else:
                assert reasons(quote_line) == [("SET_INCOMPLETE", "NR-SET")], case
                assert quote_line["amount"]["amount"] == "0.00"
        assert "NR-SET" in clause_ids(quote)
        errors = refused(flow.request(order, lines), "INELIGIBLE")
        assert all("NR-SET" in error["message"] for error in errors), case
    assert_nothing_stored(gql, tokens, order)

    whole = [rl("SKIRT"), rl("TOP", 2)]
    quote = quoted(flow.quote(order, whole))
    assert all(quote_line["eligible"] for quote_line in quote["lines"])
    assert quote["itemsSubtotal"]["amount"] == "90.00"
    ret = ok(flow.request(order, whole))
    assert ret["status"] == "APPROVED"
    view = by_line(order_view(gql, tokens, order)["returnability"])
    assert view["TOP"]["returnableQuantity"] == 0 and view["SKIRT"]["returnableQuantity"] == 0
    assert ("QUANTITY_EXCEEDED", "QTY") in reasons(view["TOP"])
    assert "SET_INCOMPLETE" not in {code for item in view.values() for code, _ in reasons(item)}
    assert view["OTHER"]["returnableQuantity"] == 1


def test_a_set_stands_or_falls_together(flow, gql, tokens):
    """Where the rules are silent (policy document note): a fully requested set with a member that is
    ineligible for its own reason is refused as a whole; its other members are SET_INCOMPLETE."""
    order = flow.record(order_input(line("TOP", setId="S9"), line("SOCK", setId="S9", category="SOCKS")))
    quote = quoted(flow.quote(order, [rl("TOP"), rl("SOCK")]))
    lines = by_line(quote["lines"])
    assert reasons(lines["SOCK"]) == [("NON_RETURNABLE_CATEGORY", "NR-CATEGORY")]
    assert reasons(lines["TOP"]) == [("SET_INCOMPLETE", "NR-SET")]
    assert quote["total"]["amount"] == "0.00"
    errors = refused(flow.request(order, [rl("TOP"), rl("SOCK")]), "INELIGIBLE")
    assert len(errors) == 2
    assert_nothing_stored(gql, tokens, order)


def test_an_undelivered_line_becomes_returnable_once_the_feed_reports_delivery(flow, gql, tokens):
    order = flow.record(order_input(line("L1", delivered_days_ago=None)))
    refused(flow.request(order, [rl("L1")]), "INELIGIBLE")
    order["lines"][0]["deliveredAt"] = iso(datetime.now(UTC) - timedelta(hours=2))
    flow.record(order)  # the feed resends the order with the delivery scan
    view = order_view(gql, tokens, order)["returnability"][0]
    assert view["eligible"] is True
    assert at(view["returnDeadline"]) == at(order["lines"][0]["deliveredAt"]) + timedelta(days=30)
    assert ok(flow.request(order, [rl("L1")]))["status"] == "APPROVED"


# -- QTY -----------------------------------------------------------------------------------------------
def test_quantity_against_delivered_and_earlier_requests(flow, gql, tokens):
    order = flow.record(order_input(line("L1", quantity=3), line("L2")))
    quote = quoted(flow.quote(order, [rl("L1", 4)]))
    assert reasons(quote["lines"][0]) == [("QUANTITY_EXCEEDED", "QTY")]
    refused(flow.request(order, [rl("L1", 4)]), "INELIGIBLE")
    assert_nothing_stored(gql, tokens, order)

    first = ok(flow.request(order, [rl("L1", 2)]))
    assert returnable(gql, tokens, order) == {"L1": 1, "L2": 1}
    quote = quoted(flow.quote(order, [rl("L1", 2)]))
    assert reasons(quote["lines"][0]) == [("QUANTITY_EXCEEDED", "QTY")]
    errors = refused(flow.request(order, [rl("L1", 2)]), "INELIGIBLE")
    assert "QTY" in errors[0]["message"]
    assert quoted(flow.quote(order, [rl("L1", 1)]))["lines"][0]["eligible"] is True

    # a canceled request frees its quantity
    cancel(gql, tokens, first["id"])
    assert returnable(gql, tokens, order) == {"L1": 3, "L2": 1}
    assert quoted(flow.quote(order, [rl("L1", 3)]))["lines"][0]["eligible"] is True


def test_declined_and_expired_requests_free_their_quantity(stack, flow, gql, tokens, monkeypatch):
    from returns_shared.service.requests import expire_approved

    # declined: a 600.00 request goes to review (SCREEN-AMOUNT) and the agent declines it
    order = flow.record(
        order_input(line("L1", price="600.00", quantity=2), line("L2"), email="decline.me@example.com")
    )
    ret = ok(flow.request(order, [rl("L1", 2)]))
    assert ret["status"] == "UNDER_REVIEW"
    assert returnable(gql, tokens, order) == {"L1": 0, "L2": 1}
    # a package under review is not void: the next one is a later package
    assert fees(quoted(flow.quote(order, [rl("L2")], method="PREPAID_LABEL")))[0] == "6.99"
    declined = ok(
        gql(DECLINE, {"id": ret["id"], "reason": "not plausible"}, token=tokens.agent)["declineReturn"]
    )
    assert declined["status"] == "DECLINED"
    assert returnable(gql, tokens, order) == {"L1": 2, "L2": 1}
    assert quoted(flow.quote(order, [rl("L1", 2)]))["lines"][0]["eligible"] is True
    after_decline = quoted(flow.quote(order, [rl("L2")], method="PREPAID_LABEL"))
    assert after_decline["firstReturnPackage"] is True and fees(after_decline)[0] == "0.00"

    # expired: an approved return never shipped expires after 30 days (scheduled job)
    order = flow.record(order_input(line("L1", quantity=2), email="expire.me@example.com"))
    ret = ok(flow.request(order, [rl("L1", 2)]))
    assert ret["status"] == "APPROVED"
    assert returnable(gql, tokens, order) == {"L1": 0}
    later = datetime.now(UTC) + timedelta(days=31)
    expire_approved(replace(stack.deps, clock=lambda: later))
    assert flow.get(ret["id"])["status"] == "EXPIRED"
    assert returnable(gql, tokens, order) == {"L1": 2}
    again = ok(flow.request(order, [rl("L1", 2)]))
    assert again["quote"]["firstReturnPackage"] is True


def test_quote_input_errors(flow, gql, tokens):
    order = flow.record(order_input(line("L1", quantity=2), line("L2")))
    cases = [
        ([rl("L1", 0)], "INVALID_INPUT", ["input", "lines", "0", "quantity"]),
        ([rl("L2"), rl("L1", -1)], "INVALID_INPUT", ["input", "lines", "1", "quantity"]),
        ([rl("L1"), rl("L1")], "INVALID_INPUT", ["input", "lines", "1", "orderLineId"]),
        ([rl("L1"), rl("NOPE")], "NOT_FOUND", ["input", "lines", "1", "orderLineId"]),
    ]
    for lines, code, field in cases:
        errors = refused(flow.quote(order, lines), code)
        assert errors[0]["field"] == field, (lines, errors)
        errors = refused(flow.request(order, lines), code)
        assert errors[0]["field"] == field, (lines, errors)
    unknown = {"input": {"orderId": "NO-SUCH-ORDER", "method": "SELF_SHIP", "lines": [rl("L1")]}}
    errors = refused(gql(QUOTE, unknown, token=tokens.customer())["returnQuote"], "NOT_FOUND")
    assert errors[0]["field"] == ["input", "orderId"]
    unknown["input"] |= {"conditionAttested": True, "idempotencyKey": "k-unknown"}
    refused(gql(REQUEST_RETURN, unknown, token=tokens.customer())["requestReturn"], "NOT_FOUND")
    refused(gql(REQUEST_RETURN, unknown, token=tokens.agent)["requestReturn"], "NOT_FOUND")
    assert_nothing_stored(gql, tokens, order)


# -- LABEL-US, COND-NEW attestation, whole-request refusal ---------------------------------------------
def test_prepaid_label_only_for_us_and_refusals_store_nothing(flow, gql, tokens):
    for country in ("CA", "JP", "DE", "GB"):
        order = flow.record(order_input(line("L1"), country=country))
        quote = quoted(flow.quote(order, [rl("L1")], method="PREPAID_LABEL"))  # reported inside the quote
        assert quote["methodsAvailable"] == ["SELF_SHIP"], country
        assert quote["labelFee"]["amount"] == "0.00"
        assert "LABEL-US" in clause_ids(quote)
        errors = refused(flow.request(order, [rl("L1")], method="PREPAID_LABEL"), "METHOD_NOT_AVAILABLE")
        assert errors[0]["field"] == ["input", "method"] and "LABEL-US" in errors[0]["message"]
        assert_nothing_stored(gql, tokens, order)

    order = flow.record(order_input(line("L1"), line("L2", category="SOCKS")))
    errors = refused(flow.request(order, [rl("L1")], attested=False), "INVALID_INPUT")
    assert errors[0]["field"] == ["input", "conditionAttested"]
    # an ineligible line and an unavailable method: every refusal is reported
    ca = flow.record(order_input(line("L1"), line("L2", category="SOCKS"), country="CA"))
    codes = {
        error["code"]
        for error in flow.request(ca, [rl("L1"), rl("L2")], method="PREPAID_LABEL")["userErrors"]
    }
    assert codes == {"INELIGIBLE", "METHOD_NOT_AVAILABLE"}
    for refused_order in (order, ca):
        assert_nothing_stored(gql, tokens, refused_order)
    # the same key still works once the request is fixed (a refusal claims no key)
    assert ok(flow.request(order, [rl("L1")], key="fixed-later"))["status"] == "APPROVED"
    assert ok(flow.request(ca, [rl("L1")], key="fixed-later-ca"))["status"] == "APPROVED"


# -- idempotency -----------------------------------------------------------------------------------
def test_idempotency_keys(flow, gql, tokens):
    order = flow.record(order_input(line("L1", quantity=3), line("L2")))
    first = ok(flow.request(order, [rl("L1", 2)], key="abc"))
    again = ok(flow.request(order, [rl("L1", 2)], key="abc"))
    assert again["id"] == first["id"]
    assert [r["id"] for r in order_view(gql, tokens, order)["returns"]] == [first["id"]]
    assert returnable(gql, tokens, order) == {"L1": 1, "L2": 1}

    for different in ([rl("L1", 1)], [rl("L1", 2, "STYLE")], [rl("L2")]):
        errors = refused(flow.request(order, different, key="abc"), "IDEMPOTENCY_KEY_REUSED")
        assert errors[0]["field"] == ["input", "idempotencyKey"]
    refused(flow.request(order, [rl("L1", 2)], key="abc", method="PREPAID_LABEL"), "IDEMPOTENCY_KEY_REUSED")
    assert [r["id"] for r in order_view(gql, tokens, order)["returns"]] == [first["id"]]
    assert returnable(gql, tokens, order) == {"L1": 1, "L2": 1}

    # keys are the customer's: another order of the same customer with the same key is a different input
    other_order = flow.record(order_input(line("L1"), email="JANE.DOE@example.com"))
    refused(flow.request(other_order, [rl("L1")], key="abc"), "IDEMPOTENCY_KEY_REUSED")
    assert order_view(gql, tokens, other_order)["returns"] == []
    # ... and another customer may use the same key
    someone_else = flow.record(order_input(line("L1"), email="someone.else@example.com"))
    theirs = ok(flow.request(someone_else, [rl("L1")], key="abc"))
    assert theirs["id"] != first["id"]
    # an agent acting for the customer shares the customer's keys
    assert ok(flow.request(order, [rl("L1", 2)], key="abc", token=tokens.agent))["id"] == first["id"]
    # a replay after the quantities moved on still answers the same return
    ok(flow.request(order, [rl("L1", 1)], key="def"))
    assert ok(flow.request(order, [rl("L1", 2)], key="abc"))["id"] == first["id"]
    assert len(order_view(gql, tokens, order)["returns"]) == 2


# -- the policy view and versions --------------------------------------------------------------------
def test_policy_view_and_quote_versions(flow, gql):
    policy = gql(POLICY)["returnPolicy"]
    ids = {clause["id"] for clause in policy["clauses"]}
    assert {"WINDOW-30D", "COND-NEW", "NR-CATEGORY", "NR-MARKED", "NR-GIFT", "NR-SET", "QTY", "REQ-FIRST",
            "NO-EXCHANGE", "LABEL-US", "ADDR-RETURN", "FEE-US-FIRST", "FEE-US-LATER", "FEE-US-SELF",
            "FEE-US-QUALITY", "FEE-CAJP-FIRST", "FEE-CAJP-LATER", "FEE-CAJP-QUALITY", "FEE-EU", "FEE-OTHER",
            "REFUND-7D", "REFUND-ORIGINAL", "REFUND-SHIPPING", "REFUND-FEES", "REFUND-AMOUNT", "REFUND-ONCE",
            "SCREEN-AMOUNT", "SCREEN-ADDRESS", "SCREEN-CONTACT", "SCREEN-EMAIL", "EXPIRE-APPROVED",
            "REVIEW-SLA"} <= ids
    assert all(clause["text"].strip() for clause in policy["clauses"])
    assert policy["returnWindowDays"] == 30 and policy["refundProcessingDays"] == 7
    assert policy["exchangesOffered"] is False
    assert {c.upper() for c in policy["nonReturnableCategories"]} == {
        "BODYSUIT",
        "TIGHTS",
        "SOCKS",
        "JEWELRY",
        "INTIMATES",
    }
    mutations = gql("{ __schema { mutationType { fields { name } } } }")["__schema"]["mutationType"]["fields"]
    assert not any("exchange" in field["name"].lower() for field in mutations)  # NO-EXCHANGE

    order = flow.record(order_input(line("L1"), line("L2", category="TIGHTS")))
    quote = quoted(flow.quote(order, [rl("L1"), rl("L2")]))
    assert quote["policyVersion"] == policy["version"]
    assert clause_ids(quote) <= ids
    ret = ok(flow.request(order, [rl("L1")]))
    assert ret["quote"]["policyVersion"] == policy["version"]
    assert clause_ids(ret["quote"]) <= ids
