from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto import mock_aws

from returns_shared.adapters.sfn_workflow import (
    StepFunctionsDeadlineWorkflow,
    execution_arn,
    execution_name,
)

ROLE = "arn:aws:iam::123456789012:role/sfn"
# Two waits on the timestamps the adapter passes in: the shape of RefundDeadline.
DEFINITION = json.dumps(
    {
        "StartAt": "UntilReminder",
        "States": {
            "UntilReminder": {"Type": "Wait", "TimestampPath": "$.reminderAt", "Next": "UntilDue"},
            "UntilDue": {"Type": "Wait", "TimestampPath": "$.dueAt", "End": True},
        },
    }
)
REMINDER = datetime(2026, 3, 8, 12, 0, 0, 250000, tzinfo=UTC)
DUE = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)


def state_machine() -> str:
    return boto3.client("stepfunctions").create_state_machine(
        name="RefundDeadline", definition=DEFINITION, roleArn=ROLE
    )["stateMachineArn"]


@pytest.fixture
def workflow(aws):
    return StepFunctionsDeadlineWorkflow(state_machine())


def executions(workflow):
    return boto3.client("stepfunctions").list_executions(
        stateMachineArn=workflow.state_machine_arn
    )["executions"]


def test_start_names_the_execution_after_the_return_and_passes_z_timestamps(workflow):
    workflow.start(return_id="RMA-7Q2K9", reminder_at=REMINDER, due_at=DUE)
    [execution] = executions(workflow)
    assert execution["name"] == "RMA-7Q2K9"
    described = boto3.client("stepfunctions").describe_execution(
        executionArn=execution["executionArn"]
    )
    assert json.loads(described["input"]) == {
        "returnId": "RMA-7Q2K9",
        "reminderAt": "2026-03-08T12:00:01Z",  # rounded up: never wakes before the instant
        "dueAt": "2026-03-09T12:00:00Z",
    }
    assert workflow.is_running(return_id="RMA-7Q2K9")


def test_second_start_is_a_no_op(workflow):
    workflow.start(return_id="RMA-1", reminder_at=REMINDER, due_at=DUE)
    workflow.start(return_id="RMA-1", reminder_at=REMINDER, due_at=DUE)  # same input
    workflow.start(
        return_id="RMA-1", reminder_at=REMINDER + timedelta(hours=1), due_at=DUE
    )  # other input
    assert len(executions(workflow)) == 1


def test_stop_and_is_running(workflow):
    assert not workflow.is_running(return_id="RMA-1")  # never started
    workflow.stop(return_id="RMA-1")  # nothing to stop: fine
    workflow.start(return_id="RMA-1", reminder_at=REMINDER, due_at=DUE)
    workflow.stop(return_id="RMA-1")
    assert not workflow.is_running(return_id="RMA-1")
    [execution] = executions(workflow)
    assert execution["status"] == "ABORTED"
    workflow.stop(return_id="RMA-1")  # already stopped: fine


def test_a_deadline_whose_execution_died_can_be_started_again(workflow):
    workflow.start(return_id="RMA-1", reminder_at=REMINDER, due_at=DUE)
    boto3.client("stepfunctions").stop_execution(
        executionArn=execution_arn(workflow.state_machine_arn, "RMA-1"), cause="died"
    )
    assert not workflow.is_running(return_id="RMA-1")
    workflow.start(return_id="RMA-1", reminder_at=REMINDER, due_at=DUE)  # the reconciler's restart
    assert workflow.is_running(return_id="RMA-1")
    workflow.start(return_id="RMA-1", reminder_at=REMINDER, due_at=DUE)  # while running: a no-op
    assert sorted(e["name"] for e in executions(workflow)) == ["RMA-1", "RMA-1--2"]
    workflow.stop(return_id="RMA-1")
    assert not workflow.is_running(return_id="RMA-1")
    assert {e["status"] for e in executions(workflow)} == {"ABORTED"}


def test_the_state_machine_accepts_the_timestamps(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        workflow = StepFunctionsDeadlineWorkflow(state_machine())
        past = datetime(2020, 1, 1, tzinfo=UTC)  # past instants: the waits continue at once
        workflow.start(return_id="RMA-past", reminder_at=past, due_at=past)
        client = boto3.client("stepfunctions")
        arn = execution_arn(workflow.state_machine_arn, "RMA-past")
        for _ in range(100):
            status = client.describe_execution(executionArn=arn)["status"]
            if status != "RUNNING":
                break
            time.sleep(0.05)
        assert status == "SUCCEEDED"


def test_execution_names():
    assert execution_name("RMA-7Q2K9_x") == "RMA-7Q2K9_x"
    odd = execution_name("RMA 1/2#3")
    assert odd.startswith("RMA-1-2-3-") and len(odd) == len("RMA-1-2-3-") + 12
    assert execution_name("RMA 1/2#3") != execution_name("RMA-1-2-3")
    long = execution_name("R" * 200)
    assert len(long) == 80
    assert execution_arn(
        "arn:aws:states:eu-west-1:123456789012:stateMachine:RefundDeadline", "RMA-1"
    ) == ("arn:aws:states:eu-west-1:123456789012:execution:RefundDeadline:RMA-1")
    with pytest.raises(ValueError):
        StepFunctionsDeadlineWorkflow("arn", object()).start(
            return_id="RMA-1", reminder_at=datetime(2026, 1, 1), due_at=DUE
        )
