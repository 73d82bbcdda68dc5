"""The EasyPost adapters through the official SDK, replaying EasyPost's own recorded API answers
(tests/fixtures/easypost, vcrpy) and its signed webhook event. Nothing reaches the network."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
import vcr
import yaml

from returns_shared.adapters.easypost_carrier import CarrierDeclined, EasyPostCarrier, as_pdf
from returns_shared.adapters.easypost_webhooks import EasyPostWebhookEvents
from returns_shared.domain.money import Money
from returns_shared.service.ports import (
    CarrierUnavailable,
    InvalidWebhook,
    IssuedLabel,
    LabelDeclined,
    LabelShipmentGone,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "easypost"
REPLAY = vcr.VCR(cassette_library_dir=str(FIXTURES), record_mode="none", match_on=["method", "path"])
# EasyPost's recording of one shipment: created (rates, nothing bought), then bought
CREATE, BUY = yaml.safe_load((FIXTURES / "test_shipment_buy.yaml").read_text())["interactions"]
SHIPMENT = "shp_16578f588f9546ec914afd2474e24ff5"
LABEL_URL = ("https://easypost-files.s3.us-west-2.amazonaws.com/files/postage_label/20250307/"
             "e813a2cf6d079c4ea49714758be7711be0.png")
CUSTOMER = {
    "name": "Jane Doe",
    "line1": "350 Fifth Avenue",
    "line2": None,
    "city": "New York",
    "region": "NY",
    "postal_code": "10118",
    "country_code": "US",
    "phone": "+1 212 736 3100",
}
WAREHOUSE = {
    "name": "Allegra K Returns",
    "line1": "2450 Distribution Drive",
    "line2": "Dock 4",
    "city": "Reno",
    "region": "NV",
    "postal_code": "89502",
    "country_code": "US",
    "phone": None,
}
PNG = b"\x89PNG\r\n\x1a\n"


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def sent(monkeypatch) -> list[dict[str, Any]]:
    """What the SDK asked EasyPost (the cassettes answer; requests is still the SDK's transport)."""
    calls: list[dict[str, Any]] = []
    original = requests.Session.request

    def spy(self: requests.Session, method: str, url: str, **kwargs: Any) -> Any:
        calls.append({"method": method, "url": url, "json": kwargs.get("json")})
        return original(self, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, "request", spy)
    return calls


def _read_as(answer: dict[str, Any], *, status: int = 200,
             body: dict[str, Any] | None = None) -> dict[str, Any]:
    """GET /v2/shipments/<id> answering the shipment as a recorded answer holds it (CONSTRUCTED from the
    recording: before buying, the create's answer; after, the buy's), or an error status and body."""
    read = json.loads(json.dumps(answer))
    read["request"].update(method="GET", body=None, uri=f"https://api.easypost.com/v2/shipments/{SHIPMENT}")
    read["response"]["status"] = {"code": status, "message": "edited" if status >= 400 else "OK"}
    if body is not None:
        read["response"]["body"]["string"] = json.dumps(body)
    return read


def _answering(interaction: dict[str, Any], status: int, body: dict[str, Any]) -> dict[str, Any]:
    edited = json.loads(json.dumps(interaction))
    edited["response"]["status"] = {"code": status, "message": "edited"}
    edited["response"]["body"]["string"] = json.dumps(body)
    return edited


def replay(tmp_path: Path, *interactions: dict[str, Any]) -> Any:
    """These interactions, each answered once, in order."""
    cassette = {"interactions": list(interactions), "version": 1}
    (tmp_path / "shipment.yaml").write_text(yaml.safe_dump(cassette))
    player = vcr.VCR(cassette_library_dir=str(tmp_path), record_mode="none", match_on=["method", "path"])
    return player.use_cassette("shipment.yaml", allow_playback_repeats=False)


def issue(carrier: EasyPostCarrier, rma_id: str) -> IssuedLabel:
    """What the label function does: the shipment created (its id recorded on the return), then bought."""
    shipment_id = carrier.create_label_shipment(rma_id=rma_id, ship_from=CUSTOMER, ship_to=WAREHOUSE,
                                                fee=Money.of("0.00", "USD"))
    return carrier.buy_label(shipment_id)


def test_a_return_label_is_bought_at_the_cheapest_rate_and_kept_as_a_pdf(sent, tmp_path):
    fetched: list[str] = []
    label_png = _png()

    def fetch(url: str) -> bytes:  # the label file lives on EasyPost's own storage: stubbed
        fetched.append(url)
        return label_png

    carrier = EasyPostCarrier(lambda: "EZTK_test", carriers=("USPS",), fetch=fetch)
    with replay(tmp_path, CREATE, _read_as(CREATE), BUY):
        issued = issue(carrier, "RMA-EP0000001")
    assert (issued.carrier, issued.tracking_number) == ("USPS", "9400100208303109505657")
    assert issued.tracker_id == "trk_279431562ef84af89555e5c8a2029b2f"  # buying created the tracker
    assert issued.shipment_id == SHIPMENT
    assert issued.postage == Money(amount=Decimal("6.07"), currency="USD")
    assert issued.pdf.startswith(b"%PDF-")
    assert fetched == [LABEL_URL]

    create, read, buy = sent
    shipment = create["json"]["shipment"]
    assert shipment["is_return"] is True and shipment["reference"] == "RMA-EP0000001"
    # given as the original delivery (warehouse → customer): EasyPost swaps them for a return
    assert (
        shipment["to_address"]["street1"] == "350 Fifth Avenue" and shipment["to_address"]["zip"] == "10118"
    )
    assert shipment["from_address"]["street1"] == "2450 Distribution Drive"
    assert "street2" not in shipment["to_address"]  # no empty fields sent
    assert (read["method"].upper(), read["url"]) == ("GET", f"https://api.easypost.com/v2/shipments/{SHIPMENT}")
    assert buy["url"].endswith(f"/shipments/{SHIPMENT}/buy")
    assert buy["json"] == {"rate": {"id": "rate_4d1f36fa716c4b1292cacbdf19227c2d"}}  # GroundAdvantage 6.07


def test_resuming_a_shipment_that_was_bought_takes_its_label_and_buys_nothing(sent, tmp_path):
    """The buy's answer was lost (a timeout) or its label file not fetched: the retry reads the shipment,
    EasyPost says it is bought, and its label is fetched again. No second purchase."""
    carrier = EasyPostCarrier(lambda: "EZTK_test", carriers=("USPS",), fetch=lambda url: _png())
    with replay(tmp_path, _read_as(BUY)):
        issued = carrier.buy_label(SHIPMENT)
    assert [call["method"].upper() for call in sent] == ["GET"]  # no POST /buy
    assert (issued.tracking_number, issued.shipment_id) == ("9400100208303109505657", SHIPMENT)
    assert issued.postage == Money(amount=Decimal("6.07"), currency="USD") and issued.carrier == "USPS"


POSTAGE_EXISTS = {"error": {"code": "SHIPMENT.POSTAGE.EXISTS", "message": "Postage already exists for this "
                            "shipment.", "errors": []}}


def test_a_purchase_refused_because_the_shipment_was_bought_meanwhile_reads_the_label_back(sent, tmp_path):
    """EasyPost sells a shipment once: a purchase that got there first (a lost answer's) wins."""
    carrier = EasyPostCarrier(lambda: "EZTK_test", carriers=("USPS",), fetch=lambda url: _png())
    with replay(tmp_path, _read_as(CREATE), _answering(BUY, 422, POSTAGE_EXISTS), _read_as(BUY)):
        issued = carrier.buy_label(SHIPMENT)
    assert [call["method"].upper() for call in sent] == ["GET", "POST", "GET"]
    assert issued.tracking_number == "9400100208303109505657"


def test_a_purchase_said_done_but_not_readable_yet_is_asked_again_later(tmp_path):
    carrier = EasyPostCarrier(lambda: "EZTK_test", carriers=("USPS",), fetch=lambda url: _png())
    with replay(tmp_path, _read_as(CREATE), _answering(BUY, 422, POSTAGE_EXISTS), _read_as(CREATE)), \
            pytest.raises(CarrierUnavailable):
        carrier.buy_label(SHIPMENT)


def test_a_shipment_easypost_does_not_know_is_gone_and_is_replaced_by_the_service(tmp_path):
    missing = {"error": {"code": "NOT_FOUND", "message": "The requested resource could not be found.",
                         "errors": []}}
    carrier = EasyPostCarrier(lambda: "EZTK_test", carriers=("USPS",), fetch=lambda url: _png())
    with replay(tmp_path, _read_as(CREATE, status=404, body=missing)), pytest.raises(LabelShipmentGone):
        carrier.buy_label(SHIPMENT)


def test_no_rate_from_the_configured_carriers_is_declined_before_anything_is_recorded():
    carrier = EasyPostCarrier(lambda: "EZTK_test", carriers=("FEDEX",), fetch=lambda url: b"")
    with REPLAY.use_cassette("test_shipment_create.yaml"), pytest.raises(LabelDeclined) as refused:
        carrier.create_label_shipment(rma_id="RMA-EP0000002", ship_from=CUSTOMER, ship_to=WAREHOUSE,
                                      fee=Money.of("0.00", "USD"))
    assert "no rate from FEDEX" in str(refused.value)  # for good: the label function records it


def test_a_label_file_that_cannot_be_fetched_is_retried_later(tmp_path):
    def fetch(url: str) -> bytes:
        raise requests.ConnectionError("storage unreachable")

    carrier = EasyPostCarrier(lambda: "EZTK_test", carriers=("USPS",), fetch=fetch)
    with replay(tmp_path, _read_as(CREATE), BUY), pytest.raises(CarrierUnavailable):
        carrier.buy_label(SHIPMENT)  # bought: the retry takes it (above) without buying again


def test_a_self_shipped_number_gets_a_tracker(sent):
    carrier = EasyPostCarrier(lambda: "EZTK_test")
    with REPLAY.use_cassette("test_tracker_create.yaml"):
        tracker = carrier.track(tracking_number="EZ1000000001", carrier="USPS")
    assert tracker == "trk_e7e8f143f3eb40d38be9562e3767c36a"
    assert sent[0]["json"] == {"tracker": {"tracking_code": "EZ1000000001", "carrier": "USPS"}}


def test_as_pdf_keeps_pdfs_and_wraps_images():
    assert as_pdf(b"%PDF-1.4 already") == b"%PDF-1.4 already"
    wrapped = as_pdf(_png())
    assert wrapped.startswith(b"%PDF-") and b"/Image" in wrapped


# -- the webhook ---------------------------------------------------------------------------------

EVENT = json.loads((FIXTURES / "tracker-updated-event.json").read_text())
SIGNED = json.loads((FIXTURES / "webhook-signature.json").read_text())
BODY = json.dumps(EVENT, separators=(",", ":")).encode()  # what EasyPost signed (fixtures README)


def events() -> EasyPostWebhookEvents:
    return EasyPostWebhookEvents(lambda: SIGNED["secret"])


def test_a_signed_tracker_event_is_read_scan_by_scan():
    update = events().tracking_update(BODY, {"x-hmac-signature": SIGNED["hmac_signature"]})  # lower-cased
    assert update is not None
    assert (update.event_id, update.tracking_number, update.carrier, update.status) == ("evt_1", "1", "FedEx",
                                                                                        "in_transit")
    assert [scan.status for scan in update.scans][:2] == ["pre_transit", "in_transit"]
    assert update.scans == tuple(sorted(update.scans, key=lambda scan: scan.at))
    assert update.scans[1].location == "ORLANDO FL US"


@pytest.mark.parametrize("headers", [
    {},
    {"X-Hmac-Signature": "hmac-sha256-hex=" + "0" * 64},
    {"X-Hmac-Signature": SIGNED["hmac_signature"].upper()},
])
def test_unsigned_or_forged_events_are_refused(headers):
    with pytest.raises(InvalidWebhook):
        events().tracking_update(BODY, headers)


def test_a_tampered_body_is_refused():
    tampered = BODY.replace(b'"in_transit"', b'"delivered"', 1)
    with pytest.raises(InvalidWebhook):
        events().tracking_update(tampered, {"X-Hmac-Signature": SIGNED["hmac_signature"]})


def test_other_event_types_are_acknowledged_and_ignored():
    from returns_devstack.webhooks import easypost_signature

    body = json.dumps({**EVENT, "description": "batch.updated"}, separators=(",", ":")).encode()
    signature = easypost_signature(body, SIGNED["secret"])
    assert events().tracking_update(body, {"X-Hmac-Signature": signature}) is None


def _create_answering(tmp_path: Path, status: int, body: dict[str, Any]) -> Any:
    """EasyPost's recorded `POST /v2/shipments`, its answer replaced (constructed: see the fixtures'
    README): an error status with EasyPost's documented error body."""
    return replay(tmp_path, _answering(CREATE, status, body))


ADDRESS_REFUSED = {"error": {"code": "ADDRESS.VERIFY.FAILURE", "message": "Unable to verify address.",
                             "errors": [{"field": "address", "message": "Address not found"}]}}


def test_a_refused_address_is_a_label_declined_for_good_that_the_label_function_records(tmp_path):
    carrier = EasyPostCarrier(lambda: "EZTK_test", carriers=("USPS",), fetch=lambda url: b"")
    with _create_answering(tmp_path, 422, ADDRESS_REFUSED), pytest.raises(LabelDeclined) as refused:
        carrier.create_label_shipment(rma_id="RMA-EP0000004", ship_from=CUSTOMER, ship_to=WAREHOUSE,
                                      fee=Money.of("0.00", "USD"))
    assert isinstance(refused.value, CarrierDeclined) and "Unable to verify address" in str(refused.value)


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_transient_easypost_error_is_not_a_refusal(tmp_path, status):
    carrier = EasyPostCarrier(lambda: "EZTK_test", carriers=("USPS",), fetch=lambda url: b"")
    error = {"error": {"code": "INTERNAL_SERVER_ERROR", "message": "try again", "errors": []}}
    with _create_answering(tmp_path, status, error), pytest.raises(CarrierUnavailable):
        carrier.create_label_shipment(rma_id="RMA-EP0000006", ship_from=CUSTOMER, ship_to=WAREHOUSE,
                                      fee=Money.of("0.00", "USD"))


def _resigned(event) -> tuple[bytes, dict[str, str]]:
    from returns_devstack.webhooks import easypost_signature

    body = json.dumps(event, separators=(",", ":")).encode()
    return body, {"X-Hmac-Signature": easypost_signature(body, SIGNED["secret"])}


def _without(mapping, key):
    return {k: v for k, v in mapping.items() if k != key}


@pytest.mark.parametrize("event", [
    _without(EVENT, "id"),
    {**EVENT, "result": {**EVENT["result"], "tracking_details": [
        {**EVENT["result"]["tracking_details"][0], "datetime": "yesterday"}]}},
    {**EVENT, "result": {**EVENT["result"], "tracking_details": ["not a scan"]}},
    {**EVENT, "result": "not a tracker"},
], ids=["no event id", "a scan time that is no time", "a scan that is no object",
        "a result that is no object"])
def test_a_signed_event_in_another_shape_is_refused_not_a_crash(event):
    """Only the secret's holder can sign one, but a 500 would make EasyPost retry it for days."""
    with pytest.raises(InvalidWebhook):
        events().tracking_update(*_resigned(event))
