"""What a carrier reports about a returned package: its scans, and how far it got.

A package has shipped at its first real scan (the carrier has it); a label being created
(`pre_transit`) is not a scan. Events are cumulative (every scan so far) and may repeat or arrive
out of order: a scan counts once, by its time, status and message.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

# EasyPost tracker statuses that mean the carrier has the package
SHIPPED_STATUSES = frozenset({"in_transit", "out_for_delivery", "delivered", "available_for_pickup",
                              "return_to_sender", "failure"})


def tracking_key(number: str) -> str:
    """Tracking numbers as scanned or typed: case and spaces do not matter."""
    return "".join(number.split()).upper()


class CarrierScan(BaseModel):
    model_config = {"frozen": True}

    status: str  # pre_transit, in_transit, out_for_delivery, delivered, ...
    message: str
    at: datetime
    location: str | None = None

    @property
    def shipped(self) -> bool:
        return self.status in SHIPPED_STATUSES

    @property
    def key(self) -> str:
        return f"{self.at.isoformat()}|{self.status}|{self.message}"

    def describe(self) -> str:
        where = f" ({self.location})" if self.location else ""
        return f"{self.status.replace('_', ' ')}: {self.message}{where}"


class CarrierTracking(BaseModel):
    tracker_id: str | None = None
    status: str | None = None
    last_scan_at: datetime | None = None
    delivered_at: datetime | None = None  # the carrier's word; the warehouse still receives the package
    shipped_at: datetime | None = None  # the first real scan: from then on the label is in use
    scan_keys: tuple[str, ...] = ()  # the scans already on the timeline
