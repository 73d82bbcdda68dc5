"""A prepaid label the carrier refuses for good: recorded once, the message consumed, ops alerted,
agents' queue (GSI3 marker), the customer told; transient errors still raise for redelivery;
retryLabel (agents) buys again; a customer who ships on their own turns the return SELF_SHIP."""

from __future__ import annotations

import pytest

from returns_shared.domain.vocabulary import ReturnMethod, ReturnStatus
from returns_shared.service import labels, requests, screening
from returns_shared.service.ports import CarrierUnavailable

from . import builders as b
from .fakes import Outage, World

REFUSAL = "Address not found: 1 Nowhere Rd, 99999"


def codes(answer: dict) -> list[str]:
    return [error["code"] for error in answer["userErrors"]]


def _approved_prepaid() -> tuple[World, str]:
    world = World()
    order = world.table.put_order(b.order())
    rid = world.command("requestReturn", b.customer(),
                        b.request_input(order.id, method="PREPAID_LABEL"))["returnId"]
    screening.screen_return(rid, world.deps)
    return world, rid


@pytest.fixture
def refused() -> tuple[World, str]:
    """An approved prepaid return whose label the carrier has just refused."""
    world, rid = _approved_prepaid()
    world.carrier.refuse_labels = REFUSAL
    assert labels.issue_label(rid, world.deps) is None  # consumed: no exception, no redelivery
    return world, rid


def test_a_refusal_is_recorded_once_listed_for_agents_alerted_and_told_to_the_customer(refused):
    world, rid = refused
    ret = world.stored(rid)
    assert ret.status == ReturnStatus.APPROVED and ret.label is None
    assert ret.label_failure is not None
    assert (ret.label_failure.attempt, ret.label_failure.reason) == (1, REFUSAL)
    assert ret.timeline[-1].note == f"label not issued (attempt 1): the carrier refused: {REFUSAL}"
    assert list(world.table.failed_labels) == [rid]
    assert world.alerts.subjects() == [f"Label refused: {rid}"] and REFUSAL in world.alerts.raised[0][1]
    [mail] = world.mailer.sent
    assert mail.subject == f"Return {rid}: we could not create your return label"
    assert "traceable carrier" in mail.text and "Ship your package to" in mail.text
    assert world.deps.repo.failed_labels(first=10, after=None).items[0].id == rid
    # a redelivered ReturnApproved asks the carrier nothing and records nothing more
    version = ret.version
    world.carrier.refuse_labels = None
    assert labels.issue_label(rid, world.deps) is None
    assert world.stored(rid).version == version and world.carrier.issued == []
    assert len(world.alerts.raised) == 1 and len(world.mailer.sent) == 1


def test_a_transient_carrier_error_raises_for_redelivery_and_records_nothing():
    world, rid = _approved_prepaid()
    world.carrier.down = True
    with pytest.raises(Outage):
        labels.issue_label(rid, world.deps)
    ret = world.stored(rid)
    assert ret.label_failure is None and world.table.failed_labels == {} and world.alerts.raised == []
    assert rid not in world.table.label_leases  # the redelivery can buy at once
    world.carrier.down = False
    assert labels.issue_label(rid, world.deps) is not None


def test_an_agent_retry_that_succeeds_attaches_mails_and_clears_the_queue(refused):
    world, rid = refused
    world.carrier.refuse_labels = None
    assert world.command("retryLabel", b.AGENT, {"id": rid})["userErrors"] == []
    ret = world.stored(rid)
    assert ret.label is not None and ret.label_failure is None and world.table.failed_labels == {}
    assert world.mailer.sent[-1].attachments[0][1] == b"%PDF-label"
    assert codes(world.command("retryLabel", b.AGENT, {"id": rid})) == ["INVALID_STATE"]  # nothing to retry


def test_a_retry_refused_again_is_a_new_attempt_alerted_but_not_mailed_twice(refused):
    world, rid = refused
    assert world.command("retryLabel", b.AGENT, {"id": rid})["userErrors"] == []
    ret = world.stored(rid)
    assert ret.label_failure.attempt == 2 and rid in world.table.failed_labels
    assert len(world.alerts.raised) == 2 and len(world.mailer.sent) == 1


def test_retry_is_for_agents_on_refused_labels_only(refused):
    world, rid = refused
    assert codes(world.command("retryLabel", b.customer(), {"id": rid})) == ["FORBIDDEN"]
    world.table.label_leases[rid] = world.clock()  # a purchase under way
    assert codes(world.command("retryLabel", b.AGENT, {"id": rid})) == ["INVALID_STATE"]
    del world.table.label_leases[rid]
    world.carrier.create_label_shipment = lambda **_: (_ for _ in ()).throw(CarrierUnavailable("503"))
    assert codes(world.command("retryLabel", b.AGENT, {"id": rid})) == ["CARRIER_UNAVAILABLE"]
    assert world.stored(rid).label_failure.attempt == 1 and rid not in world.table.label_leases


def test_the_customer_ships_on_their_own_after_a_refusal(refused):
    world, rid = refused
    answer = world.command("submitReturnTracking", b.customer(),
                           {"id": rid, "carrier": "USPS", "trackingNumber": "9400111899223100000001"})
    assert answer["userErrors"] == []
    ret = world.stored(rid)
    assert ret.status == ReturnStatus.IN_TRANSIT and ret.method == ReturnMethod.SELF_SHIP
    assert ret.label_failure is None and world.table.failed_labels == {}
    assert codes(world.command("retryLabel", b.AGENT, {"id": rid})) == ["INVALID_STATE"]


def test_a_prepaid_return_with_its_label_still_takes_no_tracking_number():
    world, rid = _approved_prepaid()
    labels.issue_label(rid, world.deps)
    answer = world.command("submitReturnTracking", b.customer(),
                           {"id": rid, "carrier": "USPS", "trackingNumber": "9400111899223100000001"})
    assert codes(answer) == ["INVALID_STATE"]


def test_canceling_or_expiring_a_refused_return_takes_it_off_the_agents_queue(refused):
    world, rid = refused
    world.clock.advance(days=31)  # EXPIRE-APPROVED: 30 days from approval, a refused label included
    assert requests.expire_approved(world.deps)["expired"] == 1
    assert world.stored(rid).status == ReturnStatus.EXPIRED and world.table.failed_labels == {}


def test_a_package_received_without_a_tracking_number_leaves_the_agents_queue(refused):
    world, rid = refused
    assert world.command("receiveReturn", b.WAREHOUSE, {"id": rid})["userErrors"] == []
    assert world.stored(rid).status == ReturnStatus.RECEIVED and world.table.failed_labels == {}
