"""The writes of one command, committed in one TransactWriteItems (all or nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from returns_shared.adapters._aws import error_code
from returns_shared.adapters.dynamodb import items
from returns_shared.domain.customer_names import NamedOrder
from returns_shared.domain.errors import ConflictError
from returns_shared.domain.messages import Message
from returns_shared.domain.orders import Order
from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import MessageDirection
from returns_shared.service.ports import CustomerName, DueEmail, StoredOrder, UnknownPackage

_NEW = "attribute_not_exists(pk)"
_SINGLE_WRITES = {"Put": "put_item", "Update": "update_item", "Delete": "delete_item"}


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

    def serialise_on_order(self, stored: StoredOrder) -> None:
        """Conditions the commit on the order being unchanged since it was read, and bumps its version:
        decisions over an order's returns together (the refund cap) are taken one at a time."""
        self._writes.append(
            {
                "Update": {
                    "TableName": self.table_name,
                    "Key": items.order_key(stored.order.id),
                    "UpdateExpression": "SET version = :next",
                    "ConditionExpression": "version = :seen",
                    "ExpressionAttributeValues": {":seen": {"N": str(stored.version)},
                                                  ":next": {"N": str(stored.version + 1)}},
                }
            }
        )

    # -- customers' names (agents' search) ------------------------------------------------------
    def file_order_name(self, named: NamedOrder) -> None:
        self._writes.append({"Put": {"TableName": self.table_name, "Item": items.named_order_item(named)}})

    def unfile_order_name(self, named: NamedOrder) -> None:
        self._writes.append({"Delete": {"TableName": self.table_name, "Key": items.named_order_key(named)}})

    def save_customer_name(self, newest: NamedOrder, *, seen: CustomerName | None) -> None:
        """The name's entry (conditioned on its version: orders filing one name at once take turns) and
        the search entries it is found by, each naming the newest order under the name."""
        if seen is None:
            self._put(items.customer_name_item(newest, version=1), _NEW)
        else:
            self._put(items.customer_name_item(newest, version=seen.version + 1), "version = :seen",
                      {":seen": {"N": str(seen.version)}})
        for entry in items.name_search_items(newest):
            self._writes.append({"Put": {"TableName": self.table_name, "Item": entry}})

    def drop_customer_name(self, seen: CustomerName) -> None:
        customer, key = seen.newest.customer, seen.newest.name_key
        self._writes.append({"Delete": {"TableName": self.table_name,
                                        "Key": items.customer_name_key(customer, key),
                                        "ConditionExpression": "version = :seen",
                                        "ExpressionAttributeValues": {":seen": {"N": str(seen.version)}}}})
        for entry in items.name_search_keys(customer, key):
            self._writes.append({"Delete": {"TableName": self.table_name, "Key": entry}})

    # -- messages (the customer-service conversation) ------------------------------------------
    def add_message(self, message: Message) -> None:
        """Write-once by id: a redelivered email or a second click finds it there."""
        self._put(items.message_item(message, version=1), _NEW)
        self._sent_pointer(message)

    def save_message(self, message: Message) -> None:
        self._put(items.message_item(message, version=message.version + 1), "version = :seen",
                  {":seen": {"N": str(message.version)}})
        self._sent_pointer(message)

    def delete_message(self, message: Message) -> None:
        self._writes.append({"Delete": {"TableName": self.table_name, "Key": items.message_key(message.id),
                                        "ConditionExpression": "version = :seen",
                                        "ExpressionAttributeValues": {":seen": {"N": str(message.version)}}}})

    def _sent_pointer(self, message: Message) -> None:
        """A sent email is found by its SES id from now on: a reply naming it threads to its return."""
        if message.direction == MessageDirection.OUTBOUND and message.ses_message_id and message.return_id:
            self._writes.append({"Put": {"TableName": self.table_name, "Item": items.sent_item(message)}})

    # -- side records ----------------------------------------------------------------------
    def claim_idempotency(self, customer: str, key: str, *, return_id: str, fingerprint: str,
                          expires_at: datetime) -> None:
        self._put(items.idempotency_item(customer, key, return_id=return_id, fingerprint=fingerprint,
                                         expires_at=expires_at), _NEW)

    def record_unknown_package(self, package: UnknownPackage) -> None:
        self._put(items.unknown_package_item(package), _NEW)

    def lease_label(self, return_id: str, *, now: datetime, stale_before: datetime) -> None:
        """Granted when nobody holds it or the holder's lease went stale (a crashed worker), so one
        worker issues the label and a crash never blocks it for good."""
        self._put(items.label_lease_item(return_id, now=now), f"{_NEW} OR leasedAt < :stale",
                  {":stale": {"S": items.iso(stale_before)}})

    def release_label(self, return_id: str) -> None:
        self._writes.append(
            {"Delete": {"TableName": self.table_name, "Key": items.label_lease_key(return_id)}}
        )

    # -- queue markers (written in the same transaction as the change that lists or unlists) -------
    def _mark(self, marker: items.Marker, return_id: str, *, since: datetime) -> None:
        item = marker.item(return_id, since=since)
        self._writes.append({"Put": {"TableName": self.table_name, "Item": item}})

    def _unmark(self, marker: items.Marker, return_id: str) -> None:
        self._writes.append({"Delete": {"TableName": self.table_name, "Key": marker.key(return_id)}})

    def flag_failed_refund(self, ret: Return, *, at: datetime) -> None:
        """Lists the return in the agents' failed-refunds queue (written with the failure)."""
        self._mark(items.FAILED_REFUND, ret.id, since=at)

    def clear_failed_refund(self, return_id: str) -> None:
        self._unmark(items.FAILED_REFUND, return_id)

    def flag_failed_label(self, return_id: str, *, at: datetime) -> None:
        """Lists the return in the agents' refused-labels queue (written with the failure)."""
        self._mark(items.FAILED_LABEL, return_id, since=at)

    def clear_failed_label(self, return_id: str) -> None:
        self._unmark(items.FAILED_LABEL, return_id)

    def flag_label_to_void(self, return_id: str, *, since: datetime) -> None:
        """Lists an ended return's unused label for the void sweep (written with the return's end)."""
        self._mark(items.LABEL_TO_VOID, return_id, since=since)

    def clear_label_to_void(self, return_id: str) -> None:
        self._unmark(items.LABEL_TO_VOID, return_id)

    def claim_webhook_event(self, provider: str, event_id: str, *, expires_at: datetime) -> None:
        """Write-once: an event delivered again (providers redeliver) finds its claim and changes nothing."""
        self._put(items.webhook_event_item(provider, event_id, expires_at=expires_at), _NEW)

    # -- customer emails (NOTIFY#<return>#<kind>) -------------------------------------------
    def claim_email(self, return_id: str, kind: str, *, at: datetime, retry_at: datetime) -> None:
        """Write-once: one email of each kind per return. PENDING with its first attempt under way;
        if the sender dies before marking it, the resend job finds it due at `retry_at`."""
        self._put(items.pending_email_item(return_id, kind, at=at, retry_at=retry_at), _NEW)

    def skip_unsent_email(self, return_id: str, kind: str, *, at: datetime, reason: str) -> None:
        """Write-once: the email was never sent because the return moved on first (kept as a record)."""
        self._put(items.skipped_email_item(return_id, kind, at=at, reason=reason), _NEW)

    def begin_email_attempt(self, due: DueEmail, *, at: datetime, retry_at: datetime) -> None:
        """Take the next attempt of a due email: conditioned on the queue position that was read, so
        two resend jobs never send one email twice. Counts the attempt before it is made (a crash
        counts)."""
        values = {":n": due.attempts + 1, ":at": items.iso(at), ":next": items.iso(retry_at),
                  ":sk": items.email_queue_position(due.return_id, due.kind, due_at=retry_at),
                  ":pending": "PENDING", ":seen": due.position}
        self._update(
            due.return_id,
            due.kind,
            "SET attempts = :n, lastAttemptAt = :at, nextAttemptAt = :next, gsi3sk = :sk",
            values,
            condition="#s = :pending AND gsi3sk = :seen",
            names={"#s": "status"},
        )

    def retry_email(self, return_id: str, kind: str, *, retry_at: datetime, error: str) -> None:
        """The attempt failed: due again at `retry_at` (the backoff), behind the emails due sooner."""
        values = {":next": items.iso(retry_at), ":error": error[:500],
                  ":sk": items.email_queue_position(return_id, kind, due_at=retry_at)}
        self._update(return_id, kind, "SET nextAttemptAt = :next, gsi3sk = :sk, lastError = :error", values)

    def mark_email_sent(self, return_id: str, kind: str, *, at: datetime) -> None:
        """The email left the building: out of the due queue (sparse index), kept as a record."""
        self._close_email(return_id, kind, "SENT", {"sentAt": items.iso(at)})

    def give_up_email(self, return_id: str, kind: str, *, at: datetime, reason: str) -> None:
        """No more attempts: kept as a record, listed under EMAILS#GIVEN_UP for ops."""
        self._close_email(return_id, kind, "GIVEN_UP", {
            "givenUpAt": items.iso(at), "reason": reason[:500], "gsi3pk": items.GIVEN_UP_EMAILS,
            "gsi3sk": f"{items.iso(at)}#{return_id}#{kind}"})

    def skip_email(self, return_id: str, kind: str, *, at: datetime, reason: str) -> None:
        """Not sent on purpose: the return moved on and the email would now mislead."""
        self._close_email(return_id, kind, "SKIPPED", {"skippedAt": items.iso(at), "reason": reason[:500]})

    def _close_email(self, return_id: str, kind: str, status: str, values: dict[str, Any]) -> None:
        names = {"#s": "status", **{f"#v{i}": name for i, name in enumerate(values)}}
        sets = ["#s = :status", *(f"#v{i} = :v{i}" for i in range(len(values)))]
        removed = [index_key for index_key in ("gsi3pk", "gsi3sk") if index_key not in values]
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removed) if removed else "")
        self._update(return_id, kind, expression,
                     {":status": status, **{f":v{i}": value for i, value in enumerate(values.values())}},
                     names=names)

    def _update(self, return_id: str, kind: str, expression: str, values: dict[str, Any], *,
                condition: str | None = None, names: dict[str, str] | None = None) -> None:
        update: dict[str, Any] = {
            "TableName": self.table_name,
            "Key": items.email_key(return_id, kind),
            "UpdateExpression": expression,
            "ExpressionAttributeValues": items.to_item(values),
        }
        if condition:
            update["ConditionExpression"] = condition
        if names:
            update["ExpressionAttributeNames"] = names
        self._writes.append({"Update": update})

    def commit(self) -> None:
        writes, self._writes = self._writes, []
        if not writes:
            return
        try:
            if len(writes) == 1 and next(iter(writes[0])) in _SINGLE_WRITES:
                # one item: a plain conditional write is just as atomic, at half a transaction's cost
                ((kind, write),) = writes[0].items()
                getattr(self.client, _SINGLE_WRITES[kind])(**write)
            else:
                self.client.transact_write_items(TransactItems=writes)
        except Exception as exc:  # botocore's ClientError, read by its code (botocore loads lazily)
            code = error_code(exc)
            if code in {"TransactionCanceledException", "ConditionalCheckFailedException"}:
                raise ConflictError(str(exc)) from exc
            raise
