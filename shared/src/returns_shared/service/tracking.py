"""Carrier tracking (label function): trackers for self-shipped packages, and the carrier platform's
webhook (POST /webhooks/easypost) that moves a return along with the package.

The first real scan of a prepaid label moves an APPROVED return to IN_TRANSIT (so EXPIRE-APPROVED
never expires a package that is on its way); every scan is on the timeline; a delivery scan is
recorded, and the warehouse still receives and inspects. Events are verified, claimed once, and
harmless when repeated or out of order.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Logger

from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.dispatch import retry_on_conflict
from returns_shared.service.ports import TrackingUpdate
from returns_shared.service.webhook_calls import answer_webhook

logger = Logger(child=True)

SEEN_EVENTS_KEPT = timedelta(days=30)


@retry_on_conflict()
def start_tracker(return_id: str, deps: Dependencies) -> str | None:
    """TrackingSubmitted (self-ship): the carrier platform tracks the customer's number, so its scans
    reach the webhook like a prepaid label's. A redelivery finds the tracker and does nothing."""
    ret = deps.repo.get_return(return_id)
    if ret is None or ret.status != ReturnStatus.IN_TRANSIT or not ret.tracking_number:
        return None
    if ret.tracking is not None and ret.tracking.tracker_id:
        return None
    number = ret.tracking_number
    tracker_id = deps.carrier.track(tracking_number=number, carrier=ret.carrier or "")
    if ret.start_tracking(tracker_id, tracking_number=number):
        deps.save_return(ret)  # a conflict re-reads: a replaced number is tracked by its own event
    return tracker_id


def easypost_webhook(
    body: bytes, headers: Mapping[str, str], deps: Dependencies
) -> tuple[int, dict[str, Any]]:
    return answer_webhook(lambda: deps.carrier_events.tracking_update(body, headers),
                          lambda update: apply_tracking_update(update, deps))


@retry_on_conflict()
def apply_tracking_update(update: TrackingUpdate, deps: Dependencies) -> str:
    provider = deps.carrier_events.provider
    if deps.repo.webhook_event_seen(provider, update.event_id):
        return "duplicate"
    uow = deps.unit_of_work()
    uow.claim_webhook_event(provider, update.event_id, expires_at=deps.clock() + SEEN_EVENTS_KEPT)
    changed: dict[str, str] = {}  # return id -> its customer
    for ret in deps.repo.returns_by_tracking_number(update.tracking_number):
        fresh = deps.repo.get_return(ret.id)  # the index lags; decide on the consistent copy
        if fresh and fresh.record_carrier_scans(
            list(update.scans), carrier=update.carrier, status=update.status
        ):
            uow.save_return(fresh)
            changed[fresh.id] = fresh.customer_email
    uow.commit()  # a lost race (the same event twice at once) re-runs and finds the claim
    if len(set(changed.values())) > 1:  # submitted at the same moment: the number check could not see it
        deps.alerts.alert(
            "One package on several customers' returns",
            f"Carrier scans of tracking number {update.tracking_number} moved returns of different "
            f"customers: {', '.join(sorted(changed))}. One of them did not ship this package.",
        )
    logger.info("tracking update",
                extra={"eventId": update.event_id, "status": update.status, "returns": list(changed)})
    return "applied" if changed else "ignored"
