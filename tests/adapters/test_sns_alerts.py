from __future__ import annotations

import json

import boto3

from returns_shared.adapters.sns_alerts import SnsOpsAlerts, clean_subject


def test_alert_is_published_with_a_valid_subject(aws):
    sns, sqs = boto3.client("sns"), boto3.client("sqs")
    topic_arn = sns.create_topic(Name="ops-alerts")["TopicArn"]
    queue_url = sqs.create_queue(QueueName="ops-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)

    SnsOpsAlerts(topic_arn).alert(
        "REFUND-7D breach: RMA-1\nsecond line " + "x" * 200,
        "Return RMA-1 was not refunded in time.",
    )

    [message] = sqs.receive_message(QueueUrl=queue_url)["Messages"]
    notification = json.loads(message["Body"])
    assert notification["Message"] == "Return RMA-1 was not refunded in time."
    assert notification["Subject"].startswith("REFUND-7D breach: RMA-1 second line")
    assert len(notification["Subject"]) < 100


def test_subject_cleaning():
    assert clean_subject("a\tb\r\nc é") == "a b c"
    assert clean_subject("   ") == "Returns service alert"
    assert len(clean_subject("y" * 500)) == 99
