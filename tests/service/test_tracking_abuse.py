"""Nothing a customer repeats grows a return without bound, and one package belongs to one customer:
the same tracking number again is a no-op, replacements are limited, a number on another customer's
active return is refused, scans and return requests are bounded."""

from __future__ import annotations

from datetime import timedelta

import pytest

from returns_shared.domain.tracking import CarrierScan
from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.service import labels, requests, screening, tracking
from returns_shared.service.ports import TrackingUpdate

from . import builders as b
from .fakes import World

BOB = "bob@example.com"
NUMBER = "9400111899223856928499"


def codes(answer: dict) -> list[str]:
    return [error["code"] for error in answer["userErrors"]]


def approved(world: World, *, email: str = b.ALICE, order_id: str = "O1", line: str = "L1",
             method: str = "SELF_SHIP") -> str:
    if order_id not in world.table.orders:
        world.table.put_order(b.order(order_id, email=email))
    answer = world.command("requestReturn", b.customer(email),
                           b.request_input(order_id, lines=(line,), key=f"{order_id}-{line}", method=method))
    assert answer["userErrors"] == [], answer
    screening.screen_return(answer["returnId"], world.deps)
    return answer["returnId"]


def submit(world: World, rid: str, number: str = NUMBER, *, carrier: str = "USPS", email: str = b.ALICE,
           caller=None) -> dict:
    return world.command("submitReturnTracking", caller or b.customer(email),
                         {"id": rid, "carrier": carrier, "trackingNumber": number})


def test_the_same_number_again_changes_nothing():
    world = World()
    rid = approved(world)
    assert submit(world, rid)["userErrors"] == []
    before, published = world.stored(rid), len(world.events.published)
    for _ in range(50):  # ~2,000 of these used to push the item past DynamoDB's 400 KB
        assert submit(world, rid, NUMBER.lower(), carrier="usps")["userErrors"] == []
    after = world.stored(rid)
    assert after.version == before.version and after.timeline == before.timeline
    assert len(world.events.published) == published  # no TrackingSubmitted: no new billed tracker


def test_a_customer_replaces_the_number_three_times_then_customer_service_does():
    world = World()
    rid = approved(world)
    submit(world, rid)
    for n in range(requests.TRACKING_REPLACEMENTS_BY_CUSTOMER):
        assert submit(world, rid, f"1Z999AA1012345678{n}", carrier="UPS")["userErrors"] == []
    before = world.stored(rid)
    answer = submit(world, rid, "1Z999AA10123456789", carrier="UPS")
    assert codes(answer) == ["INVALID_STATE"]
    assert "contact customer service" in answer["userErrors"][0]["message"]
    assert world.stored(rid) == before  # nothing changed
    assert submit(world, rid, "1Z999AA10123456789", carrier="UPS", caller=b.AGENT)["userErrors"] == []
    assert world.stored(rid).tracking_number == "1Z999AA10123456789"
    assert sum(1 for e in world.stored(rid).timeline if (e.note or "").startswith("tracking replaced")) == 4


def test_a_number_on_another_customers_active_return_is_refused():
    world = World()
    janes = approved(world)
    assert submit(world, janes)["userErrors"] == []
    bobs = approved(world, email=BOB, order_id="O2")
    answer = submit(world, bobs, NUMBER.lower(), email=BOB)
    # its own code: a page tells a number that is taken from a malformed one (and words it in its language)
    assert codes(answer) == ["TRACKING_NUMBER_TAKEN"]
    assert answer["userErrors"][0]["field"] == ["trackingNumber"]
    assert "another customer" in answer["userErrors"][0]["message"]
    assert world.stored(bobs).status == ReturnStatus.APPROVED and world.stored(bobs).tracking_number is None
    # an agent cannot put it there on Bob's behalf either
    assert codes(submit(world, bobs, caller=b.AGENT)) == ["TRACKING_NUMBER_TAKEN"]


def test_a_prepaid_labels_number_is_just_as_taken():
    world = World()
    janes = approved(world, method="PREPAID_LABEL")
    number = labels.issue_label(janes, world.deps)
    bobs = approved(world, email=BOB, order_id="O2")
    assert codes(submit(world, bobs, number, email=BOB)) == ["TRACKING_NUMBER_TAKEN"]


def test_the_same_customer_ships_several_returns_under_one_number():
    world = World()
    first = approved(world)
    second = approved(world, line="L2")
    assert submit(world, first)["userErrors"] == [] and submit(world, second)["userErrors"] == []
    assert {r.id for r in world.repo.returns_by_tracking_number(NUMBER)} == {first, second}


@pytest.mark.parametrize("ended", ["refunded", "canceled"])
def test_a_number_of_a_finished_or_void_return_is_free_again(ended):
    world = World()
    janes = approved(world)
    submit(world, janes)
    ret = world.stored(janes)
    ret.status = ReturnStatus.REFUNDED if ended == "refunded" else ReturnStatus.CANCELED
    world.deps.save_return(ret)
    bobs = approved(world, email=BOB, order_id="O2")
    assert submit(world, bobs, email=BOB)["userErrors"] == []


def test_a_stale_index_entry_does_not_block(monkeypatch):
    """Jane replaced the number a moment ago; the index still lists her return under the old one."""
    world = World()
    janes = approved(world)
    submit(world, janes)
    stale = world.stored(janes)
    submit(world, janes, "1Z999AA10123456784", carrier="UPS")
    monkeypatch.setattr(world.repo, "returns_by_tracking_number", lambda number: [stale])
    bobs = approved(world, email=BOB, order_id="O2")
    assert submit(world, bobs, email=BOB)["userErrors"] == []


def test_a_package_moving_two_customers_returns_alerts_ops():
    """Two customers who gave one number within the index's lag: the first scan tells ops."""
    world = World()
    janes, bobs = approved(world), approved(world, email=BOB, order_id="O2")
    for rid in (janes, bobs):  # as if both had been accepted at the same moment
        ret = world.stored(rid)
        ret.submit_tracking(carrier="USPS", tracking_number=NUMBER, actor="customer", at=world.clock(),
                            replacements_allowed=3)
        world.deps.save_return(ret)
    scan = CarrierScan(status="delivered", message="Delivered", at=world.clock())
    update = TrackingUpdate(event_id="evt_1", tracking_number=NUMBER, carrier="USPS", status="delivered",
                            scans=(scan,))
    assert tracking.apply_tracking_update(update, world.deps) == "applied"
    assert world.alerts.subjects() == ["One package on several customers' returns"]
    assert janes in world.alerts.raised[0][1] and bobs in world.alerts.raised[0][1]


def test_a_packages_scans_are_noted_up_to_a_bound():
    world = World()
    rid = approved(world)
    submit(world, rid)
    start = world.clock()
    ret = world.stored(rid)
    length = len(ret.timeline)
    scans = [CarrierScan(status="in_transit", message=f"At facility {n}", at=start + timedelta(hours=n))
             for n in range(200)]
    assert ret.record_carrier_scans(scans, carrier="USPS", status="in_transit")
    assert len(ret.timeline) - length == 60 and len(ret.tracking.scan_keys) == 60
    assert ret.tracking.last_scan_at == scans[-1].at  # the package's state still follows the carrier


def test_request_cancel_loops_stop_at_a_bound_per_order():
    world = World()
    world.table.put_order(b.order())
    for n in range(requests.RETURNS_PER_ORDER):
        rid = world.command("requestReturn", b.customer(), b.request_input(key=f"k{n}"))["returnId"]
        assert world.command("cancelReturn", b.customer(), {"id": rid})["userErrors"] == []
    answer = world.command("requestReturn", b.customer(), b.request_input(key="one-more"))
    assert codes(answer) == ["INVALID_STATE"] and answer["userErrors"][0]["field"] == ["input", "orderId"]
    assert len(world.table.orders["O1"].return_ids) == requests.RETURNS_PER_ORDER


def test_a_late_event_with_an_older_scan_never_moves_the_package_back():
    """Issue 19 hole 6: EasyPost events may arrive out of order. A late event whose newest scan is
    older than one already recorded (out_for_delivery after delivered) only adds its scan to the
    history: the package's status follows the newest scan."""
    world = World()
    rid = approved(world)
    assert submit(world, rid)["userErrors"] == []
    number = NUMBER
    start = world.clock()
    picked = CarrierScan(status="in_transit", message="Picked up", at=start)
    out = CarrierScan(status="out_for_delivery", message="Out for delivery", at=start + timedelta(hours=20))
    delivered = CarrierScan(status="delivered", message="Delivered", at=start + timedelta(hours=26))
    newer = TrackingUpdate(event_id="evt_new", tracking_number=number, carrier="USPS", status="delivered",
                           scans=(picked, delivered))
    late = TrackingUpdate(event_id="evt_late", tracking_number=number, carrier="USPS",
                          status="out_for_delivery", scans=(picked, out))
    assert tracking.apply_tracking_update(newer, world.deps) == "applied"
    assert tracking.apply_tracking_update(late, world.deps) == "applied"  # its scan joins the history
    tracked = world.stored(rid).tracking
    assert tracked is not None
    assert (tracked.status, tracked.last_scan_at) == ("delivered", delivered.at)
    assert tracked.delivered_at == delivered.at
    assert "out for delivery: Out for delivery" in [entry.note for entry in world.stored(rid).timeline]
