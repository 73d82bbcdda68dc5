"""Carrier tracking on the stack: the carrier's scans reach POST /webhooks/easypost (the local stack's
simulated carrier signs them as EasyPost does), move a shipped prepaid return to IN_TRANSIT (so
EXPIRE-APPROVED never expires it), show on the timeline and record delivery; forged, repeated and
late events change nothing. Self-shipped numbers get a tracker."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from returns_devstack.webhooks import CarrierSimulator, easypost_signature

from .lifecycle_helpers import approved, inspect_all, ok, receive, refund, statuses
from .support import TRACKING, line, order_input

EVENTS = Path(__file__).resolve().parents[2] / "events"
TRACKED = """query($id: ID!) { return(id: $id) { id status trackingNumber tracking { status lastScanAt deliveredAt }
  timeline { status actor note at } } }"""


def _tracked(gql, tokens, rid: str) -> dict:
    return gql(TRACKED, {"id": rid}, token=tokens.agent)["return"]


def _expire_job(stack, days: int) -> dict:
    now = stack.deps.clock()
    stack.deps.clock = lambda: now + timedelta(days=days)
    try:
        return stack.runtime.run_job("expire-approved")
    finally:
        stack.deps.clock = lambda: datetime.now(UTC)


def test_carrier_scans_move_a_prepaid_return_and_keep_it_from_expiring(flow, gql, tokens, stack):
    order = flow.record(order_input(line("L1", price="45.00"), line("L2")))
    shipped = approved(flow, order, [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}], method="PREPAID_LABEL")
    unused = approved(flow, order, [{"orderLineId": "L2", "quantity": 1, "reason": "STYLE"}], method="PREPAID_LABEL")
    carrier = CarrierSimulator(stack)

    # the label being created is no scan of the package
    assert carrier.scan(shipped["trackingNumber"], "pre_transit")[0] == 200
    assert _tracked(gql, tokens, shipped["id"])["status"] == "APPROVED"

    status, answer = carrier.scan(shipped["trackingNumber"].lower(), "in_transit")
    assert (status, answer) == (200, {"outcome": "applied"})
    ret = _tracked(gql, tokens, shipped["id"])
    assert ret["status"] == "IN_TRANSIT" and ret["tracking"]["status"] == "in_transit"
    assert statuses(ret) == ["REQUESTED", "APPROVED", "IN_TRANSIT"]
    carrier_events = [e for e in ret["timeline"] if e["actor"].startswith("carrier:")]
    assert [e["note"].split(":")[0] for e in carrier_events] == ["pre transit", "in transit"]

    # EXPIRE-APPROVED: the unscanned label expires, the package on its way does not
    result = _expire_job(stack, 31)
    assert result["counts"]["expired"] == 1
    assert _tracked(gql, tokens, unused["id"])["status"] == "EXPIRED"
    assert _tracked(gql, tokens, shipped["id"])["status"] == "IN_TRANSIT"

    carrier.scan(shipped["trackingNumber"], "out_for_delivery")
    carrier.scan(shipped["trackingNumber"], "delivered")
    ret = _tracked(gql, tokens, shipped["id"])
    assert ret["status"] == "IN_TRANSIT"  # the warehouse still receives and inspects
    assert ret["tracking"]["deliveredAt"] and ret["tracking"]["status"] == "delivered"
    assert receive(flow, shipped["id"])["status"] == "RECEIVED"
    inspect_all(flow, flow.get(shipped["id"]))
    assert refund(flow, shipped["id"])["status"] == "REFUNDED"
    # scans after the warehouse took the package change nothing
    assert carrier.scan(shipped["trackingNumber"], "delivered")[1] == {"outcome": "ignored"}


def test_repeated_late_and_forged_events_change_nothing(flow, gql, tokens, stack):
    order = flow.record(order_input(line("L1")))
    ret = approved(flow, order, method="PREPAID_LABEL")
    number = ret["trackingNumber"]
    carrier = CarrierSimulator(stack)
    when = datetime.now(UTC).replace(microsecond=0)
    carrier.scan(number, "in_transit", at=when - timedelta(hours=5))
    carrier.scan(number, "out_for_delivery", at=when - timedelta(hours=1))
    version = stack.deps.repo.get_return(ret["id"]).version

    # an older event arriving late (EasyPost's events carry every scan up to theirs)
    late = CarrierSimulator(stack)
    assert late.scan(number, "in_transit", at=when - timedelta(hours=5))[1] == {"outcome": "ignored"}
    # a forged call, and the same signed body sent twice
    body = json.dumps({"id": "evt_forged", "object": "Event", "description": "tracker.updated", "result": {
        "object": "Tracker", "tracking_code": number, "status": "delivered", "carrier": "UPS",
        "tracking_details": [{"status": "delivered", "message": "Delivered", "datetime": when.isoformat()}]}}).encode()
    forged = stack.runtime.http("POST", "/webhooks/easypost", body, {"X-Hmac-Signature": easypost_signature(body, "guess")})
    assert forged[0] == 400
    unsigned = stack.runtime.http("POST", "/webhooks/easypost", body, {})
    assert unsigned[0] == 400
    assert stack.deps.repo.get_return(ret["id"]).version == version
    signed = {"X-Hmac-Signature": easypost_signature(body, stack.secret("EASYPOST_WEBHOOK_SECRET_ARN"))}
    assert stack.runtime.http("POST", "/webhooks/easypost", body, signed)[0] == 200
    assert json.loads(stack.runtime.http("POST", "/webhooks/easypost", body, signed)[1]) == {"outcome": "duplicate"}
    final = _tracked(gql, tokens, ret["id"])
    assert final["tracking"]["status"] == "delivered"
    assert sum(1 for e in final["timeline"] if e["actor"].startswith("carrier:")) == 3


def test_the_recorded_easypost_event_through_the_label_function(flow, gql, tokens, stack):
    """EasyPost's own tracker.updated event (tests/fixtures), for a return's number, signed locally."""
    order = flow.record(order_input(line("L1")))
    ret = approved(flow, order, method="PREPAID_LABEL")
    event = json.loads((EVENTS / "label/http_easypost_webhook.json").read_text())
    raw = event["body"].replace("1ZRL00000000000001", ret["trackingNumber"])
    event["body"] = raw
    event["headers"]["x-hmac-signature"] = easypost_signature(raw.encode(), stack.secret("EASYPOST_WEBHOOK_SECRET_ARN"))
    answer = stack.runtime.invoke("LabelFunction", event)
    assert answer["statusCode"] == 200 and json.loads(answer["body"]) == {"outcome": "applied"}
    tracked = _tracked(gql, tokens, ret["id"])
    assert tracked["status"] == "IN_TRANSIT"
    in_transit = next(e for e in tracked["timeline"] if e["status"] == "IN_TRANSIT")
    assert in_transit["actor"] == "carrier:FedEx" and "ORLANDO FL US" in in_transit["note"]
    assert in_transit["at"] == "2024-07-31T19:27:00Z"  # the carrier's own time of the first scan


def test_a_self_shipped_number_gets_a_tracker_and_its_scans(flow, gql, tokens, stack):
    order = flow.record(order_input(line("L1")))
    ret = approved(flow, order)  # SELF_SHIP
    ok(flow.act(TRACKING, tokens.customer(order["email"]), id=ret["id"], carrier="USPS",
                number="9400111899223856928499"))
    stored = stack.deps.repo.get_return(ret["id"])
    assert stored.tracking is not None and stored.tracking.tracker_id == "trk_local_9400111899223856928499"
    # the event file, as SQS delivers it again: nothing more
    redelivered = json.loads((EVENTS / "label/sqs_tracking_submitted.json").read_text().replace(
        "RMA-EXAMPLE001", ret["id"]))
    assert stack.runtime.invoke("LabelFunction", redelivered) == {"batchItemFailures": []}
    assert stack.deps.repo.get_return(ret["id"]).version == stored.version
    CarrierSimulator(stack, carrier="USPS").scan("9400111899223856928499", "delivered")
    assert _tracked(gql, tokens, ret["id"])["tracking"]["status"] == "delivered"
