"""The permission proof's own parts, offline: how calls map to IAM requests, and IAM's evaluation
(strict where moto's is lenient: a missing condition key or an unknown operator never passes)."""

from __future__ import annotations

import pytest

from returns_devstack.aws_hooks import AwsCall
from returns_devstack.iam.actions import Place, Request, Unmapped, requests_of
from returns_devstack.iam.evaluation import Unsupported, decide

AT = Place(region="us-east-1", account="123456789012")
TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/returns"


def call(service: str, operation: str, **params) -> AwsCall:
    return AwsCall("F", service, service, operation, params)


def test_a_transaction_is_authorized_item_by_item():
    transaction = call("dynamodb", "TransactWriteItems", TransactItems=[
        {"Put": {"TableName": "returns"}}, {"Update": {"TableName": "returns"}},
        {"ConditionCheck": {"TableName": "returns"}}])
    assert [r.action for r in requests_of(transaction, AT)] == [
        "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"]
    query = call("dynamodb", "Query", TableName="returns", IndexName="GSI3")
    assert requests_of(query, AT) == [Request("dynamodb:Query", f"{TABLE}/index/GSI3")]


def test_batches_heads_invokes_and_mail_map_to_the_actions_iam_checks():
    url = "http://localhost:5000/123456789012/returns-Queue-1"
    assert requests_of(call("sqs", "DeleteMessageBatch", QueueUrl=url), AT) == [
        Request("sqs:DeleteMessage", "arn:aws:sqs:us-east-1:123456789012:returns-Queue-1")]
    assert requests_of(call("s3", "HeadObject", Bucket="b", Key="k.pdf"), AT) == [
        Request("s3:GetObject", "arn:aws:s3:::b/k.pdf")]
    assert requests_of(call("lambda", "Invoke", FunctionName="f"), AT)[0].action == "lambda:InvokeFunction"
    [mail] = requests_of(call("sesv2", "SendEmail", FromEmailAddress="Returns <r@allegra-k.com>"), AT)
    assert (mail.action, mail.context) == ("ses:SendEmail", {"ses:FromAddress": "r@allegra-k.com"})


def test_an_unknown_call_is_an_error_not_a_guess():
    with pytest.raises(Unmapped, match="kinesis.PutRecord"):
        requests_of(call("kinesis", "PutRecord", StreamName="s"), AT)
    with pytest.raises(Unmapped, match="by name"):
        requests_of(call("secretsmanager", "GetSecretValue", SecretId="cursor"), AT)


ALLOW_TABLE = {"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": [TABLE, f"{TABLE}/index/*"]}
SES = {"Effect": "Allow", "Action": "ses:SendEmail",
       "Resource": "arn:aws:ses:us-east-1:123456789012:identity/*",
       "Condition": {"StringEquals": {"ses:FromAddress": "r@allegra-k.com"}}}


def test_actions_ignore_case_resources_do_not_and_deny_wins():
    assert decide([ALLOW_TABLE], "DynamoDB:getitem", TABLE).allowed
    assert not decide([ALLOW_TABLE], "dynamodb:GetItem", TABLE.upper()).allowed
    assert not decide([ALLOW_TABLE], "dynamodb:PutItem", TABLE).allowed
    deny = {"Effect": "Deny", "NotAction": "dynamodb:Query", "Resource": "*"}
    assert not decide([ALLOW_TABLE, deny], "dynamodb:GetItem", TABLE).allowed


def test_conditions_are_strict():
    identity = "arn:aws:ses:us-east-1:123456789012:identity/r@allegra-k.com"
    assert decide([SES], "ses:SendEmail", identity, {"ses:FromAddress": "r@allegra-k.com"}).allowed
    assert not decide([SES], "ses:SendEmail", identity, {"ses:FromAddress": "x@evil.example"}).allowed
    assert not decide([SES], "ses:SendEmail", identity).allowed  # the key missing: not met
    lenient = {**SES, "Condition": {"StringEqualsIfExists": {"ses:FromAddress": "r@allegra-k.com"}}}
    assert decide([lenient], "ses:SendEmail", identity).allowed
    with pytest.raises(Unsupported):
        numeric = {**SES, "Condition": {"NumericLessThan": {"aws:x": "1"}}}
        decide([numeric], "ses:SendEmail", identity, {"aws:x": "0"})
    with pytest.raises(Unsupported):
        decide([{**ALLOW_TABLE, "Resource": "arn:aws:s3:::${aws:username}/*"}], "dynamodb:GetItem", TABLE)
