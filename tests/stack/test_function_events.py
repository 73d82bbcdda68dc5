"""The functions driven by the REAL event files in events/ (the ones `sam local invoke -e` uses), with the
example ids swapped for returns created on the stack, through the in-process Lambda runtime."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3

from returns_devstack.runtime import wait_for
from returns_shared.adapters.sfn_workflow import execution_arn, execution_name
from returns_shared.service.screening import screen_return

from .lifecycle_helpers import (
    approved,
    inspect_all,
    mails_about,
    ok,
    receive,
    refunds_paid,
    statuses,
)
from .support import address, iso, line, order_input

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "events"
EXAMPLE_RETURN, EXAMPLE_ORDER = "RMA-EXAMPLE001", "AK-2001"
EXAMPLE_EMAIL = "jane.doe@example.com"  # the customer the command events are sent as


def event(name: str, *, return_id: str | None = None, order_id: str | None = None) -> dict[str, Any]:
    """events/<name>, with the example return and order ids replaced (also inside SQS bodies)."""
    text = (EVENTS / name).read_text()
    assert EXAMPLE_RETURN in text or EXAMPLE_ORDER in text or "job" in text, name
    if return_id:
        text = text.replace(EXAMPLE_RETURN, return_id)
    if order_id:
        text = text.replace(f'"{EXAMPLE_ORDER}"', f'"{order_id}"').replace(f'\\"{EXAMPLE_ORDER}\\"',
                                                                          f'\\"{order_id}\\"')
    return json.loads(text)


@contextmanager
def clock_at(stack, moment: datetime) -> Iterator[None]:
    """The functions' clock moved (the stack's functions share these dependencies)."""
    deps = stack.deps
    original = deps.clock
    deps.clock = lambda: moment
    try:
        yield
    finally:
        deps.clock = original


@contextmanager
def events_held(stack) -> Iterator[None]:
    """Commands answer without delivering the queued events (so the test delivers them itself)."""
    stack.command_bus.deliver_events = False
    try:
        yield
    finally:
        stack.command_bus.deliver_events = True


def invoke(stack, function: str, payload: dict[str, Any]) -> Any:
    return stack.runtime.invoke(function, payload)


def no_failures(answer: dict[str, Any]) -> None:
    assert answer == {"batchItemFailures": []}, answer


def test_every_event_file_is_used_by_a_test():
    files = sorted(
        str(p.relative_to(EVENTS))
        for p in EVENTS.rglob("*.json")
        if p.relative_to(EVENTS).parts[0] != "graphql"
    )
    assert files, "no event files found"
    sources = "\n".join(p.read_text() for p in Path(__file__).parent.glob("test_*.py"))
    unused = [name for name in files if f'"{name}"' not in sources]
    assert unused == [], f"event files no test uses: {unused}"


def test_record_order_command(flow, stack, gql, tokens):
    payload = event("request/command_record_order.json")
    payload["input"]["id"] = "AK-EVT-1"
    answer = invoke(stack, "RequestFunction", payload)
    assert answer == {"returnId": None, "orderId": "AK-EVT-1", "userErrors": []}
    stored = stack.deps.repo.get_order("AK-EVT-1")
    assert stored.email == EXAMPLE_EMAIL and stored.payment_reference == "pi_example_4242"
    assert [(li.id, str(li.unit_price.amount)) for li in stored.lines] == [("L1", "45.00")]
    order = gql('query($id: ID!) { order(id: $id) { id email shippingFee { amount } } }', {"id": "AK-EVT-1"},
                token=tokens.customer(EXAMPLE_EMAIL))["order"]
    assert order == {"id": "AK-EVT-1", "email": EXAMPLE_EMAIL, "shippingFee": {"amount": "5.99"}}
    # the feed resends it: nothing to do
    version = stack.deps.repo.get_stored_order("AK-EVT-1")
    assert invoke(stack, "RequestFunction", payload)["userErrors"] == []
    assert stack.deps.repo.get_stored_order("AK-EVT-1") == version


def test_request_screen_label_events_and_redelivery(flow, stack, mailbox):
    order = flow.record(order_input(line("L1", price="45.00"), email=EXAMPLE_EMAIL))
    with events_held(stack):
        answer = invoke(
            stack, "RequestFunction", event("request/command_request_return.json", order_id=order["id"])
        )
        assert answer["userErrors"] == [] and answer["orderId"] == order["id"]
        rid = answer["returnId"]
        ret = stack.deps.repo.get_return(rid)
        assert ret.status.value == "REQUESTED" and ret.method.value == "PREPAID_LABEL"
        assert ret.lines[0].note == "runs small"
        # the same command again (a retried invoke): the same return
        again = invoke(
            stack, "RequestFunction", event("request/command_request_return.json", order_id=order["id"])
        )
        assert again["returnId"] == rid

        screening = event("screening/sqs_return_requested.json", return_id=rid, order_id=order["id"])
        no_failures(invoke(stack, "ScreeningFunction", screening))
        ret = stack.deps.repo.get_return(rid)
        assert ret.status.value == "APPROVED" and ret.screening.outcome == "PASS" and ret.label is None
        version = ret.version
        no_failures(invoke(stack, "ScreeningFunction", screening))  # redelivered: nothing changes
        assert stack.deps.repo.get_return(rid).version == version

        labelling = event("label/sqs_return_approved_prepaid.json", return_id=rid, order_id=order["id"])
        no_failures(invoke(stack, "LabelFunction", labelling))
        ret = stack.deps.repo.get_return(rid)
        assert ret.label is not None and ret.label.fee.amount == 0
        label = ret.label
        [mail] = mails_about(mailbox, rid, "label")
        assert mail["attachments"][0][1] == "application/pdf"
        no_failures(invoke(stack, "LabelFunction", labelling))  # redelivered: no second label, no second mail
        after = stack.deps.repo.get_return(rid)
        assert after.label == label and after.version == ret.version
        assert len(mails_about(mailbox, rid, "label")) == 1
        objects = boto3.client("s3").list_objects_v2(Bucket=stack.stack.labels_bucket,
                                                     Prefix=f"labels/{rid}/").get("Contents", [])
        assert [o["Key"] for o in objects] == [label.object_key]
    # the events the stack queued meanwhile arrive late: still nothing new
    stack.runtime.drain()
    final = flow.get(rid)
    assert final["label"]["trackingNumber"] == label.tracking_number
    assert len(mails_about(mailbox, rid, "label")) == 1
    assert statuses(final) == ["REQUESTED", "APPROVED"]


def test_self_ship_instructions_event_and_redelivery(flow, stack, mailbox):
    order = flow.record(order_input(line("L1"), country="CA", email=EXAMPLE_EMAIL))
    with events_held(stack):
        rid = ok(flow.request(order))["id"]
        no_failures(invoke(stack, "ScreeningFunction",
                           event("screening/sqs_return_requested.json", return_id=rid, order_id=order["id"])))
        assert mails_about(mailbox, rid) == []
        instructions = event(
            "request/sqs_return_approved_self_ship.json", return_id=rid, order_id=order["id"]
        )
        no_failures(invoke(stack, "RequestFunction", instructions))
        [mail] = mails_about(mailbox, rid, "how to send")
        assert "ADDR-RETURN" in mail["body"] and rid in mail["body"]
        no_failures(invoke(stack, "RequestFunction", instructions))
        # the label function ignores a self-ship approval
        no_failures(
            invoke(
                stack,
                "LabelFunction",
                event("label/sqs_return_approved_prepaid.json", return_id=rid, order_id=order["id"]),
            )
        )
    stack.runtime.drain()
    assert len(mails_about(mailbox, rid)) == 1
    assert flow.get(rid)["label"] is None

    # the request function ignores an approval of a prepaid-label return (its customer gets a label, not
    # "ship it yourself" instructions), whatever the event says
    us = flow.record(order_input(line("L1"), email=EXAMPLE_EMAIL))
    prepaid = approved(flow, us, method="PREPAID_LABEL")["id"]
    no_failures(
        invoke(
            stack,
            "RequestFunction",
            event("request/sqs_return_approved_self_ship.json", return_id=prepaid, order_id=us["id"]),
        )
    )
    assert mails_about(mailbox, prepaid, "how to send") == []
    assert len(mails_about(mailbox, prepaid, "label")) == 1


def test_customer_commands_cancel_and_tracking(flow, stack):
    order = flow.record(order_input(line("L1"), line("L2"), email=EXAMPLE_EMAIL))
    first = approved(flow, order, [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}])
    second = approved(flow, order, [{"orderLineId": "L2", "quantity": 1, "reason": "STYLE"}])

    answer = invoke(
        stack, "RequestFunction", event("request/command_submit_tracking.json", return_id=first["id"])
    )
    assert answer["userErrors"] == [] and answer["returnId"] == first["id"]
    ret = stack.deps.repo.get_return(first["id"])
    assert (ret.status.value, ret.carrier, ret.tracking_number) == (
        "IN_TRANSIT",
        "USPS",
        "9400111899223856928499",
    )
    canceling = invoke(
        stack, "RequestFunction", event("request/command_cancel_return.json", return_id=first["id"])
    )
    assert [e["code"] for e in canceling["userErrors"]] == ["INVALID_STATE"]

    answer = invoke(
        stack, "RequestFunction", event("request/command_cancel_return.json", return_id=second["id"])
    )
    assert answer["userErrors"] == []
    assert stack.deps.repo.get_return(second["id"]).status.value == "CANCELED"
    # another customer's event: refused by the function itself
    foreign = flow.record(order_input(line("L1"), email="someone.else@example.com"))
    theirs = approved(flow, foreign)
    answer = invoke(
        stack, "RequestFunction", event("request/command_cancel_return.json", return_id=theirs["id"])
    )
    assert [e["code"] for e in answer["userErrors"]] == ["FORBIDDEN"]
    assert stack.deps.repo.get_return(theirs["id"]).status.value == "APPROVED"


def test_agent_approve_and_decline_commands(flow, stack, mailbox):
    order = flow.record(order_input(line("L1"), line("L2"), billing=address("GB"), email=EXAMPLE_EMAIL))
    one = ok(
        flow.request(order, [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}], method="PREPAID_LABEL")
    )
    two = ok(flow.request(order, [{"orderLineId": "L2", "quantity": 1, "reason": "STYLE"}]))
    assert one["status"] == two["status"] == "UNDER_REVIEW"

    answer = invoke(
        stack, "ScreeningFunction", event("screening/command_approve_return.json", return_id=one["id"])
    )
    assert answer["userErrors"] == []
    stack.runtime.drain()  # the approval's event reaches the label function
    approved_ = flow.get(one["id"])
    assert approved_["status"] == "APPROVED" and approved_["label"] is not None
    assert any(e["note"] == "customer confirmed by email" and e["actor"] == "agent:agent@allegra-k.com"
               for e in approved_["timeline"])
    again = invoke(
        stack, "ScreeningFunction", event("screening/command_approve_return.json", return_id=one["id"])
    )
    assert [e["code"] for e in again["userErrors"]] == ["INVALID_STATE"]

    answer = invoke(
        stack, "ScreeningFunction", event("screening/command_decline_return.json", return_id=two["id"])
    )
    assert answer["userErrors"] == []
    assert flow.get(two["id"])["status"] == "DECLINED"
    [mail] = mails_about(mailbox, two["id"], "declined")
    assert "order details could not be confirmed" in mail["body"]
    again = invoke(
        stack, "ScreeningFunction", event("screening/command_decline_return.json", return_id=two["id"])
    )
    assert [e["code"] for e in again["userErrors"]] == ["INVALID_STATE"]
    assert len(mails_about(mailbox, two["id"], "declined")) == 1


def test_warehouse_and_agent_commands_receive_inspect_refund(flow, stack, mailbox):
    order = flow.record(order_input(line("L1", price="45.00"), email=EXAMPLE_EMAIL))
    rid = approved(flow, order, method="PREPAID_LABEL")["id"]

    refunding = event("refund/command_issue_refund.json", return_id=rid)
    assert [e["code"] for e in invoke(stack, "RefundFunction", refunding)["userErrors"]] == ["INVALID_STATE"]

    before = datetime.now(UTC)
    answer = invoke(stack, "RefundFunction", event("refund/command_receive_return.json", return_id=rid))
    assert answer["userErrors"] == []
    ret = stack.deps.repo.get_return(rid)
    assert ret.status.value == "RECEIVED" and ret.received_at >= before - timedelta(seconds=1)
    assert ret.refund_due_at == ret.received_at + timedelta(days=7)
    assert stack.deps.workflow.is_running(return_id=rid)  # REFUND-7D runs on the state machine

    answer = invoke(stack, "RefundFunction", event("refund/command_inspect_return.json", return_id=rid))
    assert answer["userErrors"] == []
    ret = stack.deps.repo.get_return(rid)
    assert ret.status.value == "INSPECTED" and ret.lines[0].accepted is True

    assert invoke(stack, "RefundFunction", refunding)["userErrors"] == []
    ret = stack.deps.repo.get_return(rid)
    assert ret.status.value == "REFUNDED" and str(ret.refund.amount.amount) == "45.00"
    assert ret.refund.payment_reference == order["paymentReference"]
    second = invoke(stack, "RefundFunction", refunding)
    assert [e["code"] for e in second["userErrors"]] == ["ALREADY_REFUNDED"]
    assert len(refunds_paid(stack, rid)) == 1
    assert len(mails_about(mailbox, rid, "refund")) == 1

    # an unknown package through the command event: NOT_FOUND and recorded (REQ-FIRST)
    unknown = invoke(
        stack, "RefundFunction", event("refund/command_receive_return.json", return_id="RMA-UNKNOWN001")
    )
    assert [e["code"] for e in unknown["userErrors"]] == ["NOT_FOUND"]


def test_deadline_due_refunds_an_inspected_return(flow, stack, mailbox):
    order = flow.record(order_input(line("L1", price="45.00")))
    rid = approved(flow, order)["id"]
    receive(flow, rid)
    inspect_all(flow, flow.get(rid))
    due = event("refund/sqs_refund_deadline_due.json", return_id=rid)
    no_failures(invoke(stack, "RefundFunction", due))
    assert flow.get(rid)["status"] == "INSPECTED"  # before refundDueAt the message changes nothing
    with clock_at(stack, datetime.now(UTC) + timedelta(days=7, minutes=1)):
        no_failures(invoke(stack, "RefundFunction", due))
        ret = flow.get(rid)
        assert ret["status"] == "REFUNDED" and ret["refund"]["amount"]["amount"] == "45.00"
        assert ret["timeline"][-1]["actor"] == "deadline-workflow"
        no_failures(invoke(stack, "RefundFunction", due))  # redelivered: paid once
    assert len(refunds_paid(stack, rid)) == 1
    assert len(mails_about(mailbox, rid, "refund")) == 1
    assert [e["status"] for e in flow.get(rid)["timeline"]].count("REFUNDED") == 1


def test_deadline_due_before_inspection_escalates_then_inspection_refunds(flow, stack, mailbox):
    order = flow.record(order_input(line("L1", price="45.00")))
    rid = approved(flow, order)["id"]
    receive(flow, rid)
    due = event("refund/sqs_refund_deadline_due.json", return_id=rid)
    with clock_at(stack, datetime.now(UTC) + timedelta(days=7, minutes=1)):
        no_failures(invoke(stack, "RefundFunction", due))
        ret = flow.get(rid)
        assert ret["status"] == "RECEIVED"
        breach = [e for e in ret["timeline"] if "REFUND-7D" in (e["note"] or "")]
        assert len(breach) == 1 and breach[0]["actor"] == "system"
        no_failures(invoke(stack, "RefundFunction", due))  # redelivered: one escalation
        assert sum("REFUND-7D" in (e["note"] or "") for e in flow.get(rid)["timeline"]) == 1
        # pinned: after an SLA breach the return is refunded as soon as it is inspected, no agent needed
        inspected = inspect_all(flow, flow.get(rid))
    assert inspected["status"] == "REFUNDED"
    assert inspected["refund"]["amount"]["amount"] == "45.00"
    assert inspected["timeline"][-1]["actor"] == "deadline-workflow"
    assert len(refunds_paid(stack, rid)) == 1
    assert len(mails_about(mailbox, rid, "refund")) == 1


def test_inspection_after_a_breach_answers_cleanly_when_the_workflow_refunded_first(flow, stack, tokens):
    """The redelivered due message pays while the inspection's own refund runs: the inspection committed, so
    its mutation must not answer a userError (userErrors mean nothing changed); paid once."""
    order = flow.record(order_input(line("L1", price="45.00")))
    rid = approved(flow, order)["id"]
    receive(flow, rid)
    due = event("refund/sqs_refund_deadline_due.json", return_id=rid)
    payments = stack.deps.payments

    class RacingPayments:
        calls = 0
        provider = payments.provider
        refunds_for = payments.refunds_for
        refund_record = payments.refund_record
        payment = payments.payment

        def refund(self, **kwargs: Any) -> Any:
            RacingPayments.calls += 1
            if RacingPayments.calls == 1:  # the workflow's message lands while the inspection pays
                no_failures(invoke(stack, "RefundFunction", due))
            return payments.refund(**kwargs)

    with clock_at(stack, datetime.now(UTC) + timedelta(days=7, minutes=1)):
        no_failures(invoke(stack, "RefundFunction", due))  # the breach
        stack.deps.payments = RacingPayments()
        try:
            answer = inspect_all(flow, flow.get(rid))
        finally:
            stack.deps.payments = payments
    assert answer["status"] == "REFUNDED"
    assert [e["status"] for e in answer["timeline"]].count("REFUNDED") == 1
    assert len(refunds_paid(stack, rid)) == 1


def test_escalate_reviews_job(flow, stack):
    order = flow.record(order_input(line("L1"), billing=address("GB")))
    rid = ok(flow.request(order))["id"]
    job = event("screening/schedule_escalate_reviews.json")
    fresh = invoke(stack, "ScreeningFunction", job)
    assert fresh["job"] == "escalate-reviews" and fresh["counts"]["escalated"] == 0
    with clock_at(stack, datetime.now(UTC) + timedelta(days=6)):
        answer = invoke(stack, "ScreeningFunction", job)
        assert answer["counts"]["escalated"] == 1
        assert invoke(stack, "ScreeningFunction", job)["counts"]["escalated"] == 0  # once
    ret = flow.get(rid)
    assert ret["status"] == "UNDER_REVIEW"
    assert sum("REVIEW-SLA" in (e["note"] or "") for e in ret["timeline"]) == 1


def test_escalate_reviews_sweeps_page_past_the_first_page(flow, stack):
    """The safety sweeps of the escalate-reviews job look at every stale return, not the oldest page only:
    approved returns wait up to 30 days for the customer, so the oldest ones are rarely the stuck ones."""
    from returns_shared.service import screening

    order = flow.record(order_input(line("L1"), line("L2"), line("L3"), line("L4")))
    for i in (1, 2):
        approved(
            flow, order, [{"orderLineId": f"L{i}", "quantity": 1, "reason": "STYLE"}], method="PREPAID_LABEL"
        )
    with events_held(stack):  # the bus lost these: one stuck approved without its label, one stuck requested
        unlabelled = ok(flow.request(order, [{"orderLineId": "L3", "quantity": 1, "reason": "STYLE"}],
                                     method="PREPAID_LABEL"))["id"]
        invoke(stack, "ScreeningFunction", event("screening/sqs_return_requested.json", return_id=unlabelled))
        unscreened = ok(flow.request(order, [{"orderLineId": "L4", "quantity": 1, "reason": "STYLE"}]))["id"]
    for url in stack.stack.queues.values():  # the lost events
        boto3.client("sqs").purge_queue(QueueUrl=url)
    with clock_at(stack, datetime.now(UTC) + timedelta(minutes=10)):
        counts = screening.escalate_reviews(stack.deps, page_size=1)
    assert counts["relabelled"] == 1 and counts["rescreened"] == 1, counts
    stack.runtime.drain()
    assert flow.get(unlabelled)["label"] is not None
    assert flow.get(unscreened)["status"] == "APPROVED"


def test_expire_approved_job(flow, stack, mailbox):
    order = flow.record(order_input(line("L1"), line("L2")))
    stale = approved(flow, order, [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}])
    shipped = approved(flow, order, [{"orderLineId": "L2", "quantity": 1, "reason": "STYLE"}])
    from .support import TRACKING
    ok(flow.act(TRACKING, flow.tokens.customer(order["email"]), id=shipped["id"], carrier="USPS",
                number="9400111899223856928499"))
    job = event("request/schedule_expire_approved.json")
    assert invoke(stack, "RequestFunction", job)["counts"]["expired"] == 0
    with clock_at(stack, datetime.now(UTC) + timedelta(days=31)):
        answer = invoke(stack, "RequestFunction", job)
        assert answer["counts"]["expired"] == 1
        assert invoke(stack, "RequestFunction", job)["counts"]["expired"] == 0
    assert flow.get(stale["id"])["status"] == "EXPIRED"
    assert flow.get(shipped["id"])["status"] == "IN_TRANSIT"
    assert len(mails_about(mailbox, stale["id"], "expired")) == 1
    # the expired return's quantity is free again
    again = ok(flow.request(order, [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}]))
    assert again["status"] == "APPROVED"


def test_reconcile_deadlines_job(flow, stack):
    order = flow.record(order_input(line("L1", price="45.00"), line("L2", price="10.00")))
    late = approved(flow, order, [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}])["id"]
    fresh = approved(flow, order, [{"orderLineId": "L2", "quantity": 1, "reason": "STYLE"}])["id"]
    receive(flow, late, iso(datetime.now(UTC) - timedelta(days=3)))
    inspect_all(flow, flow.get(late))
    receive(flow, fresh)
    job = event("refund/schedule_reconcile_deadlines.json")
    # both executions running: nothing to do
    answer = invoke(stack, "RefundFunction", job)
    assert answer["job"] == "reconcile-deadlines"
    assert answer["counts"] == {"examined": 2, "started": 0, "handled": 0, "errors": 0}
    # the executions are gone (aborted by hand, failed); five days later one refund is overdue
    sfn = boto3.client("stepfunctions")

    def abort(rid: str) -> bool:
        try:
            sfn.stop_execution(executionArn=execution_arn(stack.stack.refund_deadline_state_machine_arn,
                                                          execution_name(rid)), cause="test")
        except AttributeError:  # moto: the execution's worker thread has not set itself up yet
            return False
        return True

    for rid in (late, fresh):
        assert wait_for(lambda rid=rid: abort(rid), timeout=5)
        assert wait_for(lambda rid=rid: not stack.deps.workflow.is_running(return_id=rid), timeout=5)
    with clock_at(stack, datetime.now(UTC) + timedelta(days=5)):
        answer = invoke(stack, "RefundFunction", job)
    assert answer["counts"] == {"examined": 2, "started": 1, "handled": 1, "errors": 0}
    refunded = flow.get(late)
    assert refunded["status"] == "REFUNDED" and refunded["timeline"][-1]["actor"] == "deadline-workflow"
    assert flow.get(fresh)["status"] == "RECEIVED"
    assert stack.deps.workflow.is_running(return_id=fresh), "the reconciler must leave a running deadline"


def test_deadline_for_an_unknown_return_is_not_retried(stack, flow):
    """A due message for a return that does not exist is logged and consumed (no endless redelivery)."""
    no_failures(
        invoke(
            stack, "RefundFunction", event("refund/sqs_refund_deadline_due.json", return_id="RMA-UNKNOWN002")
        )
    )
    # a message no handler owns, in a batch with one that is fine: only it fails (retried, then dead-lettered)
    batch = event("refund/sqs_refund_deadline_due.json", return_id="RMA-UNKNOWN002")
    foreign = json.loads(json.dumps(batch["Records"][0]))
    foreign["messageId"] = "foreign-1"
    foreign["body"] = json.dumps({"type": "SomethingElse", "returnId": "RMA-UNKNOWN002"})
    batch["Records"].append(foreign)
    assert invoke(stack, "RefundFunction", batch) == {"batchItemFailures": [{"itemIdentifier": "foreign-1"}]}


def test_concurrent_label_deliveries_issue_one_carrier_label(flow, stack, mailbox, monkeypatch):
    order = flow.record(order_input(line("L1", price="45.00")))
    with events_held(stack):
        rid = flow.request(order, method="PREPAID_LABEL")["return"]["id"]
    stack.stack.client("sqs").purge_queue(QueueUrl=stack.stack.queues["ScreeningQueue"])
    monkeypatch.setattr(stack.deps.events, "publish", lambda *a, **k: None)  # deliver by hand below
    assert screen_return(rid, stack.deps) == "PASS"
    delivery = event("label/sqs_return_approved_prepaid.json", return_id=rid)
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: invoke(stack, "LabelFunction", delivery), range(4)))
    assert all(answer == {"batchItemFailures": []} for answer in answers)
    assert len(stack.deps.carrier.bought_labels()[rid]) == 1  # one carrier label, whatever arrives at once
    assert flow.get(rid)["label"]["trackingNumber"]
    assert len(mails_about(mailbox, rid, "label")) == 1


def test_a_label_that_failed_midway_is_issued_by_the_retry(flow, stack, monkeypatch):
    order = flow.record(order_input(line("L1", price="45.00")))
    with events_held(stack):
        rid = flow.request(order, method="PREPAID_LABEL")["return"]["id"]
    real_put = stack.deps.labels.put
    monkeypatch.setattr(stack.deps.labels, "put", _s3_down)
    stack.runtime.drain()  # screening approves; the label function fails and leaves the message
    assert flow.get(rid)["label"] is None
    monkeypatch.setattr(stack.deps.labels, "put", real_put)
    retry = event("label/sqs_return_approved_prepaid.json", return_id=rid)
    no_failures(invoke(stack, "LabelFunction", retry))  # the lease was released: the retry does the work
    assert flow.get(rid)["label"]["trackingNumber"]


def _s3_down(*_args, **_kwargs):
    raise ConnectionError("S3 unavailable")
