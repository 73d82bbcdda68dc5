"""A return's refund as the payment provider reports it, and the attempt that asks for it.

REFUND-ONCE with a real provider: before the provider is asked, the attempt is written on the
return (a version-conditioned write: of two racers only one gets to ask). The attempt's idempotency
key goes with the request; an attempt whose worker died or met a transient error is resumed with
the same key, after asking the provider whether that key already paid. A failed or canceled refund
paid nothing, so an agent may retry it as a new attempt with a new key.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from returns_shared.domain.money import Money
from returns_shared.domain.vocabulary import RefundStatus

R = RefundStatus

# How a provider refund may move on; anything else (a late or repeated webhook) is ignored.
# Stripe: a refund can fail after it succeeded (rarely), never the other way round.
REFUND_STATUS_NEXT: dict[RefundStatus, frozenset[RefundStatus]] = {
    R.PENDING: frozenset({R.SUCCEEDED, R.FAILED, R.CANCELED, R.REQUIRES_ACTION}),
    R.REQUIRES_ACTION: frozenset({R.PENDING, R.SUCCEEDED, R.FAILED, R.CANCELED}),
    R.SUCCEEDED: frozenset({R.FAILED}),
    R.FAILED: frozenset(),
    R.CANCELED: frozenset(),
}


class Refund(BaseModel):
    id: str  # the provider's refund id (re_…); `none:<return>` when nothing was owed
    amount: Money
    applied_clauses: tuple[str, ...]
    issued_at: datetime
    payment_reference: str
    status: RefundStatus = RefundStatus.SUCCEEDED
    provider: str = "ledger"
    attempt: int = 1
    failure_reason: str | None = None
    updated_at: datetime | None = None


class RefundAttempt(BaseModel):
    """A request to the provider that is (or was) under way for this return."""

    number: int
    idempotency_key: str
    started_at: datetime
    actor: str
    interrupted: bool = False  # a transient provider error: resume at once, with the same key

    def is_stale(self, *, now: datetime, lease_seconds: float) -> bool:
        """Nobody is working on it any more: interrupted, or its worker outlived the lease."""
        return self.interrupted or (now - self.started_at).total_seconds() > lease_seconds


def refund_key(return_id: str, attempt: int) -> str:
    """The provider idempotency key of an attempt. The first keeps the historic form."""
    return f"refund:{return_id}" if attempt == 1 else f"refund:{return_id}:{attempt}"
