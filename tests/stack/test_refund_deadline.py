"""REFUND-7D on the RefundDeadline state machine, executing in moto (waits made instant by back-dating
receivedAt), and the reconcile job that heals a missing execution."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from returns_devstack.runtime import wait_for

from .lifecycle_helpers import refunds_paid
from .support import INSPECT, RECEIVE, REFUND, iso, line, order_input

NEW = [{"orderLineId": "L1", "condition": "NEW_WITH_TAGS"}]


def _received(flow, tokens, stack, *, days_ago: float, inspect: bool):
    order = flow.record(order_input(line("L1", price="45.00", delivered_days_ago=20)))
    ret = flow.request(order)["return"]
    at = iso(datetime.now(UTC) - timedelta(days=days_ago))
    answer = flow.act(RECEIVE, tokens.warehouse, id=ret["id"], at=at)
    assert answer["userErrors"] == []
    _running(stack, ret["id"])
    if inspect:
        assert flow.act(INSPECT, tokens.warehouse, id=ret["id"], lines=NEW)["userErrors"] == []
    return ret["id"]


def _running(stack, return_id) -> None:
    """moto runs an execution on a background thread; a StopExecution before that thread has begun
    fails inside moto (not in AWS). Wait until the execution has really started, if there is one."""
    client, arn = _execution(stack, return_id)

    def begun() -> bool:
        try:
            return len(client.get_execution_history(executionArn=arn)["events"]) > 1
        except client.exceptions.ExecutionDoesNotExist:
            return True  # no execution (the test simulates an outage)

    assert wait_for(begun, timeout=15)


def _execution(stack, return_id):
    from returns_shared.adapters.sfn_workflow import execution_arn, execution_name

    client = stack.stack.client("stepfunctions")
    arn = execution_arn(stack.stack.refund_deadline_state_machine_arn, execution_name(return_id))
    return client, arn


def _finished(stack, return_id) -> dict:
    client, arn = _execution(stack, return_id)
    assert wait_for(lambda: client.describe_execution(executionArn=arn)["status"] != "RUNNING", timeout=30)
    return client.describe_execution(executionArn=arn)


def test_receiving_starts_one_execution_named_after_the_return(flow, tokens, stack):
    return_id = _received(flow, tokens, stack, days_ago=0, inspect=False)
    client, arn = _execution(stack, return_id)
    execution = client.describe_execution(executionArn=arn)
    assert execution["status"] == "RUNNING"
    assert return_id in execution["input"]
    stack.deps.workflow.start(return_id=return_id, reminder_at=datetime.now(UTC), due_at=datetime.now(UTC))
    executions = client.list_executions(stateMachineArn=stack.stack.refund_deadline_state_machine_arn)["executions"]
    assert [e["name"] for e in executions].count(execution["name"]) == 1  # a second start is a no-op


def test_refunding_stops_the_execution(flow, tokens, stack):
    return_id = _received(flow, tokens, stack, days_ago=0, inspect=True)
    assert flow.act(REFUND, tokens.agent, id=return_id)["userErrors"] == []
    assert _finished(stack, return_id)["status"] == "ABORTED"


def test_an_inspected_return_is_refunded_by_the_workflow_when_due(flow, tokens, stack):
    """Received 7 days and a few seconds ago, inspected at once: nobody calls issueRefund."""
    order = flow.record(order_input(line("L1", price="45.00", delivered_days_ago=20)))
    ret = flow.request(order)["return"]
    received = datetime.now(UTC) - timedelta(days=7) + timedelta(seconds=3)
    assert flow.act(RECEIVE, tokens.warehouse, id=ret["id"], at=iso(received))["userErrors"] == []
    assert flow.act(INSPECT, tokens.warehouse, id=ret["id"], lines=NEW)["userErrors"] == []
    assert flow.get(ret["id"])["status"] == "INSPECTED"
    assert _finished(stack, ret["id"])["status"] == "SUCCEEDED"
    stack.runtime.drain()  # the RefundQueue → refund function, as the event source mapping would
    refunded = flow.get(ret["id"])
    assert refunded["status"] == "REFUNDED"
    assert refunded["refund"]["amount"]["amount"] == "45.00"
    assert refunded["timeline"][-1]["actor"] == "deadline-workflow"


def test_a_return_not_inspected_when_due_records_an_sla_breach_then_refunds_on_inspection(flow, tokens, stack):
    return_id = _received(flow, tokens, stack, days_ago=8, inspect=False)
    assert _finished(stack, return_id)["status"] == "SUCCEEDED"
    stack.runtime.drain()
    breached = flow.get(return_id)
    assert breached["status"] == "RECEIVED"
    assert any("REFUND-7D" in (event["note"] or "") for event in breached["timeline"])
    stored = stack.deps.repo.get_return(return_id)
    assert stored.sla_breached_at is not None
    # pinned: after an SLA breach the return is refunded as soon as it is inspected
    assert flow.act(INSPECT, tokens.warehouse, id=return_id, lines=NEW)["userErrors"] == []
    assert flow.get(return_id)["status"] == "REFUNDED"


def test_a_return_refunded_before_its_due_time_ends_the_workflow_quietly(flow, tokens, stack):
    return_id = _received(flow, tokens, stack, days_ago=0, inspect=True)
    assert flow.act(REFUND, tokens.agent, id=return_id)["userErrors"] == []
    client, arn = _execution(stack, return_id)
    _finished(stack, return_id)
    queue = stack.stack.queues["RefundQueue"]
    sqs = stack.stack.client("sqs")
    assert "Messages" not in sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=0)


def test_a_transient_failure_of_the_refund_function_is_retried_and_pays_once(flow, tokens, stack, monkeypatch):
    monkeypatch.setattr(stack.deps.workflow, "start", _outage)  # this test sends the due message itself
    return_id = _received(flow, tokens, stack, days_ago=8, inspect=True)
    payments = stack.deps.payments
    calls = {"n": 0}
    real_refund = payments.refund

    def flaky_refund(**kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("payment provider timed out")
        return real_refund(**kwargs)

    monkeypatch.setattr(payments, "refund", flaky_refund)
    sqs = stack.stack.client("sqs")
    queue = stack.stack.queues["RefundQueue"]
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"VisibilityTimeout": "1"})
    sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"type": "RefundDeadlineDue", "returnId": return_id}))
    stack.runtime.drain()
    assert flow.get(return_id)["status"] == "INSPECTED"  # the failed message stays on the queue
    time.sleep(1.2)  # the visibility timeout passes; SQS redelivers
    stack.runtime.drain()
    assert flow.get(return_id)["status"] == "REFUNDED"
    assert len(refunds_paid(stack, return_id)) == 1
    assert calls["n"] == 2


@pytest.mark.parametrize("inspect", [True, False])
def test_reconcile_handles_an_overdue_return_whose_workflow_never_started(flow, tokens, stack, monkeypatch, inspect):
    monkeypatch.setattr(stack.deps.workflow, "start", _outage)  # the receipt commits; the start fails
    return_id = _received(flow, tokens, stack, days_ago=8, inspect=inspect)
    assert flow.get(return_id)["status"] == ("INSPECTED" if inspect else "RECEIVED")
    monkeypatch.undo()
    result = stack.runtime.run_job("reconcile-deadlines")
    assert result["counts"]["handled"] == 1
    assert flow.get(return_id)["status"] == ("REFUNDED" if inspect else "RECEIVED")
    assert (stack.deps.repo.get_return(return_id).sla_breached_at is not None) is not inspect
    again = stack.runtime.run_job("reconcile-deadlines")  # safe to run twice: nothing paid or noted twice
    assert again["counts"]["errors"] == 0
    timeline = flow.get(return_id)["timeline"]
    assert sum("REFUND-7D" in (e["note"] or "") for e in timeline) == (0 if inspect else 1)


def test_reconcile_starts_the_missing_execution_of_a_return_not_yet_due(flow, tokens, stack, monkeypatch):
    monkeypatch.setattr(stack.deps.workflow, "start", _outage)
    return_id = _received(flow, tokens, stack, days_ago=1, inspect=False)
    monkeypatch.undo()
    assert not stack.deps.workflow.is_running(return_id=return_id)
    result = stack.runtime.run_job("reconcile-deadlines")
    assert result["counts"]["started"] == 1
    assert stack.deps.workflow.is_running(return_id=return_id)
    assert stack.runtime.run_job("reconcile-deadlines")["counts"]["started"] == 0


def _outage(**_kwargs):
    raise ConnectionError("Step Functions unavailable")


def test_a_deadline_message_before_the_due_time_changes_nothing(flow, tokens, stack):
    return_id = _received(flow, tokens, stack, days_ago=1, inspect=True)
    event = {"Records": [{"messageId": "early-1", "receiptHandle": "r", "eventSource": "aws:sqs",
                          "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:q", "awsRegion": "us-east-1",
                          "attributes": {}, "messageAttributes": {}, "md5OfBody": "",
                          "body": json.dumps({"type": "RefundDeadlineDue", "returnId": return_id})}]}
    assert stack.runtime.invoke("RefundFunction", event) == {"batchItemFailures": []}
    assert flow.get(return_id)["status"] == "INSPECTED"  # not refunded before it is due
