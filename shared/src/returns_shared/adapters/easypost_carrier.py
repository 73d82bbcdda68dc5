"""Return labels and trackers through EasyPost, with the official SDK.

A label is an EasyPost *return* shipment: the addresses are given as for the original delivery
(warehouse → customer) with `is_return`, and EasyPost swaps them, so the label carries the package
from the customer's shipping address to the warehouse return address (ADDR-RETURN). The shipment is
created first (the service records its id), then bought at its cheapest rate among the configured
carriers; buying also creates the tracker whose scans reach POST /webhooks/easypost. EasyPost sells a
shipment once, so buying is resumable: the shipment is read first and one already bought (an answer
lost to a timeout, a label file not fetched) answers its label; a purchase refused because the
shipment was bought meanwhile reads it again. The label file is fetched and kept as a PDF (an image
label is wrapped in a one-page PDF). An unused label is voided by EasyPost's shipment refund (its
postage comes back).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from returns_shared.domain.money import Money
from returns_shared.domain.tracking import SHIPPED_STATUSES
from returns_shared.service.ports import (
    NOT_BOUGHT,
    CarrierUnavailable,
    IssuedLabel,
    LabelDeclined,
    LabelShipmentGone,
    LabelVoid,
    LabelVoidRefused,
)

DEFAULT_PARCEL = {
    "length": 14,
    "width": 11,
    "height": 4,
    "weight": 32,
}  # inches, ounces: a folded garment bag
LABEL_FETCH_TIMEOUT_SECONDS = 15
# EasyPost's refund_status of a voided label: asked for, done, or a bill-on-scan carrier's (nothing is
# charged unless the label is used; it "will not change with multiple retries").
VOIDED_REFUND_STATUSES = frozenset({"submitted", "refunded", "not_applicable"})
# EasyPost's error code for buying a shipment that already has its postage (a shipment is sold once)
POSTAGE_EXISTS = "SHIPMENT.POSTAGE.EXISTS"


class CarrierDeclined(LabelDeclined):
    """EasyPost refused the request for good (bad address, no rate from the configured carriers, any
    other 4xx but our account's): the label function records it, the queue does not retry it."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code  # EasyPost's error code, e.g. ADDRESS.VERIFY.FAILURE


def _bought(shipment: Mapping[str, Any]) -> bool:
    return bool(shipment.get("tracking_code") or shipment.get("postage_label"))


def _easypost_address(address: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in {
        "name": address.get("name"), "street1": address.get("line1"), "street2": address.get("line2"),
        "city": address.get("city"), "state": address.get("region"), "zip": address.get("postal_code"),
        "country": address.get("country_code"), "phone": address.get("phone"),
    }.items() if value}


def fetch_url(url: str) -> bytes:
    import requests

    answer = requests.get(url, timeout=LABEL_FETCH_TIMEOUT_SECONDS)
    answer.raise_for_status()
    return answer.content


def as_pdf(label: bytes) -> bytes:
    """A PDF stays as it is; a PNG/ZPL-free image label becomes a one-page 4x6 in PDF."""
    if label.startswith(b"%PDF-"):
        return label
    from reportlab.lib.units import inch
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(4 * inch, 6 * inch), invariant=1)
    pdf.drawImage(ImageReader(io.BytesIO(label)), 0, 0, width=4 * inch, height=6 * inch,
                  preserveAspectRatio=True, anchor="c")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


class EasyPostCarrier:
    name = "easypost"

    def __init__(
        self,
        api_key: Callable[[], str],
        *,
        carriers: tuple[str, ...] = ("USPS", "UPS"),
        parcel: Mapping[str, Any] | None = None,
        fetch: Callable[[str], bytes] = fetch_url,
    ) -> None:
        self._api_key = api_key
        self._carriers = tuple(c.upper() for c in carriers)
        self._parcel = dict(parcel or DEFAULT_PARCEL)
        self._fetch = fetch

    def _client(self) -> Any:
        import easypost

        return easypost.EasyPostClient(self._api_key())

    def create_label_shipment(self, *, rma_id: str, ship_from: dict[str, Any], ship_to: dict[str, Any],
                              fee: Money) -> str:
        client = self._client()
        shipment = self._call(lambda: client.shipment.create(
            to_address=_easypost_address(ship_from),  # as the original delivery had it: EasyPost swaps
            from_address=_easypost_address(ship_to),
            parcel=self._parcel, is_return=True, reference=rma_id, options={"label_format": "PDF"},
        )).to_dict()
        self._cheapest_rate(shipment)  # no rate to buy: refused now, before the service records it
        return str(shipment["id"])

    def buy_label(self, shipment_id: str) -> IssuedLabel:
        client = self._client()
        shipment = self._shipment(client, shipment_id)
        if not _bought(shipment):
            rate = {"id": self._cheapest_rate(shipment)["id"]}
            try:
                shipment = self._call(lambda: client.shipment.buy(shipment_id, rate=rate)).to_dict()
            except CarrierDeclined as refused:
                shipment = self._shipment(client, shipment_id)  # bought meanwhile (a lost answer's purchase)?
                if not _bought(shipment):
                    if refused.code == POSTAGE_EXISTS:  # bought, not readable yet: ask again later
                        raise CarrierUnavailable(f"EasyPost is buying {shipment_id}: {refused}") from refused
                    raise
        return self._label_of(shipment)

    def _label_of(self, bought: dict[str, Any]) -> IssuedLabel:
        label = bought.get("postage_label") or {}
        url = label.get("label_pdf_url") or label.get("label_url")
        if not url or not bought.get("tracking_code"):
            raise CarrierUnavailable(
                f"EasyPost bought shipment {bought.get('id')} without a label or tracking code"
            )
        try:
            pdf = as_pdf(self._fetch(url))
        except OSError as exc:
            raise CarrierUnavailable(
                f"the label file of {bought.get('id')} could not be fetched: {exc}"
            ) from exc
        rate = bought.get("selected_rate") or {}
        return IssuedLabel(
            carrier=str(rate.get("carrier") or "EasyPost"),
            tracking_number=bought["tracking_code"], pdf=pdf,
            tracker_id=(bought.get("tracker") or {}).get("id"), shipment_id=bought.get("id"),
            postage=(Money(amount=Decimal(str(rate["rate"])), currency=rate.get("currency") or "USD")
                     if rate.get("rate") else None),
        )

    def _shipment(self, client: Any, shipment_id: str) -> dict[str, Any]:
        """GET /shipments/<id>; LabelShipmentGone when EasyPost knows no such shipment (a 404)."""
        from easypost.errors import NotFoundError

        try:
            shipment: dict[str, Any] = self._call(lambda: client.shipment.retrieve(shipment_id)).to_dict()
        except CarrierDeclined as exc:
            if isinstance(exc.__cause__, NotFoundError):
                raise LabelShipmentGone(f"EasyPost knows no shipment {shipment_id}: {exc}") from exc
            raise
        return shipment

    def void_label(self, *, shipment_id: str | None, tracking_number: str | None) -> LabelVoid:
        """POST /shipments/<id>/refund, after reading the shipment: a refund asked for before (a worker
        that crashed before recording it) is answered from its refund_status without asking twice, a
        label the carrier has scanned is never sent for a refund, and a shipment never bought (a
        purchase its return no longer wanted) has nothing to refund."""
        if not shipment_id:
            raise LabelVoidRefused(f"label {tracking_number} has no EasyPost shipment to void")
        client = self._client()
        shipment = self._shipment(client, shipment_id)
        if not _bought(shipment):
            return LabelVoid(voided=True, status=NOT_BOUGHT)
        if shipment.get("refund_status") in VOIDED_REFUND_STATUSES:
            return LabelVoid(voided=True, status=shipment["refund_status"])
        scanned = (shipment.get("tracker") or {}).get("status") or shipment.get("status")
        if scanned in SHIPPED_STATUSES:
            return LabelVoid(voided=False, status=str(scanned))
        try:
            refunded = self._call(lambda: client.shipment.refund(shipment_id)).to_dict()
        except CarrierDeclined as exc:
            raise LabelVoidRefused(f"EasyPost refuses to refund {shipment_id}: {exc}") from exc
        status = refunded.get("refund_status")
        if status in VOIDED_REFUND_STATUSES:
            return LabelVoid(voided=True, status=str(status))
        # "rejected": EasyPost documents that a refund asked for soon after the label was bought may be
        # rejected wrongly and may be asked for again; the queue's retries (then its DLQ alarm) do that
        raise CarrierUnavailable(f"EasyPost answered refund_status {status!r} for {shipment_id}")

    def track(self, *, tracking_number: str, carrier: str) -> str:
        client = self._client()
        tracker = self._call(lambda: client.tracker.create(tracking_code=tracking_number, carrier=carrier))
        return str(tracker.id)

    def _cheapest_rate(self, shipment: dict[str, Any]) -> dict[str, Any]:
        rates = [
            r for r in shipment.get("rates") or [] if str(r.get("carrier", "")).upper() in self._carriers
        ]
        if not rates:
            raise CarrierDeclined(f"EasyPost offers no rate from {', '.join(self._carriers)} for "
                                  f"shipment {shipment.get('id')}: {shipment.get('messages')}")
        return min(rates, key=lambda r: Decimal(str(r["rate"])))  # exact: rates are decimal strings

    @staticmethod
    def _call(request: Callable[[], Any]) -> Any:
        from easypost.errors import (
            ApiError,
            ForbiddenError,
            GatewayTimeoutError,
            HttpError,
            InternalServerError,
            PaymentError,
            RateLimitError,
            ServiceUnavailableError,
            TimeoutError,
            UnauthorizedError,
            UnknownApiError,
        )

        try:
            return request()
        except (GatewayTimeoutError, HttpError, InternalServerError, RateLimitError, ServiceUnavailableError,
                TimeoutError, UnknownApiError) as exc:
            raise CarrierUnavailable(f"EasyPost unavailable: {exc}") from exc
        except (UnauthorizedError, ForbiddenError, PaymentError) as exc:
            # our key or our EasyPost balance, not the return: it waits (DLQ alarm) until ops fix it
            raise CarrierUnavailable(f"EasyPost refused our account: {exc}") from exc
        except ApiError as exc:
            raise CarrierDeclined(f"EasyPost refused: {exc}", code=exc.code) from exc
