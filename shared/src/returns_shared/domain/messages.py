"""Emails of the customer-service conversation: what is kept of each, and how one finds its return.

A message is kept once (its id is derived from what makes it unique: SES's id of a received email, the
agent's idempotency key of a reply, SES's id of a sent one). An inbound message joins a return's
conversation by the rules of docs/spec/customer-service.md (`Threading`); the rest waits in the agents'
inbox until an agent attaches it, starts a return from it or marks it handled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel, Field

from returns_shared.domain.errors import InvalidState
from returns_shared.domain.vocabulary import MessageDirection

# Staff may open these in the browser through short-lived links; anything else is listed, never
# linked (no SVG: it can carry script; no HTML, no executables).
VIEWABLE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"})
AGENT_REPLY = "AGENT_REPLY"  # the kind of an agent's email (the service's emails: their notification's)


class MessageAttachment(BaseModel):
    filename: str
    content_type: str
    size: int  # bytes
    object_key: str | None = None  # where it is kept (the mail bucket); None: listed only

    @property
    def viewable(self) -> bool:
        return self.object_key is not None and self.content_type in VIEWABLE_TYPES


SENDING, SENT = "SENDING", "SENT"  # an agent's reply: claimed (a double click finds it), then out


class Message(BaseModel):
    id: str
    version: int = 0  # optimistic locking, as returns
    at: datetime
    direction: MessageDirection
    from_address: str
    to: list[str]
    subject: str
    text: str  # the new text: quoted history and signatures removed, HTML-only mail as text
    authenticated: bool  # SES's SPF or DKIM passed AND From is the order's address (inbound)
    attachments: list[MessageAttachment] = Field(default_factory=list)
    return_id: str | None = None  # the conversation it belongs to; None while in the inbox
    kind: str | None = None  # OUTBOUND: the notification kind or AGENT_REPLY
    readable: bool = True  # False: the raw message could not be parsed (kept raw, `raw_key`)
    in_inbox: bool = False  # arrived without a conversation: listed in the agents' inbox
    handled: bool = False  # inbox: attached, a return started from it, or marked handled
    handled_by: str | None = None
    sent_by: str | None = None  # OUTBOUND agent replies: the agent (Caller.actor)
    ses_message_id: str | None = None  # SES's id: received (inbound) or sent (outbound)
    message_id_header: str | None = None  # its Message-ID as the recipient reads it
    references: list[str] = Field(default_factory=list)  # the thread it answers (In-Reply-To first)
    raw_key: str | None = None  # inbound: the raw RFC 5322 message in the mail bucket
    verdicts: dict[str, str] = Field(default_factory=dict)  # inbound: SES's SPF, DKIM, DMARC, spam, virus
    attachments_dropped: str | None = None  # why its attachments were not kept (a virus verdict)
    delivery: str | None = None  # OUTBOUND: SENDING while an agent's reply is on its way, then SENT
    envelope_sender: str | None = None  # inbound: MAIL FROM, the address SES's SPF verdict is about
    dkim_domains: list[str] = Field(default_factory=list)  # inbound: the d= of its DKIM signatures

    @property
    def sender_verified(self) -> bool:
        """The From address's own domain vouches for it: SES's SPF verdict passed for an envelope sender
        of that domain, or its DKIM verdict for signatures all of that domain, or its DMARC verdict
        passed (DMARC's own alignment). SPF or DKIM passing for another domain proves only that domain:
        a forger passes both with theirs and writes the customer's address in From."""
        spf, dkim = self.verdicts.get("spf") == "PASS", self.verdicts.get("dkim") == "PASS"
        if self.envelope_sender is None:  # kept before the envelope was recorded: SES's verdicts as they were
            return spf or dkim
        domain = _domain(self.from_address)
        return ((spf and aligned(_domain(self.envelope_sender), domain))
                or (dkim and bool(self.dkim_domains) and all(aligned(d, domain) for d in self.dkim_domains))
                or (self.verdicts.get("dmarc") == "PASS" and (spf or dkim)))

    @property
    def delivered(self) -> bool:
        return self.direction == MessageDirection.INBOUND or self.delivery != SENDING

    def attach_to(self, return_id: str, *, actor: str) -> None:
        """An agent puts an inbox message on a return's conversation (it is handled then)."""
        if self.return_id is not None:
            raise InvalidState(f"This message is already on return {self.return_id}.", field=("messageId",))
        self.return_id = return_id
        self.mark_handled(True, actor=actor)

    def mark_handled(self, handled: bool, *, actor: str) -> None:
        if not self.in_inbox:
            raise InvalidState("Only a message of the inbox can be marked handled.", field=("messageId",))
        self.handled = handled
        self.handled_by = actor if handled else None


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip().rstrip(".").lower()


def aligned(domain: str, from_domain: str) -> bool:
    """DMARC's relaxed alignment, without the public suffix list: the same domain, or one a subdomain of
    the other (mail.example.com and example.com); stricter than DMARC for sibling subdomains, which
    SES's own DMARC verdict covers when the domain publishes a policy."""
    if not domain or not from_domain:
        return False
    return domain == from_domain or domain.endswith("." + from_domain) or from_domain.endswith("." + domain)


# -- threading (docs/spec/customer-service.md) -------------------------------------------------------
_MESSAGE_IDS = re.compile(r"<([^<>@\s]+)@([^<>\s]+)>")
# SES names what it sends <MessageId@email.amazonses.com> (us-east-1) or <MessageId@<region>.amazonses.com>
_SES_DOMAIN = re.compile(r"^(?:email|[a-z]{2}(?:-[a-z]+)+-\d)\.amazonses\.com$", re.IGNORECASE)
_RMA = re.compile(r"\bRMA-[0-9A-HJKMNP-TV-Z]{10}\b", re.IGNORECASE)  # Crockford base32, as new_rma_id
MAX_REFERENCES = 20  # the newest Message-IDs of a thread looked up (a long thread lists them all)


def ses_message_ids(header_values: Iterable[str | None]) -> list[str]:
    """SES's ids of the emails an In-Reply-To/References header names (newest first, once each)."""
    found: list[str] = []
    for value in header_values:
        for local, domain in reversed(_MESSAGE_IDS.findall(value or "")):
            if _SES_DOMAIN.match(domain) and local not in found:
                found.append(local)
    return found[:MAX_REFERENCES]


def rmas_named(*texts: str) -> list[str]:
    """The RMA numbers a subject or body names, in order, upper case, once each."""
    found: list[str] = []
    for text in texts:
        for match in _RMA.findall(text or ""):
            if match.upper() not in found:
                found.append(match.upper())
    return found


def ses_message_id_header(ses_message_id: str, region: str) -> str:
    """The Message-ID SES gives an email it sends (what a reply's In-Reply-To names)."""
    domain = "email.amazonses.com" if region == "us-east-1" else f"{region}.amazonses.com"
    return f"<{ses_message_id}@{domain}>"


def reply_subject(subject: str) -> str:
    return subject if re.match(r"^\s*re\s*:", subject, re.IGNORECASE) else f"Re: {subject}"
