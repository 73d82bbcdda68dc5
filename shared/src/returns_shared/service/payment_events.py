"""The payment provider's webhook (POST /webhooks/stripe, refund function): refund status changes.

A verified event only says which refund to ask about: what the refund's status is, and which return
it belongs to, is read from the provider's own record of it (Stripe's advice: fetch the object),
never from the event body. A signed `refund.failed` for a refund the provider paid changes nothing.
An unverifiable call answers 400 and writes nothing. Every verified event id is claimed once (in
the same transaction as the change it causes), so a redelivered event changes nothing; an event for
another refund, or one that arrives after a later one, is acknowledged and ignored. An event that
arrives while a refund attempt's answer is not yet written on the return (Stripe can fail a refund
within a second) is neither claimed nor acknowledged: Stripe redelivers it, and the redelivery
finds the refund recorded (acknowledging it would lose it for good). A refund that
fails after it was issued makes the return INSPECTED again (nothing was paid), lists it for agents
and alerts ops.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Logger

from returns_shared.domain.returns import Return
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.dispatch import retry_on_conflict
from returns_shared.service.ports import PaymentUnavailable, RefundUpdate
from returns_shared.service.refund_payments import alert_refund_failed
from returns_shared.service.webhook_calls import answer_webhook

logger = Logger(child=True)

SEEN_EVENTS_KEPT = timedelta(days=30)  # Stripe retries a delivery for up to 3 days
NOT_RECORDED_YET = "refund-not-recorded-yet"
PROVIDER_UNAVAILABLE = "provider-unavailable"


def stripe_webhook(body: bytes, headers: Mapping[str, str], deps: Dependencies) -> tuple[int, dict[str, Any]]:
    return answer_webhook(lambda: deps.payment_events.refund_update(body, headers),
                          lambda update: apply_refund_update(update, deps),
                          redeliver=frozenset({NOT_RECORDED_YET, PROVIDER_UNAVAILABLE}))  # delivered again


@retry_on_conflict()
def apply_refund_update(update: RefundUpdate, deps: Dependencies) -> str:
    provider = deps.payment_events.provider
    if deps.repo.webhook_event_seen(provider, update.event_id):
        return "duplicate"
    try:  # the provider's record, not the event body, says what happened to the refund
        record = deps.payments.refund_record(update.refund_id)
    except PaymentUnavailable:
        logger.warning("refund update: the provider could not be asked", extra={"eventId": update.event_id})
        return PROVIDER_UNAVAILABLE  # nothing claimed: the redelivery asks again
    now = deps.clock()
    uow = deps.unit_of_work()
    uow.claim_webhook_event(provider, update.event_id, expires_at=now + SEEN_EVENTS_KEPT)
    if record is not None and record.status != update.status:
        logger.warning("a refund event disagrees with the provider's record", extra={
            "eventId": update.event_id, "refundId": update.refund_id, "event": update.status,
            "provider": record.status})
    ret = deps.repo.get_return(record.return_id) if record is not None and record.return_id else None
    if ret is not None and _outcome_being_recorded(ret, update.refund_id):
        logger.info("refund update before its refund is recorded", extra={"eventId": update.event_id})
        return NOT_RECORDED_YET  # nothing committed: the event stays unclaimed for the redelivery
    changed = ret is not None and record is not None and ret.update_refund_status(
        refund_id=record.refund_id, status=record.status, reason=record.failure_reason, at=now)
    if ret is not None and changed:
        uow.save_return(ret)
        if ret.refund_failed:
            uow.flag_failed_refund(ret, at=now)
    uow.commit()  # a lost race (the same event twice at once, or the return changed) re-runs from the top
    if ret is not None and changed and ret.refund_failed and ret.refund is not None:
        alert_refund_failed(deps, ret, ret.refund)
    logger.info("refund update", extra={"eventId": update.event_id, "refundId": update.refund_id,
                                         "status": record.status if record else None, "applied": changed})
    return "applied" if changed else "ignored"


def _outcome_being_recorded(ret: Return, refund_id: str) -> bool:
    """An attempt is under way and this refund is not the one recorded: it may be the attempt's own."""
    return ret.refund_attempt is not None and (ret.refund is None or ret.refund.id != refund_id)
