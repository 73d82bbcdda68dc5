"""Unused prepaid labels are voided when their return is canceled or expires (label function), once,
never while in use; a label bought while the customer canceled is voided too."""

from __future__ import annotations

from datetime import timedelta

import pytest

from returns_shared.domain.tracking import CarrierScan
from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.service import labels, requests, screening
from returns_shared.service.ports import LabelVoid

from . import builders as b
from .fakes import Outage, World


def approved_prepaid(world: World, *, order_id: str = "O1", key: str = "k1") -> str:
    """A prepaid return screened and approved, its label not bought yet."""
    order = world.table.put_order(b.order(order_id))
    answer = world.command("requestReturn", b.customer(),
                           b.request_input(order.id, method="PREPAID_LABEL", key=key))
    rid = answer["returnId"]
    screening.screen_return(rid, world.deps)
    return rid


def labelled(world: World, *, order_id: str = "O1", key: str = "k1") -> str:
    rid = approved_prepaid(world, order_id=order_id, key=key)
    assert labels.issue_label(rid, world.deps)
    return rid


def cancel(world: World, rid: str) -> None:
    assert world.command("cancelReturn", b.customer(), {"id": rid})["userErrors"] == []


def notes(world: World, rid: str) -> list[str]:
    return [event.note or "" for event in world.stored(rid).timeline]


def test_a_canceled_returns_label_is_voided_once():
    world = World()
    rid = labelled(world)
    cancel(world, rid)
    assert world.events.types()[-1] == "ReturnCanceled"
    assert labels.void_label(rid, world.deps) == "submitted"
    label = world.stored(rid).label
    assert label is not None and label.voided and label.void_status == "submitted"
    assert world.carrier.voids == ["shp_000001"]  # the shipment id kept on the label
    assert notes(world, rid)[-1] == "label voided: LOCAL TRK000001 (submitted)"
    version = world.stored(rid).version
    assert labels.void_label(rid, world.deps) is None  # the event delivered again
    assert world.carrier.voids == ["shp_000001"] and world.stored(rid).version == version
    assert rid not in world.table.label_leases


def test_an_expired_returns_label_is_voided():
    world = World()
    rid = labelled(world)
    world.clock.advance(days=31)
    assert requests.expire_approved(world.deps)["expired"] == 1
    assert world.events.types()[-1] == "ReturnExpired"
    labels.void_label(rid, world.deps)
    assert world.stored(rid).status == ReturnStatus.EXPIRED and world.stored(rid).label.voided


def test_nothing_to_void_for_live_or_self_shipped_returns():
    world = World()
    rid = labelled(world)
    assert labels.void_label(rid, world.deps) is None  # still APPROVED: the customer may ship it
    world.table.put_order(b.order("O2"))
    self_ship = world.command("requestReturn", b.customer(), b.request_input("O2", key="k2"))["returnId"]
    cancel(world, self_ship)
    assert labels.void_label(self_ship, world.deps) is None
    assert labels.void_label("RMA-NONE", world.deps) is None
    assert world.carrier.voids == []


def test_a_label_the_carrier_scanned_is_never_voided():
    world = World()
    rid = labelled(world)
    pre = CarrierScan(status="pre_transit", message="Label created", at=world.clock())
    ret = world.stored(rid)
    ret.record_carrier_scans([pre], carrier="UPS", status="pre_transit")  # not shipped yet
    world.deps.save_return(ret)
    cancel(world, rid)
    # the customer dropped the package off anyway: its scan arrives after the cancellation
    scan = CarrierScan(status="in_transit", message="Picked up", at=world.clock() + timedelta(hours=1))
    ret = world.stored(rid)
    assert ret.record_carrier_scans([pre, scan], carrier="UPS", status="in_transit")
    assert ret.status == ReturnStatus.CANCELED  # noted, not moved
    world.deps.save_return(ret)
    assert labels.void_label(rid, world.deps) == "in use: in_transit"
    assert world.carrier.voids == [] and not world.stored(rid).label.voided
    assert notes(world, rid)[-1] == "label not voided: LOCAL TRK000001 (in use: in_transit)"
    assert labels.void_label(rid, world.deps) is None  # decided once


def test_the_carriers_in_use_answer_keeps_the_label():
    world = World()
    rid = labelled(world)
    cancel(world, rid)
    world.carrier.void_answer = LabelVoid(voided=False, status="in_transit")
    assert labels.void_label(rid, world.deps) == "in_transit"
    assert world.stored(rid).label.void_status == "in_transit" and not world.stored(rid).label.voided


def test_a_refused_void_is_recorded_and_raised_to_ops():
    world = World()
    rid = labelled(world)
    cancel(world, rid)
    world.carrier.refuse_voids = True
    assert labels.void_label(rid, world.deps).startswith("refused: ")
    assert world.alerts.subjects() == [f"Label of return {rid} not voided"]
    assert labels.void_label(rid, world.deps) is None and len(world.carrier.voids) == 1


def test_a_carrier_outage_leaves_it_for_the_retry():
    world = World()
    rid = labelled(world)
    cancel(world, rid)
    world.carrier.down = True
    with pytest.raises(Outage):
        labels.void_label(rid, world.deps)
    assert world.stored(rid).label_to_void and rid not in world.table.label_leases
    world.carrier.down = False
    assert labels.void_label(rid, world.deps) == "submitted"


def test_a_held_lease_sends_the_void_back_to_the_queue():
    world = World()
    rid = labelled(world)
    cancel(world, rid)
    world.table.label_leases[rid] = world.clock()  # another worker is on this label right now
    with pytest.raises(labels.LabelBusy):
        labels.void_label(rid, world.deps)
    assert world.carrier.voids == []


def test_a_label_bought_while_the_customer_canceled_is_voided_not_mailed():
    world = World()
    rid = approved_prepaid(world)
    world.carrier.on_issue = lambda: cancel(world, rid)  # the cancel lands while the label is bought
    assert labels.void_label(rid, world.deps) is None  # its ReturnCanceled event: no label yet
    assert labels.issue_label(rid, world.deps) is None
    ret = world.stored(rid)
    assert ret.status == ReturnStatus.CANCELED and ret.label is not None and ret.label.voided
    assert world.carrier.voids == ["shp_000001"]
    assert ret.tracking_number is None  # never offered: not the return's number
    assert not [mail for mail in world.mailer.sent if mail.attachments]
    assert "label bought after the return was canceled: LOCAL TRK000001" in notes(world, rid)


# -- the void-labels sweep: nothing is lost when an event is ---------------------------------------
def test_a_lost_event_is_made_up_for_by_the_sweep():
    world = World()
    rid = labelled(world)
    world.events.down = True  # ReturnCanceled never reaches the label function
    cancel(world, rid)
    world.events.down = False
    assert world.table.labels_to_void == {rid: world.clock()}  # flagged in the cancel's own write
    assert labels.void_unused_labels(world.deps) == {"voided": 0, "kept": 0, "failed": 0, "given_up": 0}
    world.clock.advance(minutes=16)
    assert labels.void_unused_labels(world.deps)["voided"] == 1
    assert world.stored(rid).label.voided and world.table.labels_to_void == {}
    assert labels.void_unused_labels(world.deps)["voided"] == 0 and len(world.carrier.voids) == 1


def test_the_event_path_takes_the_label_off_the_sweeps_list():
    world = World()
    rid = labelled(world)
    cancel(world, rid)
    labels.void_label(rid, world.deps)
    assert world.table.labels_to_void == {}


def test_the_sweep_retries_a_carrier_outage_and_gives_up_after_30_days():
    world = World()
    first, second = labelled(world), labelled(world, order_id="O2", key="k2")
    cancel(world, first)
    cancel(world, second)
    world.carrier.down = True
    world.clock.advance(minutes=16)
    assert labels.void_unused_labels(world.deps, page_size=1)["failed"] == 2  # both tried, page by page
    assert set(world.table.labels_to_void) == {first, second}
    world.clock.advance(days=31)
    assert labels.void_unused_labels(world.deps)["given_up"] == 2
    assert world.stored(first).label.void_status == "given up: not voided in 30 days"
    assert not world.stored(first).label.voided and world.table.labels_to_void == {}
    assert world.alerts.subjects() == [f"Label of return {rid} not voided" for rid in (first, second)]


def test_a_label_bought_as_the_return_ended_is_voided_even_if_the_carrier_was_down_then():
    world = World()
    rid = approved_prepaid(world)

    def cancel_and_fail_voids() -> None:
        cancel(world, rid)
        world.carrier.down = True

    world.carrier.on_issue = cancel_and_fail_voids
    with pytest.raises(Outage):
        labels.issue_label(rid, world.deps)
    assert rid in world.table.labels_to_void and world.stored(rid).label_to_void
    world.carrier.down, world.carrier.on_issue = False, None
    assert labels.issue_label(rid, world.deps) is None  # the ReturnApproved redelivery voids it
    assert world.stored(rid).label.voided and world.carrier.issued and len(world.carrier.issued) == 1
