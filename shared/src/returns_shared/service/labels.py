"""The label function's work: a prepaid return label (PDF in S3) for an approved US return."""

from __future__ import annotations

from returns_shared.domain.returns import ReturnLabel
from returns_shared.domain.vocabulary import ReturnMethod, ReturnStatus
from returns_shared.service import notify
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.dispatch import retry_on_conflict


@retry_on_conflict()
def issue_label(return_id: str, deps: Dependencies) -> str | None:
    """ReturnApproved(PREPAID_LABEL) → label PDF → S3 → on the return → emailed. A redelivery finds
    the label already there and does nothing; each PDF is stored under its own tracking number, so a
    lost race never overwrites the label that won."""
    ret = deps.repo.get_return(return_id)
    if ret is None or ret.label is not None or ret.status != ReturnStatus.APPROVED:
        return None
    if ret.method != ReturnMethod.PREPAID_LABEL:
        return None
    order = deps.repo.get_order(ret.order_id)
    if order is None:
        raise LookupError(f"return {ret.id} names a missing order {ret.order_id}")
    policy = deps.policy()
    issued = deps.carrier.issue_label(
        rma_id=ret.id,
        ship_from=order.shipping_address.model_dump(),
        ship_to=policy.return_address.address.model_dump(),
        fee=ret.quote.label_fee,
    )
    key = f"labels/{ret.id}/{issued.tracking_number}.pdf"
    deps.labels.put(key, issued.pdf)
    now = deps.clock()
    ret.attach_label(
        ReturnLabel(carrier=issued.carrier, tracking_number=issued.tracking_number, object_key=key,
                    fee=ret.quote.label_fee, created_at=now),
        at=now,
    )
    uow = deps.unit_of_work()
    uow.save_return(ret)
    uow.commit()
    notify.label(deps, ret, issued.pdf)
    return issued.tracking_number
