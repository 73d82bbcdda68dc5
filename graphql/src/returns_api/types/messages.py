"""The customer-service conversation: emails in both directions, on a return or in the agents' inbox
(docs/spec/customer-service.md). What a customer reads of their own return's conversation is decided
here too: never internal notes (they are not messages), customer service instead of an agent's
address, no links to attachments (staff only)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from returns_api.context import Info
from returns_api.customer_view import ROLE_TITLES
from returns_api.permissions import is_customer
from returns_api.typed_fields import typed_field
from returns_api.types.connection import Connection
from returns_api.types.enums import MessageDirection, ReviewWaitingFor
from returns_api.types.returns import Return
from returns_api.types.user_errors import UserError
from returns_shared.domain import messages as domain
from returns_shared.domain import returns
from returns_shared.service.roles import Role

ATTACHMENT_URL_TTL_SECONDS = 300  # staff open an attachment now or ask again


@strawberry.type
class MessageAttachment:
    filename: str
    content_type: str
    size: int = strawberry.field(description="Bytes.")
    source: strawberry.Private[domain.MessageAttachment]

    @typed_field(description="A short-lived link (5 minutes), staff only, for images and PDFs kept in the "
                             "mail bucket; null otherwise (other types are listed, never linked).")
    def url(self, info: Info) -> str | None:
        store = info.context.services.mail_store
        if is_customer(info.context.caller) or store is None or not self.source.viewable:
            return None
        assert self.source.object_key is not None
        return store.url(self.source.object_key, expires_in=ATTACHMENT_URL_TTL_SECONDS)


@strawberry.type(description="One email of the conversation with customer service.")
class Message:
    id: strawberry.ID
    at: datetime = strawberry.field(description="Received (inbound) or sent (outbound).")
    direction: MessageDirection
    from_: str = strawberry.field(name="from")
    to: list[str]
    subject: str
    text: str = strawberry.field(description="The new text: quoted history and signatures removed, HTML-only "
                                             "mail as text (never HTML).")
    authenticated: bool = strawberry.field(
        description="Inbound: SES's SPF or DKIM verdict passed for From's own domain (or its DMARC verdict) "
                    "and From is the order's address (in the inbox: that domain vouched for From). "
                    "Outbound: always true.")
    return_id: strawberry.ID | None = strawberry.field(
        description="The return whose conversation holds it; null while in the inbox.")
    kind: str | None = strawberry.field(
        description="Outbound: which email (the notification kind, e.g. review, label, or AGENT_REPLY).")
    readable: bool = strawberry.field(
        description="False: the raw message could not be parsed (kept raw; `text` says so).")
    handled: bool = strawberry.field(
        description="Inbox: an agent attached it, started a return from it or marked it handled.")
    sent_by: str | None = strawberry.field(
        description="Outbound agent replies: staff read the agent, customers read customer service.")
    attachments_dropped: str | None = strawberry.field(
        description="Why its attachments were not kept (SES's virus verdict was not PASS); they are listed.")
    source: strawberry.Private[domain.Message]

    @classmethod
    def from_domain(cls, message: domain.Message, *, for_customer: bool = False) -> Message:
        sent_by = message.sent_by
        if sent_by is not None and for_customer:
            sent_by = ROLE_TITLES.get(Role.AGENT, "customer service")
        return cls(id=strawberry.ID(message.id), at=message.at, direction=message.direction,
                   from_=message.from_address, to=list(message.to), subject=message.subject,
                   text=message.text,
                   authenticated=message.authenticated,
                   return_id=strawberry.ID(message.return_id) if message.return_id else None,
                   kind=message.kind, readable=message.readable, handled=message.handled, sent_by=sent_by,
                   attachments_dropped=message.attachments_dropped, source=message)

    @strawberry.field
    def attachments(self) -> list[MessageAttachment]:
        return [MessageAttachment(filename=a.filename, content_type=a.content_type, size=a.size, source=a)
                for a in self.source.attachments]


MessageConnection = Connection[Message]


@strawberry.type(description="Set only while the return is UNDER_REVIEW: who it waits for, since when, and "
                             "the REVIEW-SLA deadline.")
class ReviewWait:
    waiting_for: ReviewWaitingFor
    since: datetime = strawberry.field(
        description="When that wait began (entering review, when the screening email goes out; an agent's "
                    "reply; or the customer's reply).")
    customer_replied_at: datetime | None = strawberry.field(
        description="The customer's latest reply, if any.")
    deadline: datetime = strawberry.field(description="REVIEW-SLA: decided by this instant.")

    @classmethod
    def of(cls, ret: returns.Return, deadline: datetime) -> ReviewWait:
        wait = ret.review_wait  # None: flagged before the service kept the wait: the customer's turn since
        if wait is None:
            return cls(waiting_for=ReviewWaitingFor.CUSTOMER, since=ret.status_changed_at,
                       customer_replied_at=None, deadline=deadline)
        return cls(waiting_for=wait.waiting_for, since=wait.since,
                   customer_replied_at=wait.customer_replied_at, deadline=deadline)


@strawberry.type
class SendMessagePayload:
    message: Message | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AttachMessagePayload:
    message: Message | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class MarkMessageHandledPayload:
    message: Message | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AddInternalNotePayload:
    return_: Return | None = strawberry.field(name="return", default=None)
    user_errors: list[UserError] = strawberry.field(default_factory=list)
