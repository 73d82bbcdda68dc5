from __future__ import annotations

import re

import pytest
from adapters_testdata import CUSTOMER_ADDRESS, WAREHOUSE, usd

from returns_shared.adapters.carrier_local import LocalCarrier
from returns_shared.service.ports import NOT_BOUGHT, LabelShipmentGone, LabelVoid


def issue(fee: str = "0.00", entropy=lambda: 123456789, carrier: LocalCarrier | None = None):
    carrier = carrier or LocalCarrier(entropy=entropy)
    shipment_id = carrier.create_label_shipment(
        rma_id="RMA-7Q2K9", ship_from=CUSTOMER_ADDRESS.model_dump(), ship_to=WAREHOUSE, fee=usd(fee)
    )
    return carrier.buy_label(shipment_id)


def test_tracking_number_has_a_fixed_format():
    label = issue(entropy=lambda: 10**40 + 42)
    assert label.tracking_number == "1ZRL00000000000042"
    assert label.carrier == "UPS"
    assert re.fullmatch(r"1ZRL\d{14}", LocalCarrier().new_tracking_number())


def test_label_is_a_one_page_pdf_with_both_addresses_and_the_rma():
    label = issue()
    pdf = label.pdf
    assert pdf.startswith(b"%PDF")
    assert b"/Count 1" in pdf  # one page
    for text in (
        b"Prepaid return label",
        b"FROM",
        b"Jane Doe",
        b"12 Elm Street",
        b"Springfield, IL 62701",
        b"TO",
        b"Allegra K Returns Center",
        b"500 Distribution Way",
        b"Reno, NV 89502",
        b"RMA: RMA-7Q2K9",
        b"Free return label",
        b"Keep your tracking number",
    ):
        assert text in pdf, text
    assert label.tracking_number == "1ZRL00000123456789"
    assert f"Tracking number: {label.tracking_number}".encode() in pdf


def test_fee_line_when_the_label_costs_something():
    assert b"Label fee: 6.99 USD, deducted from your refund" in issue("6.99").pdf


def test_barcode_is_drawn_as_code128_bars():
    from reportlab.graphics.barcode.code128 import Code128

    label = issue()
    bars = Code128(label.tracking_number)
    bars.validate()
    bars.encode()
    bars.decompose()
    # every bar of the symbol is a filled rectangle: the label draws at least that many
    expected_bars = sum(1 for i, _ in enumerate(bars.decomposed) if i % 2 == 0)
    assert expected_bars > 20
    assert label.pdf.count(b" re f") >= expected_bars


def test_same_input_renders_the_same_bytes():
    assert issue().pdf == issue().pdf


def test_a_local_label_carries_its_shipment_and_is_voided_locally():
    carrier = LocalCarrier(entropy=lambda: 42)
    label = issue(carrier=carrier)
    assert label.shipment_id == f"shp_local_{label.tracking_number}"
    first = carrier.void_label(shipment_id=label.shipment_id, tracking_number=label.tracking_number)
    again = carrier.void_label(shipment_id=label.shipment_id, tracking_number=label.tracking_number)
    assert first == again and first.voided and carrier.voided == {label.tracking_number}


def test_a_local_shipment_is_sold_once_and_counted():
    carrier = LocalCarrier()
    label = issue(carrier=carrier)
    assert carrier.buy_label(label.shipment_id) == label  # bought again: the same label, nothing new
    unbought = carrier.create_label_shipment(rma_id="RMA-7Q2K9", ship_from=CUSTOMER_ADDRESS.model_dump(),
                                             ship_to=WAREHOUSE, fee=usd("0.00"))
    assert carrier.bought_labels() == {"RMA-7Q2K9": [label.shipment_id]}
    assert carrier.void_label(shipment_id=unbought, tracking_number=None) == LabelVoid(voided=True,
                                                                                         status=NOT_BOUGHT)
    with pytest.raises(LabelShipmentGone):  # a restarted local stack knows none of its old shipments
        LocalCarrier().buy_label(label.shipment_id)
