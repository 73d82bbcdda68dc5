"""Receiving (REQ-FIRST), inspection, the refund (REFUND-ONCE) and the REFUND-7D deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.service import refunds, screening

from . import builders as b
from .fakes import World


def codes(answer: dict) -> list[str]:
    return [error["code"] for error in answer["userErrors"]]


def approved(world: World, order_id: str = "O1", *, price: str = "30.00") -> str:
    world.table.put_order(b.order(order_id, price=price))
    rid = world.command("requestReturn", b.customer(), b.request_input(order_id, key=order_id))["returnId"]
    assert screening.screen_return(rid, world.deps) == "PASS"
    return rid


def receive(world: World, rid: str, **extra) -> dict:
    return world.command("receiveReturn", b.WAREHOUSE, {"id": rid, **extra})


def inspect(world: World, rid: str, condition: str = "NEW_WITH_TAGS") -> dict:
    return world.command("inspectReturn", b.WAREHOUSE,
                         {"id": rid, "lines": [{"orderLineId": "L1", "condition": condition}]})


@pytest.fixture
def world() -> World:
    return World()


def test_receiving_sets_the_deadline_and_starts_the_workflow(world):
    rid = approved(world)
    assert receive(world, rid)["userErrors"] == []
    ret = world.stored(rid)
    assert ret.status == ReturnStatus.RECEIVED and ret.refund_due_at == world.clock() + timedelta(days=7)
    assert world.workflow.running[rid][1] == ret.refund_due_at
    assert world.events.types()[-1] == "ReturnReceived"


def test_the_receipt_note_is_written_to_the_second_in_utc(world):
    rid = approved(world)
    world.clock.advance(microseconds=847_927)
    receive(world, rid)
    assert world.stored(rid).timeline[-1].note == f"received at {world.clock():%Y-%m-%dT%H:%M:%SZ}"


def test_an_unknown_package_is_refused_recorded_and_alerted(world):
    assert codes(receive(world, "RMA-NOPE")) == ["NOT_FOUND"]
    assert [p.return_id for p in world.table.unknown_packages] == ["RMA-NOPE"]
    assert world.alerts.subjects() == ["Package refused at the warehouse"]


def test_a_package_for_an_unapproved_return_is_refused_and_recorded(world):
    world.table.put_order(b.order())
    rid = world.command("requestReturn", b.customer(), b.request_input())["returnId"]
    assert codes(receive(world, rid)) == ["INVALID_STATE"]
    [package] = world.table.unknown_packages
    assert package.reason == f"Return {rid} is requested, not approved." and package.matched_return_id == rid
    assert world.stored(rid).status == ReturnStatus.REQUESTED


def test_receiving_twice_or_in_the_future_or_before_delivery_is_refused(world):
    rid = approved(world)
    future = (world.clock() + timedelta(hours=1)).isoformat()
    assert codes(receive(world, rid, receivedAt=future)) == ["INVALID_INPUT"]
    early = (world.clock() - timedelta(days=6)).isoformat()
    assert codes(receive(world, rid, receivedAt=early)) == ["INVALID_INPUT"]
    assert receive(world, rid)["userErrors"] == []
    assert codes(receive(world, rid)) == ["INVALID_STATE"]
    assert world.table.unknown_packages == []


def test_a_receipt_stands_when_the_workflow_cannot_start_and_reconcile_starts_it(world):
    rid = approved(world)
    world.workflow.down = True
    assert receive(world, rid)["userErrors"] == []
    world.workflow.down = False
    assert refunds.reconcile_deadlines(world.deps) == {"examined": 1, "started": 1, "handled": 0, "errors": 0}
    assert rid in world.workflow.running


def test_inspection_settles_and_an_agent_refunds_once(world):
    rid = approved(world)
    receive(world, rid)
    assert inspect(world, rid)["userErrors"] == []
    ret = world.stored(rid)
    assert ret.status == ReturnStatus.INSPECTED and ret.settlement is not None
    answer = world.command("issueRefund", b.AGENT, {"id": rid})
    assert answer["userErrors"] == []
    ret = world.stored(rid)
    assert ret.status == ReturnStatus.REFUNDED and ret.refund is not None
    assert rid in world.workflow.stopped and world.events.types()[-1] == "ReturnRefunded"
    again = world.command("issueRefund", b.AGENT, {"id": rid})
    assert codes(again) == ["ALREADY_REFUNDED"] and world.payments.calls <= 1


def test_inspection_is_refused_before_receipt_and_for_lines_the_return_lacks_or_names_twice(world):
    rid = approved(world)
    assert codes(inspect(world, rid)) == ["INVALID_STATE"]  # approved, not yet received
    receive(world, rid)
    received = world.stored(rid)
    unknown = [{"orderLineId": "L9", "condition": "NEW_WITH_TAGS"}]
    twice = [{"orderLineId": "L1", "condition": "NEW_WITH_TAGS"}] * 2
    for lines in (unknown, twice):
        answer = world.command("inspectReturn", b.WAREHOUSE, {"id": rid, "lines": lines})
        assert codes(answer) == ["INVALID_INPUT"], answer
    assert codes(world.command("inspectReturn", b.WAREHOUSE, {"id": rid, "lines": []})) == ["INVALID_INPUT"]
    assert world.stored(rid) == received  # nothing changed: still RECEIVED, no settlement
    assert world.stored(rid).status == ReturnStatus.RECEIVED and world.stored(rid).settlement is None


def test_a_refund_pays_the_accepted_amount_to_the_original_payment(world):
    rid = approved(world, price="45.00")
    receive(world, rid)
    inspect(world, rid)
    world.command("issueRefund", b.AGENT, {"id": rid})
    [receipt] = world.payments.paid.values()
    assert receipt.payment_reference == "PAY-O1" and receipt.amount == world.stored(rid).settlement.amount
    assert receipt.amount.amount > 0


def test_refund_before_inspection_and_by_the_wrong_role_are_refused(world):
    rid = approved(world)
    receive(world, rid)
    assert codes(world.command("issueRefund", b.AGENT, {"id": rid})) == ["INVALID_STATE"]
    assert codes(world.command("issueRefund", b.WAREHOUSE, {"id": rid})) == ["FORBIDDEN"]
    assert codes(inspect(world, "RMA-NONE")) == ["NOT_FOUND"]
    assert world.payments.calls == 0


def test_a_declined_refund_is_a_failed_refund_for_agents_and_a_retry_pays_once(world):
    rid = approved(world)
    receive(world, rid)
    inspect(world, rid)
    world.payments.declined = True
    assert world.command("issueRefund", b.AGENT, {"id": rid})["userErrors"] == []
    ret = world.stored(rid)
    assert (
        ret.refund is not None
        and ret.refund.status.value == "FAILED"
        and ret.status == ReturnStatus.INSPECTED
    )
    assert rid in world.table.failed_refunds and world.payments.paid == {}
    world.payments.declined = False
    assert world.command("retryRefund", b.AGENT, {"id": rid})["userErrors"] == []
    assert world.stored(rid).status == ReturnStatus.REFUNDED and len(world.payments.paid) == 1
    assert rid not in world.table.failed_refunds
    assert codes(world.command("retryRefund", b.AGENT, {"id": rid})) == ["INVALID_STATE"]


def test_the_deadline_refunds_an_inspected_return_and_records_a_breach_otherwise(world):
    inspected, late = approved(world, "O1"), approved(world, "O2")
    for rid in (inspected, late):
        receive(world, rid)
    inspect(world, inspected)
    assert refunds.deadline_due(inspected, world.deps) == "not-due-yet"
    world.clock.advance(days=7)
    assert refunds.deadline_due(inspected, world.deps) == "refunded"
    assert refunds.deadline_due(inspected, world.deps) == "nothing-to-do"
    assert refunds.deadline_due(late, world.deps) == "breach"
    assert refunds.deadline_due(late, world.deps) == "breach-known"
    assert refunds.deadline_due("RMA-NONE", world.deps) == "unknown"
    assert [s for s in world.alerts.subjects() if s.startswith("Refund deadline missed")] == [
        f"Refund deadline missed: {late}"]
    # after a breach, inspecting refunds at once
    inspect(world, late)
    assert world.stored(late).status == ReturnStatus.REFUNDED


def test_reconcile_handles_a_due_return_whose_execution_is_gone(world):
    rid = approved(world)
    receive(world, rid)
    inspect(world, rid)
    world.workflow.running.clear()
    world.clock.advance(days=8)
    assert refunds.reconcile_deadlines(world.deps)["handled"] == 1
    assert world.stored(rid).status == ReturnStatus.REFUNDED


JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
PHOTO = "0123456789abcdef0123456789abcdef.jpg"


def inspect_lines(world: World, rid: str, **line) -> dict:
    return world.command("inspectReturn", b.WAREHOUSE,
                         {"id": rid, "lines": [{"orderLineId": "L1", "condition": "NEW_WITH_TAGS", **line}]})


@pytest.mark.parametrize("condition", ["MISSING", "WRONG_ITEM"])
def test_an_item_that_did_not_come_back_is_never_accepted_and_its_note_is_kept(world, condition):
    rid = approved(world)
    receive(world, rid)
    note = "The box held only tissue paper"
    assert inspect_lines(world, rid, condition=condition, note=note)["userErrors"] == []
    [line] = world.stored(rid).lines
    assert line.accepted is False and line.inspection_note == note
    assert world.stored(rid).settlement.amount.amount == 0
    assert "COND-NEW" in world.stored(rid).settlement.applied_clauses


def test_a_defect_cannot_be_confirmed_on_a_missing_item(world):
    world.table.put_order(b.order("O1"))
    rid = world.command("requestReturn", b.customer(), b.request_input("O1", reason="DEFECTIVE"))["returnId"]
    screening.screen_return(rid, world.deps)
    receive(world, rid)
    answer = inspect_lines(world, rid, condition="MISSING", defectConfirmed=True)
    assert codes(answer) == ["INVALID_INPUT"]
    assert answer["userErrors"][0]["field"] == ["lines", "0", "defectConfirmed"]
    assert world.stored(rid).status == ReturnStatus.RECEIVED


def test_photos_are_kept_when_uploaded_under_the_return_and_really_pictures(world):
    rid = approved(world)
    receive(world, rid)
    world.photos.objects[f"inspection/{rid}/{PHOTO}"] = JPEG
    assert inspect_lines(world, rid, condition="STAINED", photoIds=[PHOTO, PHOTO])["userErrors"] == []
    [line] = world.stored(rid).lines
    kept = [(p.object_key, p.content_type) for p in line.photos]
    assert kept == [(f"inspection/{rid}/{PHOTO}", "image/jpeg")]


@pytest.mark.parametrize(("photo_id", "stored", "message"), [
    (PHOTO, None, "did not finish uploading"),  # never uploaded (or under another return)
    (PHOTO, b"<svg onload=alert(1)>" + b" " * 50, "not a JPEG, PNG or WebP"),
    (PHOTO, b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024), "larger than 10 MB"),
    ("../RMA-OTHER/x.jpg", None, "not uploaded through the warehouse screen"),
])
def test_a_photo_that_is_missing_too_big_or_not_a_picture_is_refused(world, photo_id, stored, message):
    rid = approved(world)
    receive(world, rid)
    if stored is not None:
        world.photos.objects[f"inspection/{rid}/{photo_id}"] = stored
    answer = inspect_lines(world, rid, photoIds=[photo_id])
    assert codes(answer) == ["INVALID_INPUT"] and message in answer["userErrors"][0]["message"]
    assert world.stored(rid).status == ReturnStatus.RECEIVED


def test_receiving_emails_the_customer_once(world):
    rid = approved(world)
    receive(world, rid)
    assert [m.subject for m in world.mailer.sent][-1] == f"Return {rid}: we received your package"
