"""The small interfaces the service layer needs from the outside world. Adapters implement them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from returns_shared.domain.money import Money
from returns_shared.domain.orders import Order
from returns_shared.domain.returns import Return
from returns_shared.domain.tracking import CarrierScan
from returns_shared.domain.vocabulary import RefundStatus, ReturnStatus

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None  # opaque to callers; bound to the query that made it


@dataclass(frozen=True)
class UnknownPackage:
    """A package the warehouse scanned for no approved return (REQ-FIRST), kept for customer service."""

    return_id: str  # what was scanned or typed
    reason: str
    scanned_by: str
    at: datetime


@dataclass
class StoredOrder:
    """An order as stored: its version (optimistic locking) and its returns' ids (consistent reads)."""

    order: Order
    version: int
    return_ids: list[str]


class ReturnsReader(Protocol):
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
    ) -> Page[Return]: ...
    def list_orders(self, *, customer_email: str, first: int, after: str | None) -> Page[Order]: ...
    def unknown_packages(self, *, first: int, after: str | None) -> Page[UnknownPackage]: ...
    def failed_refunds(self, *, first: int, after: str | None) -> Page[Return]: ...


@dataclass(frozen=True)
class Caller:
    """Who is calling, as the gateway established it from the token."""

    sub: str
    email: str | None
    groups: frozenset[str]

    @property
    def role(self) -> str:
        for group in ("agent", "warehouse", "integration"):
            if group in self.groups:
                return group
        return "customer"

    @property
    def actor(self) -> str:
        return f"{self.role}:{self.email or self.sub}"

    def to_json(self) -> dict[str, Any]:
        return {"sub": self.sub, "email": self.email, "groups": sorted(self.groups)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Caller:
        return cls(sub=data["sub"], email=data.get("email"), groups=frozenset(data.get("groups", [])))


SYSTEM_CALLER = Caller(sub="system", email=None, groups=frozenset({"agent"}))


class CommandBus(Protocol):
    """Sends a command to the function that owns it and returns its JSON answer.

    AWS: a synchronous Lambda invoke. Locally: the same handler called in-process.
    """

    def send(self, function: str, command: str, caller: Caller, payload: dict[str, Any], *,
             correlation_id: str | None = None) -> dict[str, Any]: ...  # the gateway's request id


class EventPublisher(Protocol):
    def publish(self, detail_type: str, detail: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[tuple[str, bytes, str], ...] = ()  # (filename, content, mime type)


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


@dataclass(frozen=True)
class IssuedLabel:
    carrier: str
    tracking_number: str
    pdf: bytes
    tracker_id: str | None = None  # the carrier platform's tracker: its scans reach our webhook
    shipment_id: str | None = None
    postage: Money | None = None  # what the label cost the merchant


class CarrierUnavailable(Exception):
    """The carrier platform could not answer now: the label or tracker is tried again later."""


class Carrier(Protocol):
    """Issues prepaid return labels and starts tracking self-shipped packages."""

    name: str  # "easypost", "local"

    def issue_label(self, *, rma_id: str, ship_from: dict[str, Any], ship_to: dict[str, Any],
                    fee: Money) -> IssuedLabel: ...

    def track(self, *, tracking_number: str, carrier: str) -> str:
        """Start tracking a package (returns the tracker id); its scans then reach the webhook."""
        ...


@dataclass(frozen=True)
class TrackingUpdate:
    """A carrier platform's word on a package, from a verified webhook event (cumulative: every scan)."""

    event_id: str
    tracking_number: str
    carrier: str | None
    status: str
    scans: tuple[CarrierScan, ...]


class CarrierEvents(Protocol):
    provider: str

    def tracking_update(self, body: bytes, headers: Mapping[str, str]) -> TrackingUpdate | None:
        """InvalidWebhook when unverifiable; None for an event the service does not act on."""
        ...


class LabelStore(Protocol):
    def put(self, key: str, pdf: bytes) -> None: ...
    def url(self, key: str, *, expires_in: int) -> str: ...


class PaymentDeclined(Exception):
    """The payment provider refused the refund for good (already refunded, amount too large, unknown
    payment, …): asking again will not help. Nothing was paid."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class PaymentUnavailable(Exception):
    """The provider could not answer now (rate limit, 5xx, timeout, network): try again later with the
    same idempotency key. Whether it paid is unknown until then."""


@dataclass(frozen=True)
class PaymentReceipt:
    refund_id: str
    amount: Money
    payment_reference: str
    issued_at: datetime
    status: RefundStatus = RefundStatus.SUCCEEDED
    failure_reason: str | None = None
    duplicate: bool = False  # the idempotency key had already paid: nothing paid twice


class Payments(Protocol):
    """Refunds to the original form of payment (REFUND-ORIGINAL)."""

    provider: str  # recorded on each refund: "stripe", "ledger"

    def refund(self, *, idempotency_key: str, payment_reference: str, amount: Money, return_id: str,
               at: datetime) -> PaymentReceipt: ...

    def find_refund(self, *, idempotency_key: str, payment_reference: str) -> PaymentReceipt | None:
        """The refund an earlier request with this key made, as the provider recorded it (None: none).
        Asked before an interrupted attempt is resumed, so the service never rests on the
        provider honouring idempotency keys."""
        ...


class InvalidWebhook(Exception):
    """A webhook call that is not provably from the provider (no or a forged signature) or unreadable."""


@dataclass(frozen=True)
class RefundUpdate:
    """The provider's later word on a refund, from a verified webhook event."""

    event_id: str
    refund_id: str
    status: RefundStatus
    failure_reason: str | None
    return_id: str | None  # from the refund's metadata (set when it was asked for)
    occurred_at: datetime


class PaymentEvents(Protocol):
    """Verifies and reads the payment provider's webhook calls."""

    provider: str

    def refund_update(self, body: bytes, headers: Mapping[str, str]) -> RefundUpdate | None:
        """InvalidWebhook when unverifiable; None for an event type the service does not act on."""
        ...


class DeadlineWorkflow(Protocol):
    """The RefundDeadline state machine: one execution per return."""

    def start(self, *, return_id: str, reminder_at: datetime, due_at: datetime) -> None: ...  # a second start is a no-op
    def stop(self, *, return_id: str) -> None: ...
    def is_running(self, *, return_id: str) -> bool: ...


class OpsAlerts(Protocol):
    def alert(self, subject: str, message: str) -> None: ...


class UnitOfWork(Protocol):
    """The writes of one step, committed together or not at all (ConflictError on a lost race)."""

    def save_return(self, ret: Return) -> None: ...
    def flag_failed_refund(self, ret: Return, *, at: datetime) -> None: ...
    def clear_failed_refund(self, return_id: str) -> None: ...
    def claim_webhook_event(self, provider: str, event_id: str, *, expires_at: datetime) -> None: ...
    def commit(self) -> None: ...
