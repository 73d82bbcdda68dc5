"""The scheduled jobs (EXPIRE-APPROVED, REVIEW-SLA and the safety sweeps), run with their events/ files
through the functions' handlers, with the service clock moved forward."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from .support import TRACKING, address, line, order_input

EVENTS = Path(__file__).resolve().parents[2] / "events"
EXPIRE = "request/schedule_expire_approved.json"
ESCALATE = "screening/schedule_escalate_reviews.json"


def _event(path: str) -> dict:
    return json.loads((EVENTS / path).read_text())


def _counts(stack, function: str, event_file: str) -> dict:
    """What a scheduled job counted, run with its events/ file through its function."""
    return stack.runtime.invoke(function, _event(event_file))["counts"]


def _later(stack, **delta) -> None:
    now = stack.deps.clock()
    stack.deps.clock = lambda: now + timedelta(**delta)


def test_expire_approved_expires_unshipped_returns_after_30_days_only(flow, tokens, stack, mailbox):
    order = flow.record(order_input(line("L1"), line("L2"), line("L3")))
    stale = flow.request(order, [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}])["return"]
    shipped = flow.request(order, [{"orderLineId": "L2", "quantity": 1, "reason": "STYLE"}])["return"]
    unused_label = flow.request(order, [{"orderLineId": "L3", "quantity": 1, "reason": "STYLE"}],
                                method="PREPAID_LABEL")["return"]
    assert unused_label["trackingNumber"]  # the label's number: not a shipment until the carrier scans it
    flow.act(TRACKING, tokens.customer(), id=shipped["id"], carrier="USPS", number="9400111899223856928499")
    _later(stack, days=29, hours=23)
    assert _counts(stack, "RequestFunction", EXPIRE)["expired"] == 0
    _later(stack, hours=1, seconds=1)
    assert _counts(stack, "RequestFunction", EXPIRE)["expired"] == 2
    assert flow.get(stale["id"])["status"] == "EXPIRED"
    assert flow.get(unused_label["id"])["status"] == "EXPIRED"
    assert flow.get(stale["id"])["timeline"][-1]["note"].startswith("EXPIRE-APPROVED")
    assert flow.get(shipped["id"])["status"] == "IN_TRANSIT"
    assert any(stale["id"] in m["subject"] and "expired" in m["subject"].lower() for m in mailbox())
    # an expired return frees its quantity and no longer counts as a package
    quote = flow.quote(order, [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}])["quote"]
    assert quote["lines"][0]["eligible"] is True
    assert _counts(stack, "RequestFunction", EXPIRE)["expired"] == 0  # safe to run twice


def test_review_sla_escalates_once_after_two_business_days(flow, tokens, stack):
    order = flow.record(order_input(line("L1"), billing=address("CA")))  # SCREEN-ADDRESS → under review
    ret = flow.request(order)["return"]
    assert ret["status"] == "UNDER_REVIEW"
    topic_messages = _ops_messages(stack)
    _later(stack, hours=1)
    assert _counts(stack, "ScreeningFunction", ESCALATE)["escalated"] == 0
    _later(stack, days=6)  # more than two business days whatever the weekday
    assert _counts(stack, "ScreeningFunction", ESCALATE)["escalated"] == 1
    assert any("REVIEW-SLA" in (e["note"] or "") for e in flow.get(ret["id"])["timeline"])
    assert _counts(stack, "ScreeningFunction", ESCALATE)["escalated"] == 0
    assert len(_ops_messages(stack)) == len(topic_messages) + 1


def test_sweep_screens_a_request_whose_event_was_lost(flow, stack, monkeypatch):
    order = flow.record(order_input(line("L1")))
    monkeypatch.setattr(stack.deps.events, "publish", _bus_down)
    ret = flow.request(order)["return"]
    assert ret["status"] == "REQUESTED"  # committed, but nobody heard about it
    monkeypatch.undo()
    _later(stack, minutes=6)
    assert _counts(stack, "ScreeningFunction", ESCALATE)["rescreened"] == 1
    assert flow.get(ret["id"])["status"] == "APPROVED"


def _bus_down(*_args, **_kwargs):
    raise ConnectionError("EventBridge unavailable")


def _ops_messages(stack) -> list:
    from moto.sns.models import sns_backends

    return list(
        sns_backends["123456789012"]["us-east-1"].topics[stack.stack.ops_topic_arn].sent_notifications
    )


def test_a_customer_email_that_failed_is_sent_by_the_resend_job(flow, tokens, stack, mailbox, monkeypatch):
    order = flow.record(order_input(line("L1", price="45.00")))
    real_send = stack.deps.mailer.send
    monkeypatch.setattr(stack.deps.mailer, "send", _ses_down)
    ret = flow.request(order)["return"]  # approved: the instructions email fails
    assert ret["status"] == "APPROVED"
    assert not [m for m in mailbox() if ret["id"] in m["subject"]]
    monkeypatch.setattr(stack.deps.mailer, "send", real_send)
    job = _event("label/schedule_resend_emails.json")
    assert stack.runtime.invoke("LabelFunction", job)["counts"]["resent"] == 0  # not yet: backing off
    _later(stack, minutes=16)  # the first backoff
    assert stack.runtime.invoke("LabelFunction", job)["counts"]["resent"] == 1
    sent = [m for m in mailbox() if ret["id"] in m["subject"]]
    assert (
        len(sent) == 1 and "Do NOT send it to the address printed on your original package" in sent[0]["body"]
    )
    assert stack.runtime.invoke("LabelFunction", job)["counts"] == {"resent": 0, "failed": 0, "given_up": 0,
                                                                     "skipped": 0}  # sent once


def _ses_down(*_args, **_kwargs):
    raise ConnectionError("SES unavailable")
