"""Customer emails of the lifecycle, each sent at most once per return and kind.

A write-once record (`NOTIFY#<return>#<kind>`) is claimed before sending, so a redelivered event or
a retried command never mails twice. Mail is sent after the state change committed: a failed send
is logged and raised to ops, it never undoes the customer's return.
"""

from __future__ import annotations

from collections.abc import Callable

from aws_lambda_powertools import Logger

from returns_shared.domain.errors import ConflictError
from returns_shared.domain.orders import Order
from returns_shared.domain.returns import Return
from returns_shared.notifications import emails
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.ports import Email

logger = Logger(child=True)


def _send_once(deps: Dependencies, ret: Return, kind: str, build: Callable[[Order], Email]) -> bool:
    order = deps.repo.get_order(ret.order_id)
    if order is None:
        logger.error("no order for the email", extra={"returnId": ret.id, "kind": kind})
        return False
    uow = deps.unit_of_work()
    uow.record(f"NOTIFY#{ret.id}#{kind}", "EMAIL", {"entity": "Notification", "at": deps.clock().isoformat()})
    try:
        uow.commit()
    except ConflictError:
        return False  # already sent (or being sent) by an earlier delivery
    try:
        deps.mailer.send(build(order))
    except Exception:  # noqa: BLE001 - the state change stands; ops resend by hand
        logger.exception("email not sent", extra={"returnId": ret.id, "kind": kind})
        deps.alerts.alert(f"Email not sent: {kind} {ret.id}", f"The {kind} email for return {ret.id} failed.")
        return False
    return True


def _return_address(deps: Dependencies) -> dict:
    return deps.policy().return_address.address.model_dump()


def instructions(deps: Dependencies, ret: Return) -> bool:
    policy = deps.policy()
    return _send_once(deps, ret, "instructions", lambda order: emails.return_instructions_email(
        ret, order, return_address=_return_address(deps), expire_after_days=policy.expiry.approved_days))


def label(deps: Dependencies, ret: Return, pdf: bytes) -> bool:
    policy = deps.policy()
    url = deps.labels.url(ret.label.object_key, expires_in=deps.label_url_ttl_seconds) if ret.label else None
    return _send_once(deps, ret, "label", lambda order: emails.prepaid_label_email(
        ret, order, return_address=_return_address(deps), label_pdf=pdf, label_url=url,
        expire_after_days=policy.expiry.approved_days))


def under_review(deps: Dependencies, ret: Return) -> bool:
    clauses = [(clause.id, clause.text) for clause in deps.policy().clauses]
    return _send_once(deps, ret, "review", lambda order: emails.review_notice_email(ret, order, policy_clauses=clauses))


def declined(deps: Dependencies, ret: Return, reason: str) -> bool:
    return _send_once(deps, ret, "declined", lambda order: emails.declined_email(ret, order, reason=reason))


def refunded(deps: Dependencies, ret: Return) -> bool:
    return _send_once(deps, ret, "refund", lambda order: emails.refund_confirmation_email(ret, order))


def canceled(deps: Dependencies, ret: Return) -> bool:
    return _send_once(deps, ret, "canceled", lambda order: emails.canceled_email(ret, order))


def expired(deps: Dependencies, ret: Return) -> bool:
    policy = deps.policy()
    return _send_once(deps, ret, "expired", lambda order: emails.expired_email(
        ret, order, expire_after_days=policy.expiry.approved_days))
