"""The request function's work: new returns, cancellation, tracking numbers, expiry of stale approvals."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from returns_shared.domain.errors import (
    ConflictError,
    DomainError,
    IdempotencyKeyReused,
    Ineligible,
    InvalidInput,
    InvalidState,
    ManyErrors,
    MethodNotAvailable,
    NotFound,
)
from returns_shared.domain.messages import Message
from returns_shared.domain.orders import Order, same_customer
from returns_shared.domain.returns import Return, ReturnLine
from returns_shared.domain.vocabulary import ReturnMethod, ReturnStatus
from returns_shared.policy.engine import RequestedLine, expiry_due, quote
from returns_shared.service import conversation, labels, notify
from returns_shared.service.authz import require_owner_or
from returns_shared.service.commands import ById, RequestReturn, SubmitTracking
from returns_shared.service.common import load_return, publish_safely
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.dispatch import Answer, retry_on_conflict
from returns_shared.service.ports import Caller
from returns_shared.service.roles import Role

IDEMPOTENCY_KEY_TTL = timedelta(days=7)  # pinned: keys are kept at least 24 hours
TRACKING_REPLACEMENTS_BY_CUSTOMER = 3  # then customer service changes the number (agents are not limited)
# Every request stays listed on its order item (consistent reads of an order's returns): request →
# cancel loops must not grow it without bound (400 KB, and every read of the order's returns)
RETURNS_PER_ORDER = 50


def _fingerprint(cmd: RequestReturn) -> str:
    body = cmd.model_dump(mode="json", exclude={"idempotency_key"})
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


@retry_on_conflict()
def request_return(cmd: RequestReturn, caller: Caller, deps: Dependencies) -> Answer:
    if caller.role == "customer" and caller.email:
        # A customer's key is claimed under the order's address, which must be theirs (the same
        # customer key, else Forbidden below): the order and the claim come in one read.
        stored, claimed = deps.repo.get_order_and_claim(cmd.order_id, caller.email, cmd.idempotency_key)
    else:
        stored, claimed = deps.repo.get_stored_order(cmd.order_id), None
    if stored is None:
        raise NotFound(f"There is no order {cmd.order_id}.", field=("input", "orderId"))
    order = stored.order
    require_owner_or(caller, order.email, "agent")

    fingerprint = _fingerprint(cmd)
    if caller.role != "customer":  # an agent claims keys under the customer's address
        claimed = deps.repo.get_idempotency(order.email, cmd.idempotency_key)
    if claimed:
        if claimed.fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                "This request was already sent with other details: reload the page and send it again.",
                field=("input", "idempotencyKey"),
            )
        return {"returnId": claimed.return_id, "orderId": order.id}

    if len(stored.return_ids) >= RETURNS_PER_ORDER:
        raise InvalidState(
            f"This order already has {len(stored.return_ids)} return requests; please contact customer "
            "service.",
            field=("input", "orderId"),
        )
    source = _source_message(cmd, caller, order, deps)
    if not cmd.condition_attested:
        raise InvalidInput(
            "Please confirm that the items are new, unworn and unwashed, with tags and packaging intact "
            "(COND-NEW).",
            field=("input", "conditionAttested"),
        )
    now = deps.clock()
    policy = deps.policy()
    prior = list(deps.repo.get_returns(stored.return_ids).values())
    requested = [RequestedLine(line.order_line_id, line.quantity, line.reason) for line in cmd.lines]
    try:
        decided = quote(order, requested, cmd.method, prior, policy=policy, now=now)
    except DomainError as error:  # the quote's refusals name fields of the input object
        error.field = ("input", *(error.field or ()))
        raise
    refusals: list[Any] = []
    for index, line in enumerate(decided.lines):
        if not line.eligible:
            title = order.line(line.order_line_id).title  # type: ignore[union-attr]  # quoted lines exist
            why = " ".join(f"{r.message.rstrip('.')} ({r.clause_id})." for r in line.reasons)
            refusals.append(
                Ineligible(f"“{title}” cannot be returned. {why}", field=("input", "lines", str(index)))
            )
    if cmd.method not in decided.methods_available:
        refusals.append(
            MethodNotAvailable(
                "A prepaid return label is available for US shipping addresses only: please choose to "
                "ship the package yourself (LABEL-US).",
                field=("input", "method"),
            )
        )
    if refusals:
        raise ManyErrors(refusals)

    ret = Return.request(
        return_id=deps.new_return_id(),
        order_id=order.id,
        customer_email=order.email,
        method=cmd.method,
        lines=[
            ReturnLine(order_line_id=li.order_line_id, quantity=li.quantity, reason=li.reason, note=li.note)
            for li in cmd.lines
        ],
        quote=decided,
        idempotency_key=cmd.idempotency_key,
        actor=caller.actor,
        at=now,
        note=_on_behalf(caller, source),
    )
    uow = deps.unit_of_work()
    uow.add_return(ret)
    uow.attach_return_to_order(stored, ret.id)
    if source is not None:  # the customer's email joins the new return's conversation, handled
        conversation.join(uow, source, ret, actor=caller.actor)
    uow.claim_idempotency(order.email, cmd.idempotency_key, return_id=ret.id, fingerprint=fingerprint,
                          expires_at=now + IDEMPOTENCY_KEY_TTL)
    uow.commit()  # a lost race re-runs from the top: the idempotency key or the new quantities decide
    publish_safely(deps, "ReturnRequested", ret)
    return {"returnId": ret.id, "orderId": order.id}


def _source_message(cmd: RequestReturn, caller: Caller, order: Order, deps: Dependencies) -> Message | None:
    """Agents only: the customer's email that asked for the return (from the order's address, on no
    other return yet)."""
    if cmd.source_message_id is None:
        return None
    field = ("input", "sourceMessageId")
    if caller.role != Role.AGENT:
        raise InvalidInput("Only customer service can name the email a request came from.", field=field)
    message = deps.repo.get_message(cmd.source_message_id)
    if message is None:
        raise NotFound(f"There is no message {cmd.source_message_id}.", field=field)
    if not same_customer(message.from_address, order.email):
        raise InvalidInput(f"The email is from {message.from_address}, not from the address of order "
                           f"{order.id}: a return starts only from its customer's own email.", field=field)
    if message.return_id is not None:
        raise InvalidState(f"This email is already on return {message.return_id}.", field=field)
    return message


def _on_behalf(caller: Caller, source: Message | None) -> str | None:
    """The timeline's word on who asked: customer service for the customer, and how the customer
    attested the condition (COND-NEW) when an email says so."""
    if caller.role != Role.AGENT:
        return None
    note = "requested by customer service on the customer's behalf"
    if source is not None:
        note += f"; condition attested by email ({source.at.date().isoformat()})"
    return note


@retry_on_conflict()
def cancel_return(cmd: ById, caller: Caller, deps: Dependencies) -> Answer:
    ret = load_return(deps, cmd.id)
    require_owner_or(caller, ret.customer_email, "agent")
    ret.cancel(actor=caller.actor, at=deps.clock())
    labels.save_ended_return(deps, ret, email="canceled")  # an unused label is flagged in the same write
    publish_safely(deps, "ReturnCanceled", ret)  # the label function voids it now
    notify.send_claimed(deps, ret, "canceled")
    return {"returnId": ret.id, "orderId": ret.order_id}


@retry_on_conflict()
def submit_tracking(cmd: SubmitTracking, caller: Caller, deps: Dependencies) -> Answer:
    """A self-shipped package's tracking number. The same number again changes nothing (no write, no
    new carrier tracker, no timeline entry); a customer may replace it a few times, then customer
    service does; a number on another customer's active return is refused."""
    ret = load_return(deps, cmd.id)
    require_owner_or(caller, ret.customer_email, "agent")
    number = cmd.tracking_number.upper()
    refuse_number_of_another_customer(deps, ret, number)
    replacements = None if caller.role == Role.AGENT else TRACKING_REPLACEMENTS_BY_CUSTOMER
    if ret.label_failure is not None and ret.label is None:  # ships on their own after a refused label
        _ship_after_refused_label(ret, cmd, caller, deps, number)
    elif ret.submit_tracking(carrier=cmd.carrier, tracking_number=number, actor=caller.actor,
                             at=deps.clock(), replacements_allowed=replacements):
        deps.save_return(ret)
    else:
        return {"returnId": ret.id, "orderId": ret.order_id}
    publish_safely(deps, "TrackingSubmitted", ret)  # the label function starts a carrier tracker
    return {"returnId": ret.id, "orderId": ret.order_id}


def _ship_after_refused_label(ret: Return, cmd: SubmitTracking, caller: Caller, deps: Dependencies,
                              number: str) -> None:
    """LABEL-US: the carrier refused the prepaid label, so the customer shipped on their own: the return
    becomes SELF_SHIP and leaves the agents' failed-labels queue in the same write. Under the label lease,
    so that an agent's retryLabel cannot buy a label for a package already on its way."""
    if not labels.lease(deps, ret.id):
        raise InvalidState("A label is being bought for this return right now; look again in a moment.",
                           field=("id",))
    try:
        ret.submit_tracking(carrier=cmd.carrier, tracking_number=number, actor=caller.actor, at=deps.clock(),
                            replacements_allowed=None)
        uow = deps.unit_of_work()
        uow.save_return(ret)  # conditioned on the version read: a label bought meanwhile wins
        uow.clear_failed_label(ret.id)
        labels.flag_unused_label(uow, ret, since=deps.clock())  # an agent's retry left a purchase open
        uow.commit()
        ret.version += 1
    finally:
        labels.release(deps, ret.id)


def refuse_number_of_another_customer(deps: Dependencies, ret: Return, number: str) -> None:
    """One package, one customer: a carrier scan of the package moves every return under its number,
    so a number held by another customer's active return (not void, not refunded) would let one
    customer ride on another's package (a false delivery escapes EXPIRE-APPROVED). The same customer
    may ship several returns under one number. The index behind the lookup lags a write by a moment:
    two customers giving one number within that moment are not told apart here."""
    for listed in deps.repo.returns_by_tracking_number(number):
        if listed.id == ret.id or listed.customer_email == ret.customer_email:
            continue
        holder = deps.repo.get_return(listed.id)  # the index may be stale: decide on the stored return
        if holder is not None and holder.holds_package(number):
            raise InvalidInput(
                "This tracking number is on another customer's return: check the number, or contact "
                "customer service.", field=("trackingNumber",), code="TRACKING_NUMBER_TAKEN",
            )


def send_instructions(return_id: str, deps: Dependencies) -> None:
    """ReturnApproved for a SELF_SHIP return: email where and how to send the package (ADDR-RETURN)."""
    ret = deps.repo.get_return(return_id)
    if ret is None or ret.method != ReturnMethod.SELF_SHIP:
        return  # a prepaid-label return gets its label (label function), never self-ship instructions
    if ret.status != ReturnStatus.APPROVED:  # shipped, canceled or expired before this event came
        notify.skip_unsent(deps, ret, "instructions", f"the return was {ret.status.value} by then")
        return
    notify.instructions(deps, ret)


def expire_approved(deps: Dependencies, *, page_size: int = 100) -> dict[str, int]:
    """EXPIRE-APPROVED: approved returns that never shipped expire. Pages over the status index;
    safe to run twice at once (each expiry is a version-conditioned write)."""
    policy, now = deps.policy(), deps.clock()
    counts = {"examined": 0, "expired": 0, "conflicts": 0}
    # the status index sorts by when a return became APPROVED: only those approved long enough ago are
    # read (the newest approvals, most of the queue, are not looked at every hour)
    approved_before = now - timedelta(days=policy.expiry.approved_days) + timedelta(seconds=1)
    after = None
    while True:
        page, after = deps.repo.returns_in_status(
            ReturnStatus.APPROVED, older_than=approved_before, limit=page_size, after=after
        )
        for ret in page:
            counts["examined"] += 1
            if not expiry_due(ret, policy=policy, now=now):
                continue
            try:
                ret.expire(at=now, note="EXPIRE-APPROVED: not shipped in time")
                labels.save_ended_return(deps, ret, email="expired")
            except (ConflictError, DomainError):
                counts["conflicts"] += 1
                continue
            counts["expired"] += 1
            publish_safely(deps, "ReturnExpired", ret)  # the label function voids an unused label
            notify.send_claimed(deps, ret, "expired")
        if not after:
            return counts
