"""AWS calls per operation do not grow (counted at botocore's client on the embedded stack; no
timing). Issue 12's goal for a mutation: one transaction and at most three reads. Locally a command
is an in-process call: on AWS each mutation adds one lambda.Invoke."""

from __future__ import annotations

from returns_devstack.bench_calls import operation_calls

CEILINGS = {
    "page of returns with their orders": {"dynamodb.Query": 1, "dynamodb.BatchGetItem": 1},
    "returnQuote": {"dynamodb.BatchGetItem": 2},  # the order, then its earlier returns
    # the gateway's ownership read, the function's order + idempotency claim (one batch), the write,
    # its event, the gateway's read-back
    "requestReturn": {"dynamodb.BatchGetItem": 2, "dynamodb.GetItem": 1, "dynamodb.TransactWriteItems": 1,
                      "events.PutEvents": 1},
    # REFUND-ONCE: the attempt is written before the provider is asked, the outcome after; then the
    # workflow stops, the event goes out and the customer's email is claimed, sent and marked (marked in
    # one transaction with its record on the return's conversation: a reply to it threads there)
    "issueRefund": {"dynamodb.GetItem": 4, "dynamodb.PutItem": 3, "dynamodb.TransactWriteItems": 1,
                    "events.PutEvents": 1, "secretsmanager.GetSecretValue": 1, "sesv2.SendEmail": 1,
                    "stepfunctions.DescribeExecution": 1, "stepfunctions.StopExecution": 1},
}
READS = ("dynamodb.GetItem", "dynamodb.BatchGetItem", "dynamodb.Query")


def test_aws_calls_per_operation_stay_within_their_ceilings(stack):
    figures = operation_calls(stack, orders=2)
    assert set(figures) == set(CEILINGS)
    for operation, calls in figures.items():
        over = {call: count for call, count in calls.items() if count > CEILINGS[operation].get(call, 0)}
        assert not over, f"{operation} makes more AWS calls than before: {dict(calls)}"
    request = figures["requestReturn"]
    assert request["dynamodb.TransactWriteItems"] == 1
    assert sum(request[read] for read in READS) <= 3
    assert figures["page of returns with their orders"]["dynamodb.Query"] == 1  # the page was read
