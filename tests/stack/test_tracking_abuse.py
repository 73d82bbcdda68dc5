"""Tracking numbers on the stack, through GraphQL: the same number again writes nothing, a customer's
replacements are limited, and a number on another customer's active return is refused, so one scan
of Jane's package cannot deliver Bob's return."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from returns_devstack.webhooks import CarrierSimulator

from .lifecycle_helpers import approved, ok, refused
from .support import TRACKING, line, order_input

JANE, BOB = "jane.doe@example.com", "bob@example.com"
NUMBER = "9400111899223856928499"


def _submit(flow, rid: str, email: str, number: str = NUMBER, carrier: str = "USPS") -> dict:
    return flow.act(TRACKING, flow.tokens.customer(email), id=rid, carrier=carrier, number=number)


def test_resubmitting_the_same_number_writes_nothing(flow, stack):
    order = flow.record(order_input(line("L1")))
    rid = approved(flow, order)["id"]
    first = ok(_submit(flow, rid, order["email"]))
    stored = stack.deps.repo.get_return(rid)
    for number in (NUMBER, NUMBER.lower()):
        again = ok(_submit(flow, rid, order["email"], number))
        assert again["timeline"] == first["timeline"]
    after = stack.deps.repo.get_return(rid)
    assert after.version == stored.version and after.tracking == stored.tracking


def test_a_customer_may_replace_the_number_three_times(flow, stack, tokens):
    order = flow.record(order_input(line("L1")))
    rid = approved(flow, order)["id"]
    ok(_submit(flow, rid, order["email"]))
    for n in range(3):
        assert ok(_submit(flow, rid, order["email"], f"1Z999AA1012345678{n}", "UPS"))["trackingNumber"] == (
            f"1Z999AA1012345678{n}")
    error = refused(_submit(flow, rid, order["email"], "1Z999AA10123456789", "UPS"), "INVALID_STATE")
    assert "contact customer service" in error["message"]
    assert flow.get(rid)["trackingNumber"] == "1Z999AA10123456782"
    # customer service can
    done = ok(flow.act(TRACKING, tokens.agent, id=rid, carrier="UPS", number="1Z999AA10123456789"))
    assert done["trackingNumber"] == "1Z999AA10123456789"


def test_bob_cannot_ride_on_janes_package(flow, stack):
    janes_order = flow.record(order_input(line("L1"), email=JANE))
    bobs_order = flow.record(order_input(line("L1"), email=BOB))
    janes = approved(flow, janes_order)["id"]
    bobs = approved(flow, bobs_order)["id"]
    ok(_submit(flow, janes, JANE))
    error = refused(_submit(flow, bobs, BOB), "TRACKING_NUMBER_TAKEN")
    assert error["field"] == ["trackingNumber"] and JANE not in error["message"]
    assert flow.get(bobs)["status"] == "APPROVED"

    CarrierSimulator(stack, carrier="USPS").scan(NUMBER, "delivered")
    assert stack.deps.repo.get_return(janes).tracking.delivered_at is not None
    assert stack.deps.repo.get_return(bobs).tracking is None
    # and Bob's unshipped return still expires (EXPIRE-APPROVED)
    now = datetime.now(UTC)
    stack.deps.clock = lambda: now + timedelta(days=31)
    try:
        assert stack.runtime.run_job("expire-approved")["counts"]["expired"] == 1
    finally:
        stack.deps.clock = lambda: datetime.now(UTC)
    assert flow.get(bobs)["status"] == "EXPIRED" and flow.get(janes)["status"] == "IN_TRANSIT"


def test_one_customer_ships_two_returns_under_one_number(flow, stack):
    order = flow.record(order_input(line("L1"), line("L2")))
    first = approved(flow, order, [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}])["id"]
    second = approved(flow, order, [{"orderLineId": "L2", "quantity": 1, "reason": "STYLE"}])["id"]
    ok(_submit(flow, first, order["email"]))
    ok(_submit(flow, second, order["email"]))
    CarrierSimulator(stack, carrier="USPS").scan(NUMBER, "delivered")
    assert all(stack.deps.repo.get_return(rid).tracking.delivered_at for rid in (first, second))
