from __future__ import annotations

import json
from decimal import Decimal

import boto3
import pytest
from botocore.stub import Stubber

from returns_shared import correlation
from returns_shared.adapters.errors import EventPublishError
from returns_shared.adapters.eventbridge_publisher import EventBridgePublisher

BUS = "returns-bus"


def test_event_reaches_a_rule_target_with_exact_money(aws):
    events, sqs = boto3.client("events"), boto3.client("sqs")
    events.create_event_bus(Name=BUS)
    queue_url = sqs.create_queue(QueueName="refunds")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    events.put_rule(
        Name="received",
        EventBusName=BUS,
        EventPattern=json.dumps({"source": ["returns.service"], "detail-type": ["ReturnReceived"]}),
    )
    events.put_targets(Rule="received", EventBusName=BUS, Targets=[{"Id": "q", "Arn": queue_arn}])

    EventBridgePublisher(BUS).publish(
        "ReturnReceived", {"returnId": "RMA-1", "amount": Decimal("45.10")}
    )

    [message] = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    event = json.loads(message["Body"])
    assert event["source"] == "returns.service"
    assert event["detail-type"] == "ReturnReceived"
    assert event["detail"] == {"returnId": "RMA-1", "amount": "45.10"}


def test_a_refused_entry_raises():
    client = boto3.client(
        "events", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stub:
        stub.add_response(
            "put_events",
            {
                "FailedEntryCount": 1,
                "Entries": [{"ErrorCode": "InternalFailure", "ErrorMessage": "try again"}],
            },
        )
        with pytest.raises(EventPublishError) as caught:
            EventBridgePublisher(BUS, client).publish("ReturnReceived", {"returnId": "RMA-1"})
    assert caught.value.code == "InternalFailure"
    assert caught.value.detail_type == "ReturnReceived"


def test_the_correlation_id_of_the_work_in_hand_rides_in_the_detail_metadata():
    published = []

    class Recorder:
        def put_events(self, Entries):  # noqa: N803 - boto's spelling
            published.extend(json.loads(entry["Detail"]) for entry in Entries)
            return {"FailedEntryCount": 0, "Entries": [{"EventId": "1"}]}

    publisher = EventBridgePublisher(BUS, Recorder())
    with correlation.bound("req-42"):
        publisher.publish("ReturnRequested", {"returnId": "RMA-1"})
    publisher.publish("ReturnRequested", {"returnId": "RMA-2"})  # outside any work: nothing to add
    assert published == [{"returnId": "RMA-1", "metadata": {"correlationId": "req-42"}}, {"returnId": "RMA-2"}]
    assert correlation.of_event(published[0]) == "req-42" and correlation.of_event(published[1]) is None
