"""Customers' emails to customer service (the mail function): SES received one and stored it raw in
the mail bucket; here it is read, kept, and put on the conversation it belongs to or in the agents'
inbox (docs/spec/customer-service.md, "What arrives, and where it goes").

Nothing is lost and nothing is kept twice: the message's id is SES's, written once (a redelivered
receipt finds it); a message that cannot be read is kept raw and listed in the inbox as unreadable;
anything else that fails (the raw message not readable from S3, DynamoDB) raises, so Lambda retries
the event and then leaves it in the dead-letter queue (an alarm tells ops).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger
from pydantic import BaseModel, ConfigDict, Field

from returns_shared.domain.messages import Message, MessageAttachment, rmas_named, ses_message_ids
from returns_shared.domain.orders import same_customer
from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import MessageDirection
from returns_shared.notifications.reading import MAX_ADDRESS_CHARS, ReadEmail, UnreadableEmail, read_email
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.dispatch import retry_on_conflict
from returns_shared.service.mail_records import received_message_id

logger = Logger(child=True)

MAX_RMAS = 5  # RMA numbers of one email looked up (a signature listing many is not a reason to read more)
RAW_PREFIX = "inbound/"  # template.yaml: the S3 action's ObjectKeyPrefix (the key is <prefix><SES id>)
MAX_ATTACHMENTS = 20  # kept of one message (the rest are listed, not kept); SES caps a message at 40 MB
MAX_LISTED_ATTACHMENTS = 100  # listed of one message: the listing stays within one DynamoDB item


class _Verdict(BaseModel):
    model_config = ConfigDict(extra="allow")
    status: str = "GRAY"  # absent: SES did not judge (e.g. scanning off): neither PASS nor FAIL


class _Receipt(BaseModel):
    model_config = ConfigDict(extra="allow")
    timestamp: datetime
    recipients: list[str] = Field(default_factory=list)
    spfVerdict: _Verdict = Field(default_factory=_Verdict)
    dkimVerdict: _Verdict = Field(default_factory=_Verdict)
    dmarcVerdict: _Verdict = Field(default_factory=_Verdict)
    spamVerdict: _Verdict = Field(default_factory=_Verdict)
    virusVerdict: _Verdict = Field(default_factory=_Verdict)


class _CommonHeaders(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    header_from: list[str] = Field(default_factory=list, alias="from")
    subject: str = ""


class _Mail(BaseModel):
    model_config = ConfigDict(extra="allow")
    messageId: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._-]+$")
    source: str = ""
    commonHeaders: _CommonHeaders = Field(default_factory=_CommonHeaders)


class _Ses(BaseModel):
    mail: _Mail
    receipt: _Receipt


class SesReceiptRecord(BaseModel):
    """One record of SES's Lambda action event (what the receipt rule invokes the function with)."""

    model_config = ConfigDict(extra="allow")
    eventSource: str
    ses: _Ses

    @property
    def verdicts(self) -> dict[str, str]:
        receipt = self.ses.receipt
        return {"spf": receipt.spfVerdict.status, "dkim": receipt.dkimVerdict.status,
                "dmarc": receipt.dmarcVerdict.status, "spam": receipt.spamVerdict.status,
                "virus": receipt.virusVerdict.status}


def receive_ses_record(record: dict[str, Any], deps: Dependencies) -> dict[str, Any]:
    """The mail function's SES entry: one received email."""
    return receive(SesReceiptRecord.model_validate(record), deps)


@retry_on_conflict()
def receive(record: SesReceiptRecord, deps: Dependencies) -> dict[str, Any]:
    mail, receipt = record.ses.mail, record.ses.receipt
    message_id = received_message_id(mail.messageId)
    kept = deps.repo.get_message(message_id)
    if kept is not None:  # SES (or Lambda's retry) delivered it again: kept once
        return _outcome(kept, duplicate=True)
    if deps.mail_store is None:
        raise RuntimeError("MAIL_BUCKET is not configured: received mail cannot be read")
    raw_key = RAW_PREFIX + mail.messageId
    raw = deps.mail_store.raw(raw_key)  # missing or unreadable: raise, Lambda retries, then the DLQ
    base = {"id": message_id, "at": receipt.timestamp, "direction": MessageDirection.INBOUND,
            "ses_message_id": mail.messageId, "raw_key": raw_key, "verdicts": record.verdicts,
            "authenticated": False, "envelope_sender": mail.source[:MAX_ADDRESS_CHARS]}
    try:
        read = read_email(raw)
    except UnreadableEmail as why:
        logger.warning("received email unreadable: kept raw in the inbox", extra={"messageId": message_id,
                                                                                  "why": str(why)[:300]})
        message = Message(**base, from_address=_fallback_sender(record), to=receipt.recipients,
                          subject=mail.commonHeaders.subject[:500], readable=False, in_inbox=True,
                          text=f"This email could not be read ({str(why)[:200]}). It is kept as it arrived "
                               f"(mail bucket, {raw_key}) for customer service to look at.")
        _store(deps, message, None)
        return _outcome(message)
    message = Message(**base, from_address=read.from_address, to=read.to or receipt.recipients,
                      subject=read.subject[:500], text=read.text, message_id_header=read.message_id,
                      references=[v for v in (read.in_reply_to, read.references) if v],
                      dkim_domains=read.dkim_domains)
    ret = thread_of(deps, read)
    if ret is None:
        message.in_inbox = True
        message.authenticated = message.sender_verified  # no order to compare with: SES vouched for From
    else:
        message.return_id = ret.id
        order = deps.repo.get_order(ret.order_id)
        message.authenticated = message.sender_verified and order is not None and same_customer(
            read.from_address, order.email)
    _keep_attachments(deps, message, read)
    _store(deps, message, ret)
    return _outcome(message)


def thread_of(deps: Dependencies, read: ReadEmail) -> Return | None:
    """The return whose conversation this email joins, or None (the inbox):
    1. its In-Reply-To or References names an email the service sent about that return; or
    2. its subject or body names the return's RMA and its From is the order's address.
    Never by what it says alone: another address naming an RMA goes to the inbox."""
    sent = ses_message_ids([read.in_reply_to, read.references])
    if sent:
        about = deps.repo.returns_of_sent_emails(sent)
        for ses_id in sent:  # the newest email it names first
            if ses_id in about and (ret := deps.repo.get_return(about[ses_id])) is not None:
                return ret
    named = rmas_named(read.subject, read.full_text)[:MAX_RMAS]
    if not named:
        return None
    returns = deps.repo.get_returns(named)
    orders = deps.repo.get_orders([ret.order_id for ret in returns.values()])
    for rma in named:
        ret = returns.get(rma)
        order = orders.get(ret.order_id) if ret else None
        if ret is not None and order is not None and same_customer(read.from_address, order.email):
            return ret
    return None


def _keep_attachments(deps: Dependencies, message: Message, read: ReadEmail) -> None:
    """Kept in the mail bucket (staff open images and PDFs through short-lived links). A virus verdict
    other than PASS keeps the message and drops its attachments."""
    verdict = message.verdicts.get("virus")
    if read.attachments and verdict != "PASS":
        message.attachments_dropped = f"not kept: SES's virus verdict was {verdict}"
        message.attachments = [MessageAttachment(filename=name[:200], content_type=kind, size=len(content))
                               for name, kind, content in read.attachments[:MAX_LISTED_ATTACHMENTS]]
        return
    assert deps.mail_store is not None
    if len(read.attachments) > MAX_LISTED_ATTACHMENTS:
        message.attachments_dropped = (f"{len(read.attachments)} attachments: the first {MAX_ATTACHMENTS} "
                                       f"kept, the first {MAX_LISTED_ATTACHMENTS} listed")
    for index, (name, kind, content) in enumerate(read.attachments[:MAX_LISTED_ATTACHMENTS]):
        key = f"attachments/{message.id}/{index + 1}" if index < MAX_ATTACHMENTS else None
        if key is not None:  # the key is ours; the name is the customer's (stored as metadata only)
            deps.mail_store.put_attachment(key, content, content_type=kind, filename=name)
        message.attachments.append(MessageAttachment(filename=name[:200], content_type=kind,
                                                     size=len(content), object_key=key))


def _store(deps: Dependencies, message: Message, ret: Return | None) -> None:
    """One write: the message (write-once) and, under review, the customer's turn on the return."""
    uow = deps.unit_of_work()
    uow.add_message(message)
    if ret is not None and ret.record_customer_reply(at=message.at):
        uow.save_return(ret)
    uow.commit()  # a lost race re-runs receive(): a stored message is found, a changed return re-read


def _fallback_sender(record: SesReceiptRecord) -> str:
    """From as SES read it (else the envelope sender): an unreadable email still says who sent it."""
    from email.utils import parseaddr

    headers = record.ses.mail.commonHeaders.header_from
    for sender in ((parseaddr(headers[0])[1] if headers else ""), record.ses.mail.source):
        if sender and len(sender) <= MAX_ADDRESS_CHARS:  # a longer one would not fit the sender's index key
            return sender
    return "unknown sender"


def _outcome(message: Message, *, duplicate: bool = False) -> dict[str, Any]:
    outcome = {"messageId": message.id, "returnId": message.return_id, "inbox": message.in_inbox,
               "readable": message.readable, "duplicate": duplicate}
    logger.info("email received", extra=outcome)
    return outcome
