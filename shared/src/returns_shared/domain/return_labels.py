"""The Return's prepaid label: a purchase the carrier refused for good (recorded; the customer may ship
on their own instead), and after it was bought: attached to the approved return, kept for voiding
when the return ended while it was being bought, and voided once the return ends unused (canceled or
expired). Return's methods of the same names delegate here.

A label the carrier has scanned is in use: it is never voided (the package is on its way, and a
carrier refunds only unscanned labels anyway).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from returns_shared.domain.errors import InvalidState
from returns_shared.domain.return_parts import LabelFailure, ReturnLabel
from returns_shared.domain.vocabulary import STATUS_WORDS, ReturnMethod
from returns_shared.domain.vocabulary import ReturnStatus as S

if TYPE_CHECKING:
    from returns_shared.domain.returns import Return

ENDED_UNUSED = frozenset({S.CANCELED, S.EXPIRED})  # a label of these returns is nobody's to use
ACTOR = "label"


def attach_label(ret: Return, label: ReturnLabel, *, at: datetime) -> None:
    if ret.label is not None:
        raise InvalidState("This return already has a label.")
    if ret.status != S.APPROVED:
        raise InvalidState(f"This return is {STATUS_WORDS[ret.status]}: it gets no label.")
    ret.label = label
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
    ret.note(actor=ACTOR, at=at, note=f"label not issued (attempt {attempt}): the carrier refused: {reason}")


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
