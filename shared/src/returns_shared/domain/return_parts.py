"""The parts of a Return: its lines, timeline entries and label, and the transitions its status may take."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from returns_shared.domain.money import Money
from returns_shared.domain.vocabulary import ItemCondition, ReturnReason, ReturnStatus, ReviewWaitingFor

S = ReturnStatus

# Which status may follow which; anything else is refused with INVALID_STATE.
TRANSITIONS: dict[ReturnStatus, frozenset[ReturnStatus]] = {
    S.REQUESTED: frozenset({S.APPROVED, S.UNDER_REVIEW, S.CANCELED}),
    S.UNDER_REVIEW: frozenset({S.APPROVED, S.DECLINED, S.CANCELED}),
    S.APPROVED: frozenset({S.IN_TRANSIT, S.RECEIVED, S.CANCELED, S.EXPIRED}),
    S.IN_TRANSIT: frozenset({S.RECEIVED}),
    S.RECEIVED: frozenset({S.INSPECTED}),
    S.INSPECTED: frozenset({S.REFUNDED}),
    S.DECLINED: frozenset(),
    S.CANCELED: frozenset(),
    S.EXPIRED: frozenset(),
    # only when the provider reports that the refund failed after all: nothing was paid, it is owed again
    S.REFUNDED: frozenset({S.INSPECTED}),
}

SYSTEM = "system"


def utc_iso(at: datetime) -> str:
    """Instants in notes as the API writes them (UTC, Z), whatever offset they came with; to the
    second (a note is read by people: "received at 2026-12-01T01:21:40Z")."""
    return at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


PHOTO_ID = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp)$")  # what the gateway hands out: random, typed


def photo_key(return_id: str, photo_id: str) -> str:
    """Where an inspection photo lives in its bucket: under its return, so a photo id names nothing
    of another return's."""
    return f"inspection/{return_id}/{photo_id}"


def package_photo_key(photo_id: str) -> str:
    """Where a photo of a refused package lives (it belongs to no return)."""
    return f"inspection/packages/{photo_id}"


class InspectionPhoto(BaseModel):
    """A photo the warehouse took of an item, kept in the private photos bucket; the API hands out
    short-lived links only."""

    model_config = ConfigDict(frozen=True)

    object_key: str
    content_type: str


class ReturnLine(BaseModel):
    order_line_id: str
    quantity: int
    reason: ReturnReason
    note: str | None = None  # the customer's
    condition: ItemCondition | None = None  # set at inspection
    accepted: bool | None = None  # set at inspection
    defect_confirmed: bool | None = None  # set at inspection, merchant-reason lines only
    inspection_note: str | None = None  # set at inspection: what the warehouse saw
    photos: list[InspectionPhoto] = Field(default_factory=list)  # set at inspection


class ReturnEvent(BaseModel):
    at: datetime
    status: ReturnStatus
    actor: str
    note: str | None = None
    internal: bool = False  # an agent's internal note: never shown to the customer


class ReviewWait(BaseModel):
    """Who a return under review waits for, since when (docs/spec/customer-service.md)."""

    waiting_for: ReviewWaitingFor
    since: datetime  # entered review (the screening email goes out then), or the latest reply
    customer_replied_at: datetime | None = None  # the customer's latest email about it


class ReturnLabel(BaseModel):
    carrier: str
    tracking_number: str
    object_key: str  # the PDF in the labels bucket; the API presigns a time-limited URL
    fee: Money
    created_at: datetime
    shipment_id: str | None = None  # the carrier platform's shipment: what a void names
    # Once its return ended unused: the carrier platform's word on the void (submitted, refunded, ...),
    # "in use" when the carrier had scanned it (never voided), or why it was refused.
    void_status: str | None = None
    voided_at: datetime | None = None  # set when voided: the PDF is no longer offered

    @property
    def voided(self) -> bool:
        return self.voided_at is not None


class LabelPurchase(BaseModel):
    """A prepaid label being bought: the carrier platform's shipment, recorded on the return before it
    is bought, so that every retry buys that same shipment (sold once) or takes the label it bought."""

    shipment_id: str
    started_at: datetime


class LabelFailure(BaseModel):
    """The carrier refused to sell this return's label for good (an address it cannot ship from, no
    rate from the configured carriers): kept until a label is issued or the customer ships on their own."""

    reason: str  # the carrier's words
    failed_at: datetime
    attempt: int  # 1: the purchase after approval; 2, 3, ...: agents' retries (retryLabel)
