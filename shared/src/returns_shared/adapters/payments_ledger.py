"""The sandbox payment provider: refunds recorded in a DynamoDB ledger, one item per idempotency key.

The conditional put is what makes REFUND-ONCE hold at the payment boundary: however often a retry,
a redelivery or a concurrent workflow asks, one key pays once. A real provider implements the same
`Payments` port with its own idempotency keys.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from returns_shared.adapters._aws import LazyClient, error_code, iso_z
from returns_shared.adapters.errors import RefundKeyReused
from returns_shared.domain.money import Money, parse_amount
from returns_shared.domain.vocabulary import RefundStatus
from returns_shared.service.ports import PaymentDeclined, PaymentReceipt, ProviderPayment, ProviderRefund


def ledger_key(idempotency_key: str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": f"PAYMENT#{idempotency_key}"}, "sk": {"S": "REFUND"}}


class LedgerPayments:
    provider = "ledger"

    def __init__(
        self,
        table_name: str,
        client: Any = None,
        *,
        endpoint_url: str | None = None,
        region_name: str | None = None,
        new_refund_id: Callable[[], str] = lambda: f"rf_{uuid.uuid4().hex}",
    ) -> None:
        self.table_name = table_name
        self._new_refund_id = new_refund_id
        self._client = LazyClient(
            "dynamodb", client, endpoint_url=endpoint_url, region_name=region_name
        )

    def refund(
        self,
        *,
        idempotency_key: str,
        payment_reference: str,
        amount: Money,
        at: datetime,
        return_id: str | None = None,
    ) -> PaymentReceipt:
        if amount.amount < 0:
            raise PaymentDeclined(f"cannot refund a negative amount ({amount})")
        receipt = PaymentReceipt(
            refund_id=self._new_refund_id(),
            amount=amount,
            payment_reference=payment_reference,
            issued_at=at,
            duplicate=False,
        )
        try:
            self._client().put_item(
                TableName=self.table_name,
                Item={
                    **ledger_key(idempotency_key),
                    "type": {"S": "PAYMENT"},
                    "amount": {"S": str(amount.amount)},
                    "currency": {"S": amount.currency},
                    "paymentReference": {"S": payment_reference},
                    "refundId": {"S": receipt.refund_id},
                    "issuedAt": {"S": iso_z(at)},
                },
                ConditionExpression="attribute_not_exists(pk)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except Exception as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise
            existing = getattr(exc, "response", {}).get("Item") or self._read(idempotency_key)
            return self._duplicate(idempotency_key, existing, payment_reference, amount)
        return receipt

    def refunds_for(self, *, payment_reference: str, return_id: str,
                    idempotency_keys: Sequence[str]) -> list[ProviderRefund]:
        """The ledger keeps refunds by key: those of the return's attempts (its items name no return)."""
        made = []
        for key in idempotency_keys:
            item = self._client().get_item(TableName=self.table_name, Key=ledger_key(key),
                                           ConsistentRead=True).get("Item")
            if item is not None and item["paymentReference"]["S"] == payment_reference:
                made.append(ProviderRefund(
                    refund_id=item["refundId"]["S"],
                    amount=Money(amount=parse_amount(item["amount"]["S"]), currency=item["currency"]["S"]),
                    payment_reference=payment_reference, status=RefundStatus.SUCCEEDED,
                    created_at=datetime.fromisoformat(item["issuedAt"]["S"].replace("Z", "+00:00")),
                    return_id=return_id, idempotency_key=key))
        return made

    def refund_record(self, refund_id: str) -> ProviderRefund | None:
        return None  # a sandbox with no webhooks: nothing ever asks it about a refund by id

    def payment(self, payment_reference: str) -> ProviderPayment | None:
        return None  # a sandbox keeps no payments to check an order's against (never in production)

    def _read(self, idempotency_key: str) -> dict[str, Any]:
        answer = self._client().get_item(
            TableName=self.table_name, Key=ledger_key(idempotency_key), ConsistentRead=True
        )
        item: dict[str, Any] = answer["Item"]
        return item

    @staticmethod
    def _duplicate(
        idempotency_key: str, item: dict[str, Any], payment_reference: str, amount: Money
    ) -> PaymentReceipt:
        paid = Money(amount=parse_amount(item["amount"]["S"]), currency=item["currency"]["S"])
        paid_to = item["paymentReference"]["S"]
        if paid != amount or paid_to != payment_reference:
            raise RefundKeyReused(
                f"idempotency key {idempotency_key!r} already refunded {paid} to another request"
            )
        return PaymentReceipt(
            refund_id=item["refundId"]["S"],
            amount=paid,
            payment_reference=paid_to,
            issued_at=datetime.fromisoformat(item["issuedAt"]["S"].replace("Z", "+00:00")),
            duplicate=True,
        )
