"""Customer mail on the local stack: `POST /_local/mail/inbound` plays SES receiving.

SES would store the raw message in the mail bucket (its S3 action) and invoke the mail function with
its verdicts (its Lambda action); here the same two steps run against moto: the raw message goes to
`inbound/<id>` of the stack's mail bucket and the mail function's own handler is invoked with SES's
event. The verdicts come from the request's headers `X-Local-Spf`, `X-Local-Dkim` (and
`X-Local-Virus`), `PASS` or `FAIL`, default `PASS`.

The mailbox page's "Reply as the customer" form posts here too (its fields, not a raw message): the
reply is written as the customer's mail client would, answering the email it was shown under.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from returns_devstack.lambda_events import ses_receipt_event
from returns_devstack.stack import EmbeddedStack
from returns_shared.service.inbound_mail import RAW_PREFIX

MAX_MESSAGE_BYTES = 40 * 1024 * 1024  # what SES receives at most (headers and body); larger: 413, unread
VERDICT_HEADERS = {"spf": "x-local-spf", "dkim": "x-local-dkim", "virus": "x-local-virus"}
VERDICTS = frozenset({"PASS", "FAIL", "GRAY", "PROCESSING_FAILED"})


def verdicts_of(headers: dict[str, str]) -> dict[str, str]:
    """SES's verdicts as the request states them (PASS unless told otherwise); ValueError if unknown."""
    found = {name: headers.get(header, "PASS").strip().upper() for name, header in VERDICT_HEADERS.items()}
    wrong = {name: value for name, value in found.items() if value not in VERDICTS}
    if wrong:
        raise ValueError(f"verdicts must be one of {sorted(VERDICTS)}: {wrong}")
    return found


def receive(embedded: EmbeddedStack, raw: bytes, *, verdicts: dict[str, str] | None = None,
            ses_message_id: str | None = None) -> dict[str, Any]:
    """SES's two actions, locally: store the raw message, invoke the mail function. Answers the
    function's outcome for it (message id, return id, inbox, readable, duplicate)."""
    ses_message_id = ses_message_id or f"local{uuid.uuid4().hex}"
    store = embedded.deps.mail_store
    if store is None:
        raise RuntimeError("the stack has no mail bucket (MAIL_BUCKET)")
    store.put_raw(RAW_PREFIX + ses_message_id, raw)
    function = embedded.stack.functions["MailFunction"].function_name
    event = ses_receipt_event(
        ses_message_id, raw, recipients=[embedded.deps.addresses.support], verdicts=verdicts or {},
        function_arn=f"arn:aws:lambda:{embedded.stack.region}:{embedded.stack.account_id}:function:{function}",
        received_at=datetime.now(UTC))
    answer = embedded.runtime.invoke("MailFunction", event)
    outcome: dict[str, Any] = answer["received"][0]
    return outcome


def customer_reply(*, customer: str, support: str, subject: str, in_reply_to: str, text: str) -> bytes:
    """The reply a customer's mail client would send to an email of ours (plain text, threaded)."""
    message = EmailMessage()
    message["From"] = customer
    message["To"] = support
    message["Subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=customer.rpartition("@")[2] or "localhost")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message.set_content(text)
    return message.as_bytes()
