"""Exact elapsed time: "30 x 24 h" means absolute hours, not wall-clock days.

Python adds a timedelta to an aware datetime in its own zone's wall clock, so across a DST change
a zone like America/New_York would shift a deadline by an hour. Adding in UTC keeps it exact.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def after(at: datetime, delta: timedelta) -> datetime:
    """``at`` + ``delta`` of real elapsed time, in UTC (a naive datetime is added as it is)."""
    if at.tzinfo is None:
        return at + delta
    return at.astimezone(UTC) + delta
