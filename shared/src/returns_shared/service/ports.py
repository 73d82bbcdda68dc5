"""The small interfaces the service layer needs from the outside world. Adapters implement them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from returns_shared.domain.money import Money
from returns_shared.domain.orders import Order
from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import ReturnStatus


@dataclass(frozen=True)
class Page:
    items: list[Return]
    next_cursor: str | None  # opaque to callers; bound to the query that made it


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
    ) -> Page: ...


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


class Carrier(Protocol):
    """Issues prepaid return labels."""

    def issue_label(self, *, rma_id: str, ship_from: dict[str, Any], ship_to: dict[str, Any], fee: Money) -> IssuedLabel: ...


class LabelStore(Protocol):
    def put(self, key: str, pdf: bytes) -> None: ...
    def url(self, key: str, *, expires_in: int) -> str: ...


class PaymentDeclined(Exception):
    """The payment provider refused the refund (not a duplicate)."""


@dataclass(frozen=True)
class PaymentReceipt:
    refund_id: str
    amount: Money
    payment_reference: str
    issued_at: datetime
    duplicate: bool  # True when the idempotency key had already paid: nothing paid twice


class Payments(Protocol):
    def refund(self, *, idempotency_key: str, payment_reference: str, amount: Money, at: datetime) -> PaymentReceipt: ...


class DeadlineWorkflow(Protocol):
    """The RefundDeadline state machine: one execution per return."""

    def start(self, *, return_id: str, reminder_at: datetime, due_at: datetime) -> None: ...  # a second start is a no-op
    def stop(self, *, return_id: str) -> None: ...
    def is_running(self, *, return_id: str) -> bool: ...


class OpsAlerts(Protocol):
    def alert(self, subject: str, message: str) -> None: ...
