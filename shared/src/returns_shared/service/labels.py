"""The label function's work on prepaid return labels: bought for an approved US return (PDF in S3, on
the return, emailed), and voided once the return ends unused (canceled, or expired by EXPIRE-APPROVED).

Label work on one return is serialised by a short work lease: one worker buys or voids at a time, and
a crashed worker's lease goes stale so that a retry (the queue's, or the sweep's) can take over.
One return buys at most one carrier label whatever fails where: the carrier's shipment is recorded on
the return (`label_purchase`) before it is bought, and every retry buys that same shipment, which the
carrier sells once (one bought already answers its label: a lost answer, a label file not fetched, a
worker that crashed before recording it). Only a shipment the carrier no longer knows is replaced.
A return that ends with an unused label, or with a purchase whose outcome is unknown, is flagged for
voiding in the same write (`save_ended_return`), so the `void-labels` sweep voids it even when the
ReturnCanceled/ReturnExpired event is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from returns_shared.domain.errors import ConflictError, DomainError, InvalidState
from returns_shared.domain.return_labels import label_in_use
from returns_shared.domain.returns import Return, ReturnLabel
from returns_shared.domain.vocabulary import ReturnMethod, ReturnStatus
from returns_shared.service import label_failures, notify
from returns_shared.service.commands import ById
from returns_shared.service.common import load_return
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.dispatch import Answer, retry_on_conflict
from returns_shared.service.ports import (
    NOT_BOUGHT,
    Caller,
    CarrierUnavailable,
    IssuedLabel,
    LabelDeclined,
    LabelShipmentGone,
    LabelVoid,
    LabelVoidRefused,
    UnitOfWork,
)

logger = Logger(child=True)

# A worker that crashed mid-label (a Lambda timeout) is taken over after this: longer than any function
# holds it (their timeouts: 25 s), shorter than the label queue's visibility timeout (180 s), so the
# crashed worker's own message, delivered again, finds the lease stale and resumes the purchase instead
# of being consumed as a duplicate (tests/infra/test_infra_operations.py checks both bounds).
LABEL_LEASE = timedelta(minutes=2)
SWEEP_AFTER = timedelta(minutes=15)  # the events void within seconds; the sweep takes what they missed
GIVE_UP_AFTER = timedelta(days=30)  # USPS refunds labels for 30 days: after that a person looks
GIVEN_UP = LabelVoid(voided=False, status="given up: not voided in 30 days")


class LabelBusy(Exception):
    """Another worker holds this return's label lease: the void is asked for again later (the queue
    redelivers the event)."""


def _wants_label(ret: Return | None) -> bool:
    """Approved for a prepaid label that is neither bought nor refused by the carrier (a refusal waits
    for an agent's retryLabel: a redelivered ReturnApproved must not ask the carrier again)."""
    return wants_label(ret) and ret is not None and ret.label_failure is None


def wants_label(ret: Return | None) -> bool:
    return (ret is not None and ret.label is None and ret.status == ReturnStatus.APPROVED
            and ret.method == ReturnMethod.PREPAID_LABEL)


def issue_label(return_id: str, deps: Dependencies) -> str | None:
    """ReturnApproved(PREPAID_LABEL) → label PDF → S3 → on the return → emailed. A redelivery finds
    the label already there and does nothing; concurrent deliveries are kept to one carrier label by
    the lease, and retries by the shipment recorded before buying (`_buy`). A label bought while the
    customer canceled is recorded on the return and voided. A carrier's refusal for good is recorded
    (label_failures) and the message consumed; a transient carrier error (CarrierUnavailable) raises, so
    the queue delivers the event again, which resumes the same purchase."""
    first = deps.repo.get_return(return_id)
    if _unused(first):  # bought (or being bought) as the return ended, and its void failed
        void_label(return_id, deps)
        return None
    if not _wants_label(first) or not lease(deps, return_id):
        return None  # nothing to do, or another worker is on this return's label right now
    return buy_label_under_lease(return_id, deps, wanted=_wants_label)


def buy_label_under_lease(return_id: str, deps: Dependencies, *,
                          wanted: Callable[[Return | None], bool]) -> str | None:
    """Buys, keeps and mails the label of a return whose label lease the caller holds (released here)."""
    try:
        ret = deps.repo.get_return(return_id)  # under the lease: a label bought meanwhile shows here
        if ret is None or not wanted(ret):
            return None
        try:
            issued = _buy(ret, deps, wanted)
        except LabelDeclined as refusal:
            label_failures.record_refusal(return_id, str(refusal), deps)
            return None
        if issued is None:  # the return stopped wanting a label before anything was bought
            return None
        key = f"labels/{ret.id}/{issued.tracking_number}.pdf"
        deps.labels.put(key, issued.pdf)
        label = ReturnLabel(carrier=issued.carrier, tracking_number=issued.tracking_number, object_key=key,
                            fee=ret.quote.label_fee, created_at=deps.clock(), shipment_id=issued.shipment_id)
        kept = _keep(return_id, label, issued.tracker_id, deps)
    finally:
        release(deps, return_id)  # on failure the queue's retry (or the sweep) tries again at once
    if kept.label_to_void:
        # a LabelBusy means the ReturnCanceled/ReturnExpired worker holds it: that one voids the label
        with suppress(LabelBusy):
            void_label(return_id, deps)
        return None
    notify.send_claimed(deps, kept, "label", notify.label_with(issued.pdf))
    return issued.tracking_number


def _buy(ret: Return, deps: Dependencies, wanted: Callable[[Return | None], bool]) -> IssuedLabel | None:
    """The label of the shipment recorded on the return, bought at most once: a new shipment is created
    and recorded first when there is none (or the carrier no longer knows the recorded one). None: the
    return stopped wanting a label meanwhile (a shipment created for it stays unbought: nothing spent)."""
    current: Return | None = ret
    for _ in range(2):  # a shipment the carrier lost is replaced once per try
        if current is None:
            return None
        if current.label_purchase is None:
            order, policy = deps.order_of(current), deps.policy()
            shipment_id = deps.carrier.create_label_shipment(
                rma_id=current.id,
                ship_from=order.shipping_address.model_dump(),
                ship_to=policy.return_address.address.model_dump(),
                fee=current.quote.label_fee,
            )
            current = _record_purchase(current.id, shipment_id, wanted, deps)
            if current is None or current.label_purchase is None:
                return None
        shipment_id = current.label_purchase.shipment_id
        try:
            return deps.carrier.buy_label(shipment_id)
        except LabelShipmentGone:
            logger.warning("label shipment unknown to the carrier: a new one is started",
                           extra={"returnId": current.id, "shipmentId": shipment_id})
            current = _forget_purchase(current.id, shipment_id, wanted, deps)
    raise CarrierUnavailable(f"the carrier lost the new label shipments of {ret.id} twice in a row")


@retry_on_conflict()
def _record_purchase(return_id: str, shipment_id: str, wanted: Callable[[Return | None], bool],
                     deps: Dependencies) -> Return | None:
    """The shipment onto the return before it is bought (version-conditioned: when two workers made
    one each, one is recorded and both buy that one; the other is never bought)."""
    ret = deps.repo.get_return(return_id)
    if ret is None or not wanted(ret):
        return None
    if ret.label_purchase is None:
        ret.start_label_purchase(shipment_id, at=deps.clock())
        deps.save_return(ret)
    return ret


@retry_on_conflict()
def _forget_purchase(return_id: str, shipment_id: str, wanted: Callable[[Return | None], bool],
                     deps: Dependencies) -> Return | None:
    ret = deps.repo.get_return(return_id)
    if ret is None or not wanted(ret):
        return None
    if ret.label_purchase is not None and ret.label_purchase.shipment_id == shipment_id:
        ret.forget_label_purchase(shipment_id)
        deps.save_return(ret)
    return ret


def retry_label(cmd: ById, caller: Caller, deps: Dependencies) -> Answer:
    """retryLabel (agents): a new purchase of a label the carrier refused. The outcome is on the return:
    a label (emailed; the return leaves the agents' queue) or the carrier's new refusal."""
    ret = load_return(deps, cmd.id)
    if not (wants_label(ret) and ret.label_failure is not None):
        raise InvalidState(f"Return {ret.id} has no refused label to retry.", field=("id",))
    if not lease(deps, ret.id):
        raise InvalidState(f"A label for return {ret.id} is being bought right now; look again in a moment.",
                           field=("id",))
    try:
        buy_label_under_lease(ret.id, deps, wanted=lambda now: wants_label(now) and now is not None
                              and now.label_failure is not None)
    except CarrierUnavailable as exc:
        raise DomainError("The carrier could not be reached; try again shortly: the purchase resumes "
                          f"where it stopped and never buys a second label ({exc}).",
                          field=("id",), code="CARRIER_UNAVAILABLE") from exc
    return {"returnId": ret.id, "orderId": ret.order_id}


@retry_on_conflict()
def _keep(return_id: str, label: ReturnLabel, tracker_id: str | None, deps: Dependencies) -> Return:
    """The bought label onto the return as it is now (a lost race re-reads; it never buys again)."""
    ret = deps.repo.get_return(return_id)
    if ret is None:
        raise LookupError(f"return {return_id} vanished while its label was bought")
    if ret.status == ReturnStatus.APPROVED:
        refused_before = ret.label_failure is not None  # an agent's retry: it leaves their queue now
        ret.attach_label(label, at=deps.clock())
        if tracker_id:  # bought labels come with the carrier platform's tracker
            ret.start_tracking(tracker_id, tracking_number=label.tracking_number)
        uow = deps.unit_of_work()
        uow.save_return(ret)
        if refused_before:
            uow.clear_failed_label(ret.id)
        notify.claim(uow, ret, "label", at=deps.clock())  # the customer's label, owed with it
        uow.commit()
        ret.version += 1
    else:  # canceled or expired while the label was being bought: nobody will use it
        ret.keep_label_of_ended_return(label, at=deps.clock())
        save_ended_return(deps, ret)
    return ret


def save_ended_return(deps: Dependencies, ret: Return, *, email: str | None = None) -> None:
    """Saves a canceled or expired return; an unused label of it is flagged for the void sweep in the
    same write, a label the carrier refused leaves the agents' queue, and the `email` the end owes the
    customer is claimed (ConflictError if the return changed meanwhile)."""
    uow = deps.unit_of_work()
    uow.save_return(ret)
    flag_unused_label(uow, ret, since=ret.status_changed_at)
    if ret.label_failure is not None:
        uow.clear_failed_label(ret.id)
    if email is not None:
        notify.claim(uow, ret, email, at=deps.clock())
    uow.commit()
    ret.version += 1


def flag_unused_label(uow: UnitOfWork, ret: Return, *, since: datetime) -> None:
    """In the write that leaves a label (or a label purchase) unused: onto the void sweep's list."""
    if _unused(ret):
        uow.flag_label_to_void(ret.id, since=since)


def _unused(ret: Return | None) -> bool:
    """A bought label nobody will use, or a purchase the return no longer wants (sold or not: unknown)."""
    return ret is not None and (ret.label_to_void or ret.label_purchase_to_close)


def void_label(return_id: str, deps: Dependencies) -> str | None:
    """ReturnCanceled / ReturnExpired: the unused label of the return is voided through the carrier and
    the outcome recorded once (a redelivery finds it and does nothing). A label the carrier has scanned
    is in use and kept; a refusal is recorded and raised to ops. A purchase the return no longer wants
    is closed the same way: the carrier says whether it sold the shipment, and voids what it sold."""
    ret = deps.repo.get_return(return_id)
    if not _unused(ret):
        return None
    if not lease(deps, return_id):
        raise LabelBusy(f"the label of {return_id} is being worked on; asked again later")
    try:
        ret = deps.repo.get_return(return_id)
        if ret is None or not _unused(ret):
            return None
        outcome, refused = _void(ret, deps)
        _record_void(return_id, outcome, deps)
    finally:
        release(deps, return_id)
    if refused:
        deps.alerts.alert(f"Label of return {return_id} not voided",
                          f"The carrier refused to void the unused label of return {return_id}: {refused}")
    logger.info("label void", extra={"returnId": return_id, "voided": outcome.voided,
                                     "status": outcome.status})
    return outcome.status


def _void(ret: Return, deps: Dependencies) -> tuple[LabelVoid, str | None]:
    """The carrier's answer on the unused label (or open purchase) of `ret`, and a refusal's reason."""
    if ret.label is not None and label_in_use(ret):
        return LabelVoid(voided=False, status=f"in use: {ret.tracking.status if ret.tracking else ''}"), None
    if ret.label is not None:
        shipment_id, number = ret.label.shipment_id, ret.label.tracking_number
    else:
        assert ret.label_purchase is not None  # _unused
        shipment_id, number = ret.label_purchase.shipment_id, None
    try:
        return deps.carrier.void_label(shipment_id=shipment_id, tracking_number=number), None
    except LabelShipmentGone as exc:
        if ret.label is None:  # a shipment the carrier does not know was never bought
            return LabelVoid(voided=True, status=NOT_BOUGHT), None
        refused = str(exc)
    except LabelVoidRefused as exc:
        refused = str(exc)
    return LabelVoid(voided=False, status=f"refused: {refused}"[:300]), refused


@retry_on_conflict()
def _record_void(return_id: str, outcome: LabelVoid, deps: Dependencies) -> bool:
    """The outcome on the return, and its flag off the sweep's list (False: decided before)."""
    ret = deps.repo.get_return(return_id)
    uow = deps.unit_of_work()
    uow.clear_label_to_void(return_id)
    recorded = _unused(ret)
    if ret is not None and ret.label_to_void:
        ret.record_label_void(voided=outcome.voided, status=outcome.status, at=deps.clock())
        uow.save_return(ret)
    elif ret is not None and ret.label_purchase_to_close:
        ret.close_label_purchase(voided=outcome.voided, status=outcome.status, at=deps.clock())
        uow.save_return(ret)
    uow.commit()
    return recorded


def void_unused_labels(deps: Dependencies, *, page_size: int = 100) -> dict[str, int]:
    """The `void-labels` job: unused labels of ended returns still not voided SWEEP_AFTER later (a lost
    event, a carrier outage longer than the queue's retries) are voided now; one still failing after
    GIVE_UP_AFTER is recorded as not voided and raised to ops. Safe beside the events (the lease)."""
    now = deps.clock()
    counts = {"voided": 0, "kept": 0, "failed": 0, "given_up": 0}
    after = None
    while True:
        page, after = deps.repo.labels_to_void(older_than=now - SWEEP_AFTER, limit=page_size, after=after)
        for return_id, since in page:
            if since < now - GIVE_UP_AFTER:
                if _record_void(return_id, GIVEN_UP, deps):
                    deps.alerts.alert(f"Label of return {return_id} not voided",
                                      f"The unused label of return {return_id} was not voided in 30 days.")
                    counts["given_up"] += 1
                continue
            try:
                status = void_label(return_id, deps)
            except Exception:  # this label waits for the next run; the others go on
                logger.exception("label void failed", extra={"returnId": return_id})
                counts["failed"] += 1
                continue
            if status is None:  # decided already (or nothing to void): only the flag was left
                _record_void(return_id, LabelVoid(voided=False, status="none"), deps)
            counts["voided" if _voided(deps, return_id) else "kept"] += 1
        if not after:
            return counts


def _voided(deps: Dependencies, return_id: str) -> bool:
    ret = deps.repo.get_return(return_id)
    return ret is not None and ret.label is not None and ret.label.voided


def lease(deps: Dependencies, return_id: str) -> bool:
    now = deps.clock()
    claim = deps.unit_of_work()
    claim.lease_label(return_id, now=now, stale_before=now - LABEL_LEASE)
    try:
        claim.commit()
    except ConflictError:
        return False
    return True


def release(deps: Dependencies, return_id: str) -> None:
    done = deps.unit_of_work()
    done.release_label(return_id)
    done.commit()
