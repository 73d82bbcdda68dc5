"""One return buys at most one carrier label, whatever fails where: the shipment is recorded on the return
before it is bought, and every retry (the queue's redelivery, an agent's retryLabel) buys that same
shipment, which the carrier sells once, or takes the label it already bought. A purchase the return no
longer wants is closed through the carrier: voided when it was bought after all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from returns_shared.service import labels
from returns_shared.service.ports import CarrierUnavailable, IssuedLabel

from . import builders as b
from .fakes import Outage, World
from .test_label_voids import approved_prepaid, cancel


def fail_next_buy(world: World) -> None:
    """The next purchase fails before the carrier acts (a 503): nothing bought, the shipment recorded."""
    real: Callable[[str], IssuedLabel] = world.carrier.buy_label

    def unavailable(shipment_id: str) -> IssuedLabel:
        world.carrier.buy_label = real  # type: ignore[method-assign]
        raise CarrierUnavailable(f"EasyPost buy {shipment_id}: 503 Service Unavailable")

    world.carrier.buy_label = unavailable  # type: ignore[method-assign]


def open_purchase(world: World, *, bought: bool) -> str:
    """An approved prepaid return whose first purchase failed after its shipment was recorded: bought
    (the answer lost) or not (the carrier unavailable)."""
    rid = approved_prepaid(world)
    if bought:
        world.carrier.lost_answers = 1
    else:
        fail_next_buy(world)
    with pytest.raises(CarrierUnavailable):
        labels.issue_label(rid, world.deps)
    return rid


def test_a_purchase_whose_answer_was_lost_is_resumed_and_not_bought_again():
    world = World()
    rid = open_purchase(world, bought=True)  # EasyPost bought the label, the answer timed out
    pending = world.stored(rid)
    assert pending.label is None and pending.label_purchase is not None
    assert pending.label_purchase.shipment_id == "shp_000001" and rid not in world.table.label_leases
    assert labels.issue_label(rid, world.deps) == "TRK000001"  # the queue's redelivery
    ret = world.stored(rid)
    assert len(world.carrier.issued) == 1 and list(world.carrier.shipments) == ["shp_000001"]
    assert ret.label is not None and ret.label.shipment_id == "shp_000001" and ret.label_purchase is None
    assert len(world.mailer.sent) == 1
    assert labels.issue_label(rid, world.deps) is None and len(world.carrier.issued) == 1


def test_a_bought_label_whose_file_was_not_fetched_is_fetched_again_without_a_new_purchase():
    world = World()
    rid = approved_prepaid(world)
    world.carrier.label_file_down = True
    for _ in range(2):  # the redelivery while the file store is still down buys nothing either
        with pytest.raises(CarrierUnavailable):
            labels.issue_label(rid, world.deps)
        assert len(world.carrier.issued) == 1 and world.stored(rid).label is None
    world.carrier.label_file_down = False
    assert labels.issue_label(rid, world.deps) == "TRK000001"
    assert len(world.carrier.issued) == 1 and len(world.carrier.shipments) == 1


def test_a_worker_that_failed_before_recording_the_label_leaves_it_to_the_retry():
    world = World()
    rid = approved_prepaid(world)
    world.labels.down = True  # bought, then S3 fails before the label is on the return
    with pytest.raises(Outage):
        labels.issue_label(rid, world.deps)
    world.labels.down = False
    assert labels.issue_label(rid, world.deps) == "TRK000001"
    assert len(world.carrier.issued) == 1 and world.stored(rid).label.tracking_number == "TRK000001"


def test_a_shipment_the_carrier_no_longer_knows_is_replaced_by_a_new_one():
    world = World()
    rid = open_purchase(world, bought=False)
    del world.carrier.shipments["shp_000001"]  # e.g. made with the other (test) API key
    assert labels.issue_label(rid, world.deps) == "TRK000001"
    assert world.stored(rid).label.shipment_id == "shp_000002" and len(world.carrier.issued) == 1


def test_a_refusal_of_the_recorded_shipment_is_recorded_and_the_agents_retry_starts_anew():
    world = World()
    rid = open_purchase(world, bought=False)
    world.carrier.refuse_labels = "no rate for this parcel"
    assert labels.issue_label(rid, world.deps) is None  # refused for good: recorded, consumed
    ret = world.stored(rid)
    assert ret.label_failure is not None and ret.label_purchase is None
    world.carrier.refuse_labels = None
    assert world.command("retryLabel", b.AGENT, {"id": rid})["userErrors"] == []
    assert world.stored(rid).label.shipment_id == "shp_000002" and len(world.carrier.issued) == 1


def refused_then_retried_in_vain(world: World) -> tuple[str, dict[str, Any]]:
    """The carrier refused the label; an agent's retry bought one, but its answer was lost."""
    rid = approved_prepaid(world)
    world.carrier.refuse_labels = "address not found"
    labels.issue_label(rid, world.deps)
    world.carrier.refuse_labels, world.carrier.lost_answers = None, 1
    return rid, world.command("retryLabel", b.AGENT, {"id": rid})


def test_an_agents_retry_that_timed_out_is_resumed_by_the_next_retry():
    world = World()
    rid, answer = refused_then_retried_in_vain(world)
    assert [error["code"] for error in answer["userErrors"]] == ["CARRIER_UNAVAILABLE"]
    assert "never buys a second label" in answer["userErrors"][0]["message"]
    assert world.command("retryLabel", b.AGENT, {"id": rid})["userErrors"] == []
    ret = world.stored(rid)
    assert ret.label is not None and ret.label_failure is None and len(world.carrier.issued) == 1


@pytest.mark.parametrize("bought", [True, False], ids=["bought", "never bought"])
def test_a_purchase_left_open_by_a_canceled_return_is_closed_through_the_carrier(bought):
    world = World()
    rid = open_purchase(world, bought=bought)
    cancel(world, rid)
    assert rid in world.table.labels_to_void  # in the cancel's own write: the sweep finds it
    assert labels.issue_label(rid, world.deps) is None  # a redelivered ReturnApproved buys nothing
    ret = world.stored(rid)
    assert ret.label_purchase is None and ret.label is None and rid not in world.table.labels_to_void
    assert len(world.carrier.issued) == int(bought)
    assert world.carrier.voids == (["shp_000001"] if bought else [])
    closing = ret.timeline[-1]
    assert closing.internal and "shp_000001" in (closing.note or "")
    assert ("voided (submitted)" if bought else "never bought") in (closing.note or "")
    assert labels.void_label(rid, world.deps) is None and (rid, "label") not in world.table.emails


def test_a_purchase_left_open_when_the_customer_ships_on_their_own_is_voided_by_the_sweep():
    world = World()
    rid, _ = refused_then_retried_in_vain(world)
    answer = world.command("submitReturnTracking", b.customer(),
                           {"id": rid, "carrier": "USPS", "trackingNumber": "9400111899223100000001"})
    assert answer["userErrors"] == [] and rid in world.table.labels_to_void
    world.clock.advance(minutes=16)
    assert labels.void_unused_labels(world.deps)["failed"] == 0
    assert world.carrier.voids == ["shp_000001"] and world.stored(rid).label_purchase is None
