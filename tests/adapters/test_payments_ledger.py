from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from adapters_testdata import usd

from returns_shared.adapters.errors import RefundKeyReused
from returns_shared.adapters.payments_ledger import LedgerPayments
from returns_shared.service.ports import PaymentDeclined

TABLE = "returns-test"
AT = datetime(2026, 3, 9, 10, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture
def payments(aws):
    boto3.client("dynamodb").create_table(
        TableName=TABLE,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    ids = itertools.count(1)
    return LedgerPayments(TABLE, new_refund_id=lambda: f"rf_{next(ids)}")


def test_first_refund_is_paid_and_recorded(payments):
    receipt = payments.refund(
        idempotency_key="refund:RMA-1", payment_reference="pi_123", amount=usd("45.10"), at=AT
    )
    assert receipt.refund_id == "rf_1"
    assert receipt.amount == usd("45.10")
    assert not receipt.duplicate
    item = boto3.client("dynamodb").get_item(
        TableName=TABLE, Key={"pk": {"S": "PAYMENT#refund:RMA-1"}, "sk": {"S": "REFUND"}}
    )["Item"]
    assert item["amount"] == {"S": "45.10"}
    assert item["currency"] == {"S": "USD"}
    assert item["paymentReference"] == {"S": "pi_123"}
    assert item["refundId"] == {"S": "rf_1"}
    assert item["issuedAt"] == {"S": "2026-03-09T10:00:00.123456Z"}


def test_same_key_pays_once_and_returns_the_first_receipt(payments):
    first = payments.refund(
        idempotency_key="refund:RMA-1", payment_reference="pi_123", amount=usd("45.10"), at=AT
    )
    again = payments.refund(
        idempotency_key="refund:RMA-1",
        payment_reference="pi_123",
        amount=usd("45.1"),
        at=AT + timedelta(minutes=5),
    )
    assert again.duplicate
    assert (again.refund_id, again.issued_at, again.amount) == (first.refund_id, AT, usd("45.10"))
    items = boto3.client("dynamodb").query(
        TableName=TABLE,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "PAYMENT#refund:RMA-1"}},
    )["Items"]
    assert len(items) == 1


def test_same_key_with_another_amount_is_refused(payments):
    payments.refund(
        idempotency_key="refund:RMA-1", payment_reference="pi_123", amount=usd("45.10"), at=AT
    )
    with pytest.raises(RefundKeyReused):
        payments.refund(
            idempotency_key="refund:RMA-1", payment_reference="pi_123", amount=usd("50.00"), at=AT
        )
    with pytest.raises(
        PaymentDeclined
    ):  # RefundKeyReused is a decline: callers already handle those
        payments.refund(
            idempotency_key="refund:RMA-1", payment_reference="pi_999", amount=usd("45.10"), at=AT
        )


def test_negative_amounts_are_declined(payments):
    with pytest.raises(PaymentDeclined):
        payments.refund(idempotency_key="k", payment_reference="pi_1", amount=usd("-1.00"), at=AT)


def test_refunds_for_reads_the_returns_attempt_keys(payments):
    payments.refund(idempotency_key="refund:RMA-1", payment_reference="pi_123", amount=usd("45.10"), at=AT)
    payments.refund(idempotency_key="refund:RMA-2", payment_reference="pi_123", amount=usd("5.00"), at=AT)
    [made] = payments.refunds_for(payment_reference="pi_123", return_id="RMA-1",
                                  idempotency_keys=["refund:RMA-1", "refund:RMA-1:2"])
    assert (made.refund_id, made.amount, made.return_id) == ("rf_1", usd("45.10"), "RMA-1")
    assert made.created_at == AT
    assert payments.refunds_for(payment_reference="pi_other", return_id="RMA-1",
                                idempotency_keys=["refund:RMA-1"]) == []
    # a sandbox: no payments to check, no refund records to ask a webhook about
    assert payments.payment("pi_123") is None and payments.refund_record("rf_1") is None
