"""REFUND-7D deadlines, EXPIRE-APPROVED and REVIEW-SLA."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.policy.engine import (
    expiry_due,
    refund_deadlines,
    review_escalation_at,
    review_escalation_due,
)

from .factories import POLICY, line, order, stored_return

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # a Monday


def test_refund_deadlines():
    d = refund_deadlines(T0, policy=POLICY)
    assert d.refund_due_at == T0 + timedelta(days=7)
    assert d.refund_expected_by == T0 + timedelta(days=12)
    assert d.reminder_at == T0 + timedelta(days=6)
    assert d.applied_clauses == ("REFUND-7D",)


def test_reminder_never_before_receipt():
    refunds = POLICY.refunds.model_copy(update={"reminder_hours_before_due": 24 * 30})
    d = refund_deadlines(T0, policy=POLICY.model_copy(update={"refunds": refunds}))
    assert d.reminder_at == T0


def a_return(status, **fields):
    ret = stored_return(order(line()), status=status)
    return ret.model_copy(update=fields)


@pytest.mark.parametrize(
    ("status", "fields", "now", "due"),
    [
        (ReturnStatus.APPROVED, {}, T0 + timedelta(days=30), True),  # exactly 30 days
        (ReturnStatus.APPROVED, {}, T0 + timedelta(days=30, seconds=-1), False),
        # a prepaid label's own tracking number is not a shipment: only a scan (IN_TRANSIT) is
        (ReturnStatus.APPROVED, {"tracking_number": "1Z999"}, T0 + timedelta(days=40), True),
        (ReturnStatus.IN_TRANSIT, {}, T0 + timedelta(days=40), False),
        (ReturnStatus.UNDER_REVIEW, {}, T0 + timedelta(days=40), False),
        (ReturnStatus.CANCELED, {}, T0 + timedelta(days=40), False),
    ],
)
def test_expiry_due(status, fields, now, due):
    ret = a_return(status, approved_at=T0, **fields)
    assert expiry_due(ret, policy=POLICY, now=now) is due


def test_never_approved_never_expires():
    assert not expiry_due(
        a_return(ReturnStatus.APPROVED, approved_at=None),
        policy=POLICY,
        now=T0 + timedelta(days=99),
    )


@pytest.mark.parametrize(
    ("entered", "escalation_at"),
    [
        (T0, T0 + timedelta(days=2)),  # Monday -> Wednesday, same time
        (
            datetime(2026, 3, 5, 9, 30, tzinfo=UTC),
            datetime(2026, 3, 9, 9, 30, tzinfo=UTC),
        ),  # Thu -> Mon
        (
            datetime(2026, 3, 7, 15, 0, tzinfo=UTC),
            datetime(2026, 3, 11, 0, 0, tzinfo=UTC),
        ),  # Sat -> Mon+Tue
        (
            datetime(2026, 11, 25, 8, 0, tzinfo=UTC),
            datetime(2026, 11, 30, 8, 0, tzinfo=UTC),
        ),  # Thanksgiving
        (
            datetime(2026, 12, 24, 12, 0, tzinfo=UTC),
            datetime(2026, 12, 29, 12, 0, tzinfo=UTC),
        ),  # Christmas
    ],
)
def test_review_escalation_skips_weekends_and_holidays(entered, escalation_at):
    assert review_escalation_at(entered, policy=POLICY) == escalation_at
    ret = a_return(ReturnStatus.UNDER_REVIEW, status_changed_at=entered)
    assert not review_escalation_due(ret, policy=POLICY, now=escalation_at)  # MORE than 2 days
    assert review_escalation_due(ret, policy=POLICY, now=escalation_at + timedelta(seconds=1))


def test_review_escalation_only_once_and_only_under_review():
    late = T0 + timedelta(days=10)
    escalated = a_return(
        ReturnStatus.UNDER_REVIEW, status_changed_at=T0, review_escalated_at=T0 + timedelta(days=3)
    )
    assert not review_escalation_due(escalated, policy=POLICY, now=late)
    assert not review_escalation_due(
        a_return(ReturnStatus.APPROVED, status_changed_at=T0), policy=POLICY, now=late
    )


def test_holiday_country_and_timezone_are_settings():
    # 2026-10-03 is German Unity Day (a Saturday anyway); use 2026-05-01, Labour Day in DE, a Friday
    sla = POLICY.review_sla.model_copy(update={"holiday_country": "DE"})
    policy = POLICY.model_copy(update={"review_sla": sla})
    entered = datetime(2026, 4, 30, 10, 0, tzinfo=UTC)  # Thursday
    assert review_escalation_at(entered, policy=policy) == datetime(2026, 5, 5, 10, 0, tzinfo=UTC)
    assert review_escalation_at(entered, policy=POLICY) == datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
