"""settle(): COND-NEW at inspection, confirmed defects, the merchant-responsibility fall-back."""

from __future__ import annotations

import pytest

from returns_shared.domain.errors import InvalidInput
from returns_shared.domain.vocabulary import ItemCondition, ReturnReason, ReturnStatus
from returns_shared.policy.engine import InspectedLine, settle

from .factories import (
    DEFECTIVE,
    LABEL,
    POLICY,
    SELF,
    line,
    order,
    req,
    requested_return,
    stored_return,
)

NEW, WORN = ItemCondition.NEW_WITH_TAGS, ItemCondition.WORN


def inspect(line_id, condition=NEW, defect=None):
    return InspectedLine(order_line_id=line_id, condition=condition, defect_confirmed=defect)


def test_all_new_with_tags_refunds_the_quote():
    o = order(line("L1"), line("L2", price="20.00"))
    ret = requested_return(o, [req("L1"), req("L2")])
    lines, settlement = settle(o, ret, [inspect("L2"), inspect("L1")], [], policy=POLICY)
    assert [(rl.order_line_id, rl.accepted, rl.condition) for rl in lines] == [
        ("L1", True, NEW),
        ("L2", True, NEW),
    ]
    assert settlement.amount == ret.quote.total
    assert settlement.accepted_line_ids == ("L1", "L2")
    assert "COND-NEW" not in settlement.applied_clauses


def test_a_worn_line_is_not_refunded():
    o = order(line("L1"), line("L2", price="20.00"))
    ret = requested_return(o, [req("L1"), req("L2")])
    lines, settlement = settle(o, ret, [inspect("L1", WORN), inspect("L2")], [], policy=POLICY)
    assert [rl.accepted for rl in lines] == [False, True]
    assert str(settlement.amount.amount) == "20.00"
    assert settlement.accepted_line_ids == ("L2",)
    assert settlement.applied_clauses[0] == "COND-NEW"
    assert settlement.quote.lines[0].order_line_id == "L2"


@pytest.mark.parametrize(
    ("condition", "defect", "accepted", "total", "fee_clause"),
    [
        (
            WORN,
            True,
            True,
            "36.99",
            "FEE-US-QUALITY",
        ),  # confirmed defect: accepted whatever its condition
        (ItemCondition.DAMAGED, True, True, "36.99", "FEE-US-QUALITY"),
        (NEW, None, True, "36.99", "FEE-US-QUALITY"),  # omitted: the claim stands
        (NEW, False, True, "30.00", "FEE-US-SELF"),  # refuted: falls back to the ordinary rule
        (WORN, None, False, "0.00", None),  # no accepted line: no refund, so no credit either
        (WORN, False, False, "0.00", None),
    ],
)
def test_merchant_reason_line(condition, defect, accepted, total, fee_clause):
    o = order(line("L1"))
    ret = requested_return(o, [req("L1", reason=DEFECTIVE)], SELF)
    assert str(ret.quote.total.amount) == "36.99"
    lines, settlement = settle(o, ret, [inspect("L1", condition, defect)], [], policy=POLICY)
    assert (lines[0].accepted, lines[0].defect_confirmed, lines[0].condition) == (
        accepted,
        defect,
        condition,
    )
    assert str(settlement.amount.amount) == total
    fees = [c for c in settlement.applied_clauses if c.startswith("FEE-")]
    assert fees == ([fee_clause] if fee_clause else [])


def test_fall_back_needs_every_merchant_line_refuted():
    o = order(line("L1"), line("L2"))
    ret = requested_return(
        o, [req("L1", reason=DEFECTIVE), req("L2", reason=ReturnReason.WRONG_ITEM)]
    )
    _, refuted_one = settle(o, ret, [inspect("L1", defect=False), inspect("L2")], [], policy=POLICY)
    assert refuted_one.quote.merchant_responsibility and str(refuted_one.amount.amount) == "66.99"
    _, refuted_all = settle(
        o, ret, [inspect("L1", defect=False), inspect("L2", defect=False)], [], policy=POLICY
    )
    assert (
        not refuted_all.quote.merchant_responsibility and str(refuted_all.amount.amount) == "60.00"
    )


def test_an_unrefuted_claim_on_a_rejected_line_still_stands():
    """Pinned: only defectConfirmed=false refutes a claim; the credit follows the accepted line."""
    o = order(line("L1"), line("L2", price="20.00"))
    ret = requested_return(o, [req("L1", reason=DEFECTIVE), req("L2")], SELF)
    _, omitted = settle(o, ret, [inspect("L1", WORN), inspect("L2")], [], policy=POLICY)
    assert omitted.quote.merchant_responsibility and str(omitted.amount.amount) == "26.99"
    _, refuted = settle(o, ret, [inspect("L1", WORN, False), inspect("L2")], [], policy=POLICY)
    assert not refuted.quote.merchant_responsibility and str(refuted.amount.amount) == "20.00"


def test_fall_back_on_a_later_label_package_deducts_the_label_fee():
    o = order(line("L1"), line("L0"))
    earlier = stored_return(o, [("L0", 1)], return_id="R0")
    ret = requested_return(o, [req("L1", reason=DEFECTIVE)], LABEL, prior=[earlier])
    assert not ret.quote.first_return_package and ret.quote.label_fee.amount == 0
    _, settlement = settle(o, ret, [inspect("L1", defect=False)], [earlier], policy=POLICY)
    assert str(settlement.quote.label_fee.amount) == "6.99"
    assert str(settlement.amount.amount) == "23.01"
    assert "FEE-US-LATER" in settlement.applied_clauses


def test_the_stored_first_package_flag_is_kept():
    """An earlier package canceled after this request does not re-price it."""
    o = order(line("L1"), line("L0"))
    earlier = stored_return(o, [("L0", 1)], return_id="R0")
    ret = requested_return(o, [req("L1")], LABEL, prior=[earlier])
    canceled = earlier.model_copy(update={"status": ReturnStatus.CANCELED})
    _, settlement = settle(o, ret, [inspect("L1")], [canceled], policy=POLICY)
    assert not settlement.quote.first_return_package
    assert str(settlement.amount.amount) == "23.01"


def test_settlement_is_capped_like_the_quote():
    o = order(line(price="0.015", quantity=2))
    first = stored_return(
        o, [("L1", 1)], return_id="R0", status=ReturnStatus.REFUNDED, refunded_items="0.02"
    )
    ret = requested_return(o, [req("L1", 1)], prior=[first])
    itself = ret.model_copy(
        update={"status": ReturnStatus.REFUNDED}
    )  # a re-run must not cap itself
    _, settlement = settle(o, ret, [inspect("L1")], [first, itself], policy=POLICY)
    assert str(settlement.amount.amount) == "0.01"


@pytest.mark.parametrize(
    ("status", "capped"),
    [
        (ReturnStatus.REFUNDED, True),
        (ReturnStatus.INSPECTED, True),  # settled, not paid yet: owed all the same
        (ReturnStatus.RECEIVED, False),  # not settled: it will be capped when it is inspected
        (ReturnStatus.CANCELED, False),
    ],
)
def test_the_cap_counts_every_settled_return_paid_or_not(status, capped):
    """0.335 × 3 paid 1.00 for items (sum of rounded lines); three returns of one unit each would be
    0.34 each: the third may only get what is left of the 1.00 whether or not the others were paid."""
    o = order(line(price="0.335", quantity=3))
    earlier = [
        stored_return(o, [("L1", 1)], return_id=f"R{n}", status=status, refunded_items="0.34") for n in (8, 9)
    ]
    ret = requested_return(o, [req("L1", 1)], prior=earlier)
    _, settlement = settle(o, ret, [inspect("L1")], earlier, policy=POLICY)
    assert str(settlement.amount.amount) == ("0.32" if capped else "0.34")


def test_customer_reason_line_gets_no_defect_pass():
    o = order(line("L1"))
    ret = requested_return(o, [req("L1")])
    lines, settlement = settle(o, ret, [inspect("L1", WORN, True)], [], policy=POLICY)
    assert lines[0].accepted is False and settlement.amount.amount == 0


@pytest.mark.parametrize(
    "inspected",
    [
        [inspect("L1"), inspect("L9")],  # not in the return
        [inspect("L1"), inspect("L1")],  # named twice
        [inspect("L1")],  # L2 not inspected
    ],
)
def test_inspection_errors(inspected):
    o = order(line("L1"), line("L2"))
    ret = requested_return(o, [req("L1"), req("L2")])
    with pytest.raises(InvalidInput):
        settle(o, ret, inspected, [], policy=POLICY)
