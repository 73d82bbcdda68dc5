"""Customer emails of the lifecycle: each sent once per return and kind, and never lost.

Before sending, a write-once record `NOTIFY#<return>#<kind>` is claimed as PENDING (so a redelivered
event or a retried command never mails twice); after SES took the mail it is marked SENT. Mail goes
out after the state change committed, so a failed send cannot undo the return: the record stays
PENDING (in a sparse index) and the `resend-emails` job sends it again, built from the return as it
is then.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from aws_lambda_powertools import Logger

from returns_shared.domain.errors import ConflictError
from returns_shared.domain.orders import Order
from returns_shared.domain.returns import Return
from returns_shared.notifications import emails
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.ports import Email

logger = Logger(child=True)

Builder = Callable[[Dependencies, Return, Order], Email]
RESEND_AFTER = timedelta(minutes=5)  # a PENDING email this old failed (or its sender died): send again


def _return_address(deps: Dependencies) -> dict:
    return deps.policy().return_address.address.model_dump()


def _label_url(deps: Dependencies, ret: Return) -> str | None:
    return deps.labels.url(ret.label.object_key, expires_in=deps.label_url_ttl_seconds) if ret.label else None


# How each kind of email is written from the return as it stands (first send and resends alike).
BUILDERS: dict[str, Builder] = {
    "instructions": lambda deps, ret, order: emails.return_instructions_email(
        ret, order, return_address=_return_address(deps), expire_after_days=deps.policy().expiry.approved_days),
    "label": lambda deps, ret, order: emails.prepaid_label_email(
        ret, order, return_address=_return_address(deps), label_url=_label_url(deps, ret),
        expire_after_days=deps.policy().expiry.approved_days),
    "review": lambda deps, ret, order: emails.review_notice_email(
        ret, order, policy_clauses=[(clause.id, clause.text) for clause in deps.policy().clauses]),
    "declined": lambda deps, ret, order: emails.declined_email(ret, order),  # reason: the DECLINED note
    "refund": lambda deps, ret, order: emails.refund_confirmation_email(ret, order),
    "canceled": lambda deps, ret, order: emails.canceled_email(ret, order),
    "expired": lambda deps, ret, order: emails.expired_email(
        ret, order, expire_after_days=deps.policy().expiry.approved_days),
}


def _deliver(deps: Dependencies, ret: Return, order: Order, kind: str, build: Builder) -> bool:
    try:
        deps.mailer.send(build(deps, ret, order))
    except Exception:  # noqa: BLE001 - the state change stands; the resend job tries again
        logger.exception("email not sent; left pending", extra={"returnId": ret.id, "kind": kind})
        return False
    uow = deps.unit_of_work()
    uow.mark_email_sent(ret.id, kind, at=deps.clock())
    uow.commit()
    return True


def send_once(deps: Dependencies, ret: Return, kind: str, build: Builder | None = None) -> bool:
    order = deps.repo.get_order(ret.order_id)
    if order is None:
        logger.error("no order for the email", extra={"returnId": ret.id, "kind": kind})
        return False
    now = deps.clock()
    uow = deps.unit_of_work()
    uow.claim_email(ret.id, kind, at=now)
    try:
        uow.commit()
    except ConflictError:
        return False  # already sent (or being sent) by an earlier delivery
    return _deliver(deps, ret, order, kind, build or BUILDERS[kind])


def resend_pending(deps: Dependencies, *, page_size: int = 100) -> dict[str, int]:
    """The `resend-emails` job: PENDING emails older than a few minutes are sent again (then SENT)."""
    now = deps.clock()
    counts = {"resent": 0, "failed": 0}
    for pending in deps.repo.pending_emails(older_than=now - RESEND_AFTER, limit=page_size):
        ret = deps.repo.get_return(pending["returnId"])
        order = deps.repo.get_order(ret.order_id) if ret else None
        build = BUILDERS.get(pending["kind"]) or BUILDERS.get(pending["kind"].split("-")[0])  # refund-2
        if ret is None or order is None or build is None:
            counts["failed"] += 1
            continue
        if _deliver(deps, ret, order, pending["kind"], build):
            counts["resent"] += 1
        else:
            counts["failed"] += 1
    if counts["failed"]:
        deps.alerts.alert("Customer emails still failing", f"{counts['failed']} pending customer emails could not be sent.")
    return counts


def instructions(deps: Dependencies, ret: Return) -> bool:
    return send_once(deps, ret, "instructions")


def label(deps: Dependencies, ret: Return, pdf: bytes) -> bool:
    """The first label email carries the PDF itself; a resend carries the link."""
    return send_once(deps, ret, "label", lambda deps, ret, order: emails.prepaid_label_email(
        ret, order, return_address=_return_address(deps), label_pdf=pdf, label_url=_label_url(deps, ret),
        expire_after_days=deps.policy().expiry.approved_days))


def under_review(deps: Dependencies, ret: Return) -> bool:
    return send_once(deps, ret, "review")


def declined(deps: Dependencies, ret: Return, reason: str) -> bool:
    return send_once(deps, ret, "declined", lambda deps, ret, order: emails.declined_email(ret, order, reason=reason))


def refunded(deps: Dependencies, ret: Return) -> bool:
    """One confirmation per paid attempt: a retry after a failed refund confirms again."""
    attempt = ret.refund.attempt if ret.refund else 1
    return send_once(deps, ret, "refund" if attempt == 1 else f"refund-{attempt}", BUILDERS["refund"])


def canceled(deps: Dependencies, ret: Return) -> bool:
    return send_once(deps, ret, "canceled")


def expired(deps: Dependencies, ret: Return) -> bool:
    return send_once(deps, ret, "expired")
