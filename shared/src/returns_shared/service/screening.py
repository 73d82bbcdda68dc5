"""The screening function's work: abnormal-order screening of new requests, agents' approve/decline,
and the review SLA job."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from returns_shared.domain.errors import ConflictError, DomainError
from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import ReturnMethod, ReturnStatus
from returns_shared.policy.engine import review_escalation_at, review_escalation_due, screen
from returns_shared.service import notify
from returns_shared.service.commands import ApproveReturn, DeclineReturn
from returns_shared.service.common import load_return, publish_safely
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.dispatch import Answer, retry_on_conflict
from returns_shared.service.ports import Caller

logger = Logger(child=True)

STUCK_AFTER = timedelta(minutes=5)  # a REQUESTED return this old lost its event: screen it from the sweep


@retry_on_conflict()
def screen_return(return_id: str, deps: Dependencies) -> str | None:
    """ReturnRequested → PASS: APPROVED (+ ReturnApproved event), any flag: UNDER_REVIEW (+ email).
    A redelivered event finds the return already screened and does nothing."""
    ret = deps.repo.get_return(return_id)
    if ret is None or ret.status != ReturnStatus.REQUESTED:
        return None
    stored = deps.repo.get_stored_order(ret.order_id)
    if stored is None:
        raise LookupError(f"return {ret.id} names a missing order {ret.order_id}")
    # the customer's returns (an index that may lag), this order's read consistently: SCREEN-LABELS
    # counts the order's labels, and a cancellation a moment ago must already count
    history = {r.id: r for r in deps.repo.returns_of_customer(ret.customer_email)}
    history.update(deps.repo.get_returns(stored.return_ids))
    history.pop(ret.id, None)
    policy, now = deps.policy(), deps.clock()
    result = screen(stored.order, ret.quote, list(history.values()), policy=policy, method=ret.method)
    deadline = None if result.passed else review_escalation_at(now, policy=policy)
    ret.apply_screening(result, at=now, review_deadline=deadline)
    deps.save_return(ret)
    if result.passed:
        publish_safely(deps, "ReturnApproved", ret)
    else:
        notify.under_review(deps, ret)
    return result.outcome


@retry_on_conflict()
def approve_return(cmd: ApproveReturn, caller: Caller, deps: Dependencies) -> Answer:
    ret = load_return(deps, cmd.id)
    ret.approve(actor=caller.actor, at=deps.clock(), note=cmd.note)
    deps.save_return(ret)
    publish_safely(deps, "ReturnApproved", ret)
    return {"returnId": ret.id, "orderId": ret.order_id}


@retry_on_conflict()
def decline_return(cmd: DeclineReturn, caller: Caller, deps: Dependencies) -> Answer:
    ret = load_return(deps, cmd.id)
    ret.decline(actor=caller.actor, at=deps.clock(), reason=cmd.reason)
    deps.save_return(ret)
    notify.declined(deps, ret, cmd.reason)
    return {"returnId": ret.id, "orderId": ret.order_id}


def escalate_reviews(deps: Dependencies, *, page_size: int = 100) -> dict[str, int]:
    """REVIEW-SLA: requests under review too long are escalated to customer service (once each).
    Also the safety sweeps: stale REQUESTED returns are screened, label-less prepaid approvals
    re-announced. Pages over the status index; safe to run twice at once."""
    policy, now = deps.policy(), deps.clock()
    counts = {"escalated": 0, "rescreened": 0, "relabelled": 0, "conflicts": 0, "queued": 0}
    after = None
    while True:
        page, after = deps.repo.returns_in_status(
            ReturnStatus.UNDER_REVIEW, older_than=now, limit=page_size, after=after
        )
        for ret in page:
            queued = ret.review_wait is None  # flagged before the review queue knew who waits: joins now
            if queued:
                deadline = review_escalation_at(ret.status_changed_at, policy=policy)
                ret.wait_for_customer(since=ret.status_changed_at, review_deadline=deadline)
            escalated = review_escalation_due(ret, policy=policy, now=now) and ret.escalate_review(at=now)
            if not (queued or escalated):
                continue
            try:
                deps.save_return(ret)
            except ConflictError:
                counts["conflicts"] += 1
                continue
            counts["queued"] += queued
            if escalated:
                counts["escalated"] += 1
                deps.alerts.alert(
                    f"Return {ret.id} under review too long",
                    f"REVIEW-SLA: return {ret.id} (order {ret.order_id}) has waited for review since "
                    f"{ret.status_changed_at.isoformat()}.",
                )
        if not after:
            break
    for ret in _every_in_status(
        deps, ReturnStatus.REQUESTED, older_than=now - STUCK_AFTER, page_size=page_size
    ):
        try:
            if screen_return(ret.id, deps):
                counts["rescreened"] += 1
        except (ConflictError, DomainError):
            counts["conflicts"] += 1
    # every page: approved returns wait up to EXPIRE-APPROVED for the customer, so the oldest page is
    # full of returns that are fine and a stuck one is usually further on
    for ret in _every_in_status(
        deps, ReturnStatus.APPROVED, older_than=now - STUCK_AFTER, page_size=page_size
    ):
        if ret.method == ReturnMethod.PREPAID_LABEL and ret.label is None:
            publish_safely(deps, "ReturnApproved", ret)
            counts["relabelled"] += 1
    return counts


def _every_in_status(deps: Dependencies, status: ReturnStatus, *, older_than: datetime,
                     page_size: int) -> Iterator[Return]:
    after = None
    while True:
        page, after = deps.repo.returns_in_status(status, older_than=older_than, limit=page_size, after=after)
        yield from page
        if not after:
            return
