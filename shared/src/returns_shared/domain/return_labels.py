"""The Return's prepaid label: its purchase under way (the carrier platform's shipment, recorded before
it is bought so that a retry resumes it and never buys a second label), a purchase the carrier refused
for good (recorded; the customer may ship on their own instead), and after it was bought: attached to
the approved return, kept for voiding when the return ended while it was being bought, and voided once
the return ends unused (canceled or expired). A purchase the return no longer needs (it ended, or the
customer shipped on their own) is closed through the carrier: voided if it was bought after all.
Return's methods of the same names delegate here.

A label the carrier has scanned is in use: it is never voided (the package is on its way, and a
carrier refunds only unscanned labels anyway).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from returns_shared.domain.errors import InvalidState
from returns_shared.domain.return_parts import LabelFailure, LabelPurchase, ReturnLabel
from returns_shared.domain.vocabulary import STATUS_WORDS, ReturnMethod
from returns_shared.domain.vocabulary import ReturnStatus as S

if TYPE_CHECKING:
    from returns_shared.domain.returns import Return

ENDED_UNUSED = frozenset({S.CANCELED, S.EXPIRED})  # a label of these returns is nobody's to use
ACTOR = "label"
NOT_BOUGHT = "not bought"  # the carrier platform's shipment was never bought: no postage to get back


def attach_label(ret: Return, label: ReturnLabel, *, at: datetime) -> None:
    if ret.label is not None:
        raise InvalidState("This return already has a label.")
    if ret.status != S.APPROVED:
        raise InvalidState(f"This return is {STATUS_WORDS[ret.status]}: it gets no label.")
    ret.label = label
    ret.label_purchase = None  # bought and recorded: the label names its shipment from now on
    ret.label_failure = None  # an agent's retry got the label the carrier refused before
    ret.carrier = label.carrier
    ret.tracking_number = label.tracking_number  # what the warehouse scans on the package
    ret.note(actor=ACTOR, at=at, note=f"label issued: {label.carrier} {label.tracking_number}")


def keep_label_of_ended_return(ret: Return, label: ReturnLabel, *, at: datetime) -> None:
    """A label bought while the customer canceled (or the approval expired): recorded but never
    offered or mailed, so that it is voided like any other unused label."""
    if ret.label is not None:
        raise InvalidState("This return already has a label.")
    if ret.status not in ENDED_UNUSED:
        raise InvalidState(
            f"This return is {STATUS_WORDS[ret.status]}: its label is attached, not kept to void.")
    ret.label = label
    ret.label_purchase = None
    ret.note(actor=ACTOR, at=at, note=f"label bought after the return was {ret.status.lower()}: "
                                      f"{label.carrier} {label.tracking_number}")


def record_label_failure(ret: Return, reason: str, *, attempt: int, at: datetime) -> None:
    """The carrier refused to sell the label for good: recorded once per attempt, the reason on the
    timeline; the return stays APPROVED (LABEL-US: the customer may still ship on their own)."""
    if ret.label is not None:
        raise InvalidState("This return already has a label.")
    if ret.status != S.APPROVED or ret.method != ReturnMethod.PREPAID_LABEL:
        raise InvalidState(f"This return is {STATUS_WORDS[ret.status]} or ships without a prepaid label: it "
                           "buys no label.")
    if ret.label_failure is not None and ret.label_failure.attempt >= attempt:
        raise InvalidState(f"Label attempt {attempt} of this return was already recorded.")
    ret.label_failure = LabelFailure(reason=reason, failed_at=at, attempt=attempt)
    ret.label_purchase = None  # the carrier refused that shipment, nothing was bought: a retry starts anew
    ret.note(actor=ACTOR, at=at, note=f"label not issued (attempt {attempt}): the carrier refused: {reason}")


def start_label_purchase(ret: Return, shipment_id: str, *, at: datetime) -> None:
    """The shipment about to be bought for this return's label, recorded before the purchase."""
    if ret.label is not None:
        raise InvalidState("This return already has a label.")
    if ret.status != S.APPROVED or ret.method != ReturnMethod.PREPAID_LABEL:
        raise InvalidState(f"This return is {STATUS_WORDS[ret.status]} or ships without a prepaid label: it "
                           "buys no label.")
    if ret.label_purchase is not None:
        raise InvalidState(
            f"The label of this return is being bought (shipment {ret.label_purchase.shipment_id}).")
    ret.label_purchase = LabelPurchase(shipment_id=shipment_id, started_at=at)


def forget_label_purchase(ret: Return, shipment_id: str) -> None:
    """The carrier platform knows the shipment no more (nothing was bought on it): a new one is started."""
    if ret.label_purchase is None or ret.label_purchase.shipment_id != shipment_id:
        raise InvalidState(f"Shipment {shipment_id} is not this return's label purchase.")
    ret.label_purchase = None


def label_purchase_to_close(ret: Return) -> bool:
    """A purchase started whose label the return no longer wants (it ended, or it ships on the customer's
    own): whether the carrier sold it is unknown until asked, and a label it sold is voided."""
    return (ret.label is None and ret.label_purchase is not None
            and (ret.status != S.APPROVED or ret.method != ReturnMethod.PREPAID_LABEL))


def close_label_purchase(ret: Return, *, voided: bool, status: str, at: datetime) -> None:
    """The carrier's word on a purchase the return no longer wants: never bought, or bought and voided (or
    not, and why). On the internal timeline: the customer never saw this label."""
    purchase = ret.label_purchase
    if purchase is None or not label_purchase_to_close(ret):
        raise InvalidState("This return has no label purchase to close.")
    ret.label_purchase = None
    outcome = ("was never bought" if status == NOT_BOUGHT
               else f"was bought, {'voided' if voided else 'not voided'} ({status})")
    ret.add_internal_note(actor=ACTOR, at=at, text="label purchase closed, the return no longer needed it: "
                                                   f"shipment {purchase.shipment_id} {outcome}")


def switch_to_self_ship(ret: Return, *, actor: str, at: datetime) -> None:
    """LABEL-US: after the carrier refused the prepaid label, the customer ships on their own; the
    return is then priced as a self-shipped package (FEE-US-SELF / FEE-US-QUALITY) at inspection."""
    if ret.label_failure is None or ret.label is not None or ret.status != S.APPROVED:
        raise InvalidState(
            "This return ships with a prepaid label, which carries its own tracking number."
        )
    ret.method = ReturnMethod.SELF_SHIP
    ret.label_failure = None
    ret.note(actor=actor, at=at, note="shipped on the customer's own after the carrier refused the label")


def label_in_use(ret: Return) -> bool:
    """The carrier has scanned the package under this return's number."""
    return ret.tracking is not None and ret.tracking.shipped_at is not None


def label_to_void(ret: Return) -> bool:
    """A bought label whose return ended before shipping, and nothing decided about it yet."""
    return ret.label is not None and ret.label.void_status is None and ret.status in ENDED_UNUSED


def record_label_void(ret: Return, *, voided: bool, status: str, at: datetime) -> None:
    """The outcome of voiding, once: voided (no longer offered), or kept (in use, refused) and why."""
    label = ret.label
    if label is None or not label_to_void(ret):
        raise InvalidState("This return has no label waiting to be voided.")
    ret.label = label.model_copy(update={"void_status": status, "voided_at": at if voided else None})
    what = "label voided" if voided else "label not voided"
    ret.note(actor=ACTOR, at=at, note=f"{what}: {label.carrier} {label.tracking_number} ({status})")
