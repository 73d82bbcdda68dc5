"""Customer emails of the lifecycle: each sent once per return and kind, never lost, never stuck.

A write-once record `NOTIFY#<return>#<kind>` is claimed as PENDING (so a redelivered event or a retried
command never mails twice); after SES took the mail it is marked SENT. An email a state change owes is
claimed in that change's own write (`claim`, an outbox): whatever happens after the commit (a throttled
write, a failed send, a crash before either) the record is there, due at `RESEND_AFTER`, and the
`resend-emails` job sends it, built from the return as it is then; the first attempt follows the
commit (`send_claimed`). An email an event asks for is claimed in a write of its own (`send_once`): the
event is delivered again until that write is done. Delivery gives up (record GIVEN_UP, ops alert) when
SES refuses the message for good or after MAX_ATTEMPTS; an email the return's current state no longer
bears out is SKIPPED, not sent.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from returns_shared.domain.errors import ConflictError
from returns_shared.domain.orders import Order
from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.notifications import emails, label_failure_email, parts
from returns_shared.notifications.message import Email
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.mail_records import sent_message
from returns_shared.service.ports import DueEmail, EmailSendingBlocked, EmailUndeliverable, UnitOfWork

logger = Logger(child=True)

Builder = Callable[[Dependencies, Return, Order], Email]
RESEND_AFTER = timedelta(minutes=5)  # an attempt this old without an outcome died with its sender
MAX_ATTEMPTS = 8  # with the backoff below: the last try is about 28 hours after the first
FIRST_BACKOFF, MAX_BACKOFF = timedelta(minutes=15), timedelta(hours=12)
RESEND_PAGE, RESEND_MAX_PER_RUN = 100, 400  # one run stays well inside the function's timeout

# The states of the return in which each email still tells the truth. A resend after an outage is
# checked against them: a canceled return must not be told how to ship its items.
STILL_TRUE: dict[str, frozenset[ReturnStatus]] = {
    "instructions": frozenset({ReturnStatus.APPROVED}),  # how to ship: only while it may be shipped
    "label": frozenset({ReturnStatus.APPROVED}),  # the label is moot once shipped, void once expired
    "label_failed": frozenset({ReturnStatus.APPROVED}),  # "ship it yourself": only while it may be shipped
    "review": frozenset({ReturnStatus.UNDER_REVIEW}),  # "do not ship yet": wrong once decided
    "declined": frozenset({ReturnStatus.DECLINED}),  # the final states stay true
    "canceled": frozenset({ReturnStatus.CANCELED}),
    "expired": frozenset({ReturnStatus.EXPIRED}),
    "refund": frozenset({ReturnStatus.REFUNDED}),
    "received": frozenset({ReturnStatus.RECEIVED}),  # "we will inspect it": moot once inspected
}

SENT, RETRYING, BLOCKED, GIVEN_UP, SKIPPED, TAKEN = (
    "sent",
    "retrying",
    "blocked",
    "given_up",
    "skipped",
    "taken",
)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: doubling, capped."""
    doublings = min(max(attempts - 1, 0), 16)  # bounded exponent: no overflow
    return min(FIRST_BACKOFF * (1 << doublings), MAX_BACKOFF)


def _return_address(deps: Dependencies) -> dict[str, Any]:
    return deps.policy().return_address.address.model_dump()


def return_page(deps: Dependencies, ret: Return) -> str | None:
    """The link to the return's page in the portal, or None: an email is never held back for want of
    a link (an unreadable portal address is logged and the email goes without it)."""
    if deps.portal is None:
        return None
    try:
        return parts.return_page_url(deps.portal.base_url(), ret.id)
    except Exception as exc:  # noqa: BLE001 - the email matters more than its link
        logger.warning("portal address unavailable: email sent without the return page link",
                       extra={"returnId": ret.id, "error": f"{type(exc).__name__}: {exc}"})
        return None


def _label_email(deps: Dependencies, ret: Return, order: Order, pdf: bytes | None = None) -> Email:
    """The PDF itself: the one just bought, or (a resend) the one kept in the label store."""
    if ret.label is None:
        raise ValueError(f"return {ret.id} has no label")
    return emails.prepaid_label_email(
        ret, order, return_address=_return_address(deps),
        label_pdf=pdf if pdf is not None else deps.labels.get(ret.label.object_key),
        expire_after_days=deps.policy().expiry.approved_days, return_page=return_page(deps, ret))


# How each kind of email is written from the return as it stands (first send and resends alike).
BUILDERS: dict[str, Builder] = {
    "instructions": lambda deps, ret, order: emails.return_instructions_email(
        ret, order, return_address=_return_address(deps),
        expire_after_days=deps.policy().expiry.approved_days, return_page=return_page(deps, ret)),
    "label": _label_email,
    "label_failed": lambda deps, ret, order: label_failure_email.label_failed_email(
        ret, order, return_address=_return_address(deps),
        expire_after_days=deps.policy().expiry.approved_days, return_page=return_page(deps, ret)),
    "review": lambda deps, ret, order: emails.review_notice_email(
        ret, order, policy_clauses=[(clause.id, clause.text) for clause in deps.policy().clauses],
        review_business_days=deps.policy().review_sla.business_days, return_page=return_page(deps, ret)),
    "declined": lambda deps, ret, order: emails.declined_email(  # reason: the DECLINED note
        ret, order, return_page=return_page(deps, ret)),
    "refund": lambda deps, ret, order: emails.refund_confirmation_email(
        ret, order, return_page=return_page(deps, ret)),
    "received": lambda deps, ret, order: emails.received_email(
        ret, order, return_page=return_page(deps, ret)),
    "canceled": lambda deps, ret, order: emails.canceled_email(
        ret, order, return_page=return_page(deps, ret)),
    "expired": lambda deps, ret, order: emails.expired_email(
        ret, order, expire_after_days=deps.policy().expiry.approved_days, return_page=return_page(deps, ret)),
}


Outcome = tuple[str, str]  # (SENT | RETRYING | BLOCKED | GIVEN_UP | SKIPPED | TAKEN, why)


def _attempt(
    deps: Dependencies, ret: Return, order: Order, kind: str, attempts: int, build: Builder
) -> Outcome:
    """One attempt, already counted on the record: send, then record how it went (a sent email joins the
    return's conversation in the same write, so the customer's reply threads to it)."""
    try:
        email = build(deps, ret, order)
        ses_message_id = deps.mailer.send(email)
    except EmailUndeliverable as exc:
        return _give_up(deps, ret.id, kind, f"undeliverable ({exc.code})")
    except Exception as exc:  # noqa: BLE001 - the state change stands; the email is retried later
        reason = f"{getattr(exc, 'code', None) or type(exc).__name__}"
        if attempts >= MAX_ATTEMPTS:
            return _give_up(deps, ret.id, kind, f"{reason} after {attempts} attempts")
        retry_at = deps.clock() + backoff(attempts)
        logger.warning(
            "email not sent; retried later",
            extra={
                "returnId": ret.id,
                "kind": kind,
                "error": reason,
                "attempts": attempts,
                "retryAt": retry_at.isoformat(),
            },
        )
        uow = deps.unit_of_work()
        uow.retry_email(ret.id, kind, retry_at=retry_at, error=f"{reason}: {exc}")
        uow.commit()
        return (BLOCKED if isinstance(exc, EmailSendingBlocked) else RETRYING), reason
    _mark_sent(deps, ret.id, kind, email=email, ses_message_id=ses_message_id)
    return SENT, ""


def _mark_sent(deps: Dependencies, return_id: str, kind: str, *, email: Email, ses_message_id: str,
               tries: int = 4) -> None:
    """SES took the email: it must not stay PENDING, or the resend job sends it again. A failed write
    (a throttle) is tried again at once; only a sender that dies right now leaves it to be resent. The
    sent email joins the return's conversation in the same write (the customer's reply threads to it)."""
    for attempt in range(tries):
        now = deps.clock()
        uow = deps.unit_of_work()
        uow.mark_email_sent(return_id, kind, at=now)
        uow.add_message(sent_message(deps, return_id=return_id, kind=kind, email=email,
                                     ses_message_id=ses_message_id, at=now))
        try:
            uow.commit()
            return
        except Exception:
            if attempt == tries - 1:
                raise
            logger.warning("email sent, its record not yet marked: trying again",
                           extra={"returnId": return_id, "kind": kind})
            time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))


def _give_up(deps: Dependencies, return_id: str, kind: str, reason: str) -> Outcome:
    logger.error("email given up", extra={"returnId": return_id, "kind": kind, "reason": reason})
    uow = deps.unit_of_work()
    uow.give_up_email(return_id, kind, at=deps.clock(), reason=reason)
    uow.commit()
    return GIVEN_UP, reason


def _alert_given_up(deps: Dependencies, given_up: list[tuple[str, str, str]]) -> None:
    """Ops hear of every email given up (return ids only: alerts carry no customer data)."""
    lines = [f"{return_id} {kind}: {reason}" for return_id, kind, reason in given_up]
    try:
        deps.alerts.alert(f"Customer emails given up: {len(given_up)}",
                          "These customer emails will not be sent (records NOTIFY#<return>#<kind>, "
                          "status GIVEN_UP):\n" + "\n".join(lines))
    except Exception:
        logger.exception("ops alert not sent", extra={"givenUp": lines})


def claim(uow: UnitOfWork, ret: Return, kind: str, *, at: datetime) -> None:
    """The email this state change owes, in the change's own write: sent by `send_claimed` after the
    commit, or by the resend job if that never happens. Once per return and kind: claiming a kind
    again makes the whole write a ConflictError."""
    uow.claim_email(ret.id, kind, at=at, retry_at=at + RESEND_AFTER)


def send_claimed(deps: Dependencies, ret: Return, kind: str, build: Builder | None = None) -> bool:
    """The first attempt of an email claimed with the committed change (True: SES took it)."""
    order = deps.repo.get_order(ret.order_id)
    if order is None:  # the claim stays: the resend job gives it up and tells ops
        logger.error("no order for the email", extra={"returnId": ret.id, "kind": kind})
        return False
    outcome, why = _attempt(deps, ret, order, kind, 1, build or BUILDERS[kind.split("-")[0]])
    if outcome == GIVEN_UP:
        _alert_given_up(deps, [(ret.id, kind, why)])
    return outcome == SENT


def send_once(deps: Dependencies, ret: Return, kind: str, build: Builder | None = None) -> bool:
    """An email an event asks for: claimed in its own write (a redelivered event finds the claim and
    sends nothing; a failed write fails the delivery, which is retried), then its first attempt."""
    if deps.repo.get_order(ret.order_id) is None:
        logger.error("no order for the email", extra={"returnId": ret.id, "kind": kind})
        return False
    uow = deps.unit_of_work()
    claim(uow, ret, kind, at=deps.clock())
    try:
        uow.commit()
    except ConflictError:
        return False  # already sent (or being sent) by an earlier delivery
    return send_claimed(deps, ret, kind, build)


def _resend(deps: Dependencies, pending: DueEmail) -> Outcome:
    return_id, kind = pending.return_id, pending.kind
    base = kind.split("-")[0]  # "refund-2": the confirmation of a retried refund
    ret = deps.repo.get_return(return_id)
    order = deps.repo.get_order(ret.order_id) if ret else None
    if ret is None or order is None or base not in BUILDERS:
        return _give_up(deps, return_id, kind, "nothing to build it from (return, order or kind unknown)")
    if ret.status not in STILL_TRUE[base]:
        why = f"the return is {ret.status.value} now"
        uow = deps.unit_of_work()
        uow.skip_email(return_id, kind, at=deps.clock(), reason=why)
        uow.commit()
        return SKIPPED, why
    now = deps.clock()
    claim = deps.unit_of_work()
    claim.begin_email_attempt(pending, at=now, retry_at=now + RESEND_AFTER)
    try:
        claim.commit()
    except ConflictError:
        return TAKEN, "another run took this attempt"
    return _attempt(deps, ret, order, kind, pending.attempts + 1, BUILDERS[base])


def resend_pending(deps: Dependencies, *, page_size: int = RESEND_PAGE,
                   max_per_run: int = RESEND_MAX_PER_RUN) -> dict[str, int]:
    """The `resend-emails` job: due PENDING emails, soonest due first, page after page. A failure moves
    its email back by the backoff, so bad addresses never block newer emails; when SES refuses all
    sending the run stops (the rest stay due, no attempt spent on them)."""
    now = deps.clock()
    counts = {"resent": 0, "failed": 0, "given_up": 0, "skipped": 0}
    given_up: list[tuple[str, str, str]] = []
    handled, after, blocked = 0, None, False
    while handled < max_per_run and not blocked:
        page, after = deps.repo.due_emails(
            due_by=now, limit=min(page_size, max_per_run - handled), after=after
        )
        for pending in page:
            handled += 1
            outcome, why = _resend(deps, pending)
            if outcome == SENT:
                counts["resent"] += 1
            elif outcome in (RETRYING, BLOCKED):
                counts["failed"] += 1
                blocked = outcome == BLOCKED
            elif outcome == GIVEN_UP:
                counts["given_up"] += 1
                given_up.append((pending.return_id, pending.kind, why))
            elif outcome == SKIPPED:
                counts["skipped"] += 1
            if blocked:
                break
        if not after:
            break
    if given_up:
        _alert_given_up(deps, given_up)
    if counts["failed"]:
        deps.alerts.alert(
            "Customer emails still failing",
            f"{counts['failed']} customer emails could not be sent; they are retried with backoff"
            + (" (SES refuses all sending: the run stopped early)." if blocked else "."),
        )
    return counts


def instructions(deps: Dependencies, ret: Return) -> bool:
    return send_once(deps, ret, "instructions")


def skip_unsent(deps: Dependencies, ret: Return, kind: str, reason: str) -> None:
    """An email an event asked for that the return no longer bears out (it moved on before the event
    was handled): not sent, and recorded SKIPPED with why, so every email a return's path called for
    has a record. One already claimed or sent stays as it is."""
    uow = deps.unit_of_work()
    uow.skip_unsent_email(ret.id, kind, at=deps.clock(), reason=reason)
    with contextlib.suppress(ConflictError):
        uow.commit()


def label_with(pdf: bytes) -> Builder:
    """The first label email attaches the PDF just bought; a resend reads it back from the store."""
    return lambda deps, ret, order: _label_email(deps, ret, order, pdf)


def declined_with(reason: str) -> Builder:
    """The first decline email quotes the agent's reason as given; a resend quotes the DECLINED note."""
    return lambda deps, ret, order: emails.declined_email(ret, order, reason=reason,
                                                          return_page=return_page(deps, ret))


def refund_kind(attempt: int) -> str:
    """One confirmation per paid attempt: a retry after a failed refund confirms again."""
    return "refund" if attempt == 1 else f"refund-{attempt}"
