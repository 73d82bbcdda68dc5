"""The Return's carrier tracking: the customer's tracking number for a self-shipped package, the
carrier platform's tracker and its scans (Return's methods of the same names delegate here, so the
aggregate stays readable). Nothing a customer repeats grows the return without bound: the same
number again changes nothing, replacements are limited, and only so many scans are noted."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from returns_shared.domain import return_labels
from returns_shared.domain.errors import InvalidState
from returns_shared.domain.return_labels import ENDED_UNUSED
from returns_shared.domain.tracking import CarrierScan, CarrierTracking, tracking_key
from returns_shared.domain.vocabulary import STATUS_WORDS, ReturnMethod
from returns_shared.domain.vocabulary import ReturnStatus as S

if TYPE_CHECKING:
    from returns_shared.domain.returns import Return

# A return's timeline and its record of seen scans stop growing here: the number is the customer's
# choice for a self-shipped package, so its scans must not be able to fill the item (400 KB).
MAX_NOTED_SCANS = 60


def submit_tracking(ret: Return, *, carrier: str, tracking_number: str, actor: str, at: datetime,
                    replacements_allowed: int | None) -> bool:
    if ret.method != ReturnMethod.SELF_SHIP:  # allowed only after the carrier refused the label
        return_labels.switch_to_self_ship(ret, actor=actor, at=at)
    if ret.status == S.IN_TRANSIT:  # a resubmission replaces the number (and its tracker)
        same = tracking_key(ret.tracking_number or "") == tracking_key(tracking_number)
        if same and (ret.carrier or "").casefold() == carrier.casefold():
            return False  # the same again: no new tracker, no timeline entry, no write
        if replacements_allowed is not None and ret.tracking_replacements >= replacements_allowed:
            raise InvalidState(
                f"The tracking number of this return was already changed {ret.tracking_replacements} "
                "times; please contact customer service to change it again."
            )
        ret.carrier, ret.tracking_number, ret.tracking = carrier, tracking_number, None
        ret.tracking_replacements += 1
        ret.note(actor=actor, at=at, note=f"tracking replaced: {carrier} {tracking_number}")
        return True
    if ret.status != S.APPROVED:
        raise InvalidState(
            f"This return is {STATUS_WORDS[ret.status]}: it no longer takes a tracking number.")
    ret.carrier, ret.tracking_number = carrier, tracking_number
    ret._move(S.IN_TRANSIT, actor=actor, at=at, note=f"{carrier} {tracking_number}")
    return True


def start_tracking(ret: Return, tracker_id: str, *, tracking_number: str) -> bool:
    """The carrier platform tracks the package now (False: a stale request for an older number)."""
    if ret.tracking_number != tracking_number:
        return False
    ret.tracking = (ret.tracking or CarrierTracking()).model_copy(update={"tracker_id": tracker_id})
    return True

def record_carrier_scans(ret: Return, scans: list[CarrierScan], *, carrier: str | None, status: str) -> bool:
    """The carrier's scans of this package (cumulative, possibly repeated or out of order): the first
    real scan ships an APPROVED return (IN_TRANSIT, so it never expires), later ones are noted; the
    package's `status` (the event's) is taken only from an event with the newest scan. A
    canceled or expired return's label that the carrier scans anyway is in use: noted, never voided.
    False when nothing is new or the package is already at the warehouse's desk."""
    if ret.status not in {S.APPROVED, S.IN_TRANSIT} and not (ret.label and ret.status in ENDED_UNUSED):
        return False
    tracking = ret.tracking or CarrierTracking()
    new = [scan for scan in sorted(scans, key=lambda s: s.at) if scan.key not in tracking.scan_keys]
    if not new:
        return False
    actor = f"carrier:{carrier or ret.carrier or 'unknown'}"
    for scan in new:
        if ret.status == S.APPROVED and scan.shipped:
            ret._move(S.IN_TRANSIT, actor=actor, at=scan.at, note=scan.describe())
        elif len(tracking.scan_keys) < MAX_NOTED_SCANS:  # a package's scans are many, not unbounded
            ret.note(actor=actor, at=scan.at, note=scan.describe())
        if scan.shipped and tracking.shipped_at is None:
            tracking = tracking.model_copy(update={"shipped_at": scan.at})
        if scan.status == "delivered" and tracking.delivered_at is None:
            tracking = tracking.model_copy(update={"delivered_at": scan.at})
        if len(tracking.scan_keys) < MAX_NOTED_SCANS:
            tracking = tracking.model_copy(update={"scan_keys": (*tracking.scan_keys, scan.key)})
    # Events arrive out of order: the status follows the newest scan, so a late event whose scans are
    # all older than one already recorded (out_for_delivery after delivered) only adds to the history;
    # scans of the same second (carriers stamp whole seconds) count as newer: the later event wins.
    newest = new[-1].at
    if tracking.last_scan_at is None or newest >= tracking.last_scan_at:
        tracking = tracking.model_copy(update={"status": status, "last_scan_at": newest})
    ret.tracking = tracking
    return True
