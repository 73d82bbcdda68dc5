"""The local stack's DynamoDB transactions (returns_devstack.moto_atomic): all or nothing, read by the
stream reader like any write, and undone from what they touched (no copy of the table per
transaction: moto keeps every copy it makes, so a long local run grew quadratically)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto import mock_aws

from returns_devstack.moto_atomic import make_dynamodb_writes_atomic

TABLE = "transactions"


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    with mock_aws():
        make_dynamodb_writes_atomic()
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName=TABLE, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                       {"AttributeName": "sk", "KeyType": "RANGE"}],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        yield client


def _key(pk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": "A"}}


def _versioned_update(pk: str, version: int) -> dict[str, Any]:
    return {"Update": {"TableName": TABLE, "Key": _key(pk), "UpdateExpression": "SET version = :next",
                       "ConditionExpression": "version = :seen",
                       "ExpressionAttributeValues": {":seen": {"N": str(version)},
                                                     ":next": {"N": str(version + 1)}}}}


def _new(pk: str) -> dict[str, Any]:
    return {"Put": {"TableName": TABLE, "Item": {**_key(pk), "version": {"N": "1"}},
                    "ConditionExpression": "attribute_not_exists(pk)"}}


def _items(dynamodb: Any) -> dict[str, int]:
    return {item["pk"]["S"]: int(item["version"]["N"])
            for item in dynamodb.scan(TableName=TABLE)["Items"]}


def _stream(dynamodb: Any) -> tuple[Any, str]:
    streams = boto3.client("dynamodbstreams", region_name="us-east-1",
                           config=Config(account_id_endpoint_mode="disabled"))
    arn = dynamodb.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    return streams, iterator["ShardIterator"]


def test_a_cancelled_transaction_leaves_the_items_and_the_stream_as_they_were(dynamodb):
    dynamodb.transact_write_items(TransactItems=[_new("a"), _new("b")])
    streams, position = _stream(dynamodb)
    written = streams.get_records(ShardIterator=position)
    assert [r["eventName"] for r in written["Records"]] == ["INSERT", "INSERT"]

    # a's update and c's insert are applied before b's condition fails: both must be undone
    with pytest.raises(ClientError) as cancelled:
        dynamodb.transact_write_items(TransactItems=[_versioned_update("a", 1), _new("c"),
                                                     _versioned_update("b", 7)])
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert _items(dynamodb) == {"a": 1, "b": 1}
    assert streams.get_records(ShardIterator=written["NextShardIterator"])["Records"] == []

    # the stream reader goes on reading the table's writes (not those of a copy left behind)
    dynamodb.transact_write_items(TransactItems=[_versioned_update("a", 1), _new("c")])
    after = streams.get_records(ShardIterator=written["NextShardIterator"])["Records"]
    assert [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in after] == [
        ("MODIFY", "a"), ("INSERT", "c")]
    assert _items(dynamodb) == {"a": 2, "b": 1, "c": 1}


def test_transactions_copy_nothing_of_the_table(dynamodb):
    """Moto keeps every model object it makes (`instances_tracked`): a backup copy of the table per
    transaction would stay, items and stream records and all."""
    from moto.dynamodb.models.table import StreamRecord, Table

    for index in range(20):
        dynamodb.transact_write_items(TransactItems=[_new(f"item-{index}")])
    tables, records = len(Table.instances_tracked), len(StreamRecord.instances_tracked)
    for index in range(20):
        dynamodb.transact_write_items(TransactItems=[_versioned_update(f"item-{index}", 1)])
        with pytest.raises(ClientError):
            dynamodb.transact_write_items(TransactItems=[_versioned_update(f"item-{index}", 1)])
    assert len(Table.instances_tracked) == tables
    assert len(StreamRecord.instances_tracked) == records + 20  # the 20 updates' own records
