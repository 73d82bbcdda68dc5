"""WINDOW-30D, NR-CATEGORY, NR-MARKED, NR-GIFT, QTY: per-line returnability and request eligibility."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from returns_shared.domain.vocabulary import IneligibilityCode as Code
from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.policy.engine import returnability

from .factories import NOW, POLICY, line, order, stored_return

DELIVERED = NOW - timedelta(days=30)  # the window closes exactly at NOW


def codes(item):
    return [(r.code, r.clause_id) for r in item.reasons]


@pytest.mark.parametrize(
    ("the_line", "expected"),
    [
        (line(delivered_at=DELIVERED), []),  # closing instant: still in time
        (
            line(delivered_at=DELIVERED - timedelta(seconds=1)),
            [(Code.RETURN_WINDOW_EXPIRED, "WINDOW-30D")],
        ),
        (line(delivered_days_ago=None), [(Code.NOT_DELIVERED, "WINDOW-30D")]),
        (line(category="SOCKS"), [(Code.NON_RETURNABLE_CATEGORY, "NR-CATEGORY")]),
        (
            line(category="jewelry"),
            [(Code.NON_RETURNABLE_CATEGORY, "NR-CATEGORY")],
        ),  # case-insensitive
        (line(category="Intimates"), [(Code.NON_RETURNABLE_CATEGORY, "NR-CATEGORY")]),
        (line(category="BODYSUIT"), [(Code.NON_RETURNABLE_CATEGORY, "NR-CATEGORY")]),
        (line(category="TIGHTS"), [(Code.NON_RETURNABLE_CATEGORY, "NR-CATEGORY")]),
        (line(non_returnable=True), [(Code.MARKED_NON_RETURNABLE, "NR-MARKED")]),
        (line(free_gift=True), [(Code.FREE_GIFT, "NR-GIFT")]),
        (line(price="0.00"), [(Code.FREE_GIFT, "NR-GIFT")]),  # zero price = free gift
        (line(price="0.00", tax="0.50"), [(Code.FREE_GIFT, "NR-GIFT")]),
        (
            line(category="SOCKS", delivered_days_ago=None, free_gift=True),
            [
                (Code.NOT_DELIVERED, "WINDOW-30D"),
                (Code.NON_RETURNABLE_CATEGORY, "NR-CATEGORY"),
                (Code.FREE_GIFT, "NR-GIFT"),
            ],
        ),
    ],
)
def test_line_rules(the_line, expected):
    (result,) = returnability(order(the_line), [], policy=POLICY, now=NOW)
    assert codes(result) == expected
    assert result.eligible is (not expected)
    assert result.returnable_quantity == (0 if expected else the_line.quantity)
    assert all(r.message for r in result.reasons)


def test_window_is_thirty_times_24_hours_even_across_a_dst_change():
    new_york = ZoneInfo("America/New_York")
    delivered = datetime(2026, 10, 20, 12, 0, tzinfo=new_york)  # EDT; clocks go back on Nov 1
    edge = datetime(2026, 11, 19, 16, 0, tzinfo=UTC)  # = delivered + 720 h (11:00 EST)
    o = order(line(delivered_at=delivered))
    assert returnability(o, [], policy=POLICY, now=edge)[0].eligible
    assert not returnability(o, [], policy=POLICY, now=edge + timedelta(seconds=1))[0].eligible
    assert returnability(o, [], policy=POLICY, now=edge)[0].return_deadline == edge


def test_deadline_is_shown_even_after_it_passed_and_none_before_delivery():
    late, undelivered = line("L1", delivered_days_ago=45), line("L2", delivered_days_ago=None)
    a, b = returnability(order(late, undelivered), [], policy=POLICY, now=NOW)
    assert a.return_deadline == late.delivered_at + timedelta(days=30)
    assert b.return_deadline is None


@pytest.mark.parametrize(
    ("category", "days_ago", "eligible"),
    [("SWIM", 14, True), ("SWIM", 14.01, False), ("swim", 13, True), ("DRESS", 29, True)],
)
def test_category_override_window(category, days_ago, eligible):
    window = POLICY.return_window.model_copy(update={"category_days": {"SWIM": 14}})
    policy = POLICY.model_copy(update={"return_window": window})
    (result,) = returnability(
        order(line(category=category, delivered_days_ago=days_ago)), [], policy=policy, now=NOW
    )
    assert result.eligible is eligible
    if category.upper() == "SWIM":
        assert result.return_deadline == line(
            category=category, delivered_days_ago=days_ago
        ).delivered_at + timedelta(days=14)


@pytest.mark.parametrize(
    ("status", "held"),
    [
        (ReturnStatus.REQUESTED, 2),
        (ReturnStatus.UNDER_REVIEW, 2),
        (ReturnStatus.APPROVED, 2),
        (ReturnStatus.IN_TRANSIT, 2),
        (ReturnStatus.RECEIVED, 2),
        (ReturnStatus.INSPECTED, 2),
        (ReturnStatus.REFUNDED, 2),
        (ReturnStatus.CANCELED, 0),
        (ReturnStatus.DECLINED, 0),
        (ReturnStatus.EXPIRED, 0),
    ],
)
def test_quantity_held_by_earlier_requests_unless_void(status, held):
    o = order(line(quantity=3))
    (result,) = returnability(
        o, [stored_return(o, [("L1", 2)], status=status)], policy=POLICY, now=NOW
    )
    assert result.returnable_quantity == 3 - held
    assert result.eligible


def test_nothing_left_is_quantity_exceeded():
    o = order(line(quantity=2))
    prior = [
        stored_return(o, [("L1", 1)], return_id="Ra"),
        stored_return(o, [("L1", 1)], return_id="Rb"),
    ]
    (result,) = returnability(o, prior, policy=POLICY, now=NOW)
    assert (result.eligible, result.returnable_quantity) == (False, 0)
    assert codes(result) == [(Code.QUANTITY_EXCEEDED, "QTY")]
    assert result.reasons[0].message == "All 2 delivered items are already in earlier return requests."


def test_a_single_item_already_requested_is_said_in_the_singular():
    o = order(line(quantity=1))
    (result,) = returnability(o, [stored_return(o, [("L1", 1)])], policy=POLICY, now=NOW)
    assert result.reasons[0].message == "It is already in an earlier return request."


def test_returns_of_other_orders_hold_nothing():
    o = order(line(quantity=1))
    other = stored_return(order(line(quantity=1), order_id="O2"), [("L1", 1)])
    (result,) = returnability(o, [other], policy=POLICY, now=NOW)
    assert result.returnable_quantity == 1


def test_returnability_never_reports_set_incomplete():
    o = order(line("L1", set_id="S1"), line("L2", set_id="S1"))
    results = returnability(o, [], policy=POLICY, now=NOW)
    assert all(r.eligible and r.returnable_quantity == 1 for r in results)
