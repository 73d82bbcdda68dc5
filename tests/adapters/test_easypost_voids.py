"""Voiding an unused label through EasyPost's shipment refund, with the official SDK.

The recordings hold no refund, so these answers are CONSTRUCTED (tests/fixtures/README.md): the bought
shipment EasyPost recorded, as GET /v2/shipments/<id> and POST /v2/shipments/<id>/refund return it,
with the refund_status values EasyPost documents; the variants below edit that answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
import vcr
import yaml

from returns_shared.adapters.easypost_carrier import EasyPostCarrier
from returns_shared.service.ports import NOT_BOUGHT, CarrierUnavailable, LabelVoid, LabelVoidRefused

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "easypost"
CONSTRUCTED = yaml.safe_load((FIXTURES / "constructed_shipment_refund.yaml").read_text())
SHIPMENT = "shp_16578f588f9546ec914afd2474e24ff5"
NUMBER = "9400100208303109505657"


@pytest.fixture
def sent(monkeypatch) -> list[str]:
    """Which requests the SDK made (method and path), in order."""
    calls: list[str] = []
    original = requests.Session.request

    def spy(self: requests.Session, method: str, url: str, **kwargs: Any) -> Any:
        calls.append(f"{method.upper()} {url.split('/v2', 1)[1]}")
        return original(self, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, "request", spy)
    return calls


def replay(tmp_path: Path, *, shipment: dict[str, Any] | None = None, refund: dict[str, Any] | None = None,
           refund_status: int = 200) -> vcr.cassette.Cassette:
    """The constructed cassette, its answers edited: `shipment` merged into the GET answer, `refund`
    into (or, with an error status, replacing) the POST answer."""
    get, post = json.loads(json.dumps(CONSTRUCTED["interactions"]))
    for interaction, change in ((get, shipment), (post, refund)):
        body = json.loads(interaction["response"]["body"]["string"])
        if change is not None:
            body = change if interaction is post and refund_status >= 400 else {**body, **change}
        interaction["response"]["body"]["string"] = json.dumps(body)
    post["response"]["status"] = {"code": refund_status, "message": "edited"}
    (tmp_path / "void.yaml").write_text(yaml.safe_dump({"interactions": [get, post], "version": 1}))
    player = vcr.VCR(cassette_library_dir=str(tmp_path), record_mode="none", match_on=["method", "path"])
    return player.use_cassette("void.yaml", allow_playback_repeats=False)


def void(carrier: EasyPostCarrier | None = None) -> LabelVoid:
    return (carrier or EasyPostCarrier(lambda: "EZTK_test")).void_label(shipment_id=SHIPMENT,
                                                                         tracking_number=NUMBER)


def test_an_unused_label_is_refunded(tmp_path, sent):
    with replay(tmp_path):
        assert void() == LabelVoid(voided=True, status="submitted")
    assert sent == [f"GET /shipments/{SHIPMENT}", f"POST /shipments/{SHIPMENT}/refund"]


def test_a_refund_asked_for_before_is_not_asked_again(tmp_path, sent):
    """A worker that crashed after asking: the shipment already says so."""
    with replay(tmp_path, shipment={"refund_status": "submitted"}):
        assert void() == LabelVoid(voided=True, status="submitted")
    assert sent == [f"GET /shipments/{SHIPMENT}"]


def test_a_shipment_never_bought_has_nothing_to_refund(tmp_path, sent):
    """A label purchase its return no longer wanted (canceled while the answer was lost), never sold."""
    with replay(tmp_path, shipment={"postage_label": None, "tracking_code": None, "selected_rate": None}):
        assert EasyPostCarrier(lambda: "EZTK_test").void_label(shipment_id=SHIPMENT, tracking_number=None) \
            == LabelVoid(voided=True, status=NOT_BOUGHT)
    assert sent == [f"GET /shipments/{SHIPMENT}"]


def test_a_scanned_label_is_never_sent_for_a_refund(tmp_path, sent):
    in_transit = {"status": "in_transit", "tracker": {**json.loads(
        CONSTRUCTED["interactions"][0]["response"]["body"]["string"])["tracker"], "status": "in_transit"}}
    with replay(tmp_path, shipment=in_transit):
        assert void() == LabelVoid(voided=False, status="in_transit")
    assert sent == [f"GET /shipments/{SHIPMENT}"]


def test_a_bill_on_scan_carrier_counts_as_voided(tmp_path):
    with replay(tmp_path, refund={"refund_status": "not_applicable"}):
        assert void() == LabelVoid(voided=True, status="not_applicable")


def test_a_rejected_refund_is_asked_again_later(tmp_path):
    """EasyPost: a refund asked for soon after the label was bought may be rejected wrongly; retry."""
    with replay(tmp_path, refund={"refund_status": "rejected"}), pytest.raises(CarrierUnavailable):
        void()


def test_a_refused_refund_is_final(tmp_path):
    error = {"error": {"code": "SHIPMENT.REFUND.UNAVAILABLE", "message": "Refund window has passed",
                       "errors": []}}
    with replay(tmp_path, refund=error, refund_status=422), pytest.raises(LabelVoidRefused) as refused:
        void()
    assert "Refund window has passed" in str(refused.value)


def test_an_easypost_outage_is_tried_again_later(tmp_path):
    with replay(tmp_path, refund={"error": {"code": "INTERNAL", "message": "down", "errors": []}},
                refund_status=503), pytest.raises(CarrierUnavailable):
        void()


def test_a_label_without_a_shipment_cannot_be_voided_through_easypost():
    with pytest.raises(LabelVoidRefused):
        EasyPostCarrier(lambda: "EZTK_test").void_label(shipment_id=None, tracking_number=NUMBER)
