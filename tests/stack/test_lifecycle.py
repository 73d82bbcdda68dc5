"""A return's life through the GraphQL API, on the whole stack (moto, template.yaml, in-process functions):
request → screening → label/instructions → shipping → receiving → inspection → refund, and the emails."""

from __future__ import annotations

import urllib.parse
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import boto3
import requests

from .lifecycle_helpers import (
    amount,
    approved,
    at,
    inspect_all,
    mails_about,
    ok,
    receive,
    refund,
    refunds_paid,
    refused,
    statuses,
)
from .support import APPROVE, CANCEL, DECLINE, TRACKING, address, iso, line, order_input

RETURN_ADDRESS_LINE = "2450 Distribution Drive"


def test_us_prepaid_label_return_end_to_end(flow, stack, mailbox, tokens):
    order = flow.record(order_input(line("L1", price="45.00")))
    ret = approved(flow, order, method="PREPAID_LABEL")
    rid = ret["id"]

    # APPROVED with a free label
    label = ret["label"]
    assert label["carrier"] and label["trackingNumber"] and label["url"]
    assert label["fee"]["amount"] == "0.00"
    assert ret["carrier"] == label["carrier"]
    assert ret["trackingNumber"] == label["trackingNumber"]  # what the warehouse scans

    # found by its tracking number however it is typed (GSI5)
    typed = " ".join(label["trackingNumber"].lower()[i:i + 4] for i in range(0, 18, 4))
    assert [r.id for r in stack.deps.repo.returns_by_tracking_number(typed)] == [rid]
    assert stack.deps.repo.returns_by_tracking_number("1ZRL00000000000000") == []
    assert amount(ret["quote"]["total"]) == Decimal("45.00")

    # the stored label is a real PDF naming its tracking number; the presigned URL points at it
    stored = stack.deps.repo.get_return(rid)
    key = stored.label.object_key
    pdf = boto3.client("s3").get_object(Bucket=stack.stack.labels_bucket, Key=key)["Body"].read()
    assert pdf.startswith(b"%PDF-")
    assert label["trackingNumber"].encode() in pdf
    parsed = urllib.parse.urlparse(label["url"])
    assert urllib.parse.unquote(parsed.path).endswith(key)
    assert "X-Amz-Signature" in parsed.query and "X-Amz-Expires" in parsed.query
    fetched = requests.get(label["url"], timeout=5)  # moto intercepts the presigned GET
    assert fetched.status_code == 200 and fetched.content == pdf

    # the label email, with the same PDF attached
    [mail] = mails_about(mailbox, rid, "label")
    assert mail["to"] == [order["email"]]  # once, though moto lists raw-mail recipients twice
    assert label["trackingNumber"] in mail["body"]
    assert RETURN_ADDRESS_LINE in mail["body"]
    [(name, content_type, attached)] = mail["attachments"]
    assert content_type == "application/pdf" and name.endswith(".pdf") and attached == pdf

    # received: the refund deadline starts
    received_at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    ret = receive(flow, rid, iso(received_at))
    assert ret["status"] == "RECEIVED"
    assert at(ret["receivedAt"]) == received_at
    assert at(ret["refundDueAt"]) == received_at + timedelta(days=7)
    assert at(ret["refundExpectedBy"]) == received_at + timedelta(days=12)

    ret = inspect_all(flow, ret)
    assert ret["status"] == "INSPECTED"
    assert [(li["condition"], li["accepted"]) for li in ret["lines"]] == [("NEW_WITH_TAGS", True)]

    ret = refund(flow, rid)
    assert ret["status"] == "REFUNDED"
    assert ret["refund"]["amount"] == {"amount": "45.00", "currencyCode": "USD"}
    assert ret["refund"]["amount"]["amount"] == ret["quote"]["total"]["amount"]
    assert ret["refund"]["paymentReference"] == order["paymentReference"]
    clause_ids = {c["id"] for c in ret["refund"]["appliedClauses"]}
    assert {"REFUND-ORIGINAL", "FEE-US-FIRST"} <= clause_ids
    [payment] = refunds_paid(stack, rid)  # in localstripe (Stripe's API): cents, to the order's payment
    assert (payment["amount"], payment["currency"]) == (4500, "usd")
    assert payment["payment_intent"] == order["paymentReference"] and payment["id"] == ret["refund"]["id"]
    assert ret["refund"]["status"] == "SUCCEEDED"

    # the refund confirmation: amount, where the money goes (never the provider's payment id), clause ids
    [mail] = mails_about(mailbox, rid, "refund")
    assert "$45.00" in mail["subject"] and "$45.00" in mail["body"]
    assert (
        "the card or account you paid for the order with" in mail["body"]
        and order["paymentReference"][-4:] not in mail["body"]
    )
    assert "REFUND-ORIGINAL" in mail["body"] and "FEE-US-FIRST" in mail["body"]

    # the timeline: every step, with who did it
    assert statuses(ret) == ["REQUESTED", "APPROVED", "RECEIVED", "INSPECTED", "REFUNDED"]
    actors = {event["status"]: event["actor"] for event in ret["timeline"]}
    assert actors["REQUESTED"] == f"customer:{order['email']}"
    assert actors["RECEIVED"] == "warehouse:warehouse@allegra-k.com"
    assert actors["INSPECTED"] == "warehouse:warehouse@allegra-k.com"
    assert actors["REFUNDED"] == "agent:agent@allegra-k.com"
    assert any(e["actor"] == "screening" and e["status"] == "APPROVED" for e in ret["timeline"])
    assert any(
        e["actor"] == "label" and label["trackingNumber"] in (e["note"] or "") for e in ret["timeline"]
    )
    times = [at(e["at"]) for e in ret["timeline"]]
    assert times == sorted(times)

    # the customer sees the same refunded return
    mine = flow.gql(
        "query($id: ID!) { return(id: $id) { status refund { amount { amount } } } }",
        {"id": rid},
        token=tokens.customer(order["email"]),
    )["return"]
    assert mine == {"status": "REFUNDED", "refund": {"amount": {"amount": "45.00"}}}


def test_later_us_prepaid_package_pays_the_label_fee(flow, stack, mailbox):
    order = flow.record(order_input(line("L1", price="30.00"), line("L2", price="30.00")))
    first = approved(
        flow, order, [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}], method="PREPAID_LABEL"
    )
    assert first["label"]["fee"]["amount"] == "0.00"
    later = approved(
        flow, order, [{"orderLineId": "L2", "quantity": 1, "reason": "STYLE"}], method="PREPAID_LABEL"
    )
    assert later["quote"]["firstReturnPackage"] is False
    assert later["label"]["fee"]["amount"] == "6.99"
    assert later["quote"]["labelFee"]["amount"] == "6.99"
    assert later["quote"]["total"]["amount"] == "23.01"
    [mail] = mails_about(mailbox, later["id"], "label")
    assert "$6.99" in mail["body"]

    receive(flow, later["id"])
    inspect_all(flow, flow.get(later["id"]))
    done = refund(flow, later["id"])
    assert done["refund"]["amount"]["amount"] == "23.01"
    assert "FEE-US-LATER" in {c["id"] for c in done["refund"]["appliedClauses"]}
    [payment] = refunds_paid(stack, later["id"])
    assert payment["amount"] == 2301


def test_ca_self_ship_return_with_tracking_and_shipping_credit(flow, stack, mailbox, tokens):
    order = flow.record(order_input(line("L1", price="30.00"), country="CA"))
    customer = tokens.customer(order["email"])
    ret = approved(flow, order, method="SELF_SHIP")
    rid = ret["id"]
    assert ret["label"] is None
    assert ret["quote"]["methodsAvailable"] == ["SELF_SHIP"]
    assert ret["quote"]["shippingCredit"]["amount"] == "6.99" and ret["quote"]["total"]["amount"] == "36.99"

    # the instructions: the warehouse return address, the ADDR-RETURN warning, the RMA id
    [mail] = mails_about(mailbox, rid, "how to send")
    assert mail["to"] == [order["email"]]  # once, though moto lists raw-mail recipients twice
    assert RETURN_ADDRESS_LINE in mail["body"] and "Reno" in mail["body"]
    assert "ADDR-RETURN" in mail["body"] and "original package" in mail["body"]
    assert rid in mail["body"]
    assert mail["attachments"] == []

    # tracking → IN_TRANSIT; a resubmission replaces the number
    ret = ok(flow.act(TRACKING, customer, id=rid, carrier="USPS", number="9400111899223856928499"))
    assert ret["status"] == "IN_TRANSIT"
    assert (ret["carrier"], ret["trackingNumber"]) == ("USPS", "9400111899223856928499")
    ret = ok(flow.act(TRACKING, customer, id=rid, carrier="UPS", number="1Z999AA10123456784"))
    assert ret["status"] == "IN_TRANSIT"
    assert (ret["carrier"], ret["trackingNumber"]) == ("UPS", "1Z999AA10123456784")
    assert statuses(ret) == ["REQUESTED", "APPROVED", "IN_TRANSIT"]
    # the replaced number no longer finds the return; the new one does
    assert stack.deps.repo.returns_by_tracking_number("9400111899223856928499") == []
    assert [r.id for r in stack.deps.repo.returns_by_tracking_number("1z999aa10123456784")] == [rid]

    # cannot cancel once shipped
    refused(flow.act(CANCEL, customer, id=rid), "INVALID_STATE")

    ret = receive(flow, rid)
    assert ret["status"] == "RECEIVED" and ret["trackingNumber"] == "1Z999AA10123456784"
    refused(
        flow.act(TRACKING, customer, id=rid, carrier="USPS", number="9400111899223856928400"), "INVALID_STATE"
    )
    inspect_all(flow, ret)
    done = refund(flow, rid)
    assert done["refund"]["amount"]["amount"] == "36.99"
    assert "FEE-CAJP-FIRST" in {c["id"] for c in done["refund"]["appliedClauses"]}
    assert statuses(done) == ["REQUESTED", "APPROVED", "IN_TRANSIT", "RECEIVED", "INSPECTED", "REFUNDED"]
    [mail] = mails_about(mailbox, rid, "refund")
    assert "$36.99" in mail["body"] and "$6.99" in mail["body"]


def test_tracking_is_for_self_ship_returns_only(flow, tokens):
    order = flow.record(order_input(line("L1")))
    ret = approved(flow, order, method="PREPAID_LABEL")
    error = refused(flow.act(TRACKING, tokens.customer(order["email"]), id=ret["id"], carrier="USPS",
                             number="9400111899223856928499"))
    assert error["code"] == "INVALID_STATE"
    after = flow.get(ret["id"])
    assert after["status"] == "APPROVED"  # unchanged: the label's own number stays
    assert (after["carrier"], after["trackingNumber"]) == (
        ret["label"]["carrier"],
        ret["label"]["trackingNumber"],
    )


def test_screened_returns_are_reviewed_then_approved_or_declined(flow, mailbox, tokens):
    # billing country differs from the shipping country → SCREEN-ADDRESS
    flagged = order_input(line("L1"), line("L2"), billing=address("GB"))
    order = flow.record(flagged)
    first = ok(flow.request(order, [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}],
                            method="PREPAID_LABEL"))
    second = ok(flow.request(order, [{"orderLineId": "L2", "quantity": 1, "reason": "STYLE"}]))
    for ret in (first, second):
        assert ret["status"] == "UNDER_REVIEW"
        assert ret["screening"]["outcome"] == "REVIEW"
        assert "SCREEN-ADDRESS" in {f["clause"]["id"] for f in ret["screening"]["flags"]}
        assert ret["label"] is None
        assert statuses(ret) == ["REQUESTED", "UNDER_REVIEW"]
        [mail] = mails_about(mailbox, ret["id"], "confirm")
        assert mail["to"] == [order["email"]]  # once, though moto lists raw-mail recipients twice
        [(name, content_type, policy)] = mail["attachments"]
        assert content_type == "text/plain" and "policy" in name
        policy = policy.decode() if isinstance(policy, bytes) else policy
        assert "[WINDOW-30D]" in policy and "[SCREEN-ADDRESS]" in policy

    # agent approves the prepaid one: label issued and emailed
    ret = ok(flow.act(APPROVE, tokens.agent, id=first["id"], note="customer confirmed by phone"))
    assert ret["status"] == "APPROVED"
    assert ret["label"] is not None and ret["label"]["trackingNumber"]
    assert [
        (e["status"], e["actor"], e["note"]) for e in ret["timeline"] if e["actor"].startswith("agent")
    ] == [("APPROVED", "agent:agent@allegra-k.com", "customer confirmed by phone")]
    assert statuses(ret) == ["REQUESTED", "UNDER_REVIEW", "APPROVED"]
    assert len(mails_about(mailbox, first["id"], "label")) == 1

    # approving or declining it again: not under review any more
    refused(flow.act(APPROVE, tokens.agent, id=first["id"], note=None), "INVALID_STATE")
    refused(flow.act(DECLINE, tokens.agent, id=first["id"], reason="changed my mind"), "INVALID_STATE")

    # agent declines the other: DECLINED, email with the reason; no instructions were sent
    ret = ok(flow.act(DECLINE, tokens.agent, id=second["id"], reason="order details could not be confirmed"))
    assert ret["status"] == "DECLINED"
    assert ret["timeline"][-1] == {
        **ret["timeline"][-1],
        "status": "DECLINED",
        "actor": "agent:agent@allegra-k.com",
        "note": "order details could not be confirmed",
    }
    [mail] = mails_about(mailbox, second["id"], "declined")
    assert "order details could not be confirmed" in mail["body"]
    assert mails_about(mailbox, second["id"], "how to send") == []
    refused(flow.act(APPROVE, tokens.agent, id=second["id"], note=None), "INVALID_STATE")
    refused(flow.act(DECLINE, tokens.agent, id=second["id"], reason="again"), "INVALID_STATE")

    # an auto-approved return is not under review either
    plain = flow.record(order_input(line("L1")))
    auto = approved(flow, plain)
    refused(flow.act(APPROVE, tokens.agent, id=auto["id"], note=None), "INVALID_STATE")
    refused(flow.act(DECLINE, tokens.agent, id=auto["id"], reason="no"), "INVALID_STATE")


def test_approving_a_reviewed_self_ship_return_sends_instructions(flow, mailbox, tokens):
    order = flow.record(order_input(line("L1"), billing=address("GB")))
    ret = ok(flow.request(order))
    assert ret["status"] == "UNDER_REVIEW"
    assert mails_about(mailbox, ret["id"], "how to send") == []
    ret = ok(flow.act(APPROVE, tokens.agent, id=ret["id"], note=None))
    assert ret["status"] == "APPROVED" and ret["label"] is None
    [mail] = mails_about(mailbox, ret["id"], "how to send")
    assert "ADDR-RETURN" in mail["body"]


def test_cancel_before_shipping_frees_the_quantity(flow, tokens, mailbox):
    order = flow.record(order_input(line("L1", quantity=1), line("L2"), line("L3"), billing=None))
    customer = tokens.customer(order["email"])
    requested = [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}]

    # APPROVED → canceled by the customer; the line can be requested again
    ret = approved(flow, order, requested)
    refused(flow.request(order, requested), "QUANTITY_EXCEEDED", "INELIGIBLE")
    canceled = ok(flow.act(CANCEL, customer, id=ret["id"]))
    assert canceled["status"] == "CANCELED"
    assert canceled["timeline"][-1]["actor"] == "you"  # the customer reads their own step so
    assert len(mails_about(mailbox, ret["id"], "canceled")) == 1
    again = approved(flow, order, requested)
    # canceling twice: refused
    refused(flow.act(CANCEL, customer, id=ret["id"]), "INVALID_STATE")

    # an agent cancels on the customer's behalf
    assert ok(flow.act(CANCEL, tokens.agent, id=again["id"]))["status"] == "CANCELED"

    # UNDER_REVIEW → canceled
    review_order = flow.record(order_input(line("L1"), billing=address("GB")))
    under_review = ok(flow.request(review_order))
    assert under_review["status"] == "UNDER_REVIEW"
    assert ok(flow.act(CANCEL, customer, id=under_review["id"]))["status"] == "CANCELED"

    # IN_TRANSIT → refused; RECEIVED → refused
    shipped = approved(flow, order, [{"orderLineId": "L2", "quantity": 1, "reason": "STYLE"}])
    ok(flow.act(TRACKING, customer, id=shipped["id"], carrier="USPS", number="9400111899223856928499"))
    refused(flow.act(CANCEL, customer, id=shipped["id"]), "INVALID_STATE")
    refused(flow.act(CANCEL, tokens.agent, id=shipped["id"]), "INVALID_STATE")
    received = approved(flow, order, [{"orderLineId": "L3", "quantity": 1, "reason": "STYLE"}])
    receive(flow, received["id"])
    refused(flow.act(CANCEL, customer, id=received["id"]), "INVALID_STATE")
    assert flow.get(shipped["id"])["status"] == "IN_TRANSIT"
    assert flow.get(received["id"])["status"] == "RECEIVED"


def test_cancel_while_requested(flow, stack, tokens):
    """A return still REQUESTED (its screening event not delivered yet) can be canceled; a late
    screening event then changes nothing."""
    stack.command_bus.deliver_events = False
    try:
        order = flow.record(order_input(line("L1")))
        ret = ok(flow.request(order))
        assert ret["status"] == "REQUESTED"
        assert ok(flow.act(CANCEL, tokens.customer(order["email"]), id=ret["id"]))["status"] == "CANCELED"
    finally:
        stack.command_bus.deliver_events = True
    stack.runtime.drain()
    after = flow.get(ret["id"])
    assert after["status"] == "CANCELED" and after["screening"] is None
    assert statuses(after) == ["REQUESTED", "CANCELED"]
