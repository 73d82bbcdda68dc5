"""The request function's use cases against in-memory ports: new returns, cancel, tracking, expiry."""

from __future__ import annotations

import pytest

from returns_shared.domain.errors import ConflictError
from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.service import requests

from . import builders as b
from .fakes import FakeUnitOfWork, World


@pytest.fixture
def world() -> World:
    world = World()
    world.table.put_order(b.order())
    return world


def codes(answer: dict) -> list[str]:
    return [error["code"] for error in answer["userErrors"]]


def request(world: World, caller=None, **kwargs) -> dict:
    return world.command("requestReturn", caller or b.customer(), b.request_input(**kwargs))


def test_a_request_writes_the_return_its_order_link_and_key_in_one_commit(world):
    answer = request(world)
    assert answer["userErrors"] == []
    ret = world.stored(answer["returnId"])
    assert ret.status == ReturnStatus.REQUESTED and ret.version == 1
    assert world.table.orders["O1"].return_ids == [ret.id] and world.table.orders["O1"].version == 2
    assert world.table.idempotency[(b.ALICE, "key-1")].return_id == ret.id
    assert world.table.commits == 1
    assert world.events.types() == ["ReturnRequested"]


def test_the_same_key_and_input_answer_the_same_return_once(world):
    first, second = request(world), request(world)
    assert second == first
    assert len(world.table.returns) == 1 and world.events.types() == ["ReturnRequested"]


def test_the_same_key_for_another_input_is_refused(world):
    request(world)
    assert codes(request(world, lines=("L2",))) == ["IDEMPOTENCY_KEY_REUSED"]
    assert len(world.table.returns) == 1


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"attested": False}, "INVALID_INPUT"),
    ({"order_id": "nope"}, "NOT_FOUND"),
    ({"lines": ("L9",)}, "NOT_FOUND"),
])
def test_refusals_change_nothing(world, kwargs, code):
    assert codes(request(world, **kwargs)) == [code]
    assert world.table.returns == {} and world.table.commits == 0 and world.events.published == []


def test_every_ineligible_line_and_an_unavailable_method_are_reported_together():
    world = World()
    foreign = b.order().model_copy(update={"shipping_address": b.address("CA", "K1A 0B1"),
                                           "billing_address": b.address("CA", "K1A 0B1")})
    world.table.put_order(foreign.model_copy(update={"lines": (
        foreign.lines[0], foreign.lines[1].model_copy(update={"non_returnable": True}))}))
    answer = request(world, lines=("L1", "L2"), method="PREPAID_LABEL")
    assert codes(answer) == ["INELIGIBLE", "METHOD_NOT_AVAILABLE"]
    assert answer["userErrors"][0]["field"] == ["input", "lines", "1"]
    assert world.table.returns == {}


def test_callers_act_on_their_own_orders_only(world):
    assert codes(request(world, caller=b.customer("mallory@example.com"))) == ["FORBIDDEN"]
    assert codes(request(world, caller=b.WAREHOUSE)) == ["FORBIDDEN"]
    assert request(world, caller=b.AGENT)["userErrors"] == []


def test_a_lost_race_re_runs_and_then_sees_the_winners_return(world, monkeypatch):
    """Another request commits between our read and our write: ours conflicts, re-reads, and the
    quantity already returned makes the line ineligible (nothing is returned twice)."""
    real_commit = FakeUnitOfWork.commit
    raced: list[dict] = []

    def commit_after_a_rival(uow: FakeUnitOfWork) -> None:
        if not raced:
            raced.append({})  # the rival's own commit must not race again
            raced[0] = request(world, key="rival")
        real_commit(uow)

    monkeypatch.setattr(FakeUnitOfWork, "commit", commit_after_a_rival)
    answer = request(world)
    assert codes(answer) == ["INELIGIBLE"]
    assert list(world.table.returns) == [raced[0]["returnId"]]


def test_a_request_stands_when_the_event_bus_is_down(world):
    world.events.down = True
    answer = request(world)
    assert answer["userErrors"] == [] and world.stored(answer["returnId"]).status == ReturnStatus.REQUESTED


def test_cancel_before_shipping_and_email_once(world):
    rid = request(world)["returnId"]
    assert world.command("cancelReturn", b.customer(), {"id": rid})["userErrors"] == []
    assert world.stored(rid).status == ReturnStatus.CANCELED
    assert world.events.types() == ["ReturnRequested", "ReturnCanceled"]
    assert [mail.to for mail in world.mailer.sent] == [b.ALICE]
    assert codes(world.command("cancelReturn", b.customer(), {"id": rid})) == ["INVALID_STATE"]
    assert len(world.mailer.sent) == 1


def test_cancel_of_an_unknown_or_foreign_return(world):
    rid = request(world)["returnId"]
    assert codes(world.command("cancelReturn", b.customer(), {"id": "RMA-NONE"})) == ["NOT_FOUND"]
    assert codes(world.command("cancelReturn", b.customer("bob@example.com"), {"id": rid})) == ["FORBIDDEN"]
    assert world.stored(rid).status == ReturnStatus.REQUESTED


def _approved(world: World, method: str = "SELF_SHIP") -> str:
    rid = request(world, method=method)["returnId"]
    world.table.returns[rid].status = ReturnStatus.APPROVED
    world.table.returns[rid].approved_at = world.clock()
    return rid


def test_tracking_moves_an_approved_self_ship_return_in_transit(world):
    rid = _approved(world)
    answer = world.command("submitReturnTracking", b.customer(), {"id": rid, "carrier": "UPS",
                                                                  "trackingNumber": "1z999aa1"})
    assert answer["userErrors"] == []
    ret = world.stored(rid)
    assert (ret.status, ret.tracking_number) == (ReturnStatus.IN_TRANSIT, "1Z999AA1")


def test_tracking_is_refused_for_a_malformed_number_or_a_requested_return(world):
    rid = request(world)["returnId"]
    bad = world.command(
        "submitReturnTracking", b.customer(), {"id": rid, "carrier": "UPS", "trackingNumber": "1"}
    )
    # the mutation's own argument, as the GraphQL caller sees it (submitReturnTracking takes no `input`)
    assert codes(bad) == ["INVALID_INPUT"] and bad["userErrors"][0]["field"] == ["trackingNumber"]
    early = world.command("submitReturnTracking", b.customer(), {"id": rid, "carrier": "UPS",
                                                                 "trackingNumber": "1Z999AA1"})
    assert codes(early) == ["INVALID_STATE"]


def test_instructions_go_to_approved_self_ship_returns_only(world):
    rid = _approved(world)
    requests.send_instructions(rid, world.deps)
    requests.send_instructions(rid, world.deps)  # a redelivered event
    assert len(world.mailer.sent) == 1 and rid in world.mailer.sent[0].subject
    world.table.put_order(b.order("O2"))
    prepaid = request(world, order_id="O2", key="k2", method="PREPAID_LABEL")["returnId"]
    world.table.returns[prepaid].status = ReturnStatus.APPROVED
    requests.send_instructions(prepaid, world.deps)
    requests.send_instructions("RMA-NONE", world.deps)
    assert len(world.mailer.sent) == 1


def test_expire_approved_expires_only_stale_approvals(world):
    stale = _approved(world)
    world.table.put_order(b.order("O2"))
    world.clock.advance(days=20)
    fresh = request(world, order_id="O2", key="k2")["returnId"]
    world.table.returns[fresh].status = ReturnStatus.APPROVED
    world.table.returns[fresh].status_changed_at = world.clock()
    world.table.returns[stale].status_changed_at = world.clock.now.replace(day=1)
    world.clock.advance(days=15)
    counts = requests.expire_approved(world.deps, page_size=1)
    assert counts == {"examined": 1, "expired": 1, "conflicts": 0}  # the fresh approval is not even read
    assert world.stored(stale).status == ReturnStatus.EXPIRED
    assert world.stored(fresh).status == ReturnStatus.APPROVED
    assert [m.to for m in world.mailer.sent] == [b.ALICE]


def test_expire_approved_counts_a_conflict_and_goes_on(world, monkeypatch):
    rid = _approved(world)
    world.clock.advance(days=60)
    class Racing(FakeUnitOfWork):
        def commit(self) -> None:
            raise ConflictError("race")

    monkeypatch.setattr(world.deps, "unit_of_work", lambda: Racing(world.table))
    assert requests.expire_approved(world.deps) == {"examined": 1, "expired": 0, "conflicts": 1}
    assert world.stored(rid).status == ReturnStatus.APPROVED


def test_instructions_the_return_no_longer_needs_are_recorded_as_skipped_not_lost(world):
    """The approval's event reached the request function after the customer had shipped: no email (it
    would tell them how to ship what is on its way), and a SKIPPED record says why (the soak checks
    that every email a return's path called for has a record)."""
    rid = _approved(world)
    world.command("submitReturnTracking", b.customer(),
                  {"id": rid, "carrier": "UPS", "trackingNumber": "1Z999AA10123456784"})
    requests.send_instructions(rid, world.deps)
    assert world.table.emails[(rid, "instructions")].status == "SKIPPED"
    assert not [mail for mail in world.mailer.sent if "how to send" in mail.subject]
    requests.send_instructions(rid, world.deps)  # redelivered: the record stays as it is
    assert world.table.emails[(rid, "instructions")].status == "SKIPPED"
