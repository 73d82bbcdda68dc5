"""REFUND-7D: when a received return must be refunded, when the money should arrive, when to check."""

from __future__ import annotations

from datetime import datetime, timedelta

from returns_shared.domain.decisions import RefundDeadlines
from returns_shared.policy.document import PolicyDocument
from returns_shared.policy.instants import after


def refund_deadlines(received_at: datetime, *, policy: PolicyDocument) -> RefundDeadlines:
    """due = receipt + 7 x 24 h; expected = due + 5 days; reminder = due - 24 h, never before receipt."""
    rules = policy.refunds
    due = after(received_at, timedelta(days=rules.processing_days))
    reminder = max(after(due, -timedelta(hours=rules.reminder_hours_before_due)), received_at)
    return RefundDeadlines(
        refund_due_at=due,
        refund_expected_by=after(due, timedelta(days=rules.expected_extra_days)),
        reminder_at=reminder,
        applied_clauses=("REFUND-7D",),
    )
