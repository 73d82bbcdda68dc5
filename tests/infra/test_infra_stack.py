"""template.yaml deployed into moto in-process: the resources exist as defined, and work."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from moto import mock_aws

from returns_devstack.deploy import MOTO_CONFIG, DeployedStack, deploy_stack

from .conftest import receive_all, wait_for_execution

pytestmark = pytest.mark.stack

QUEUES = {"ScreeningQueue", "LabelQueue", "InstructionsQueue", "RefundQueue"}
DLQS = {"ScreeningDLQ", "LabelDLQ", "InstructionsDLQ", "RefundDLQ", "BusTargetDLQ", "ScheduleDLQ", "MailDLQ",
        "FactsStreamDLQ"}


@pytest.fixture(scope="module")
def stack() -> Iterator[DeployedStack]:
    with mock_aws(config=MOTO_CONFIG):
        yield deploy_stack(cognito=True)


@pytest.fixture(scope="module")
def alerts(stack: DeployedStack) -> str:
    """A test queue subscribed to the ops topic, so that alerts can be read."""
    sqs, sns = stack.client("sqs"), stack.client("sns")
    url = sqs.create_queue(QueueName="test-ops-alerts")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(
        TopicArn=stack.ops_topic_arn,
        Protocol="sqs",
        Endpoint=arn,
        Attributes={"RawMessageDelivery": "true"},
    )
    return url


@pytest.fixture
def sqs(stack: DeployedStack) -> Any:
    client = stack.client("sqs")
    for url in [*stack.queues.values(), *stack.dlqs.values()]:
        receive_all(client, url)  # (moto allows one PurgeQueue a minute)
    return client


def iso_z(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- resources


def test_table_keys_indexes_ttl_and_backups(stack: DeployedStack) -> None:
    dynamodb = stack.client("dynamodb")
    table = dynamodb.describe_table(TableName=stack.table_name)["Table"]
    assert table["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    indexes = {i["IndexName"]: i for i in table["GlobalSecondaryIndexes"]}
    assert set(indexes) == {"GSI1", "GSI2", "GSI3", "GSI4", "GSI5"}
    for n in range(1, 5):
        assert indexes[f"GSI{n}"]["KeySchema"] == [
            {"AttributeName": f"gsi{n}pk", "KeyType": "HASH"},
            {"AttributeName": f"gsi{n}sk", "KeyType": "RANGE"},
        ]
        assert indexes[f"GSI{n}"]["Projection"] == {"ProjectionType": "ALL"}
    ttl = dynamodb.describe_time_to_live(TableName=stack.table_name)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiresAt"}
    backups = dynamodb.describe_continuous_backups(TableName=stack.table_name)[
        "ContinuousBackupsDescription"
    ]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"


def test_queues_redrive_to_their_dead_letter_queues(stack: DeployedStack, sqs: Any) -> None:
    assert set(stack.queues) == QUEUES and set(stack.dlqs) == DLQS
    for queue_id, url in stack.queues.items():
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        redrive = json.loads(attributes["RedrivePolicy"])
        dlq_arn = sqs.get_queue_attributes(
            QueueUrl=stack.dlq_of(queue_id), AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        assert redrive["deadLetterTargetArn"] == dlq_arn
        assert int(redrive["maxReceiveCount"]) == 5
        assert int(attributes["VisibilityTimeout"]) >= 6 * 25  # >= 6 x function timeout


def test_rule_queues_accept_only_their_rule(stack: DeployedStack, sqs: Any) -> None:
    events = stack.client("events")
    rules = {
        r["Name"]: r["Arn"] for r in events.list_rules(EventBusName=stack.event_bus_name)["Rules"]
    }
    for queue_id in ("ScreeningQueue", "LabelQueue", "InstructionsQueue"):
        policy = json.loads(
            sqs.get_queue_attributes(QueueUrl=stack.queues[queue_id], AttributeNames=["Policy"])[
                "Attributes"
            ]["Policy"]
        )
        (statement,) = policy["Statement"]
        assert statement["Principal"] == {"Service": "events.amazonaws.com"}
        sources = statement["Condition"]["ArnEquals"]["aws:SourceArn"]
        assert set(sources if isinstance(sources, list) else [sources]) <= set(rules.values())


@pytest.mark.parametrize(
    ("detail_type", "detail", "expected"),
    [
        ("ReturnRequested", {"returnId": "r-req", "orderId": "o-1"}, "ScreeningQueue"),
        ("ReturnApproved", {"returnId": "r-label", "method": "PREPAID_LABEL"}, "LabelQueue"),
        ("ReturnApproved", {"returnId": "r-self", "method": "SELF_SHIP"}, "InstructionsQueue"),
        ("TrackingSubmitted", {"returnId": "r-track", "method": "SELF_SHIP"}, "LabelQueue"),
        ("ReturnCanceled", {"returnId": "r-cancel", "method": "PREPAID_LABEL"}, "LabelQueue"),
        ("ReturnExpired", {"returnId": "r-expire", "method": "PREPAID_LABEL"}, "LabelQueue"),
        ("ReturnCanceled", {"returnId": "r-cancel-self", "method": "SELF_SHIP"}, None),  # no label to void
    ],
)
def test_bus_rules_route_events_to_exactly_one_queue(
    stack: DeployedStack, sqs: Any, detail_type: str, detail: dict[str, Any], expected: str | None
) -> None:
    answer = stack.client("events").put_events(
        Entries=[
            {
                "Source": "returns.service",
                "DetailType": detail_type,
                "Detail": json.dumps(detail),
                "EventBusName": stack.event_bus_name,
            }
        ]
    )
    assert answer["FailedEntryCount"] == 0
    received = {queue_id: receive_all(sqs, url) for queue_id, url in stack.queues.items()}
    assert {q for q, bodies in received.items() if bodies} == ({expected} if expected else set())
    if expected is None:
        return
    (envelope,) = received[expected]
    assert envelope["detail-type"] == detail_type and envelope["detail"] == detail
    assert envelope["source"] == "returns.service"


def test_rule_targets_dead_letter_into_a_queue_that_admits_them(stack: DeployedStack, sqs: Any) -> None:
    events = stack.client("events")
    dlq_arn = sqs.get_queue_attributes(QueueUrl=stack.dlqs["BusTargetDLQ"], AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    rules = events.list_rules(EventBusName=stack.event_bus_name)["Rules"]
    assert len(rules) == 5
    for rule in rules:
        [target] = events.list_targets_by_rule(Rule=rule["Name"], EventBusName=stack.event_bus_name)[
            "Targets"
        ]
        assert target["DeadLetterConfig"] == {"Arn": dlq_arn}
        assert target["RetryPolicy"]["MaximumRetryAttempts"] == 185
    policy = json.loads(
        sqs.get_queue_attributes(QueueUrl=stack.dlqs["BusTargetDLQ"], AttributeNames=["Policy"])[
            "Attributes"
        ]["Policy"]
    )
    assert sorted(policy["Statement"][0]["Condition"]["ArnEquals"]["aws:SourceArn"]) == sorted(
        r["Arn"] for r in rules
    )


def test_events_from_another_source_are_not_routed(stack: DeployedStack, sqs: Any) -> None:
    stack.client("events").put_events(
        Entries=[
            {
                "Source": "someone.else",
                "DetailType": "ReturnRequested",
                "Detail": "{}",
                "EventBusName": stack.event_bus_name,
            }
        ]
    )
    assert all(receive_all(sqs, url) == [] for url in stack.queues.values())


def test_labels_bucket_is_private_encrypted_and_expires_labels(stack: DeployedStack) -> None:
    s3 = stack.client("s3")
    block = s3.get_public_access_block(Bucket=stack.labels_bucket)["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    encryption = s3.get_bucket_encryption(Bucket=stack.labels_bucket)[
        "ServerSideEncryptionConfiguration"
    ]
    assert encryption["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    rules = {
        r["ID"]: r
        for r in s3.get_bucket_lifecycle_configuration(Bucket=stack.labels_bucket)["Rules"]
    }
    assert rules["ExpireLabels"]["Expiration"]["Days"] == 90


def test_cognito_pools_clients_and_groups(stack: DeployedStack) -> None:
    env = stack.function_env["GraphQLFunction"]
    cognito = stack.client("cognito-idp")
    customers = cognito.describe_user_pool(UserPoolId=env["CUSTOMER_USER_POOL_ID"])["UserPool"]
    staff = cognito.describe_user_pool(UserPoolId=env["STAFF_USER_POOL_ID"])["UserPool"]
    assert (customers["Name"], staff["Name"]) == (f"{stack.stack_name}-users", f"{stack.stack_name}-staff")
    stored = stack.client("ssm").get_parameter(Name=env["APP_CLIENTS_PARAMETER"])["Parameter"]["Value"]
    clients = json.loads(stored)  # what the gateway reads: the two app clients the stack created
    assert clients == {"customer": stack.outputs["UserPoolClientId"],
                       "staff": stack.outputs["StaffUserPoolClientId"]}
    for pool, client in ((customers, clients["customer"]), (staff, clients["staff"])):
        described = cognito.describe_user_pool_client(UserPoolId=pool["Id"], ClientId=client)
        assert "ClientSecret" not in described["UserPoolClient"]  # public clients: the pages use PKCE
    groups = {g["GroupName"] for g in cognito.list_groups(UserPoolId=staff["Id"])["Groups"]}
    assert groups == {"agent", "warehouse", "merchant"}
    assert cognito.list_groups(UserPoolId=customers["Id"])["Groups"] == []


def test_sender_identity_is_verified(stack: DeployedStack) -> None:
    sender = stack.function_env["RequestFunction"]["SENDER_EMAIL"]
    identities = stack.client("ses").list_identities()["Identities"]
    assert sender in identities


# --------------------------------------------------------------------------- what the local stack reads


def test_function_environment_is_resolved_to_physical_ids(stack: DeployedStack) -> None:
    assert set(stack.function_env) == set(stack.functions)
    for name, env in stack.function_env.items():
        assert env["TABLE_NAME"] == stack.table_name, name
        assert env["EVENT_BUS_NAME"] == stack.event_bus_name
        assert env["LABELS_BUCKET"] == stack.labels_bucket
        assert env["OPS_TOPIC_ARN"] == stack.ops_topic_arn
        assert all("${" not in v and "Fn::" not in v and "{{resolve:" not in v for v in env.values()), env
    assert (
        stack.function_env["RefundFunction"]["REFUND_DEADLINE_STATE_MACHINE_ARN"]
        == stack.refund_deadline_state_machine_arn
    )
    gateway = stack.function_env["GraphQLFunction"]
    for short in ("REQUEST", "SCREENING", "LABEL", "REFUND"):
        function_id = short.capitalize() + "Function"
        assert gateway[f"{short}_FUNCTION_NAME"] == stack.functions[function_id].function_name
    assert gateway["COGNITO_REGION"] == stack.region
    # the cursor key is a real random secret locally too, never a public literal
    cursor_key = stack.client("secretsmanager").get_secret_value(SecretId=gateway["CURSOR_SECRET_ARN"])
    assert len(cursor_key["SecretString"]) >= 32
    assert gateway["GRAPHQL_IDE"] == "false"  # deployed: off; the local stack turns it on itself
    merged = stack.env()
    assert merged["TABLE_NAME"] == stack.table_name and merged["AUTH_MODE"] == "cognito"
    # the names the services really have in moto
    stack.client("dynamodb").describe_table(TableName=stack.table_name)
    stack.client("events").describe_event_bus(Name=stack.event_bus_name)
    stack.client("sns").get_topic_attributes(TopicArn=stack.ops_topic_arn)
    stack.client("s3").head_bucket(Bucket=stack.labels_bucket)


def test_functions_event_sources_and_schedules(stack: DeployedStack) -> None:
    assert {k: (v.handler_module, v.handler_attr) for k, v in stack.functions.items()} == {
        "GraphQLFunction": ("returns_api.lambda_handler", "handler"),
        "RequestFunction": ("functions.request.app", "lambda_handler"),
        "ScreeningFunction": ("functions.screening.app", "lambda_handler"),
        "LabelFunction": ("functions.label.app", "lambda_handler"),
        "RefundFunction": ("functions.refund.app", "lambda_handler"),
        "MailFunction": ("functions.mail.app", "lambda_handler"),
        "InsightsFunction": ("functions.insights.app", "lambda_handler"),
    }
    assert sorted(stack.event_source_mappings) == [
        ("InstructionsQueue", "RequestFunction", 5),
        ("LabelQueue", "LabelFunction", 5),
        ("RefundQueue", "RefundFunction", 5),
        ("ScreeningQueue", "ScreeningFunction", 5),
    ]
    assert {(s.function, s.expression, s.input["job"]) for s in stack.schedules} == {
        ("RequestFunction", "rate(1 hour)", "expire-approved"),
        ("ScreeningFunction", "rate(1 hour)", "escalate-reviews"),
        ("RefundFunction", "rate(15 minutes)", "reconcile-deadlines"),
        ("LabelFunction", "rate(15 minutes)", "resend-emails"),
        ("LabelFunction", "rate(1 hour)", "void-labels"),
    }
    assert stack.outputs["TableName"] == stack.table_name
    assert "GraphQLUrl" not in stack.outputs  # no API Gateway locally
    assert stack.skipped["HttpApi"] == "AWS::ApiGatewayV2::Api"
    # operations resources mean nothing in moto: skipped, never half-created
    skipped_types = set(stack.skipped.values())
    assert {"AWS::Scheduler::Schedule", "AWS::Logs::LogGroup", "AWS::CloudWatch::Alarm",
            "AWS::CloudWatch::Dashboard"} <= skipped_types
    assert {k for k, t in stack.skipped.items() if t == "AWS::Lambda::EventSourceMapping"} == {
        "ScreeningFunctionReturnRequested",
        "LabelFunctionPrepaidLabelApproved",
        "RequestFunctionReturnInstructions",
        "RefundFunctionRefundDeadlineDue",
        "InsightsFunctionTableStream",
    }
    assert stack.stream_mappings == [("ReturnsTable", "InsightsFunction", 100)]


# --------------------------------------------------------------------------- the deadline workflow


def put_return(stack: DeployedStack, return_id: str, status: str) -> None:
    stack.client("dynamodb").put_item(
        TableName=stack.table_name,
        Item={
            "pk": {"S": f"RETURN#{return_id}"},
            "sk": {"S": "RETURN"},
            "status": {"S": status},
            "version": {"N": "3"},
        },
    )


def run_deadline(stack: DeployedStack, return_id: str) -> dict[str, Any]:
    sfn = stack.client("stepfunctions")
    past = datetime.now(UTC) - timedelta(minutes=5)
    started = sfn.start_execution(
        stateMachineArn=stack.refund_deadline_state_machine_arn,
        name=return_id,
        input=json.dumps(
            {
                "returnId": return_id,
                "reminderAt": iso_z(past - timedelta(days=2)),
                "dueAt": iso_z(past),
            }
        ),
    )
    return wait_for_execution(sfn, started["executionArn"])


def test_state_machine_is_standard_with_substituted_definition(stack: DeployedStack) -> None:
    described = stack.client("stepfunctions").describe_state_machine(
        stateMachineArn=stack.refund_deadline_state_machine_arn
    )
    assert described["type"] == "STANDARD"
    assert described["name"] == f"{stack.stack_name}-refund-deadline"
    definition = described["definition"]
    assert "${" not in definition
    assert (
        stack.table_name in definition
        and stack.ops_topic_arn in definition
        and stack.queues["RefundQueue"] in definition
    )


def test_deadline_due_hands_an_unrefunded_return_to_the_refund_queue(
    stack: DeployedStack, sqs: Any, alerts: str
) -> None:
    receive_all(sqs, alerts)
    return_id = f"r-{uuid.uuid4().hex[:8]}"
    put_return(stack, return_id, "RECEIVED")
    execution = run_deadline(stack, return_id)
    assert execution["status"] == "SUCCEEDED", execution
    assert receive_all(sqs, stack.queues["RefundQueue"], wait=2) == [
        {"type": "RefundDeadlineDue", "returnId": return_id}
    ]
    (reminder,) = receive_all(sqs, alerts, wait=2)
    assert f"Return {return_id} is RECEIVED" in reminder


def test_deadline_of_a_refunded_return_ends_quietly(
    stack: DeployedStack, sqs: Any, alerts: str
) -> None:
    receive_all(sqs, alerts)
    return_id = f"r-{uuid.uuid4().hex[:8]}"
    put_return(stack, return_id, "REFUNDED")
    execution = run_deadline(stack, return_id)
    assert execution["status"] == "SUCCEEDED", execution
    assert receive_all(sqs, stack.queues["RefundQueue"]) == []
    assert receive_all(sqs, alerts) == []


def test_deadline_of_an_unknown_return_alerts_and_still_hands_it_over(
    stack: DeployedStack, sqs: Any, alerts: str
) -> None:
    receive_all(sqs, alerts)
    return_id = f"r-{uuid.uuid4().hex[:8]}"
    execution = run_deadline(stack, return_id)
    assert execution["status"] == "FAILED", execution
    assert receive_all(sqs, stack.queues["RefundQueue"], wait=2) == [
        {"type": "RefundDeadlineDue", "returnId": return_id}
    ]
    (alert,) = receive_all(sqs, alerts, wait=2)
    assert f"failed for return {return_id}: ReturnNotFound" in alert


def test_a_return_has_one_deadline_and_stopping_it_aborts(stack: DeployedStack) -> None:
    sfn = stack.client("stepfunctions")
    return_id = f"r-{uuid.uuid4().hex[:8]}"
    future = datetime.now(UTC) + timedelta(days=3)
    payload = json.dumps(
        {
            "returnId": return_id,
            "reminderAt": iso_z(future),
            "dueAt": iso_z(future + timedelta(days=2)),
        }
    )
    first = sfn.start_execution(
        stateMachineArn=stack.refund_deadline_state_machine_arn, name=return_id, input=payload
    )
    arn = first["executionArn"]
    deadline = time.monotonic() + 10
    while not any(
        e["type"] == "WaitStateEntered"
        for e in sfn.get_execution_history(executionArn=arn)["events"]
    ):
        assert time.monotonic() < deadline, "the execution never reached its first Wait"
        time.sleep(0.02)
    try:
        # waiting for reminderAt
        assert sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
        # a second start (a redelivered "received" event) is a no-op: same input -> same execution,
        # other input -> ExecutionAlreadyExists (which the workflow adapter swallows)
        again = sfn.start_execution(
            stateMachineArn=stack.refund_deadline_state_machine_arn, name=return_id, input=payload
        )
        assert again["executionArn"] == arn
        with pytest.raises(sfn.exceptions.ExecutionAlreadyExists):
            sfn.start_execution(
                stateMachineArn=stack.refund_deadline_state_machine_arn,
                name=return_id,
                input=payload.replace(return_id, return_id + "x"),
            )
    finally:
        sfn.stop_execution(executionArn=arn)  # what the refund function does once it refunds
    assert wait_for_execution(sfn, arn)["status"] == "ABORTED"
