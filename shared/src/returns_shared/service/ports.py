"""The small interfaces the service layer needs from the outside world. Adapters implement them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from returns_shared.domain.customer_names import NamedOrder
from returns_shared.domain.messages import Message
from returns_shared.domain.orders import Order
from returns_shared.domain.return_parts import InspectionPhoto
from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.notifications.message import Email
from returns_shared.service.provider_ports import (
    NOT_BOUGHT as NOT_BOUGHT,
)
from returns_shared.service.provider_ports import (
    Carrier as Carrier,
)
from returns_shared.service.provider_ports import (
    CarrierEvents as CarrierEvents,
)
from returns_shared.service.provider_ports import (
    CarrierUnavailable as CarrierUnavailable,
)
from returns_shared.service.provider_ports import (
    InvalidWebhook as InvalidWebhook,
)
from returns_shared.service.provider_ports import (
    IssuedLabel as IssuedLabel,
)
from returns_shared.service.provider_ports import (
    LabelDeclined as LabelDeclined,
)
from returns_shared.service.provider_ports import (
    LabelShipmentGone as LabelShipmentGone,
)
from returns_shared.service.provider_ports import (
    LabelVoid as LabelVoid,
)
from returns_shared.service.provider_ports import (
    LabelVoidRefused as LabelVoidRefused,
)
from returns_shared.service.provider_ports import (
    PaymentDeclined as PaymentDeclined,
)
from returns_shared.service.provider_ports import (
    PaymentEvents as PaymentEvents,
)
from returns_shared.service.provider_ports import (
    PaymentReceipt as PaymentReceipt,
)
from returns_shared.service.provider_ports import (
    Payments as Payments,
)
from returns_shared.service.provider_ports import (
    PaymentUnavailable as PaymentUnavailable,
)
from returns_shared.service.provider_ports import (
    ProviderPayment as ProviderPayment,
)
from returns_shared.service.provider_ports import (
    ProviderRefund as ProviderRefund,
)
from returns_shared.service.provider_ports import (
    RefundUpdate as RefundUpdate,
)
from returns_shared.service.provider_ports import (
    TrackingUpdate as TrackingUpdate,
)
from returns_shared.service.provider_ports import (
    WebhookNotConfigured as WebhookNotConfigured,
)
from returns_shared.service.roles import STAFF_ROLES, Role

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None  # opaque to callers; bound to the query that made it


@dataclass(frozen=True)
class UnknownPackage:
    """A package the warehouse refused for no approved return (REQ-FIRST), kept for customer service
    with what the warehouse could read on it (all optional: a bare scan records none of it)."""

    id: str
    return_id: str  # what was scanned or typed
    reason: str  # a sentence: why it was refused
    scanned_by: str
    at: datetime
    matched_return_id: str | None = None  # the return the scan names, when it names one (not approved)
    sender_name: str | None = None  # as on the label
    sender_address: str | None = None  # as on the label, lines as written
    carrier: str | None = None
    tracking_number: str | None = None  # the carrier label's number, as seen
    note: str | None = None
    photos: tuple[InspectionPhoto, ...] = ()


@dataclass(frozen=True)
class CustomerName:
    """A name a customer's orders carry, as indexed: the newest order with it, and the index entry's
    version (optimistic locking: two orders filing one name at once are written one after the other)."""

    newest: NamedOrder
    version: int


@dataclass
class StoredOrder:
    """An order as stored: its version (optimistic locking) and its returns' ids (consistent reads)."""

    order: Order
    version: int
    return_ids: list[str]


class MessageReader(Protocol):
    """The customer-service conversation as read by the gateway and the service layer."""

    def get_message(self, message_id: str) -> Message | None: ...
    def get_messages(self, message_ids: Sequence[str]) -> dict[str, Message]: ...
    def conversation(self, return_id: str) -> list[Message]: ...  # oldest first
    def inbox(self, *, first: int, after: str | None, include_handled: bool = False) -> Page[Message]: ...
    def mail_from(self, *, email: str, first: int, after: str | None) -> Page[Message]: ...  # newest first
    def review_queue(self, *, first: int, after: str | None) -> Page[Return]: ...


class ReturnsReader(MessageReader, Protocol):
    """Read side (the gateway reads DynamoDB directly)."""

    def get_order(self, order_id: str) -> Order | None: ...
    def get_orders(self, order_ids: Sequence[str]) -> dict[str, Order]: ...
    def get_return(self, return_id: str) -> Return | None: ...
    def get_returns(self, return_ids: Sequence[str]) -> dict[str, Return]: ...
    def returns_of_order(self, order_id: str) -> list[Return]: ...
    def returns_of_orders(self, order_ids: Sequence[str]) -> dict[str, list[Return]]: ...
    def returns_of_customer(self, email: str) -> list[Return]: ...
    def returns_by_tracking_number(self, number: str) -> list[Return]: ...
    def list_returns(
        self,
        *,
        first: int,
        after: str | None,
        status: ReturnStatus | None = None,
        order_id: str | None = None,
        customer_email: str | None = None,
        oldest_first: bool = False,
    ) -> Page[Return]: ...
    def list_orders(self, *, customer_email: str, first: int, after: str | None) -> Page[Order]: ...
    def unknown_packages(self, *, first: int, after: str | None) -> Page[UnknownPackage]: ...
    def get_unknown_package(self, package_id: str) -> UnknownPackage | None: ...
    def customers_named(
        self, *, name: str, first: int, after: str | None
    ) -> Page[NamedOrder]: ...  # by the start of a name's words (customer_names.name_key), each customer's
    #                             newest order under that name; alphabetical
    def failed_refunds(self, *, first: int, after: str | None) -> Page[Return]: ...
    def failed_labels(self, *, first: int, after: str | None) -> Page[Return]: ...


@dataclass(frozen=True)
class IdempotencyClaim:
    """A request's idempotency key as first used: which return it made, from which input."""

    return_id: str
    fingerprint: str


@dataclass(frozen=True)
class DueEmail:
    """A PENDING customer email whose next attempt is due."""

    return_id: str
    kind: str
    attempts: int  # made so far
    position: str  # where it stood in the due queue when read: an attempt is taken only from there


class ReturnsRepository(ReturnsReader, Protocol):
    """What the service layer reads. Reads by key are strongly consistent; index queries (status,
    customer, tracking number) may lag a write by a moment."""

    def get_stored_order(self, order_id: str) -> StoredOrder | None: ...
    def returns_in_status(
        self, status: ReturnStatus, *, older_than: datetime | None = None, limit: int = 100,
        after: object | None = None,
    ) -> tuple[list[Return], object | None]: ...  # one page, oldest status change first; `after` is opaque
    def due_emails(
        self, *, due_by: datetime, limit: int = 100, after: object | None = None
    ) -> tuple[list[DueEmail], object | None]: ...  # soonest due first; `after` is opaque
    def get_idempotency(self, customer: str, key: str) -> IdempotencyClaim | None: ...
    def get_order_and_claim(
        self, order_id: str, customer: str, key: str
    ) -> tuple[StoredOrder | None, IdempotencyClaim | None]: ...  # both in one read
    def webhook_event_seen(self, provider: str, event_id: str) -> bool: ...
    # the facts backfill: a month is an index (year × 12 + month - 1), read page by page from an index
    def returns_created_in(self, month: int) -> Iterator[Return]: ...
    def orders_placed_in(self, month: int) -> Iterator[StoredOrder]: ...
    def labels_to_void(
        self, *, older_than: datetime, limit: int = 100, after: object | None = None
    ) -> tuple[list[tuple[str, datetime]], object | None]: ...  # (return id, flagged at), oldest first
    def returns_of_sent_emails(self, ses_message_ids: Sequence[str]) -> dict[str, str]: ...
    def customer_names(
        self, customer: str, name_keys: Sequence[str]
    ) -> dict[str, CustomerName]: ...  # by name key, consistent
    def orders_named(
        self, customer: str, name_key: str, *, limit: int
    ) -> list[NamedOrder]: ...  # the orders filed under one name of a customer, newest first, consistent
    # SES id of an email the service sent → the return it was about (emails about no return: absent)


class UnitOfWork(Protocol):
    """The writes of one command, committed all or nothing by `commit()`.

    Every write is conditional; if any condition fails, `commit()` raises ConflictError and nothing
    is written: a return or order must still be at the version it was read at, and a write-once
    record (idempotency key, email, unknown package) must not exist yet, an email attempt is taken
    only from the queue position it was read at. A label lease is granted when nobody holds it or
    the holder's lease went stale.
    """

    def add_return(self, ret: Return) -> None: ...  # a new return (version 1)
    def save_return(self, ret: Return) -> None: ...  # conditioned on ret.version, then version + 1
    def save_order(self, order: Order, *, seen: StoredOrder | None) -> None: ...  # None: must be new
    def attach_return_to_order(self, stored: StoredOrder, return_id: str) -> None: ...  # bumps its version
    def serialise_on_order(self, stored: StoredOrder) -> None: ...  # the order unchanged since read; bumps it
    def claim_idempotency(
        self, customer: str, key: str, *, return_id: str, fingerprint: str, expires_at: datetime
    ) -> None: ...
    def record_unknown_package(self, package: UnknownPackage) -> None: ...  # write-once (its id)
    def file_order_name(self, named: NamedOrder) -> None: ...  # an order under a customer's name
    def unfile_order_name(self, named: NamedOrder) -> None: ...
    def save_customer_name(
        self, newest: NamedOrder, *, seen: CustomerName | None
    ) -> None: ...  # the name found by agents' search; None: must be new
    def drop_customer_name(self, seen: CustomerName) -> None: ...  # no order carries the name any more
    def flag_failed_refund(self, ret: Return, *, at: datetime) -> None: ...  # the agents' queue
    def clear_failed_refund(self, return_id: str) -> None: ...
    def flag_failed_label(self, return_id: str, *, at: datetime) -> None: ...  # the agents' queue
    def clear_failed_label(self, return_id: str) -> None: ...
    def claim_webhook_event(
        self, provider: str, event_id: str, *, expires_at: datetime
    ) -> None: ...  # write-once: a redelivered event changes nothing
    def flag_label_to_void(self, return_id: str, *, since: datetime) -> None: ...  # for the void sweep
    def clear_label_to_void(self, return_id: str) -> None: ...
    def lease_label(self, return_id: str, *, now: datetime, stale_before: datetime) -> None: ...
    def release_label(self, return_id: str) -> None: ...
    def claim_email(
        self, return_id: str, kind: str, *, at: datetime, retry_at: datetime
    ) -> None: ...  # PENDING, once; due again at retry_at if its sender dies
    def skip_unsent_email(
        self, return_id: str, kind: str, *, at: datetime, reason: str
    ) -> None: ...  # SKIPPED, once: an email an event asked for that the return no longer bears out
    def begin_email_attempt(
        self, due: DueEmail, *, at: datetime, retry_at: datetime
    ) -> None: ...  # only from the queue position read: one attempt at a time
    def retry_email(self, return_id: str, kind: str, *, retry_at: datetime, error: str) -> None: ...
    def mark_email_sent(self, return_id: str, kind: str, *, at: datetime) -> None: ...
    def give_up_email(self, return_id: str, kind: str, *, at: datetime, reason: str) -> None: ...
    def skip_email(self, return_id: str, kind: str, *, at: datetime, reason: str) -> None: ...
    def add_message(self, message: Message) -> None: ...  # write-once (its id); a sent one is findable by
    #                                                       its SES id from then on (replies thread to it)
    def save_message(self, message: Message) -> None: ...  # conditioned on message.version, then + 1
    def delete_message(self, message: Message) -> None: ...  # an agent's reply that could not be sent
    def commit(self) -> None: ...


@dataclass(frozen=True)
class Caller:
    """Who is calling, as the gateway established it from the token."""

    sub: str
    email: str | None
    groups: frozenset[str]

    @property
    def role(self) -> Role:
        return next((role for role in STAFF_ROLES if role.value in self.groups), Role.CUSTOMER)

    @property
    def actor(self) -> str:
        return f"{self.role}:{self.email or self.sub}"

    def to_json(self) -> dict[str, Any]:
        return {"sub": self.sub, "email": self.email, "groups": sorted(self.groups)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Caller:
        return cls(sub=data["sub"], email=data.get("email"), groups=frozenset(data.get("groups", [])))


SYSTEM_CALLER = Caller(sub="system", email=None, groups=frozenset({Role.AGENT.value}))


class CommandBus(Protocol):
    """Sends a command to the function that owns it and returns its JSON answer.

    AWS: a synchronous Lambda invoke. Locally: the same handler called in-process.
    """

    def send(
        self, function: str, command: str, caller: Caller, payload: dict[str, Any], *,
        correlation_id: str | None = None,  # the gateway's request id
    ) -> dict[str, Any]: ...


class EventPublisher(Protocol):
    def publish(self, detail_type: str, detail: dict[str, Any]) -> None: ...


class Mailer(Protocol):
    def send(self, email: Email) -> str: ...  # returns the message id


class EmailNotSent(Exception):
    """The provider answered with an error: worth another try later (SES's code in `code`)."""

    def __init__(self, code: str | None, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class EmailUndeliverable(EmailNotSent):
    """This message can never be sent (malformed address, rejected content): retrying cannot help."""


class EmailSendingBlocked(EmailNotSent):
    """Nothing can be sent right now (sending paused, sender not verified, throttled): not this
    message's fault; try later and stop hammering the provider meanwhile."""


class MailStore(Protocol):
    """The mail bucket: received raw messages (SES writes them) and their kept attachments."""

    def raw(self, key: str) -> bytes: ...  # raises when missing: the message is retried, never lost
    def put_raw(self, key: str, raw: bytes) -> None: ...  # the local stack's stand-in for SES's S3 action
    def put_attachment(self, key: str, content: bytes, *, content_type: str, filename: str) -> None: ...
    def url(self, key: str, *, expires_in: int) -> str: ...  # short-lived, staff only


class LabelStore(Protocol):
    def put(self, key: str, pdf: bytes) -> None: ...
    def get(self, key: str) -> bytes: ...
    def url(self, key: str, *, expires_in: int) -> str: ...


@dataclass(frozen=True)
class UploadForm:
    """A presigned POST: the browser sends `fields` and then the file to `url` (S3 checks the size
    and the content type against the signed policy)."""

    url: str
    fields: dict[str, str]


@dataclass(frozen=True)
class StoredPhoto:
    size: int  # bytes
    head: bytes  # the file's first bytes: its signature (JPEG, PNG, WebP)


class PhotoStore(Protocol):
    """The warehouse's inspection photos in their private bucket (uploaded by the browser)."""

    def upload_form(self, key: str, *, content_type: str, max_bytes: int, expires_in: int) -> UploadForm: ...
    def stored(self, key: str) -> StoredPhoto | None: ...  # None: nothing was uploaded under the key
    def url(self, key: str, *, expires_in: int) -> str: ...


class PortalAddress(Protocol):
    """Where the customers' returns portal is served, for the links in the emails."""

    def base_url(self) -> str: ...  # e.g. "https://d1.cloudfront.net/portal/"; raises when unreadable


class DeadlineWorkflow(Protocol):
    """The RefundDeadline state machine: one execution per return."""

    def start(
        self, *, return_id: str, reminder_at: datetime, due_at: datetime
    ) -> None: ...  # a second start is a no-op
    def stop(self, *, return_id: str) -> None: ...
    def is_running(self, *, return_id: str) -> bool: ...


class OpsAlerts(Protocol):
    def alert(self, subject: str, message: str) -> None: ...
