"""The local carrier: issues real, printable prepaid return label PDFs without calling a carrier API.

A real carrier integration (UPS, USPS) would implement the same `Carrier` port. Like EasyPost, it
sells a shipment once: buying a shipment bought before answers the same label (same tracking number,
same PDF bytes), so what it sold per return can be counted (`bought_labels`, the soak's invariant).
Its shipments live in this process: after a restart it knows none (LabelShipmentGone: the service
starts a new one, as it would for a shipment EasyPost no longer knows).
"""

from __future__ import annotations

import io
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from returns_shared.domain.money import Money
from returns_shared.notifications.formatting import address_lines, money
from returns_shared.service.ports import NOT_BOUGHT, IssuedLabel, LabelDeclined, LabelShipmentGone, LabelVoid

TRACKING_PREFIX = "1ZRL"
TRACKING_DIGITS = 14
# A ZIP code no US address has: the local carrier refuses it for good, as EasyPost refuses an address
# it cannot ship from (so the refusal path can be followed locally and in the tests).
REFUSED_POSTAL_CODES = frozenset({"00000"})


def fee_line(fee: Money) -> str:
    if fee.amount > 0:
        return f"Label fee: {money(fee)}, deducted from your refund"
    return "Free return label"


@dataclass
class LocalShipment:
    rma_id: str
    tracking_number: str  # assigned when created, printed once bought
    ship_from: Mapping[str, Any]
    ship_to: Mapping[str, Any]
    fee: Money
    bought: bool = False


class LocalCarrier:
    """Tracking numbers are '1ZRL' + 14 digits drawn from `entropy` (uuid4 by default; inject for tests).
    No carrier scans a local label: the local stack simulates scans through the webhook's own path."""

    name = "local"

    def __init__(
        self,
        *,
        carrier: str = "UPS",
        entropy: Callable[[], int] = lambda: uuid.uuid4().int,
        compress: bool = False,  # uncompressed keeps the label text searchable in the PDF bytes
    ) -> None:
        self.carrier = carrier
        self._entropy = entropy
        self._compress = compress
        self.voided: set[str] = set()  # tracking numbers of the labels voided (no postage was paid)
        self.refused_postal_codes = set(REFUSED_POSTAL_CODES)
        self.shipments: dict[str, LocalShipment] = {}
        self._lock = threading.Lock()  # the functions of the local stack share it, on several threads

    def new_tracking_number(self) -> str:
        return f"{TRACKING_PREFIX}{self._entropy() % 10**TRACKING_DIGITS:0{TRACKING_DIGITS}d}"

    def create_label_shipment(
        self, *, rma_id: str, ship_from: Mapping[str, Any], ship_to: Mapping[str, Any], fee: Money
    ) -> str:
        # ship_to is the warehouse RETURN address the caller configured (ADDR-RETURN): never the
        # sender address printed on the original package, which this adapter cannot even see.
        if str(ship_from.get("postal_code") or "").strip() in self.refused_postal_codes:
            raise LabelDeclined(f"the carrier cannot ship from postal code {ship_from.get('postal_code')}: "
                                "address not found")
        tracking = self.new_tracking_number()
        with self._lock:
            shipment_id = f"shp_local_{tracking}"
            self.shipments[shipment_id] = LocalShipment(rma_id=rma_id, tracking_number=tracking, fee=fee,
                                                        ship_from=dict(ship_from), ship_to=dict(ship_to))
        return shipment_id

    def buy_label(self, shipment_id: str) -> IssuedLabel:
        with self._lock:
            shipment = self.shipments.get(shipment_id)
            if shipment is None:
                raise LabelShipmentGone(f"the local carrier knows no shipment {shipment_id}")
            shipment.bought = True  # sold once: buying it again answers the same label
        pdf = render_label(
            carrier=self.carrier,
            tracking_number=shipment.tracking_number,
            rma_id=shipment.rma_id,
            ship_from=shipment.ship_from,
            ship_to=shipment.ship_to,
            fee=shipment.fee,
            compress=self._compress,
        )
        return IssuedLabel(carrier=self.carrier, tracking_number=shipment.tracking_number, pdf=pdf,
                           tracker_id=f"trk_local_{shipment.tracking_number}", shipment_id=shipment_id)

    def bought_labels(self) -> dict[str, list[str]]:
        """The shipments bought for each return (its RMA), as the merchant would be billed for them."""
        with self._lock:
            bought: dict[str, list[str]] = {}
            for shipment_id, shipment in self.shipments.items():
                if shipment.bought:
                    bought.setdefault(shipment.rma_id, []).append(shipment_id)
            return bought

    def void_label(self, *, shipment_id: str | None, tracking_number: str | None) -> LabelVoid:
        """Voided locally (asking twice answers the same): no carrier holds postage for a local label."""
        shipment = self.shipments.get(shipment_id or "")
        if shipment is not None and not shipment.bought:
            return LabelVoid(voided=True, status=NOT_BOUGHT)
        number = shipment.tracking_number if shipment is not None else tracking_number
        if number is None:
            raise LabelShipmentGone(f"the local carrier knows no shipment {shipment_id}")
        self.voided.add(number)
        return LabelVoid(voided=True, status="voided")

    def track(self, *, tracking_number: str, carrier: str) -> str:
        return f"trk_local_{tracking_number}"


def render_label(
    *,
    carrier: str,
    tracking_number: str,
    rma_id: str,
    ship_from: Mapping[str, Any],
    ship_to: Mapping[str, Any],
    fee: Money,
    compress: bool = False,
) -> bytes:
    """One US-letter page: addresses, RMA, tracking number as text and as a Code128 barcode."""
    from reportlab.graphics.barcode.code128 import Code128
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.units import inch
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    # invariant: no creation date or random id in the file, so the same label renders the same bytes
    pdf = canvas.Canvas(buffer, pagesize=letter, pageCompression=int(compress), invariant=1)
    pdf.setTitle(f"Prepaid return label {rma_id}")
    pdf.setAuthor(carrier)
    width, height = letter
    left = 0.75 * inch
    y = height - 0.9 * inch

    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawString(left, y, "Prepaid return label")
    pdf.setFont("Helvetica", 11)
    pdf.drawRightString(width - left, y, f"{carrier}")

    def block(title: str, lines: list[str], top: float, size: int) -> float:
        pdf.setFont("Helvetica-Bold", 10)
        pdf.drawString(left, top, title)
        top -= size + 6
        pdf.setFont("Helvetica-Bold" if title == "TO" else "Helvetica", size)
        for line in lines:
            pdf.drawString(left + 12, top, line)
            top -= size + 4
        return top

    y = block("FROM", address_lines(ship_from), y - 40, 11)
    pdf.line(left, y - 4, width - left, y - 4)
    y = block("TO", address_lines(ship_to), y - 28, 15)
    pdf.line(left, y - 4, width - left, y - 4)

    y -= 30
    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawString(left, y, f"RMA: {rma_id}")
    y -= 22
    pdf.drawString(left, y, f"Tracking number: {tracking_number}")

    barcode = Code128(
        tracking_number, barHeight=1.0 * inch, barWidth=0.018 * inch, humanReadable=True
    )
    y -= 1.0 * inch + 30
    barcode.drawOn(pdf, left, y)

    y -= 40
    pdf.setFont("Helvetica", 11)
    pdf.drawString(left, y, fee_line(fee))
    y -= 16
    pdf.drawString(
        left,
        y,
        "Keep your tracking number until your refund arrives: it proves your package reached us.",
    )
    y -= 16
    pdf.drawString(
        left,
        y,
        "Attach this label to the outside of the package and cover any old labels or barcodes.",
    )

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
