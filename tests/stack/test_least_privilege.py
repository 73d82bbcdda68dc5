"""Least privilege, proven (issue 19): moto enforces no IAM, so a missing permission would first show as
AccessDenied in production. Every function of template.yaml runs here with its own environment (as AWS
gives it: no other function's secrets, queues or state machine), Powertools' parameter caches bypassed
(every secret and parameter read is a call), through its commands, events, jobs and webhooks; every AWS
call it makes (and those the Lambda service makes with its role: its logs, its traces, its queue's
receives; the gateway's invokes; presigned URLs as the action they sign) is mapped to its IAM action and
resource and evaluated against the function's role as the template declares it. A call not granted
fails; grants no call used are reported in the test summary. Removing a statement fails the proof."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import pytest
import requests
from moto import mock_aws

from returns_devstack import mail_inbound
from returns_devstack.aws_hooks import AwsCall, AwsError, injecting, parameter_caches_bypassed, recording
from returns_devstack.deploy import MOTO_CONFIG
from returns_devstack.iam.actions import Place
from returns_devstack.iam.proof import Report, check
from returns_devstack.stack import EmbeddedStack, start_embedded_stack
from returns_devstack.webhooks import CarrierSimulator

from . import conftest
from .lifecycle_helpers import approved, ok, receive, refund
from .payment_helpers import post_stripe, refund_event
from .support import (
    APPROVE,
    CANCEL,
    DECLINE,
    INSPECT,
    TRACKING,
    Flow,
    GraphQL,
    Tokens,
    address,
    line,
    mutation,
    order_input,
)

RETRY_REFUND = mutation("retryRefund", "id: $id", "$id: ID!")
RETRY_LABEL = mutation("retryLabel", "id: $id", "$id: ID!")
PHOTO_FORM = """query($id: ID!) { inspectionPhotoUpload(id: $id, orderLineId: "L1",
  contentType: "image/jpeg") { upload { photoId url fields { name value } } userErrors { code } } }"""
PHOTOS = "query($id: ID!) { return(id: $id) { lines { photos { url } } } }"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 64
PAGES = """query($after: String) { returns(first: 1, after: $after) {
  edges { node { id } } pageInfo { hasNextPage endCursor } } }"""


INSIGHTS = """query($from: DateTime!, $to: DateTime!, $groupBy: InsightDimension!) {
  returnInsights(from: $from, to: $to, groupBy: $groupBy) { rows { key } userErrors { code } } }"""
EXPORT = """mutation($from: DateTime!, $to: DateTime!, $kind: ExportKind!) {
  exportReturns(from: $from, to: $to, kind: $kind) { url userErrors { code } } }"""
BOUNCING = "bounce@example.com"
INBOX = """{ inbox(includeHandled: true) { edges { node { id attachments { url } } } } }"""
MAIL_TOOLS = """mutation($r: ID!, $m: ID!) {
  sendMessage(returnId: $r, text: "Thank you", idempotencyKey: "proof") { userErrors { code } }
  attachMessage(messageId: $m, returnId: $r) { userErrors { code } }
  addInternalNote(returnId: $r, text: "checked") { userErrors { code } } }"""
HANDLED = """mutation($m: ID!) { markMessageHandled(messageId: $m) { userErrors { code } } }"""
CONVERSATION = """query($id: ID!) { return(id: $id) { review { waitingFor }
  messages { id attachments { url } } } }"""


def _customer_mail(sender: str, subject: str, *, attachment: bool = False) -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "cs@allegra-k.com", subject
    message.set_content("About my return.")
    if attachment:
        message.add_attachment(b"\x89PNG proof", maintype="image", subtype="png", filename="tag.png")
    return message.as_bytes()


def _bounced(call: AwsCall) -> AwsError | None:
    if call.operation == "SendEmail" and BOUNCING in json.dumps(call.params.get("Destination")):
        return AwsError("MessageRejected", "Email address is on the suppression list")
    return None


def exercise(stack: EmbeddedStack) -> None:
    """Each function's work through its own doors: commands through the gateway, the events they cause
    through the template's queues, every scheduled job, both providers' signed webhooks."""
    tokens = Tokens()
    gql = GraphQL(stack.gateway_app())
    flow = Flow(gql, tokens, pay=stack.pay)

    # a prepaid label: bought, stored, emailed (SES raw), presigned; scanned; received, inspected, refunded
    order = flow.record(order_input(line("L1", price="45.00"), line("L2"), line("L3")))
    prepaid = approved(flow, order, [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}],
                       method="PREPAID_LABEL")
    assert flow.get(prepaid["id"])["label"]["url"]  # the gateway presigns the label's GetObject
    CarrierSimulator(stack).scan(prepaid["trackingNumber"], "in_transit")
    receive(flow, prepaid["id"])
    form = gql(PHOTO_FORM, {"id": prepaid["id"]}, token=tokens.warehouse)["inspectionPhotoUpload"]["upload"]
    assert requests.post(form["url"], data={f["name"]: f["value"] for f in form["fields"]},
                         files={"file": ("tag.jpg", JPEG, "image/jpeg")}, timeout=10).status_code == 204
    checked = [{"orderLineId": "L1", "condition": "NEW_WITH_TAGS", "photoIds": [form["photoId"]]}]
    ok(flow.act(INSPECT, tokens.warehouse, id=prepaid["id"], lines=checked))
    assert gql(PHOTOS, {"id": prepaid["id"]}, token=tokens.agent)["return"]["lines"][0]["photos"][0]["url"]
    paid = refund(flow, prepaid["id"])["refund"]["id"]
    stack.payments.fail_refund(paid, "expired_or_canceled_card")  # the bank returns it; Stripe says so
    assert post_stripe(stack, refund_event("evt_proof", paid, "failed", return_id=prepaid["id"]))[0] == 200
    ok(flow.act(RETRY_REFUND, tokens.agent, id=prepaid["id"]))

    # self-shipped: instructions, a tracking number (a carrier tracker); a canceled prepaid label is voided
    shipped = approved(flow, order, [{"orderLineId": "L2", "quantity": 1, "reason": "STYLE"}])
    ok(flow.act(TRACKING, tokens.customer(order["email"]), id=shipped["id"], carrier="UPS",
                number="1Z999AA10123456784"))
    canceled = approved(flow, order, [{"orderLineId": "L3", "quantity": 1, "reason": "STYLE"}],
                        method="PREPAID_LABEL")
    ok(flow.act(CANCEL, tokens.customer(order["email"]), id=canceled["id"]))

    # screening holds two (a billing country unlike the shipping one): an agent approves one, declines one
    for decide, extra in ((APPROVE, {"note": "checked"}), (DECLINE, {"reason": "not ours"})):
        held = flow.record(order_input(line("L1"), billing=address("GB")))
        ret = ok(flow.request(held))
        assert ret["status"] == "UNDER_REVIEW"
        if decide is APPROVE:  # customer service by email: SES stores the raw message, the function reads it
            mail_inbound.receive(stack, _customer_mail(held["email"], ret["id"], attachment=True))
            asked = mail_inbound.receive(stack, _customer_mail(held["email"], "A question"))
            answered = gql(MAIL_TOOLS, {"r": ret["id"], "m": asked["messageId"]}, token=tokens.agent)
            assert all(not payload["userErrors"] for payload in answered.values()), answered
            gql(HANDLED, {"m": asked["messageId"]}, token=tokens.agent)
            talk = gql(CONVERSATION, {"id": ret["id"]}, token=tokens.agent)["return"]["messages"]
            urls = [a["url"] for message in talk for a in message["attachments"]]
            assert any(urls)  # the gateway presigns the photo's link for staff (the policy attachment: none)
            gql(INBOX, token=tokens.agent)
        ok(flow.act(decide, tokens.agent, id=ret["id"], **extra))

    # the carrier refuses a label; an agent retries it; the customer ships on their own meanwhile
    nowhere = flow.record(order_input(line("L1"), shipping=address("US", postalCode="00000")))
    refused = ok(flow.request(nowhere, method="PREPAID_LABEL"))
    flow.act(RETRY_LABEL, tokens.agent, id=refused["id"])
    ok(flow.act(TRACKING, tokens.customer(nowhere["email"]), id=refused["id"], carrier="USPS",
                number="9400111899223856928499"))

    # the deadline workflow's message (Step Functions sends it to the refund queue when it is due)
    waiting = approved(flow, flow.record(order_input(line("L1"))))
    receive(flow, waiting["id"])
    stack.stack.client("sqs").send_message(
        QueueUrl=stack.stack.queues["RefundQueue"],
        MessageBody=json.dumps({"type": "RefundDeadlineDue", "returnId": waiting["id"]}))

    # a package nobody asked for (REQ-FIRST), the agents' paged listing (the gateway's cursor key)
    flow.act(mutation("receiveReturn", "id: $id", "$id: ID!"), tokens.warehouse, id="RMA-NOBODY0000")
    page = gql(PAGES, token=tokens.agent)["returns"]["pageInfo"]
    gql(PAGES, {"after": page["endCursor"]}, token=tokens.agent)

    # SES refuses a customer's address for good: the functions that mail them give up and alert ops
    with injecting(_bounced):
        held = flow.record(order_input(line("L1"), billing=address("GB"), email=BOUNCING))
        assert ok(flow.request(held))["status"] == "UNDER_REVIEW"  # screening's email to them
        approved(flow, flow.record(order_input(line("L1"), email=BOUNCING)))  # the request function's

    # the insights: the table's stream into facts, the merchant's figures and export, the backfill task
    stack.flush_facts()
    period = {"from": "2020-01-01T00:00:00Z", "to": "2021-01-01T00:00:00Z"}
    gql(INSIGHTS, {**period, "groupBy": "SKU"}, token=tokens.merchant)
    gql(EXPORT, {**period, "kind": "REFUNDS"}, token=tokens.merchant)
    stack.runtime.invoke("InsightsFunction", {"job": "backfill-facts", "since": order["placedAt"][:7]})

    for _rule, function, _rate, payload in stack.stack.schedules:  # every job of every function
        stack.runtime.invoke(function, payload)
    for route in stack.stack.http_routes:  # every webhook route: an unsigned call is refused
        if route.function != stack.gateway:
            assert stack.runtime.http(route.method, route.path, b"{}", {})[0] == 400
    stack.runtime.drain()


@pytest.fixture(scope="module")
def proved(localstripe) -> Iterator[tuple[EmbeddedStack, list[AwsCall], Report]]:
    with mock_aws(config=MOTO_CONFIG), parameter_caches_bypassed():
        stack = start_embedded_stack(payments=localstripe, isolated=True)
        with recording() as calls:
            exercise(stack)
        report = check(calls, stack.stack.function_roles, _place(stack))
        conftest.PERMISSION_REPORT[:] = report.lines()
        yield stack, calls, report


def _place(stack: EmbeddedStack) -> Place:
    return Place(region=stack.stack.region, account=stack.stack.account_id)


def test_every_aws_call_of_every_function_is_granted_by_its_role(proved):
    _, _, report = proved
    assert report.proven, "\n".join(report.lines())


def test_every_function_of_the_template_was_exercised(proved):
    """Functions added to template.yaml are proven too: each must have made calls here."""
    stack, _, report = proved
    assert set(stack.stack.function_roles) == set(stack.stack.functions)
    silent = set(stack.stack.functions) - set(report.calls)
    assert not silent, f"never run by the permission proof (add its work to exercise()): {sorted(silent)}"


def test_removing_a_statement_from_a_role_fails_the_proof(proved):
    """For each function: without the statement that allowed most of its requests, the same calls are
    refused, and the proof names that function alone."""
    stack, calls, report = proved
    for function, role in stack.stack.function_roles.items():
        busiest, _ = report.grant_uses[function].most_common(1)[0]
        without = replace(role, grants=tuple(g for g in role.grants if g.label != busiest))
        broken = check(calls, {**stack.stack.function_roles, function: without}, _place(stack))
        assert not broken.proven, busiest
        assert {refusal.principal for refusal in broken.refused} == {function}, busiest


def test_the_proof_refuses_what_it_cannot_evaluate(proved):
    stack, calls, _ = proved
    unknown = AwsCall("RefundFunction", "kinesis", "kinesis", "PutRecord", {"StreamName": "s"})
    assert any("kinesis.PutRecord" in problem
               for problem in check([unknown], stack.stack.function_roles, _place(stack)).problems)


def test_the_report_lists_grants_no_call_used(proved):
    _, _, report = proved
    print("\n".join(report.lines()))
    assert set(report.unused) == set(report.calls)  # figured for every function that ran
    assert all(json.dumps(grants) for grants in report.unused.values())
