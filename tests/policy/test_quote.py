"""quote(): request errors, NR-SET and QTY per request, the FEE-* table, REFUND-AMOUNT, clauses."""

from __future__ import annotations

from decimal import Decimal

import pytest

from returns_shared.domain.errors import InvalidInput, NotFound, UnsupportedCurrency
from returns_shared.domain.vocabulary import IneligibilityCode as Code
from returns_shared.domain.vocabulary import ReturnReason, ReturnStatus
from returns_shared.policy.engine import items_paid, quote

from .factories import DEFECTIVE, LABEL, NOW, POLICY, SELF, SIZE, line, order, req, stored_return


def q(o, requested, method=SELF, prior=(), **kw):
    return quote(o, requested, method, list(prior), policy=POLICY, now=NOW, **kw)


def codes(quote_line):
    return [(r.code, r.clause_id) for r in quote_line.reasons]


# -- refusals (the only exceptions a quote raises) -------------------------------------------
@pytest.mark.parametrize(
    ("requested", "error", "field"),
    [
        ([req("L9")], NotFound, ("lines", "0", "orderLineId")),
        ([req("L1"), req("L1")], InvalidInput, ("lines", "1", "orderLineId")),
        ([req("L1", quantity=0)], InvalidInput, ("lines", "0", "quantity")),
        ([req("L2"), req("L1", quantity=-1)], InvalidInput, ("lines", "1", "quantity")),
    ],
)
def test_request_errors(requested, error, field):
    with pytest.raises(error) as caught:
        q(order(line("L1"), line("L2")), requested)
    assert caught.value.field == field


def test_unsupported_currency_is_an_error_never_a_conversion():
    o = order(line(currency="EUR"), currency="EUR", country="DE")
    with pytest.raises(UnsupportedCurrency) as caught:
        q(o, [req()])
    assert caught.value.field == ("orderId",)
    assert caught.value.code == "UNSUPPORTED_CURRENCY"


def test_ineligible_lines_and_unavailable_methods_stay_inside_the_quote():
    o = order(line("L1", category="SOCKS"), line("L2"), country="CA")
    result = q(o, [req("L1"), req("L2")], LABEL)
    assert [ql.eligible for ql in result.lines] == [False, True]
    assert result.lines[0].amount.amount == 0
    assert result.methods_available == (SELF,)
    assert "LABEL-US" in result.applied_clauses
    assert str(result.items_subtotal.amount) == "30.00"


# -- QTY and NR-SET per request -------------------------------------------------------------
def test_more_than_remaining_is_quantity_exceeded():
    o = order(line(quantity=3))
    prior = [stored_return(o, [("L1", 2)])]
    (ql,) = q(o, [req(quantity=2)], prior=prior).lines
    assert codes(ql) == [(Code.QUANTITY_EXCEEDED, "QTY")]
    (ok,) = q(o, [req(quantity=1)], prior=prior).lines
    assert ok.eligible


@pytest.mark.parametrize(
    "status", [ReturnStatus.CANCELED, ReturnStatus.DECLINED, ReturnStatus.EXPIRED]
)
def test_void_earlier_packages_count_neither_for_qty_nor_first_package(status):
    o = order(line(quantity=1))
    result = q(o, [req()], LABEL, prior=[stored_return(o, [("L1", 1)], status=status)])
    assert result.all_eligible and result.first_return_package
    assert result.label_fee.amount == 0


def test_a_live_earlier_package_makes_this_one_later():
    o = order(line("L1"), line("L2"))
    result = q(
        o, [req("L2")], LABEL, prior=[stored_return(o, [("L1", 1)], status=ReturnStatus.REFUNDED)]
    )
    assert not result.first_return_package
    assert str(result.label_fee.amount) == "6.99"


def test_first_return_package_argument_wins():
    o = order(line("L1"), line("L2"))
    prior = [stored_return(o, [("L1", 1)])]
    assert q(o, [req("L2")], LABEL, prior=prior, first_return_package=True).label_fee.amount == 0
    assert q(o, [req("L2")], LABEL, first_return_package=False).label_fee.amount == Decimal("6.99")


SET = (line("L1", set_id="S1", quantity=2), line("L2", set_id="S1"), line("L3"))


@pytest.mark.parametrize(
    ("requested", "incomplete"),
    [
        ([req("L1", 2), req("L2", 1)], set()),
        ([req("L1", 2), req("L2", 1), req("L3")], set()),
        ([req("L1", 2)], {"L1"}),  # a member missing
        ([req("L1", 1), req("L2", 1)], {"L1", "L2"}),  # a member not in full
        ([req("L2"), req("L3")], {"L2"}),  # the unrelated line is unaffected
    ],
)
def test_sets_go_back_whole(requested, incomplete):
    result = q(order(*SET), requested)
    flagged = {
        ql.order_line_id for ql in result.lines if (Code.SET_INCOMPLETE, "NR-SET") in codes(ql)
    }
    assert flagged == incomplete
    assert {ql.order_line_id for ql in result.lines if not ql.eligible} == incomplete


def test_a_set_with_a_member_already_returned():
    o = order(*SET)
    prior = [stored_return(o, [("L1", 2), ("L2", 1)])]
    again = q(o, [req("L1", 2), req("L2", 1)], prior=prior)
    assert all(codes(ql) == [(Code.QUANTITY_EXCEEDED, "QTY")] for ql in again.lines)
    alone = q(o, [req("L2")], prior=prior)
    assert codes(alone.lines[0]) == [
        (Code.QUANTITY_EXCEEDED, "QTY"),
        (Code.SET_INCOMPLETE, "NR-SET"),
    ]


def test_a_set_stands_or_falls_together():
    o = order(line("L1", set_id="S1"), line("L2", set_id="S1", category="JEWELRY"))
    result = q(o, [req("L1"), req("L2")])
    assert codes(result.lines[0]) == [(Code.SET_INCOMPLETE, "NR-SET")]
    assert codes(result.lines[1]) == [(Code.NON_RETURNABLE_CATEGORY, "NR-CATEGORY")]
    assert result.total.amount == 0


# -- FEE-* table (every clause) -------------------------------------------------------------
@pytest.mark.parametrize(
    ("country", "method", "later", "reason", "clause", "label_fee", "credit"),
    [
        ("US", LABEL, False, SIZE, "FEE-US-FIRST", "0.00", "0.00"),
        ("US", LABEL, True, SIZE, "FEE-US-LATER", "6.99", "0.00"),
        ("US", SELF, False, SIZE, "FEE-US-SELF", "0.00", "0.00"),
        ("US", SELF, True, SIZE, "FEE-US-SELF", "0.00", "0.00"),
        ("US", LABEL, True, DEFECTIVE, "FEE-US-QUALITY", "0.00", "0.00"),
        ("US", LABEL, False, ReturnReason.WRONG_ITEM, "FEE-US-QUALITY", "0.00", "0.00"),
        ("US", SELF, True, ReturnReason.NOT_AS_DESCRIBED, "FEE-US-QUALITY", "0.00", "6.99"),
        ("CA", SELF, False, SIZE, "FEE-CAJP-FIRST", "0.00", "6.99"),
        ("JP", SELF, True, SIZE, "FEE-CAJP-LATER", "0.00", "0.00"),
        ("CA", SELF, True, DEFECTIVE, "FEE-CAJP-QUALITY", "0.00", "6.99"),
        (
            "JP",
            SELF,
            False,
            DEFECTIVE,
            "FEE-CAJP-QUALITY",
            "0.00",
            "6.99",
        ),  # one credit per package
        ("DE", SELF, False, SIZE, "FEE-EU", "0.00", "0.00"),
        ("FR", SELF, True, DEFECTIVE, "FEE-EU", "0.00", "0.00"),
        ("GB", SELF, False, DEFECTIVE, "FEE-OTHER", "0.00", "0.00"),
        ("BR", SELF, False, SIZE, "FEE-OTHER", "0.00", "0.00"),
    ],
)
def test_fee_table(country, method, later, reason, clause, label_fee, credit):
    o = order(line("L1"), line("L0"), country=country)
    prior = [stored_return(o, [("L0", 1)])] if later else []
    result = q(o, [req("L1", reason=reason)], method, prior=prior)
    fee_clauses = [c for c in result.applied_clauses if c.startswith("FEE-")]
    assert fee_clauses == [clause]
    assert (str(result.label_fee.amount), str(result.shipping_credit.amount)) == (label_fee, credit)
    expected_total = Decimal("30.00") - Decimal(label_fee) + Decimal(credit)
    assert result.total.amount == expected_total
    assert ("REFUND-FEES" in result.applied_clauses) is (credit != "0.00")


def test_one_credit_per_package_with_many_merchant_lines():
    o = order(line("L1"), line("L2"), country="CA")
    result = q(o, [req("L1", reason=DEFECTIVE), req("L2", reason=ReturnReason.WRONG_ITEM)])
    assert str(result.shipping_credit.amount) == "6.99"
    assert str(result.total.amount) == "66.99"


def test_merchant_responsibility_is_judged_on_eligible_lines_only():
    o = order(line("L1", category="SOCKS"), line("L2"))
    result = q(o, [req("L1", reason=DEFECTIVE), req("L2")])
    assert not result.merchant_responsibility
    assert "FEE-US-SELF" in result.applied_clauses


def test_no_eligible_line_means_no_fee_and_no_credit():
    o = order(line(category="SOCKS"), country="CA")
    result = q(o, [req()])
    assert (result.label_fee.amount, result.shipping_credit.amount, result.total.amount) == (
        0,
        0,
        0,
    )
    assert not any(c.startswith("FEE-") for c in result.applied_clauses)


# -- REFUND-AMOUNT ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("price", "tax", "quantity", "amount"),
    [
        ("10.00", "0.125", 1, "10.12"),  # half-even: down to the even cent
        ("10.00", "0.135", 1, "10.14"),  # half-even: up to the even cent
        ("10.0050", "0", 1, "10.00"),
        ("0.3333", "0", 3, "1.00"),
        ("19.99", "1.6492", 3, "64.92"),
    ],
)
def test_line_amount_rounding(price, tax, quantity, amount):
    o = order(line(price=price, tax=tax, quantity=quantity))
    result = q(o, [req(quantity=quantity)])
    assert str(result.lines[0].amount.amount) == amount
    assert str(result.items_subtotal.amount) == amount


def test_subtotal_is_a_sum_of_rounded_line_amounts():
    o = order(line("L1", price="10.00", tax="0.125"), line("L2", price="10.00", tax="0.125"))
    assert str(q(o, [req("L1"), req("L2")]).items_subtotal.amount) == "20.24"  # not 20.25


def test_label_fee_is_shown_in_full_and_the_total_floored_at_zero():
    o = order(line("L1", price="4.00"), line("L0"))
    result = q(o, [req("L1")], LABEL, prior=[stored_return(o, [("L0", 1)])])
    assert str(result.label_fee.amount) == "6.99"
    assert str(result.items_subtotal.amount) == "4.00"
    assert str(result.total.amount) == "0.00"
    assert LABEL in result.methods_available


def test_item_part_is_capped_after_earlier_refunds():
    # 2 x 0.015 paid 0.03 for items; each unit alone rounds to 0.02 (half-even of 0.015)
    o = order(line(price="0.015", quantity=2))
    assert str(items_paid(o).amount) == "0.03"
    first = stored_return(o, [("L1", 1)], status=ReturnStatus.REFUNDED, refunded_items="0.02")
    result = q(o, [req()], prior=[first])
    assert str(result.lines[0].amount.amount) == "0.02"
    assert str(result.items_subtotal.amount) == "0.01"


def test_cap_uses_refunded_returns_only():
    o = order(line(price="0.015", quantity=2))
    approved = stored_return(o, [("L1", 1)], status=ReturnStatus.APPROVED)
    assert str(q(o, [req()], prior=[approved]).items_subtotal.amount) == "0.02"


def test_shipping_credit_may_exceed_the_item_part():
    o = order(line(price="2.00"), country="JP")
    result = q(o, [req()])
    assert str(result.total.amount) == "8.99"


def test_original_shipping_fee_is_never_refunded():
    o = order(line())
    result = q(o, [req()])
    assert "REFUND-SHIPPING" in result.applied_clauses
    assert str(result.total.amount) == "30.00"  # the order's 4.99 shipping is not in it


# -- clauses and version --------------------------------------------------------------------
def test_applied_clauses_are_unique_ordered_and_known():
    o = order(line("L1", category="SOCKS"), line("L2", category="SOCKS"), line("L3"), country="CA")
    result = q(o, [req("L1"), req("L2"), req("L3")])
    assert result.applied_clauses == (
        "NR-CATEGORY",
        "LABEL-US",
        "FEE-CAJP-FIRST",
        "REFUND-AMOUNT",
        "REFUND-SHIPPING",
        "REFUND-FEES",
    )
    assert all(POLICY.has_clause(c) for c in result.applied_clauses)
    assert result.policy_version == POLICY.version


def test_us_self_ship_does_not_cite_the_label_rule():
    result = q(order(line()), [req()])
    assert "LABEL-US" not in result.applied_clauses
