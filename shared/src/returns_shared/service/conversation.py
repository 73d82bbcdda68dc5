"""Agents' part of the customer-service conversation (the mail function's commands): answering a
return's customer by email, putting an inbox email on a return, marking inbox mail handled, internal
notes. The rules are docs/spec/customer-service.md's."""

from __future__ import annotations

import contextlib
import hashlib
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from returns_shared.domain.errors import (
    ConflictError,
    EmailNotSent,
    IdempotencyKeyReused,
    InvalidInput,
    NotFound,
)
from returns_shared.domain.messages import AGENT_REPLY, SENDING, Message, reply_subject
from returns_shared.domain.orders import Order, same_customer
from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import MessageDirection
from returns_shared.notifications.message import Email
from returns_shared.notifications.parts import DEFAULT_BRAND
from returns_shared.service.commands import AddInternalNote, AttachMessage, MarkMessageHandled, SendMessage
from returns_shared.service.common import load_return
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.dispatch import Answer, retry_on_conflict
from returns_shared.service.mail_records import reply_message_id, sent_message
from returns_shared.service.notify import return_page
from returns_shared.service.ports import Caller, UnitOfWork

logger = Logger(child=True)

SENDER_GONE_AFTER = timedelta(minutes=5)  # a reply claimed this long ago and not sent: its sender died
# Without an idempotency key the same text is one reply while it is this recent (a double click, a
# client's retry); later it is a new reply ("Thank you" again, weeks on), keyed after the one before.
REPEAT_AFTER = timedelta(minutes=10)
MAX_REFERENCES = 20  # Message-IDs of the thread named in References (the newest)


def _answer(ret: Return, message: Message) -> Answer:
    return {"returnId": ret.id, "orderId": ret.order_id, "messageId": message.id}


@retry_on_conflict()
def send_message(cmd: SendMessage, caller: Caller, deps: Dependencies) -> Answer:
    """The agent's email goes from the support address to the order's address, in the customer's
    thread, and joins the conversation. Once per idempotency key (without one: per text for REPEAT_AFTER),
    so a double click sends one email; the reply is claimed before SES is asked."""
    ret = load_return(deps, cmd.return_id, field="returnId")
    order = deps.order_of(ret)
    now = deps.clock()
    key, claim = (cmd.idempotency_key, deps.repo.get_message(reply_message_id(ret.id, cmd.idempotency_key))) \
        if cmd.idempotency_key else _keyless(deps, ret.id, cmd.text, now)
    if claim is not None:
        if claim.text != cmd.text:
            raise IdempotencyKeyReused("This idempotency key was already used for another message.",
                                       field=("idempotencyKey",))
        if claim.delivery != SENDING or now - claim.at < SENDER_GONE_AFTER:
            return _answer(ret, claim)  # sent, or being sent by the first click
    else:
        claim = _claim_reply(deps, ret, order, cmd.text, key, caller)
    email = reply_email(deps, ret, order, claim.text, deps.repo.conversation(ret.id))
    try:
        ses_message_id = deps.mailer.send(email)
    except Exception as exc:
        _release(deps, claim)
        logger.warning("agent reply not sent", extra={"returnId": ret.id, "error": type(exc).__name__,
                                                      "code": getattr(exc, "code", None)})
        raise EmailNotSent("The email could not be sent just now, so nothing was sent. Please try again in a "
                           "moment.", field=("text",)) from exc
    sent = sent_message(deps, return_id=ret.id, kind=AGENT_REPLY, email=email, ses_message_id=ses_message_id,
                        at=claim.at, message_id=claim.id, sent_by=caller.actor, text=claim.text)
    sent.version = claim.version
    uow = deps.unit_of_work()
    uow.save_message(sent)
    uow.commit()
    _customer_asked(deps, ret.id, at=claim.at)
    return _answer(ret, sent)


def _keyless(deps: Dependencies, return_id: str, text: str, now: datetime) -> tuple[str, Message | None]:
    """The key of a reply sent without one: its text's, chained after each earlier reply of that text
    sent more than REPEAT_AFTER ago (every click derives the same next key, so a double click of the
    repeat still sends one email)."""
    key = "text:" + hashlib.sha256(text.encode()).hexdigest()
    claim = deps.repo.get_message(reply_message_id(return_id, key))
    while claim is not None and claim.delivery != SENDING and now - claim.at >= REPEAT_AFTER:
        key = "text:" + hashlib.sha256(f"{claim.id}|{text}".encode()).hexdigest()
        claim = deps.repo.get_message(reply_message_id(return_id, key))
    return key, claim


def _claim_reply(deps: Dependencies, ret: Return, order: Order, text: str, key: str,
                 caller: Caller) -> Message:
    claim = Message(id=reply_message_id(ret.id, key), at=deps.clock(), direction=MessageDirection.OUTBOUND,
                    from_address=deps.addresses.support, to=[order.email], subject="", text=text,
                    authenticated=True, return_id=ret.id, kind=AGENT_REPLY, sent_by=caller.actor,
                    delivery=SENDING)
    uow = deps.unit_of_work()
    uow.add_message(claim)
    uow.commit()  # a second click at the same moment loses here and re-reads (retry_on_conflict)
    claim.version = 1
    return claim


def _release(deps: Dependencies, claim: Message) -> None:
    uow = deps.unit_of_work()
    uow.delete_message(claim)
    with contextlib.suppress(ConflictError):  # taken over meanwhile: its new holder decides
        uow.commit()


@retry_on_conflict()
def _customer_asked(deps: Dependencies, return_id: str, *, at: datetime) -> None:
    """Under review, an agent's answer hands the turn to the customer (the review queue)."""
    ret = deps.repo.get_return(return_id)
    if ret is None or ret.review_wait is None or ret.review_wait.since >= at:
        return
    ret.wait_for_customer(since=at)
    deps.save_return(ret)


def reply_email(deps: Dependencies, ret: Return, order: Order, text: str, thread: list[Message]) -> Email:
    """From the support address, to the order's address, answering the thread's latest email (the
    customer's, else ours): In-Reply-To and References name it, the subject is its subject."""
    named = [m for m in thread if m.message_id_header and m.delivered]
    answered = next((m for m in reversed(named) if m.direction == MessageDirection.INBOUND),
                    named[-1] if named else None)
    subject = reply_subject(answered.subject) if answered and answered.subject else f"Your return {ret.id}"
    if ret.id.lower() not in subject.lower():
        subject = f"{subject} [{ret.id}]"  # the RMA threads a reply even from a client that drops headers
    page = return_page(deps, ret)
    footer = [f"{DEFAULT_BRAND.shop} Customer Service",
              f"Your return {ret.id} (order {order.id})" + (f": {page}" if page else "")]
    headers: tuple[tuple[str, str], ...] = ()
    if answered is not None and answered.message_id_header:
        references = [m.message_id_header for m in named if m.message_id_header][-MAX_REFERENCES:]
        headers = (("In-Reply-To", answered.message_id_header), ("References", " ".join(references)))
    return Email(to=order.email, subject=subject, text=f"{text}\n\n--\n" + "\n".join(footer),
                 sender=deps.addresses.support, headers=headers)


@retry_on_conflict()
def attach_message(cmd: AttachMessage, caller: Caller, deps: Dependencies) -> Answer:
    """An inbox email onto one of its sender's returns (never another customer's: docs/spec)."""
    message = load_message(deps, cmd.message_id)
    ret = load_return(deps, cmd.return_id, field="returnId")
    if message.return_id == ret.id:
        return _answer(ret, message)  # attached already (a second click)
    order = deps.order_of(ret)
    if not same_customer(message.from_address, order.email):
        raise InvalidInput(f"This email is from {message.from_address}, not from the address of the order of "
                           f"return {ret.id}: it can only go on a return of its sender.", field=("returnId",))
    uow = deps.unit_of_work()
    join(uow, message, ret, actor=caller.actor)
    uow.commit()
    return _answer(ret, message)


def join(uow: UnitOfWork, message: Message, ret: Return, *, actor: str) -> None:
    """Writes an inbox message onto a return of its sender (its From is the order's address now, so
    it is authenticated when SES vouched for the sender), and the customer's turn in a review."""
    message.attach_to(ret.id, actor=actor)
    message.authenticated = message.sender_verified
    uow.save_message(message)
    if ret.record_customer_reply(at=message.at):
        uow.save_return(ret)


@retry_on_conflict()
def mark_message_handled(cmd: MarkMessageHandled, caller: Caller, deps: Dependencies) -> Answer:
    message = load_message(deps, cmd.message_id)
    if message.handled != cmd.handled:
        message.mark_handled(cmd.handled, actor=caller.actor)
        uow = deps.unit_of_work()
        uow.save_message(message)
        uow.commit()
    return {"returnId": message.return_id, "orderId": None, "messageId": message.id}


@retry_on_conflict()
def add_internal_note(cmd: AddInternalNote, caller: Caller, deps: Dependencies) -> Answer:
    ret = load_return(deps, cmd.return_id, field="returnId")
    ret.add_internal_note(actor=caller.actor, at=deps.clock(), text=cmd.text)
    deps.save_return(ret)
    return {"returnId": ret.id, "orderId": ret.order_id}


def load_message(deps: Dependencies, message_id: str) -> Message:
    message = deps.repo.get_message(message_id)
    if message is None:
        raise NotFound(f"There is no message {message_id}.", field=("messageId",))
    return message
