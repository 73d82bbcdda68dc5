"""A customer's own timeline names who acted in words (you, customer service, the warehouse, the carrier
by name), not staff addresses or the service's internal names, and keeps back every note not written
for them (agents' remarks, the service's own notes with instants and ids); staff read it as recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest

from returns_shared.domain.vocabulary import ReturnStatus

from .support import ALICE, NOW, Api, FakeReader, auth, make_order, make_return

AGENT = "agent:ann.agent@shop.example"
WAREHOUSE = "warehouse:wes@shop.example"
TIMELINE = 'query($id: ID!) { return(id: $id) { timeline { status actor note } } }'


def reviewed_returns():
    order = make_order("O1", ALICE, lines=1)
    approved = make_return("R1", order, status=ReturnStatus.UNDER_REVIEW)
    approved.approve(actor=AGENT, at=NOW, note="repeat returner, photos checked")
    approved.note(actor="carrier:USPS", at=NOW + timedelta(hours=1), note="USPS in_transit at Memphis")
    approved.submit_tracking(carrier="USPS", tracking_number="9400111", actor=AGENT,
                             at=NOW + timedelta(hours=2), replacements_allowed=3)
    approved.receive(actor=WAREHOUSE, at=NOW + timedelta(days=2), received_at=NOW + timedelta(days=2),
                     refund_due_at=NOW + timedelta(days=9), refund_expected_by=NOW + timedelta(days=14))
    declined = make_return("R2", order, status=ReturnStatus.UNDER_REVIEW)
    declined.decline(actor=AGENT, at=NOW, reason="Bought 40 of the same dress in a week")
    return FakeReader([order], [approved, declined])


def timeline(api, return_id, headers):
    answer = api.gql(TIMELINE, {"id": return_id}, headers=headers)
    assert "errors" not in answer, answer
    return answer["data"]["return"]["timeline"]


def test_the_customer_reads_roles_and_no_internal_note():
    api = Api(reviewed_returns())
    events = timeline(api, "R1", auth(email=ALICE))
    shown = "\n".join(f"{event['actor']} {event['note']}" for event in events)
    assert "shop.example" not in shown and "ann.agent" not in shown and "repeat returner" not in shown
    by_status = {event["status"]: event for event in reversed(events)}  # each status's first event
    assert by_status["APPROVED"] == {"status": "APPROVED", "actor": "customer service", "note": None}
    assert by_status["RECEIVED"] == {"status": "RECEIVED", "actor": "warehouse", "note": None}  # no instant
    assert events[0]["actor"] == "you"  # their own request
    assert {"status": "APPROVED", "actor": "USPS", "note": "USPS in_transit at Memphis"} in events
    assert "customer:" not in shown and "Z" not in "".join(e["note"] or "" for e in events)
    assert [event["status"] for event in events] == [e.status for e in api.reader.returns["R1"].timeline]


def test_the_customer_reads_the_decline_reason_they_are_emailed():
    api = Api(reviewed_returns())
    (*_, declined) = timeline(api, "R2", auth(email=ALICE))
    assert declined == {"status": "DECLINED", "actor": "customer service",
                        "note": "Bought 40 of the same dress in a week"}


def test_the_customer_reads_that_their_prepaid_label_was_issued_and_no_other_label_note():
    reader = reviewed_returns()
    ret = reader.returns["R1"]
    ret.note(actor="label", at=NOW, note="label issued: UPS 1ZRL05597881391796")
    ret.note(actor="label", at=NOW, note="label not voided: UPS 1ZRL05597881391796 (carrier error 503)")
    events = timeline(Api(reader), "R1", auth(email=ALICE))
    notes = [event["note"] for event in events if event["actor"] == "label service"]
    assert notes == ["Prepaid label issued: UPS 1ZRL05597881391796", None]


@pytest.mark.parametrize("group", ["agent", "warehouse"])
def test_staff_read_the_timeline_as_recorded(group):
    api = Api(reviewed_returns())
    events = timeline(api, "R1", auth(group, email=None))
    recorded = api.reader.returns["R1"].timeline
    assert [(e["actor"], e["note"]) for e in events] == [(e.actor, e.note) for e in recorded]
    assert {"status": "APPROVED", "actor": AGENT, "note": "repeat returner, photos checked"} in events
