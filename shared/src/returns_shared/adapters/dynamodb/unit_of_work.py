"""The writes of one command, committed in one TransactWriteItems (all or nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from returns_shared.adapters.dynamodb import items
from returns_shared.domain.errors import ConflictError
from returns_shared.domain.orders import Order
from returns_shared.domain.returns import Return
from returns_shared.service.ports import StoredOrder

_NEW = "attribute_not_exists(pk)"


@dataclass
class DynamoUnitOfWork:
    """Collects the writes of one command and commits them in one TransactWriteItems.

    Each aggregate write is conditioned on the version it was read at, each side record is written
    once; any failed condition raises ConflictError and nothing is written.
    """

    table_name: str
    client: Any
    _writes: list[dict[str, Any]] = field(default_factory=list)

    def _put(self, item: items.Item, condition: str, values: dict[str, Any] | None = None) -> None:
        put: dict[str, Any] = {"TableName": self.table_name, "Item": item, "ConditionExpression": condition}
        if values:
            put["ExpressionAttributeValues"] = values
        self._writes.append({"Put": put})

    # -- aggregates ------------------------------------------------------------------------
    def add_return(self, ret: Return) -> None:
        self._put(items.return_item(ret, version=1), _NEW)

    def save_return(self, ret: Return) -> None:
        self._put(items.return_item(ret, version=ret.version + 1), "version = :seen",
                  {":seen": {"N": str(ret.version)}})

    def save_order(self, order: Order, *, seen: StoredOrder | None) -> None:
        if seen:
            self._put(
                items.order_item(order, seen=seen), "version = :seen", {":seen": {"N": str(seen.version)}}
            )
        else:
            self._put(items.order_item(order, seen=None), _NEW)

    def attach_return_to_order(self, stored: StoredOrder, return_id: str) -> None:
        """Adds the return to the order's list, conditioned on the order's version (serialises requests)."""
        self._writes.append(
            {
                "Update": {
                    "TableName": self.table_name,
                    "Key": items.order_key(stored.order.id),
                    "UpdateExpression": (
                        "SET returnIds = list_append(if_not_exists(returnIds, :empty), :new), version = :next"
                    ),
                    "ConditionExpression": "version = :seen",
                    "ExpressionAttributeValues": {
                        ":empty": {"L": []},
                        ":new": {"L": [{"S": return_id}]},
                        ":seen": {"N": str(stored.version)},
                        ":next": {"N": str(stored.version + 1)},
                    },
                }
            }
        )

    # -- side records ----------------------------------------------------------------------
    def claim_idempotency(self, customer: str, key: str, *, return_id: str, fingerprint: str,
                          expires_at: datetime) -> None:
        self._put(items.idempotency_item(customer, key, return_id=return_id, fingerprint=fingerprint,
                                         expires_at=expires_at), _NEW)

    def record_unknown_package(self, return_id: str, *, reason: str, scanned_by: str, at: datetime) -> None:
        self._put(items.unknown_package_item(return_id, reason=reason, scanned_by=scanned_by, at=at), _NEW)

    def lease_label(self, return_id: str, *, now: datetime, stale_before: datetime) -> None:
        """Granted when nobody holds it or the holder's lease went stale (a crashed worker), so one
        worker issues the label and a crash never blocks it for good."""
        self._put(items.label_lease_item(return_id, now=now), f"{_NEW} OR leasedAt < :stale",
                  {":stale": {"S": items.iso(stale_before)}})

    def release_label(self, return_id: str) -> None:
        self._writes.append(
            {"Delete": {"TableName": self.table_name, "Key": items.label_lease_key(return_id)}}
        )

    def claim_email(self, return_id: str, kind: str, *, at: datetime) -> None:
        """Write-once: one email of each kind per return, PENDING until marked sent."""
        self._put(items.pending_email_item(return_id, kind, at=at), _NEW)

    def mark_email_sent(self, return_id: str, kind: str, *, at: datetime) -> None:
        """The email left the building: out of the pending index (sparse), kept as a record."""
        self._writes.append(
            {"Update": {"TableName": self.table_name, "Key": items.email_key(return_id, kind),
                        "UpdateExpression": "SET #s = :sent, sentAt = :at REMOVE gsi3pk, gsi3sk",
                        "ExpressionAttributeNames": {"#s": "status"},
                        "ExpressionAttributeValues": {":sent": {"S": "SENT"}, ":at": {"S": items.iso(at)}}}}
        )

    def commit(self) -> None:
        writes, self._writes = self._writes, []
        if not writes:
            return
        try:
            self.client.transact_write_items(TransactItems=writes)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in {"TransactionCanceledException", "ConditionalCheckFailedException"}:
                raise ConflictError(str(exc)) from exc
            raise
