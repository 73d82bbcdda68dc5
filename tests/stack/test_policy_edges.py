"""Edges of the rules that the other policy stack tests leave open, through GraphQL on the whole stack:
fees recomputed at inspection (FEE-US-LATER coming back, the floor, claims kept or withdrawn), the
SCREEN-AMOUNT boundary and what "item value" means in the history, EXPIRE-APPROVED from the agent's
approval and at its exact instant, REVIEW-SLA over a US holiday, refused transitions, idempotency
within 24 hours and under a race, receivedAt against the latest delivery, and the order feed's input
(unique line ids, placedAt <= deliveredAt, money with at most 4 decimal places, one currency)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from returns_shared.service.requests import expire_approved
from returns_shared.service.screening import escalate_reviews

from .lifecycle_helpers import receive, refund
from .policy_helpers import at, clause_ids, fees, ok, rl
from .support import (
    APPROVE,
    CANCEL,
    DECLINE,
    INSPECT,
    RECEIVE,
    RECORD_ORDER,
    TRACKING,
    address,
    iso,
    line,
    order_input,
)

UPS = "1Z999AA10123456784"


def _codes(answer: dict[str, Any]) -> list[str]:
    return [error["code"] for error in answer["userErrors"]]


def _inspect(flow, return_id: str, *checks: tuple[str, str, bool | None]) -> dict[str, Any]:
    lines = [{"orderLineId": line_id, "condition": condition,
              **({} if confirmed is None else {"defectConfirmed": confirmed})}
             for line_id, condition, confirmed in checks]
    return ok(flow.act(INSPECT, flow.tokens.warehouse, id=return_id, lines=lines))


def _freeze(stack, instant: datetime) -> None:
    stack.deps.clock = lambda: instant


# -- FEE-* recomputed at inspection (merchant responsibility, REFUND-AMOUNT) ----------------------------
def test_fee_us_later_label_fee_returns_when_the_defect_is_refuted(flow):
    """A later US package on a prepaid label is free only while the defect claim stands."""
    order = flow.record(order_input(line("L0"), line("L1")))
    ok(flow.request(order, [rl("L0")]))
    ret = ok(flow.request(order, [rl("L1", 1, "DEFECTIVE")], method="PREPAID_LABEL"))
    assert fees(ret["quote"]) == ("0.00", "0.00", "30.00") and "FEE-US-QUALITY" in clause_ids(ret["quote"])
    receive(flow, ret["id"])
    _inspect(flow, ret["id"], ("L1", "NEW_WITH_TAGS", False))
    paid = refund(flow, ret["id"])["refund"]
    assert paid["amount"]["amount"] == "23.01"
    assert "FEE-US-LATER" in clause_ids(paid) and "FEE-US-QUALITY" not in clause_ids(paid)


def test_fee_us_first_and_cajp_later_when_the_defect_is_refuted(flow):
    first = flow.record(order_input(line("L1")))
    ret = ok(flow.request(first, [rl("L1", 1, "DEFECTIVE")], method="PREPAID_LABEL"))
    receive(flow, ret["id"])
    _inspect(flow, ret["id"], ("L1", "NEW_WITH_TAGS", False))
    paid = refund(flow, ret["id"])["refund"]
    assert paid["amount"]["amount"] == "30.00" and "FEE-US-FIRST" in clause_ids(paid)

    jp = flow.record(order_input(line("L0"), line("L1"), country="JP"))
    ok(flow.request(jp, [rl("L0")]))
    ret = ok(flow.request(jp, [rl("L1", 1, "DEFECTIVE")]))
    assert fees(ret["quote"]) == ("0.00", "6.99", "36.99")  # FEE-CAJP-QUALITY on a later package
    receive(flow, ret["id"])
    _inspect(flow, ret["id"], ("L1", "NEW_WITH_TAGS", False))
    paid = refund(flow, ret["id"])["refund"]
    assert paid["amount"]["amount"] == "30.00" and "FEE-CAJP-LATER" in clause_ids(paid)


def test_claims_stand_unless_every_one_is_refuted(flow):
    """One refuted and one unanswered claim: the package stays merchant responsibility (one credit)."""
    order = flow.record(order_input(line("L1"), line("L2")))
    ret = ok(flow.request(order, [rl("L1", 1, "DEFECTIVE"), rl("L2", 1, "WRONG_ITEM")]))
    receive(flow, ret["id"])
    _inspect(flow, ret["id"], ("L1", "NEW_WITH_TAGS", False), ("L2", "NEW_WITH_TAGS", None))
    assert refund(flow, ret["id"])["refund"]["amount"]["amount"] == "66.99"

    # defectConfirmed on a customer-reason line changes nothing: a damaged item is not accepted
    other = flow.record(order_input(line("L1")))
    ret = ok(flow.request(other, [rl("L1", 1, "STYLE")]))
    receive(flow, ret["id"])
    assert _inspect(flow, ret["id"], ("L1", "DAMAGED", True))["lines"][0]["accepted"] is False


def test_label_fee_stays_after_partial_acceptance_and_the_refund_is_floored(flow, stack):
    order = flow.record(
        order_input(line("L0"), line("L1"), line("L2", price="20.00"), line("C", price="4.50"))
    )
    ok(flow.request(order, [rl("L0")]))
    ret = ok(flow.request(order, [rl("L1"), rl("L2")], method="PREPAID_LABEL"))
    assert fees(ret["quote"]) == ("6.99", "0.00", "43.01")
    receive(flow, ret["id"])
    _inspect(flow, ret["id"], ("L1", "NEW_WITH_TAGS", None), ("L2", "WORN", None))
    paid = refund(flow, ret["id"])["refund"]
    assert paid["amount"]["amount"] == "23.01"
    assert {"COND-NEW", "FEE-US-LATER"} <= clause_ids(paid)

    cheap = ok(flow.request(order, [rl("C")], method="PREPAID_LABEL"))
    receive(flow, cheap["id"])
    _inspect(flow, cheap["id"], ("C", "NEW_WITH_TAGS", None))
    assert refund(flow, cheap["id"])["refund"]["amount"]["amount"] == "0.00"  # 4.50 - 6.99, floored


# -- SCREEN-AMOUNT --------------------------------------------------------------------------------------
def test_screen_amount_flags_exactly_three_times_the_mean_of_item_values(flow):
    email = "edge.three@example.com"
    assert ok(flow.request(flow.record(order_input(line("L1"), email=email))))["status"] == "APPROVED"
    ret = ok(flow.request(flow.record(order_input(line("L1", price="90.00"), email=email))))
    assert ret["status"] == "UNDER_REVIEW"  # >= 3 x 30.00
    assert [flag["clause"]["id"] for flag in ret["screening"]["flags"]] == ["SCREEN-AMOUNT"]

    # the history holds item values, before credits: CA 30.00 (+6.99 credit) makes the threshold 90.00
    ca = "edge.ca@example.com"
    earlier = ok(flow.request(flow.record(order_input(line("L1"), country="CA", email=ca))))
    assert earlier["quote"]["total"]["amount"] == "36.99"
    assert ok(flow.request(flow.record(order_input(line("L1", price="95.00"), country="CA", email=ca))))[
        "status"] == "UNDER_REVIEW"

    # ... and before label fees: 30.00 and 30.00 (paid 23.01) make the threshold 90.00, not 79.52
    us = "edge.label@example.com"
    order = flow.record(order_input(line("L0"), line("L1"), email=us))
    ok(flow.request(order, [rl("L0")]))
    assert ok(flow.request(order, [rl("L1")], method="PREPAID_LABEL"))["quote"]["total"]["amount"] == "23.01"
    assert ok(flow.request(flow.record(order_input(line("L1", price="80.00"), email=us))))[
        "status"] == "APPROVED"


# -- EXPIRE-APPROVED, REVIEW-SLA -------------------------------------------------------------------------
def test_expire_approved_counts_from_the_approval_and_its_exact_instant(flow, tokens, stack):
    start = datetime.now(UTC).replace(microsecond=0)
    _freeze(stack, start)
    reviewed = ok(flow.request(flow.record(order_input(line("L1"), billing=address("CA")))))
    assert reviewed["status"] == "UNDER_REVIEW"
    plain = ok(flow.request(flow.record(order_input(line("L1")))))
    assert plain["status"] == "APPROVED"
    _freeze(stack, start + timedelta(days=10))
    ok(flow.act(APPROVE, tokens.agent, id=reviewed["id"], note="confirmed by phone"))

    _freeze(stack, start + timedelta(days=30) - timedelta(seconds=1))
    assert expire_approved(stack.deps)["expired"] == 0
    _freeze(stack, start + timedelta(days=30))  # approval + 30 x 24 h: due (inclusive)
    assert expire_approved(stack.deps)["expired"] == 1
    assert flow.get(plain["id"])["status"] == "EXPIRED"
    assert flow.get(reviewed["id"])["status"] == "APPROVED"  # approved 10 days after it was requested
    _freeze(stack, start + timedelta(days=40))
    assert expire_approved(stack.deps)["expired"] == 1
    assert flow.get(reviewed["id"])["status"] == "EXPIRED"


def test_review_sla_counts_business_days_around_thanksgiving(flow, stack):
    """Under review Wed 2026-11-25 10:00Z; Thu is Thanksgiving, Sat/Sun do not count: 2 business days
    (48 h of business time) are over on Mon 11-30 10:00Z, and escalation needs MORE than that."""
    entered = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    order = order_input(line("L1"), billing=address("CA"))
    order["placedAt"] = iso(entered - timedelta(days=10))
    order["lines"][0]["deliveredAt"] = iso(entered - timedelta(days=3))
    _freeze(stack, entered)
    ret = ok(flow.request(flow.record(order)))
    assert ret["status"] == "UNDER_REVIEW"
    for now, escalated in ((datetime(2026, 11, 27, 23, 59, tzinfo=UTC), 0),
                           (datetime(2026, 11, 30, 10, 0, tzinfo=UTC), 0),
                           (datetime(2026, 11, 30, 10, 0, 1, tzinfo=UTC), 1)):
        _freeze(stack, now)
        assert escalate_reviews(stack.deps)["escalated"] == escalated, now
    assert any("REVIEW-SLA" in (event["note"] or "") for event in flow.get(ret["id"])["timeline"])


# -- states --------------------------------------------------------------------------------------------
def test_forbidden_transitions_answer_invalid_state_and_change_nothing(flow, tokens):
    order = flow.record(order_input(line("L1"), line("L2")))
    customer, agent, warehouse = tokens.customer(order["email"]), tokens.agent, tokens.warehouse
    new_l1 = [{"orderLineId": "L1", "condition": "NEW_WITH_TAGS"}]
    shipped = ok(flow.request(order, [rl("L1")]))
    assert _codes(flow.act(INSPECT, warehouse, id=shipped["id"], lines=new_l1)) == ["INVALID_STATE"]
    ok(flow.act(TRACKING, customer, id=shipped["id"], carrier="UPS", number=UPS))
    assert _codes(flow.act(CANCEL, customer, id=shipped["id"])) == ["INVALID_STATE"]
    assert _codes(flow.act(APPROVE, agent, id=shipped["id"], note=None)) == ["INVALID_STATE"]
    assert _codes(flow.act(INSPECT, warehouse, id=shipped["id"], lines=new_l1)) == ["INVALID_STATE"]
    receive(flow, shipped["id"])
    assert _codes(flow.act(CANCEL, agent, id=shipped["id"])) == ["INVALID_STATE"]
    assert _codes(flow.act(DECLINE, agent, id=shipped["id"], reason="late")) == ["INVALID_STATE"]
    assert _codes(flow.act(TRACKING, customer, id=shipped["id"], carrier="UPS", number=UPS + "1")) == [
        "INVALID_STATE"]
    assert flow.get(shipped["id"])["status"] == "RECEIVED"

    approved = ok(flow.request(order, [rl("L2")]))
    assert _codes(flow.act(APPROVE, agent, id=approved["id"], note=None)) == ["INVALID_STATE"]
    assert _codes(flow.act(DECLINE, agent, id=approved["id"], reason="no")) == ["INVALID_STATE"]
    ok(flow.act(CANCEL, customer, id=approved["id"]))
    for document, variables in ((CANCEL, {}), (APPROVE, {"note": None}),
                                (TRACKING, {"carrier": "UPS", "number": UPS + "2"})):
        assert _codes(flow.act(document, customer if document is not APPROVE else agent,
                               id=approved["id"], **variables)) == ["INVALID_STATE"]
    assert flow.get(approved["id"])["status"] == "CANCELED"

    reviewed = flow.record(order_input(line("L1"), billing=address("CA"), email="edge.review@example.com"))
    ret = ok(flow.request(reviewed))
    owner = tokens.customer(reviewed["email"])
    tracked = flow.act(TRACKING, owner, id=ret["id"], carrier="UPS", number=UPS + "3")
    assert _codes(tracked) == ["INVALID_STATE"]
    assert _codes(flow.act(DECLINE, agent, id=ret["id"], reason="  ")) == ["INVALID_INPUT"]
    ok(flow.act(DECLINE, agent, id=ret["id"], reason="could not confirm the address"))
    assert _codes(flow.act(CANCEL, owner, id=ret["id"])) == ["INVALID_STATE"]
    assert _codes(flow.act(APPROVE, agent, id=ret["id"], note=None)) == ["INVALID_STATE"]
    assert [e["status"] for e in flow.get(ret["id"])["timeline"]] == ["REQUESTED", "UNDER_REVIEW", "DECLINED"]


# -- idempotency, receiving ----------------------------------------------------------------------------
def test_idempotency_key_holds_for_a_day_and_a_race_with_other_input_makes_one_return(flow, stack):
    order = flow.record(order_input(line("L1", quantity=3)))
    first = ok(flow.request(order, [rl("L1")], key="edge-day"))
    now = stack.deps.clock()
    _freeze(stack, now + timedelta(hours=23, minutes=59))
    assert ok(flow.request(order, [rl("L1")], key="edge-day"))["id"] == first["id"]

    barrier = threading.Barrier(2)

    def send(quantity: int) -> dict[str, Any]:
        barrier.wait()
        return flow.request(order, [rl("L1", quantity)], key="edge-race")

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(send, [1, 2]))
    assert sorted(_codes(answer) for answer in answers) == [[], ["IDEMPOTENCY_KEY_REUSED"]], answers
    assert len(flow.gql("query($id: ID!) { order(id: $id) { returns { id } } }", {"id": order["id"]},
                        token=flow.tokens.agent)["order"]["returns"]) == 2


def test_received_at_is_not_before_the_latest_delivery_of_the_returned_lines(flow, tokens):
    order = flow.record(order_input(line("L1", delivered_days_ago=10), line("L2", delivered_days_ago=2)))
    ret = ok(flow.request(order, [rl("L1"), rl("L2")]))
    between = iso(datetime.now(UTC) - timedelta(days=5))
    assert _codes(flow.act(RECEIVE, tokens.warehouse, id=ret["id"], at=between)) == ["INVALID_INPUT"]
    assert flow.get(ret["id"])["status"] == "APPROVED"
    latest = order["lines"][1]["deliveredAt"]
    assert at(receive(flow, ret["id"], latest)["receivedAt"]) == at(latest)  # the instant itself is fine


# -- the order feed's input (pinned: order lines, money input) -----------------------------------------
def test_order_input_rules_refuse_and_store_nothing(flow, gql, tokens):
    def recorded(order: dict[str, Any]) -> list[dict[str, Any]]:
        return gql(RECORD_ORDER, {"input": order}, token=tokens.integration)["recordOrder"]["userErrors"]

    duplicate = order_input(line("L1"), line("L1"))
    early = order_input(line("L1", delivered_days_ago=60))  # placed 50 days ago
    five_places = order_input(line("L1", price="10.12345"))
    euros = order_input(line("L1", currency="EUR"))
    future = order_input(line("L1", delivered_days_ago=-1))
    cases = [
        (duplicate, ["input", "lines", "1", "id"]),
        (early, ["input", "lines", "0", "deliveredAt"]),
        (five_places, ["input", "lines", "0", "unitPrice", "amount"]),
        (euros, ["input", "lines", "0", "unitPrice", "currencyCode"]),
        (future, ["input", "lines", "0", "deliveredAt"]),
    ]
    for order, field in cases:
        errors = recorded(order)
        assert [(e["code"], e["field"]) for e in errors] == [("INVALID_INPUT", field)], (field, errors)
        assert gql("query($id: ID!) { order(id: $id) { id } }", {"id": order["id"]},
                   token=tokens.agent)["order"] is None
    four_places = order_input(line("L1", price="10.1235"))
    assert recorded(four_places) == []
