"""The ports of the outside providers: the payment provider (refunds, their webhooks) and the carrier
platform (labels, trackers, their webhooks). Re-exported by ports.py, where the service imports them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from returns_shared.domain.money import Money
from returns_shared.domain.return_labels import NOT_BOUGHT as NOT_BOUGHT
from returns_shared.domain.tracking import CarrierScan
from returns_shared.domain.vocabulary import RefundStatus


@dataclass(frozen=True)
class IssuedLabel:
    carrier: str
    tracking_number: str
    pdf: bytes
    tracker_id: str | None = None  # the carrier platform's tracker: its scans reach our webhook
    shipment_id: str | None = None
    postage: Money | None = None  # what the label cost the merchant


@dataclass(frozen=True)
class LabelVoid:
    """The carrier platform's answer to voiding a label."""

    voided: bool  # False: the carrier has scanned the label, it is in use and stays valid
    status: str  # its word: submitted, refunded, not_applicable, voided; or the scan status when in use


class CarrierUnavailable(Exception):
    """The carrier platform could not answer now: the label or tracker is tried again later."""


class LabelDeclined(Exception):
    """The carrier platform refuses to sell this return's label for good (an address it cannot ship
    from, no rate from the configured carriers, a 4xx refusal): asking again unchanged will not help."""


class LabelShipmentGone(Exception):
    """The carrier platform knows no such shipment (any more): nothing was bought on it, so a new one is
    started (a label of a shipment it does know is never replaced: the merchant would pay twice)."""


class LabelVoidRefused(Exception):
    """The carrier platform refuses to void this label for good (e.g. past the carrier's refund
    window): asking again will not help; a person has to look."""


class Carrier(Protocol):
    """Sells prepaid return labels (at most one per shipment), voids unused ones and starts tracking
    self-shipped packages.

    A label is bought in two steps so that a lost answer never buys a second one: the shipment is
    created (nothing bought), the service records its id on the return, then buys THAT shipment; a
    retry after any failure buys the recorded shipment again, which answers the label it already has."""

    name: str  # "easypost", "local"

    def create_label_shipment(self, *, rma_id: str, ship_from: dict[str, Any], ship_to: dict[str, Any],
                              fee: Money) -> str:
        """A shipment for the return's label, not bought yet (its id). LabelDeclined when the carrier
        refuses it for good (an address it cannot ship from, no rate from the configured carriers)."""
        ...

    def buy_label(self, shipment_id: str) -> IssuedLabel:
        """The shipment's label, bought at most once: a shipment bought before (an answer lost to a
        timeout, a label file not fetched, a worker that crashed) answers that label and buys nothing.
        LabelDeclined: refused for good, nothing bought; LabelShipmentGone: no such shipment;
        CarrierUnavailable: unknown now (the same shipment is asked again later)."""
        ...

    def void_label(self, *, shipment_id: str | None, tracking_number: str | None) -> LabelVoid:
        """Void an unused label (its postage comes back). Asking again for a label already voided
        answers as the first time did; a label the carrier has scanned is never voided; a shipment that
        was never bought answers voided with status NOT_BOUGHT (no postage was spent)."""
        ...

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


@dataclass(frozen=True)
class ProviderRefund:
    """A refund as the payment provider records it now: its word on whether money moved (a webhook
    body is only a hint to ask)."""

    refund_id: str
    amount: Money
    payment_reference: str
    status: RefundStatus
    created_at: datetime
    failure_reason: str | None = None
    return_id: str | None = None  # the metadata the service set when it asked for the refund
    idempotency_key: str | None = None

    def receipt(self) -> PaymentReceipt:
        """What an earlier request already got: nothing is paid again."""
        return PaymentReceipt(refund_id=self.refund_id, amount=self.amount,
                              payment_reference=self.payment_reference, issued_at=self.created_at,
                              status=self.status, failure_reason=self.failure_reason, duplicate=True)


@dataclass(frozen=True)
class ProviderPayment:
    """The payment an order names, as the payment provider records it (REFUND-ORIGINAL: checked before
    money goes back to it). None fields: the checkout did not set them."""

    reference: str
    received: Money  # what was captured (nothing for a payment that did not go through)
    order_id: str | None = None  # the checkout's metadata
    customer_email: str | None = None  # the receipt email, or the provider's customer's email


class Payments(Protocol):
    """Refunds to the original form of payment (REFUND-ORIGINAL)."""

    provider: str  # recorded on each refund: "stripe", "ledger"

    def refund(self, *, idempotency_key: str, payment_reference: str, amount: Money, return_id: str,
               at: datetime) -> PaymentReceipt: ...

    def refunds_for(self, *, payment_reference: str, return_id: str,
                    idempotency_keys: Sequence[str]) -> list[ProviderRefund]:
        """Every refund of this payment made for this return (its metadata names the return, or it was
        made with one of the return's attempt keys), as the provider records them. Asked before any
        attempt pays, so the service never rests on a webhook's word or on the provider honouring
        idempotency keys."""
        ...

    def refund_record(self, refund_id: str) -> ProviderRefund | None:
        """The provider's current record of one refund (None: it knows no such refund)."""
        ...

    def payment(self, payment_reference: str) -> ProviderPayment | None:
        """The payment as the provider records it (None: a sandbox that keeps no payments to check);
        PaymentDeclined when the provider knows no such payment."""
        ...


class InvalidWebhook(Exception):
    """A webhook call that is not provably from the provider (no or a forged signature) or unreadable."""


class WebhookNotConfigured(Exception):
    """The endpoint has no usable signing secret (in production: empty, the template's placeholder, or
    a test-looking value), so no call can be verified: every call is refused until an operator sets it."""


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
