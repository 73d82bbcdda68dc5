"""Every row of spec/examples.md, run through the engine."""

from __future__ import annotations

from datetime import timedelta

import pytest

from returns_shared.domain.vocabulary import IneligibilityCode as Code
from returns_shared.domain.vocabulary import ItemCondition, ReturnStatus
from returns_shared.policy.engine import InspectedLine, quote, refund_deadlines, screen, settle

from .factories import (
    DEFECTIVE,
    LABEL,
    NOW,
    POLICY,
    SELF,
    SIZE,
    line,
    order,
    req,
    requested_return,
    stored_return,
)

# (row, ship to, later package?, method, reason, labelFee, shippingCredit, total, fee clause, methods)
PRICED_ROWS = [
    (1, "US", False, LABEL, SIZE, "0.00", "0.00", "30.00", "FEE-US-FIRST", (LABEL, SELF)),
    (2, "US", True, LABEL, SIZE, "6.99", "0.00", "23.01", "FEE-US-LATER", (LABEL, SELF)),
    (3, "US", False, SELF, DEFECTIVE, "0.00", "6.99", "36.99", "FEE-US-QUALITY", (LABEL, SELF)),
    (4, "CA", False, SELF, SIZE, "0.00", "6.99", "36.99", "FEE-CAJP-FIRST", (SELF,)),
    (5, "JP", True, SELF, SIZE, "0.00", "0.00", "30.00", "FEE-CAJP-LATER", (SELF,)),
    (6, "DE", False, SELF, DEFECTIVE, "0.00", "0.00", "30.00", "FEE-EU", (SELF,)),
]


@pytest.mark.parametrize(
    (
        "row",
        "country",
        "later",
        "method",
        "reason",
        "label_fee",
        "credit",
        "total",
        "clause",
        "methods",
    ),
    PRICED_ROWS,
    ids=[f"row{r[0]}" for r in PRICED_ROWS],
)
def test_priced_rows(
    row, country, later, method, reason, label_fee, credit, total, clause, methods
):
    o = order(line("L1"), line("L0"), country=country)
    prior = [stored_return(o, [("L0", 1)])] if later else []
    q = quote(o, [req("L1", reason=reason)], method, prior, policy=POLICY, now=NOW)
    assert q.all_eligible
    assert q.first_return_package is not later
    assert str(q.label_fee.amount) == label_fee
    assert str(q.shipping_credit.amount) == credit
    assert str(q.total.amount) == total
    assert q.methods_available == methods
    assert clause in q.applied_clauses
    assert q.merchant_responsibility is (reason == DEFECTIVE)
    assert {m.currency for m in (q.total, q.label_fee, q.shipping_credit, q.items_subtotal)} == {
        "USD"
    }


def test_row7_window_expired():
    o = order(line("L1", delivered_days_ago=40))
    q = quote(o, [req("L1")], SELF, [], policy=POLICY, now=NOW)
    (ql,) = q.lines
    assert not ql.eligible and ql.amount.amount == 0
    assert [(r.code, r.clause_id) for r in ql.reasons] == [
        (Code.RETURN_WINDOW_EXPIRED, "WINDOW-30D")
    ]
    assert q.total.amount == 0


def test_row8_socks():
    o = order(line("L1", category="SOCKS"))
    (ql,) = quote(o, [req("L1")], SELF, [], policy=POLICY, now=NOW).lines
    assert [(r.code, r.clause_id) for r in ql.reasons] == [
        (Code.NON_RETURNABLE_CATEGORY, "NR-CATEGORY")
    ]


def test_row9_partial_set():
    o = order(line("L1", set_id="S1"), line("L2", set_id="S1"))
    q = quote(o, [req("L1")], SELF, [], policy=POLICY, now=NOW)
    (ql,) = q.lines
    assert [(r.code, r.clause_id) for r in ql.reasons] == [(Code.SET_INCOMPLETE, "NR-SET")]
    assert "NR-SET" in q.applied_clauses


def test_row10_price_plus_tax_times_quantity():
    o = order(line("L1", price="40.00", tax="3.20", quantity=2))
    q = quote(o, [req("L1", quantity=2)], SELF, [], policy=POLICY, now=NOW)
    assert (str(q.label_fee.amount), str(q.shipping_credit.amount)) == ("0.00", "0.00")
    assert str(q.total.amount) == "86.40"
    assert str(q.items_subtotal.amount) == "86.40"


def test_lifecycle_example():
    """US dress of 45.00 by prepaid label: approved, received day D, inspected new, refund 45.00."""
    o = order(line("L1", price="45.00"))
    ret = requested_return(o, [req("L1")], LABEL, status=ReturnStatus.REQUESTED)
    assert str(ret.quote.total.amount) == "45.00" and ret.quote.label_fee.amount == 0
    assert screen(o, ret.quote, [], policy=POLICY, method=ret.method).outcome == "PASS"
    received = NOW + timedelta(days=3)
    deadlines = refund_deadlines(received, policy=POLICY)
    assert deadlines.refund_due_at == received + timedelta(days=7)
    assert deadlines.refund_expected_by == received + timedelta(days=12)
    lines, settlement = settle(
        o, ret, [InspectedLine("L1", ItemCondition.NEW_WITH_TAGS, None)], [], policy=POLICY
    )
    assert lines[0].accepted is True
    assert str(settlement.amount.amount) == "45.00"
    assert "REFUND-ORIGINAL" in settlement.applied_clauses
