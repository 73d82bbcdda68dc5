"""Prepaid labels on the stack: a canceled or expired return's unused label is voided by the label
function (ReturnCanceled / ReturnExpired → LabelQueue), once, recorded on the return and no longer
offered; looping request → cancel buys no more than the policy allows before a person looks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3

from returns_devstack.webhooks import CarrierSimulator

from .lifecycle_helpers import approved, ok
from .support import APPROVE, CANCEL, line, order_input

EVENTS = Path(__file__).resolve().parents[2] / "events"


def _label_event(name: str, return_id: str, order_id: str) -> dict:
    text = (EVENTS / name).read_text()
    return json.loads(text.replace("RMA-EXAMPLE001", return_id).replace('\\"AK-2001\\"', f'\\"{order_id}\\"'))


def _cancel(flow, order, return_id: str) -> dict:
    return ok(flow.act(CANCEL, flow.tokens.customer(order["email"]), id=return_id))


def _voided(ret: dict) -> list[str]:
    return [e["note"] for e in ret["timeline"] if (e["note"] or "").startswith("label voided")]


def test_request_cancel_loops_void_every_label_and_hit_the_review_limit(flow, stack, tokens):
    order = flow.record(order_input(line("L1")))
    numbers = []
    for _ in range(stack.deps.policy().screening.unused_labels_before_review):
        ret = approved(flow, order, method="PREPAID_LABEL")
        assert ret["label"]["url"]
        numbers.append(ret["label"]["trackingNumber"])
        canceled = _cancel(flow, order, ret["id"])  # the ReturnCanceled event is delivered meanwhile
        shown = flow.get(ret["id"])
        assert canceled["status"] == shown["status"] == "CANCELED"
        assert shown["label"] is None  # no longer offered
        assert _voided(shown) == [f"label voided: UPS {numbers[-1]} (voided)"]
        stored = stack.deps.repo.get_return(ret["id"])
        assert stored.label.voided and stored.label.shipment_id == f"shp_local_{numbers[-1]}"
    assert stack.deps.carrier.voided == set(numbers)
    # SCREEN-LABELS: the next prepaid request waits for a person; no label is bought meanwhile
    held = ok(flow.request(order, method="PREPAID_LABEL"))
    assert held["status"] == "UNDER_REVIEW" and held["label"] is None
    assert [f["clause"]["id"] for f in held["screening"]["flags"]] == ["SCREEN-LABELS"]
    assert held["screening"]["flags"][0]["message"].startswith("line L1: 2 earlier prepaid labels")
    # self-shipping is never held up
    assert ok(flow.act(CANCEL, tokens.customer(order["email"]), id=held["id"]))["status"] == "CANCELED"
    assert approved(flow, order)["method"] == "SELF_SHIP"


def test_an_expired_returns_label_is_voided_and_redeliveries_change_nothing(flow, stack):
    order = flow.record(order_input(line("L1")))
    ret = approved(flow, order, method="PREPAID_LABEL")
    now = datetime.now(UTC)
    stack.deps.clock = lambda: now + timedelta(days=31)
    try:
        assert stack.runtime.run_job("expire-approved")["counts"]["expired"] == 1
        stack.runtime.drain()  # ReturnExpired → LabelQueue → the label function
    finally:
        stack.deps.clock = lambda: datetime.now(UTC)
    shown = flow.get(ret["id"])
    assert shown["status"] == "EXPIRED" and shown["label"] is None and len(_voided(shown)) == 1
    version = stack.deps.repo.get_return(ret["id"]).version
    # SQS delivering either event again
    for name in ("label/sqs_return_expired.json", "label/sqs_return_canceled.json"):
        answer = stack.runtime.invoke("LabelFunction", _label_event(name, ret["id"], order["id"]))
        assert answer == {"batchItemFailures": []}
    assert stack.deps.repo.get_return(ret["id"]).version == version
    assert len(stack.deps.carrier.voided) == 1


def test_a_label_scanned_before_the_cancel_lands_is_kept(flow, stack):
    order = flow.record(order_input(line("L1")))
    ret = approved(flow, order, method="PREPAID_LABEL")
    stack.command_bus.deliver_events = False  # the cancel's event waits in the queue ...
    try:
        _cancel(flow, order, ret["id"])
    finally:
        stack.command_bus.deliver_events = True
    CarrierSimulator(stack).scan(ret["trackingNumber"], "in_transit")  # ... while the carrier scans it
    stack.runtime.drain()
    shown = flow.get(ret["id"])
    assert shown["status"] == "CANCELED" and shown["label"] is not None  # in use: never voided
    assert shown["timeline"][-1]["note"].startswith(f"label not voided: UPS {ret['trackingNumber']} (in use")
    assert stack.deps.carrier.voided == set()


def test_an_agent_approving_a_held_prepaid_request_gets_its_label(flow, stack, tokens):
    order = flow.record(order_input(line("L1")))
    for _ in range(stack.deps.policy().screening.unused_labels_before_review):
        _cancel(flow, order, approved(flow, order, method="PREPAID_LABEL")["id"])
    held = ok(flow.request(order, method="PREPAID_LABEL"))
    assert held["status"] == "UNDER_REVIEW"
    answer = ok(flow.act(APPROVE, tokens.agent, id=held["id"], note="checked with the customer"))
    assert answer["status"] == "APPROVED" and answer["label"]["url"]


def test_the_void_labels_job_voids_what_a_lost_event_left(flow, stack):
    order = flow.record(order_input(line("L1")))
    ret = approved(flow, order, method="PREPAID_LABEL")
    stack.command_bus.deliver_events = False
    try:
        _cancel(flow, order, ret["id"])
    finally:
        stack.command_bus.deliver_events = True
    boto3.client("sqs").purge_queue(QueueUrl=stack.stack.queues["LabelQueue"])  # the event is lost
    assert stack.runtime.drain() == 0
    assert stack.deps.repo.get_return(ret["id"]).label_to_void
    now = datetime.now(UTC)
    stack.deps.clock = lambda: now + timedelta(minutes=16)
    try:
        job = json.loads((EVENTS / "label/schedule_void_labels.json").read_text())
        answer = stack.runtime.invoke("LabelFunction", job)
    finally:
        stack.deps.clock = lambda: datetime.now(UTC)
    assert answer["counts"] == {"voided": 1, "kept": 0, "failed": 0, "given_up": 0}
    assert flow.get(ret["id"])["label"] is None and stack.deps.carrier.voided == {ret["trackingNumber"]}
