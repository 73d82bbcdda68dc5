"""The payment provider, not the return's record and never a webhook body, says whether money moved
(issue 19, holes 2 and 5): a failure event is checked against the provider's record of the refund;
before any attempt pays, the provider is asked what it already paid for the return, and only the rest
is paid (REFUND-ONCE, whatever any event says); and the payment the order names must be the order's
(REFUND-ORIGINAL) before money goes back to it."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from returns_shared.domain.money import Money
from returns_shared.domain.vocabulary import RefundStatus, ReturnStatus
from returns_shared.service import payment_events, refunds, screening
from returns_shared.service.ports import ProviderPayment, ProviderRefund, RefundUpdate

from . import builders as b
from .fakes import World


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def inspected(world: World, order_id: str = "O1", **order: object) -> str:
    world.table.put_order(b.order(order_id, **order))  # type: ignore[arg-type]
    rid = world.command("requestReturn", b.customer(), b.request_input(order_id, key=order_id))["returnId"]
    assert screening.screen_return(rid, world.deps) == "PASS"
    assert world.command("receiveReturn", b.WAREHOUSE, {"id": rid})["userErrors"] == []
    lines = [{"orderLineId": "L1", "condition": "NEW_WITH_TAGS"}]
    assert world.command("inspectReturn", b.WAREHOUSE, {"id": rid, "lines": lines})["userErrors"] == []
    return rid


def failure_event(refund_id: str, return_id: str | None, event_id: str = "evt_1") -> RefundUpdate:
    """What a signed refund.failed says (the body's word only)."""
    return RefundUpdate(event_id=event_id, refund_id=refund_id, status=RefundStatus.FAILED,
                        failure_reason="expired_or_canceled_card", return_id=return_id, occurred_at=b.NOW)


def deliver(world: World, update: RefundUpdate) -> tuple[int, dict]:
    world.webhooks.next_refund = update
    return payment_events.stripe_webhook(b"{}", {}, world.deps)


def paid_for(world: World, rid: str) -> Decimal:
    return sum((r.amount.amount for r in world.payments.records.values()
                if r.return_id == rid and r.status == RefundStatus.SUCCEEDED), Decimal("0"))


@pytest.fixture
def world() -> World:
    return World()


def test_a_failure_event_for_a_refund_the_provider_paid_changes_nothing(world):
    """The attacker's repro: a signed refund.failed for a paid refund put the return back to INSPECTED and
    the agent's retry paid again. The provider's record says succeeded: the event is acknowledged, the
    return stays REFUNDED, there is nothing to retry."""
    rid = inspected(world)
    assert world.command("issueRefund", b.AGENT, {"id": rid})["userErrors"] == []
    refund_id = world.stored(rid).refund.id
    assert deliver(world, failure_event(refund_id, rid)) == (200, {"outcome": "ignored"})
    ret = world.stored(rid)
    assert (ret.status, ret.refund.status) == (ReturnStatus.REFUNDED, RefundStatus.SUCCEEDED)
    assert rid not in world.table.failed_refunds and world.alerts.subjects() == []
    retried = world.command("retryRefund", b.AGENT, {"id": rid})
    assert [e["code"] for e in retried["userErrors"]] == ["INVALID_STATE"]
    assert world.payments.calls == 1 and paid_for(world, rid) == ret.settlement.amount.amount


def test_the_event_body_cannot_name_another_return(world):
    """The return an event concerns is the one the provider's record names, not the body's metadata."""
    mine, other = inspected(world, "O1"), inspected(world, "O2")
    world.command("issueRefund", b.AGENT, {"id": mine})
    world.command("issueRefund", b.AGENT, {"id": other})
    refund_id = world.stored(mine).refund.id
    world.payments.fail(refund_id, "lost_or_stolen_card")
    assert deliver(world, failure_event(refund_id, other)) == (200, {"outcome": "applied"})
    assert world.stored(mine).status == ReturnStatus.INSPECTED  # the refund that really failed
    assert world.stored(other).status == ReturnStatus.REFUNDED


def test_a_real_failure_is_owed_again_and_the_retry_pays_it_once(world):
    rid = inspected(world)
    world.command("issueRefund", b.AGENT, {"id": rid})
    first = world.stored(rid).refund.id
    world.payments.fail(first, "expired_or_canceled_card")
    assert deliver(world, failure_event(first, rid)) == (200, {"outcome": "applied"})
    ret = world.stored(rid)
    assert (ret.status, ret.refund.status, ret.refund.failure_reason) == (
        ReturnStatus.INSPECTED, RefundStatus.FAILED, "expired_or_canceled_card")
    assert world.command("retryRefund", b.AGENT, {"id": rid})["userErrors"] == []
    assert world.stored(rid).status == ReturnStatus.REFUNDED
    assert world.payments.calls == 2 and paid_for(world, rid) == ret.settlement.amount.amount
    assert set(world.payments.paid) == {f"refund:{rid}", f"refund:{rid}:2"}


def test_a_retry_of_a_refund_recorded_failed_but_paid_pays_nothing(world):
    """A return marked failed on an event's word (before this check existed, or by any other path)
    while the provider paid: before the retry pays, it asks the provider for the return's refunds,
    finds the settlement paid and records that refund instead of paying twice."""
    rid = inspected(world)
    world.command("issueRefund", b.AGENT, {"id": rid})
    ret = world.stored(rid)
    paid = ret.refund.id
    assert ret.update_refund_status(refund_id=paid, status=RefundStatus.FAILED, reason="a forged word",
                                    at=world.clock())
    world.deps.save_return(ret)
    assert world.stored(rid).status == ReturnStatus.INSPECTED
    assert world.command("retryRefund", b.AGENT, {"id": rid})["userErrors"] == []
    ret = world.stored(rid)
    assert (ret.status, ret.refund.id) == (ReturnStatus.REFUNDED, paid)
    assert ret.refund.status == RefundStatus.SUCCEEDED
    assert world.payments.calls == 1  # never asked to pay again
    assert paid_for(world, rid) == ret.settlement.amount.amount


def test_a_retry_pays_only_what_is_still_owed(world):
    """Part of the settlement already reached the customer (a refund made for this return, e.g. by hand
    in the provider's dashboard with its metadata): the retry pays the rest, never the whole again."""
    rid = inspected(world, price="45.00")
    settlement = world.stored(rid).settlement.amount
    world.payments.declined = True
    world.command("issueRefund", b.AGENT, {"id": rid})
    world.payments.declined = False
    world.payments.records["re_by_hand"] = ProviderRefund(
        refund_id="re_by_hand", amount=usd("20.00"), payment_reference="PAY-O1",
        status=RefundStatus.SUCCEEDED, created_at=world.clock(), return_id=rid)
    assert world.command("retryRefund", b.AGENT, {"id": rid})["userErrors"] == []
    [receipt] = world.payments.paid.values()
    assert receipt.amount == settlement - usd("20.00")
    assert paid_for(world, rid) == settlement.amount
    assert world.stored(rid).status == ReturnStatus.REFUNDED


def test_a_resumed_attempt_finds_its_own_refund(world):
    """An attempt whose answer was lost (the provider took it): the next try finds the refund its key
    made and records it."""
    rid = inspected(world)
    real = world.payments.refund

    def took_it_then_timed_out(**kwargs):
        real(**kwargs)
        raise TimeoutError("read timed out")

    world.payments.refund = took_it_then_timed_out  # type: ignore[method-assign]
    with pytest.raises(TimeoutError):
        refunds.pay_refund(rid, world.deps, actor="agent-1")
    world.payments.refund = real  # type: ignore[method-assign]
    assert world.stored(rid).refund_attempt.interrupted
    refunds.pay_refund(rid, world.deps, actor="agent-1")
    assert world.stored(rid).status == ReturnStatus.REFUNDED and world.payments.calls == 1


def payment(order_id: str | None = "O1", *, received: str = "65.00", currency: str = "USD",
            email: str | None = b.ALICE) -> ProviderPayment:
    return ProviderPayment(reference="PAY-O1", received=Money.of(received, currency), order_id=order_id,
                           customer_email=email)


@pytest.mark.parametrize(("recorded", "says"), [
    (payment("O2"), "made for order O2"),
    (payment(email="mallory@example.com"), "another customer's email"),
    (payment(received="10.00"), "less than the order's 65.00 USD"),
    (payment(currency="EUR"), "paid in EUR"),
])
def test_a_payment_that_is_not_the_orders_is_never_refunded(world, recorded, says):
    """Hole 5: the order feed named another customer's PaymentIntent. Before money goes back to it, the
    provider's record of the payment must be the order's: nothing is paid, the refund is FAILED with a
    clear reason, agents see it, ops are alerted."""
    world.payments.payments["PAY-O1"] = recorded
    rid = inspected(world)
    assert world.command("issueRefund", b.AGENT, {"id": rid})["userErrors"] == []
    ret = world.stored(rid)
    assert (ret.status, ret.refund.status) == (ReturnStatus.INSPECTED, RefundStatus.FAILED)
    reason = ret.refund.failure_reason
    assert reason.startswith("payment_not_of_order: ") and says in reason
    assert world.payments.calls == 0 and rid in world.table.failed_refunds
    assert world.alerts.subjects() == [f"Refund refused, payment not the order's: {rid}"]
    assert [e["code"] for e in world.command("retryRefund", b.AGENT, {"id": rid})["userErrors"]] == []
    assert world.payments.calls == 0  # a retry checks again: still not the order's payment


@pytest.mark.parametrize("recorded", [
    payment(), payment(order_id=None, email=None), payment(received="100.00"),
    payment(email="ALICE@example.com".lower().upper()),
])
def test_the_orders_own_payment_is_refunded(world, recorded):
    world.payments.payments["PAY-O1"] = replace(recorded)
    rid = inspected(world)
    world.command("issueRefund", b.AGENT, {"id": rid})
    assert world.stored(rid).status == ReturnStatus.REFUNDED and world.payments.calls == 1
