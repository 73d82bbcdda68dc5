"""Time limits the service adds: EXPIRE-APPROVED and REVIEW-SLA (read by the scheduled jobs)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.policy.document import PolicyDocument
from returns_shared.policy.instants import after


def expiry_at(ret: Return, *, policy: PolicyDocument) -> datetime | None:
    """EXPIRE-APPROVED: approval + 30 days; None when never approved."""
    if ret.approved_at is None:
        return None
    return after(ret.approved_at, timedelta(days=policy.expiry.approved_days))


def expiry_due(ret: Return, *, policy: PolicyDocument, now: datetime) -> bool:
    """Approved and still not shipped 30 days later. Shipping moves a return on to IN_TRANSIT: a
    submitted tracking number (self-ship) or the carrier's first scan of the prepaid label."""
    due = expiry_at(ret, policy=policy)
    return ret.status == ReturnStatus.APPROVED and due is not None and due <= now


@lru_cache(maxsize=32)
def _holidays(country: str, year: int) -> frozenset[date]:
    import holidays  # ~9 MB of calendars: only the review-SLA job counts business days

    return frozenset(holidays.country_holidays(country, years=year))


def _zone(name: str) -> tzinfo:
    return UTC if name.upper() == "UTC" else ZoneInfo(name)


def is_business_day(day: date, *, policy: PolicyDocument, holidays: bool = True) -> bool:
    if day.weekday() >= 5:
        return False
    return not holidays or day not in _holidays(policy.review_sla.holiday_country, day.year)


def review_escalation_at(entered_review_at: datetime, *, policy: PolicyDocument,
                         holidays: bool = True) -> datetime:
    """REVIEW-SLA: the instant the review has lasted 2 business days (24 h of business time each).

    Time on weekends and holidays does not count; days are cut at midnight in the policy's zone.
    A naive datetime is read as UTC. `holidays=False` counts weekends only (an earlier, never later,
    deadline; for readers without the holiday calendars: the screening function stores the real one).
    """
    zone = _zone(policy.review_sla.timezone)
    if entered_review_at.tzinfo is None:
        entered_review_at = entered_review_at.replace(tzinfo=UTC)
    cursor = entered_review_at.astimezone(zone)
    left = timedelta(days=policy.review_sla.business_days)
    while True:
        next_midnight = datetime.combine(cursor.date() + timedelta(days=1), time(0), tzinfo=zone)
        if is_business_day(cursor.date(), policy=policy, holidays=holidays):
            chunk = next_midnight - cursor
            if chunk >= left:
                return cursor + left
            left -= chunk
        cursor = next_midnight


def review_escalation_due(ret: Return, *, policy: PolicyDocument, now: datetime) -> bool:
    """Under review, not escalated yet, and MORE than 2 business days since it entered review."""
    if ret.status != ReturnStatus.UNDER_REVIEW or ret.review_escalated_at is not None:
        return False
    return now > review_escalation_at(ret.status_changed_at, policy=policy)
