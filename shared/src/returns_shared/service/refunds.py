"""The refund function's work: receiving (REQ-FIRST), inspection (COND-NEW), the refund itself
(REFUND-ORIGINAL, REFUND-ONCE), the REFUND-7D deadline workflow's callbacks and its reconciliation."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import partial
from typing import Any

from aws_lambda_powertools import Logger

from returns_shared.domain.errors import (
    ConflictError,
    DomainError,
    InvalidInput,
    InvalidState,
    NotFound,
)
from returns_shared.domain.return_parts import PHOTO_ID, InspectionPhoto, photo_key
from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import STATUS_WORDS, ReturnStatus
from returns_shared.policy.engine import InspectedLine, refund_deadlines, settle
from returns_shared.service import limits, notify
from returns_shared.service.commands import ById, InspectReturn, ReceiveReturn
from returns_shared.service.common import load_return, publish_safely
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.dispatch import Answer, retry_on_conflict
from returns_shared.service.ports import Caller, PaymentUnavailable, UnknownPackage
from returns_shared.service.refund_payments import pay_refund

logger = Logger(child=True)

RECEIVED_AT_FUTURE_TOLERANCE = timedelta(minutes=5)  # pinned: receivedAt ≤ now + 5 minutes
RECEIVABLE = {ReturnStatus.APPROVED, ReturnStatus.IN_TRANSIT}
WORKFLOW_ACTOR = "deadline-workflow"
DUE_CLOCK_SKEW = timedelta(minutes=1)  # the workflow's clock and ours may differ a little


@retry_on_conflict()
def receive_return(cmd: ReceiveReturn, caller: Caller, deps: Dependencies) -> Answer:
    now = deps.clock()
    ret = deps.repo.get_return(cmd.id)
    if ret is None:
        record_refused(deps, UnknownPackage(id=new_package_id(), return_id=cmd.id,
                                            reason=refusal_reason(None), scanned_by=caller.actor, at=now))
        raise NotFound(
            f"There is no return request {cmd.id}: the package was refused and recorded for customer "
            "service (REQ-FIRST).",
            field=("id",),
        )
    if ret.status not in RECEIVABLE:
        if ret.status in {ReturnStatus.REQUESTED, ReturnStatus.UNDER_REVIEW, ReturnStatus.DECLINED,
                          ReturnStatus.CANCELED, ReturnStatus.EXPIRED}:
            record_refused(deps, UnknownPackage(id=new_package_id(), return_id=cmd.id,
                                                reason=refusal_reason(ret), scanned_by=caller.actor, at=now,
                                                matched_return_id=ret.id))
            raise InvalidState(f"Return {ret.id} is {STATUS_WORDS[ret.status]}, not approved: the package "
                               "was refused and recorded for customer service (REQ-FIRST).", field=("id",))
        raise InvalidState(f"Return {ret.id} was already received.", field=("id",))
    received_at = cmd.received_at or now
    if received_at > now + RECEIVED_AT_FUTURE_TOLERANCE:
        raise InvalidInput("The receipt time cannot lie in the future.", field=("receivedAt",))
    order = deps.order_of(ret)
    delivered = [
        line.delivered_at for rl in ret.lines if (line := order.line(rl.order_line_id)) and line.delivered_at
    ]
    if delivered and received_at < max(delivered):
        raise InvalidInput(
            "The receipt time cannot be earlier than the items were delivered.", field=("receivedAt",)
        )
    deadlines = refund_deadlines(received_at, policy=deps.policy())
    ret.receive(actor=caller.actor, at=now, received_at=received_at, refund_due_at=deadlines.refund_due_at,
                refund_expected_by=deadlines.refund_expected_by)
    uow = deps.unit_of_work()
    uow.save_return(ret)
    if ret.label_failure is not None:  # shipped on their own without telling us: no label is owed now
        uow.clear_failed_label(ret.id)
    notify.claim(uow, ret, "received", at=now)
    uow.commit()
    ret.version += 1
    start_deadline(deps, ret, deadlines.reminder_at)
    publish_safely(deps, "ReturnReceived", ret)
    notify.send_claimed(deps, ret, "received")
    return {"returnId": ret.id, "orderId": ret.order_id}


# A picture's first bytes say what it is, whatever the upload claimed (S3 enforces the declared type)
PHOTO_SIGNATURES: dict[str, tuple[str, Callable[[bytes], bool]]] = {
    "jpg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    "png": ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "webp": ("image/webp", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
}


def checked_photos(deps: Dependencies, photo_ids: Sequence[str], *, key_of: Callable[[str], str],
                   field: tuple[str, ...]) -> tuple[InspectionPhoto, ...]:
    """The photos named (under `field`): each uploaded where `key_of` puts it (under its return, for an
    inspection), within the size limit, and really a picture of its type (the upload form's limits are
    S3's to enforce; this checks the result)."""
    photos = []
    for number, photo_id in enumerate(dict.fromkeys(photo_ids)):
        at = (*field, str(number))
        if not PHOTO_ID.match(photo_id):
            raise InvalidInput("This photo was not uploaded through the warehouse screen; add it again.",
                               field=at)
        if deps.photos is None:
            raise InvalidState("Photos cannot be stored here: the photos bucket is not configured.", field=at)
        key = key_of(photo_id)
        stored = deps.photos.stored(key)
        if stored is None:
            raise InvalidInput("A photo did not finish uploading; add it again.", field=at)
        if stored.size > limits.MAX_PHOTO_BYTES:
            megabytes = limits.MAX_PHOTO_BYTES // (1024 * 1024)
            raise InvalidInput(f"A photo is larger than {megabytes} MB.", field=at)
        content_type, looks_right = PHOTO_SIGNATURES[photo_id.rpartition(".")[2]]
        if not looks_right(stored.head):
            raise InvalidInput("A photo is not a JPEG, PNG or WebP picture.", field=at)
        photos.append(InspectionPhoto(object_key=key, content_type=content_type))
    return tuple(photos)


def new_package_id() -> str:
    return secrets.token_hex(12)


def refusal_reason(ret: Return | None) -> str:
    """Why a package was refused, in customer service's words."""
    if ret is None:
        return "No return request has this number."
    return f"Return {ret.id} is {STATUS_WORDS[ret.status]}, not approved."


def record_refused(deps: Dependencies, package: UnknownPackage) -> None:
    """REQ-FIRST: a package without an approved request is refused, and recorded for customer service."""
    uow = deps.unit_of_work()
    uow.record_unknown_package(package)
    uow.commit()
    deps.alerts.alert("Package refused at the warehouse",
                      f"REQ-FIRST: package for {package.return_id!r} refused: {package.reason}")


def start_deadline(deps: Dependencies, ret: Return, reminder_at: Any) -> None:
    """REFUND-7D runs on the durable workflow; if starting fails, the reconcile job starts it later."""
    assert ret.refund_due_at is not None
    try:
        deps.workflow.start(return_id=ret.id, reminder_at=reminder_at, due_at=ret.refund_due_at)
    except Exception:  # the receipt is committed; reconciliation heals a missing execution
        logger.exception("could not start the refund deadline workflow", extra={"returnId": ret.id})


@retry_on_conflict()
def inspect_return(cmd: InspectReturn, caller: Caller, deps: Dependencies) -> Answer:
    ret = load_return(deps, cmd.id)
    if ret.status != ReturnStatus.RECEIVED:
        raise InvalidState(
            f"Only a received return can be inspected; this one is {STATUS_WORDS[ret.status]}.", field=("id",)
        )
    stored = deps.repo.get_stored_order(ret.order_id)
    if stored is None:
        raise LookupError(f"return {ret.id} names a missing order {ret.order_id}")
    # the order's other returns, consistently: the refund cap counts every settled one (REFUND-AMOUNT)
    prior = [r for r in deps.repo.get_returns(stored.return_ids).values() if r.id != ret.id]
    inspected = [
        InspectedLine(li.order_line_id, li.condition, li.defect_confirmed, note=li.note,
                      photos=checked_photos(deps, li.photo_ids, key_of=partial(photo_key, ret.id),
                                            field=("lines", str(index), "photoIds")))
        for index, li in enumerate(cmd.lines)
    ]
    lines, settlement = settle(stored.order, ret, inspected, prior, policy=deps.policy())
    ret.inspect(inspected=lines, settlement=settlement, actor=caller.actor, at=deps.clock())
    uow = deps.unit_of_work()
    uow.save_return(ret)
    uow.serialise_on_order(stored)  # two inspections of one order never decide the cap at once
    uow.commit()
    ret.version += 1
    if ret.sla_breached_at is not None:  # pinned: after an SLA breach, refund as soon as inspected
        # InvalidState: the deadline workflow refunded it meanwhile; PaymentUnavailable: the reconcile job
        # pays it once the provider is back. The inspection stands either way, so no userError.
        with contextlib.suppress(InvalidState, PaymentUnavailable):
            pay_refund(ret.id, deps, actor=WORKFLOW_ACTOR)
    return {"returnId": ret.id, "orderId": ret.order_id}


def issue_refund(cmd: ById, caller: Caller, deps: Dependencies) -> Answer:
    return _pay_for_agent(cmd.id, caller, deps, retry=False)


def retry_refund(cmd: ById, caller: Caller, deps: Dependencies) -> Answer:
    """An agent asks again after the provider refused or failed the refund (a new attempt, new key)."""
    ret = load_return(deps, cmd.id)
    if not ret.refund_failed and ret.refund_attempt is None:
        raise InvalidState(f"Return {ret.id} has no failed refund to retry.", field=("id",))
    return _pay_for_agent(cmd.id, caller, deps, retry=True)


def _pay_for_agent(return_id: str, caller: Caller, deps: Dependencies, *, retry: bool) -> Answer:
    try:
        ret = pay_refund(return_id, deps, actor=caller.actor, retry=retry)
    except PaymentUnavailable as exc:
        raise DomainError(
            f"The payment provider could not be reached and nothing was paid yet; try again shortly ({exc}).",
            field=("id",),
            code="PAYMENT_UNAVAILABLE",
        ) from exc
    return {"returnId": ret.id, "orderId": ret.order_id}


def deadline_due(return_id: str, deps: Dependencies) -> str:
    """The workflow reached refundDueAt: inspected → refund now; not inspected → record an SLA breach."""
    ret = deps.repo.get_return(return_id)
    if ret is None:
        logger.error("deadline for an unknown return", extra={"returnId": return_id})
        return "unknown"
    if ret.refund_due_at and deps.clock() < ret.refund_due_at - DUE_CLOCK_SKEW:
        # an early message (the workflow's failure path, a re-driven DLQ): the reconcile job
        # restarts the deadline, which comes back when the refund is really due
        logger.warning("deadline message before the due time", extra={"returnId": return_id})
        return "not-due-yet"
    if ret.status == ReturnStatus.INSPECTED:
        if ret.refund_failed and ret.refund_attempt is None:
            return "refund-failed"  # agents have it in their queue; ops were alerted when it failed
        try:  # PaymentUnavailable propagates: the message is redelivered and resumes the attempt
            paid = pay_refund(ret.id, deps, actor=WORKFLOW_ACTOR)
        except InvalidState:
            return "already-refunded"
        return "refunded" if paid.status == ReturnStatus.REFUNDED else "refund-failed"
    if ret.status == ReturnStatus.RECEIVED:
        return "breach" if _record_breach(ret.id, deps) else "breach-known"
    return "nothing-to-do"


@retry_on_conflict()
def _record_breach(return_id: str, deps: Dependencies) -> bool:
    ret = load_return(deps, return_id)
    if not ret.record_sla_breach(at=deps.clock()):
        return False
    deps.save_return(ret)
    deps.alerts.alert(f"Refund deadline missed: {ret.id}",
                      f"REFUND-7D: return {ret.id} was received {ret.received_at} and is not inspected; "
                      f"its refund was due {ret.refund_due_at}.")
    return True


def reconcile_deadlines(deps: Dependencies, *, page_size: int = 100) -> dict[str, int]:
    """Self-healing: every received, unrefunded return has a running deadline execution, or (its due
    time passed and its execution is gone) gets the due-time handling now."""
    now = deps.clock()
    counts = {"examined": 0, "started": 0, "handled": 0, "errors": 0}
    for status in (ReturnStatus.RECEIVED, ReturnStatus.INSPECTED):
        after = None
        while True:
            page, after = deps.repo.returns_in_status(status, limit=page_size, after=after)
            for ret in page:
                counts["examined"] += 1
                try:
                    if deps.workflow.is_running(return_id=ret.id):
                        continue
                    assert ret.refund_due_at is not None
                    if ret.refund_due_at <= now:
                        deadline_due(ret.id, deps)
                        counts["handled"] += 1
                    else:
                        deadlines = refund_deadlines(ret.received_at or now, policy=deps.policy())
                        deps.workflow.start(return_id=ret.id, reminder_at=max(deadlines.reminder_at, now),
                                            due_at=ret.refund_due_at)
                        counts["started"] += 1
                except (ConflictError, DomainError, PaymentUnavailable):
                    counts["errors"] += 1
            if not after:
                break
    return counts
