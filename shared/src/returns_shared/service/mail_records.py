"""The records the conversation keeps of emails the service sends (lifecycle emails and agents'
replies): kind, subject, text and SES's id, so that a customer's reply threads to its return."""

from __future__ import annotations

import hashlib
from datetime import datetime

from returns_shared.domain.messages import SENT, Message, MessageAttachment, ses_message_id_header
from returns_shared.domain.vocabulary import MessageDirection
from returns_shared.notifications.message import Email
from returns_shared.service.dependencies import Dependencies


def received_message_id(ses_message_id: str) -> str:
    """A received email's id: SES's, so a redelivered receipt finds the message already kept."""
    return f"MSG-IN-{ses_message_id}"


def reply_message_id(return_id: str, key: str) -> str:
    """An agent's reply: one per return and idempotency key (a double click finds it)."""
    return "MSG-REPLY-" + hashlib.sha256(f"{return_id}|{key}".encode()).hexdigest()[:32]


def sent_message(deps: Dependencies, *, return_id: str, kind: str, email: Email, ses_message_id: str,
                 at: datetime, message_id: str | None = None, sent_by: str | None = None,
                 text: str | None = None) -> Message:
    """What the conversation keeps of an email that SES took (attachments listed, not kept again)."""
    return Message(
        id=message_id or f"MSG-OUT-{ses_message_id}",
        at=at,
        direction=MessageDirection.OUTBOUND,
        from_address=email.sender or deps.addresses.sender,
        to=[email.to],
        subject=email.subject,
        text=text if text is not None else email.text,  # an agent's reply: their words, not the footer
        authenticated=True,  # the service's own
        attachments=[MessageAttachment(filename=name, content_type=kind_, size=len(content))
                     for name, content, kind_ in email.attachments],
        return_id=return_id,
        kind=kind,
        sent_by=sent_by,
        ses_message_id=ses_message_id,
        message_id_header=ses_message_id_header(ses_message_id, deps.addresses.region),
        references=[value for name, value in email.headers if name.lower() == "in-reply-to"],
        delivery=SENT,
    )
