"""The label function's work: a prepaid return label (PDF in S3) for an approved US return."""

from __future__ import annotations

from datetime import timedelta

from returns_shared.domain.errors import ConflictError
from returns_shared.domain.returns import ReturnLabel
from returns_shared.domain.vocabulary import ReturnMethod, ReturnStatus
from returns_shared.service import notify
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.dispatch import retry_on_conflict

LABEL_LEASE = timedelta(minutes=5)  # a worker that crashed mid-label is taken over after this


@retry_on_conflict()
def issue_label(return_id: str, deps: Dependencies) -> str | None:
    """ReturnApproved(PREPAID_LABEL) → label PDF → S3 → on the return → emailed. A redelivery finds
    the label already there and does nothing; concurrent deliveries are kept to one carrier label by
    a short work lease (a crashed worker's lease goes stale, so the sweep can retry)."""
    ret = deps.repo.get_return(return_id)
    if ret is None or ret.label is not None or ret.status != ReturnStatus.APPROVED:
        return None
    if ret.method != ReturnMethod.PREPAID_LABEL:
        return None
    order = deps.order_of(ret)
    policy, now = deps.policy(), deps.clock()
    lease = deps.unit_of_work()
    lease.lease(f"LABEL#{ret.id}", now=now, stale_before=now - LABEL_LEASE)
    try:
        lease.commit()
    except ConflictError:
        return None  # another worker is issuing this label right now: one label per return
    try:
        issued = deps.carrier.issue_label(
            rma_id=ret.id,
            ship_from=order.shipping_address.model_dump(),
            ship_to=policy.return_address.address.model_dump(),
            fee=ret.quote.label_fee,
        )
        key = f"labels/{ret.id}/{issued.tracking_number}.pdf"
        deps.labels.put(key, issued.pdf)
        ret.attach_label(
            ReturnLabel(carrier=issued.carrier, tracking_number=issued.tracking_number, object_key=key,
                        fee=ret.quote.label_fee, created_at=now),
            at=now,
        )
        if issued.tracker_id:  # bought labels come with the carrier platform's tracker
            ret.start_tracking(issued.tracker_id, tracking_number=issued.tracking_number)
        deps.save_return(ret)
    except Exception:
        release = deps.unit_of_work()  # let the queue's retry (or the sweep) try again at once
        release.release(f"LABEL#{ret.id}")
        release.commit()
        raise
    notify.label(deps, ret, issued.pdf)
    return issued.tracking_number
