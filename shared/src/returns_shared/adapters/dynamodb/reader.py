"""Reads of the table: the gateway's ReturnsReader and the lookups of the service layer's
ReturnsRepository (keys and item shapes: items.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from returns_shared.adapters.dynamodb import items
from returns_shared.adapters.dynamodb.items import Item
from returns_shared.adapters.dynamodb.message_reads import MessageReads
from returns_shared.domain.customer_names import MIN_SEARCH_CHARACTERS, NamedOrder, name_key
from returns_shared.domain.errors import InvalidInput
from returns_shared.domain.orders import Order
from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.service.cursors import CursorCodec
from returns_shared.service.ports import (
    CustomerName,
    DueEmail,
    IdempotencyClaim,
    Page,
    StoredOrder,
    UnknownPackage,
)

MONTHS_LISTED_BACK = 36  # the all-returns listing walks month buckets back this far at most


class DynamoReturnsRepository(MessageReads):
    def __init__(self, table_name: str, client: Any, *, cursors: CursorCodec):
        super().__init__(table_name, client)
        self.cursors = cursors

    # -- orders ---------------------------------------------------------------------------
    def get_stored_order(self, order_id: str) -> StoredOrder | None:
        item = self._get(items.order_key(order_id))
        return items.order_from_item(item) if item else None

    def get_order(self, order_id: str) -> Order | None:
        stored = self.get_stored_order(order_id)
        return stored.order if stored else None

    def get_orders(self, order_ids: Sequence[str]) -> dict[str, Order]:
        found = self._batch_get([items.order_key(i) for i in dict.fromkeys(order_ids)])
        orders = (items.order_from_item(item).order for item in found)
        return {order.id: order for order in orders}

    # -- returns --------------------------------------------------------------------------
    def get_return(self, return_id: str) -> Return | None:
        item = self._get(items.return_key(return_id))
        return items.return_from_item(item) if item else None

    def get_returns(self, return_ids: Sequence[str]) -> dict[str, Return]:
        found = self._batch_get([items.return_key(i) for i in dict.fromkeys(return_ids)])
        returns = (items.return_from_item(item) for item in found)
        return {ret.id: ret for ret in returns}

    def returns_of_order(self, order_id: str) -> list[Return]:
        """Strongly consistent: the order item lists its returns' ids (GSIs lag behind writes)."""
        stored = self.get_stored_order(order_id)
        if not stored:
            return []
        found = self.get_returns(stored.return_ids)
        return sorted(found.values(), key=lambda r: (r.created_at, r.id))

    def returns_of_orders(self, order_ids: Sequence[str]) -> dict[str, list[Return]]:
        """Several orders' returns in two batched reads (orders, then all their returns)."""
        keys = [items.order_key(i) for i in dict.fromkeys(order_ids)]
        stored = [items.order_from_item(item) for item in self._batch_get(keys)]
        found = self.get_returns([rid for s in stored for rid in s.return_ids])
        by_order = {s.order.id: sorted((found[r] for r in s.return_ids if r in found),
                                       key=lambda r: (r.created_at, r.id))
                    for s in stored}
        return {order_id: by_order.get(order_id, []) for order_id in order_ids}

    def returns_created_in(self, month: int) -> Iterator[Return]:
        """Every return created in a month (a month index: year × 12 + month - 1), page by page (GSI4)."""
        return self._query_all("GSI4", "gsi4pk", items.month_partition(month))

    def orders_placed_in(self, month: int) -> Iterator[StoredOrder]:
        """Every order placed in a month, page by page (GSI4 ORDERS#)."""
        return self._query_all("GSI4", "gsi4pk", items.orders_month_partition(month),
                               convert=items.order_from_item)

    def returns_of_customer(self, email: str) -> list[Return]:
        return list(self._query_all("GSI2", "gsi2pk", items.customer_partition(email)))

    def returns_by_tracking_number(self, number: str) -> list[Return]:
        """Newest first; usually one (a customer may ship two returns under one number). GSI5 is
        eventually consistent: a number set a moment ago may not be found yet."""
        return list(self._query_all("GSI5", "gsi5pk", items.tracking_partition(number), newest_first=True))

    def returns_in_status(self, status: ReturnStatus, *, older_than: datetime | None = None, limit: int = 100,
                          after: object | None = None) -> tuple[list[Return], object | None]:
        """One page of returns in a status, oldest status change first (for the scheduled jobs)."""
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": "GSI3",
            "KeyConditionExpression": "gsi3pk = :pk" + (" AND gsi3sk < :before" if older_than else ""),
            "ExpressionAttributeValues": items.to_item(
                {
                    ":pk": items.status_partition(status),
                    ":before": items.iso(older_than) if older_than else None,
                }
            ),
            "Limit": limit,
        }
        if after:
            kwargs["ExclusiveStartKey"] = after
        page = self.client.query(**kwargs)
        return [items.return_from_item(i) for i in page.get("Items", [])], page.get("LastEvaluatedKey")

    def list_returns(
        self,
        *,
        first: int,
        after: str | None,
        status: ReturnStatus | None = None,
        order_id: str | None = None,
        customer_email: str | None = None,
        oldest_first: bool = False,
    ) -> Page[Return]:
        """Newest first (by creation; by the status change with `status` alone: GSI3), or oldest first.
        Customers' listings always go through their own partition (GSI2)."""
        filters: dict[str, str] = {}
        if customer_email is not None:
            index, pk_name, pk = "GSI2", "gsi2pk", items.customer_partition(customer_email)
            if order_id:
                filters["orderId"] = order_id
            if status:
                filters["status"] = status.value
        elif order_id is not None:
            index, pk_name, pk = "GSI1", "gsi1pk", items.order_partition(order_id)
            if status:
                filters["status"] = status.value
        elif status is not None:
            index, pk_name, pk = "GSI3", "gsi3pk", items.status_partition(status)
        elif oldest_first:  # the month buckets are walked newest first only
            raise InvalidInput("Oldest first needs a status, an order or a customer.", field=("reverse",))
        else:
            return self._list_all(first=first, after=after)
        scope = f"{index}|{pk}|{json.dumps(filters, sort_keys=True)}" + ("|oldest" if oldest_first else "")
        start = items.start_key(self.cursors.decode(scope, after), index, pk) if after else None
        found, last = self._query_page(index, pk_name, pk, first=first, start=start, filters=filters,
                                       convert=items.return_from_item, newest_first=not oldest_first)
        return Page(items=found, next_cursor=self.cursors.encode(scope, last) if last else None)

    def _list_all(self, *, first: int, after: str | None) -> Page[Return]:
        scope = "GSI4|all"
        this_month = items.month_index(datetime.now(UTC))
        position = self.cursors.decode(scope, after) if after else {"month": this_month, "key": None}
        month = position.get("month") if isinstance(position, dict) else None
        # Bounded before use: the loop below walks one month per step down to the floor.
        if not isinstance(month, int) or isinstance(month, bool) or not 0 <= month <= this_month:
            raise InvalidInput("This page link is not valid; start the list again.", field=("after",))
        key = position.get("key")
        start: Item | None = (
            items.start_key(key, "GSI4", items.month_partition(month)) if key is not None else None
        )
        floor = this_month - MONTHS_LISTED_BACK
        found: list[Return] = []
        while month >= floor and len(found) < first:
            pk = items.month_partition(month)
            page, last = self._query_page(
                "GSI4", "gsi4pk", pk, first=first - len(found), start=start, filters={},
                convert=items.return_from_item,
            )
            found.extend(page)
            if last:
                return Page(
                    items=found, next_cursor=self.cursors.encode(scope, {"month": month, "key": last})
                )
            month, start = month - 1, None
        more = month >= floor
        return Page(items=found,
                    next_cursor=self.cursors.encode(scope, {"month": month, "key": None}) if more else None)

    def list_orders(self, *, customer_email: str, first: int, after: str | None) -> Page[Order]:
        """A customer's orders, newest first (their own GSI2 partition)."""
        pk = items.orders_partition(customer_email)
        scope = f"GSI2|{pk}"
        start = self.cursors.decode(scope, after) if after else None
        found, last = self._query_page("GSI2", "gsi2pk", pk, first=first, start=start, filters={},
                                       convert=lambda item: items.order_from_item(item).order)
        return Page(items=found, next_cursor=self.cursors.encode(scope, last) if last else None)

    def unknown_packages(self, *, first: int, after: str | None) -> Page[UnknownPackage]:
        """Packages the warehouse scanned for no approved return (REQ-FIRST), newest first."""
        scope = f"GSI3|{items.UNKNOWN_PACKAGES}"
        start = self.cursors.decode(scope, after) if after else None
        found, last = self._query_page("GSI3", "gsi3pk", items.UNKNOWN_PACKAGES, first=first, start=start,
                                       filters={}, convert=items.package_from_item)
        return Page(items=found, next_cursor=self.cursors.encode(scope, last) if last else None)

    def get_unknown_package(self, package_id: str) -> UnknownPackage | None:
        item = self._get(items.unknown_package_key(package_id))
        return items.package_from_item(item) if item else None

    def customers_named(self, *, name: str, first: int, after: str | None) -> Page[NamedOrder]:
        """Customers whose orders carry a name starting with `name` (from any of its words), each with
        the newest order under that name; alphabetical by the name as read from the matching word."""
        typed = name_key(name)
        if len(typed) < MIN_SEARCH_CHARACTERS:
            raise InvalidInput("Type at least two letters of the name.", field=("name",))
        pk = items.names_partition(typed)
        scope = f"NAMES|{typed}"
        kwargs: dict[str, Any] = {
            "TableName": self.table_name, "Limit": first, "ConsistentRead": True,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :typed)",
            "ExpressionAttributeValues": {":pk": {"S": pk}, ":typed": {"S": typed}},
        }
        if after:
            kwargs["ExclusiveStartKey"] = items.start_key(self.cursors.decode(scope, after), None, pk)
        page = self.client.query(**kwargs)
        last = page.get("LastEvaluatedKey")
        return Page(items=[items.named_order_from_item(item) for item in page.get("Items", [])],
                    next_cursor=self.cursors.encode(scope, last) if last else None)

    def customer_names(self, customer: str, name_keys: Sequence[str]) -> dict[str, CustomerName]:
        found = self._batch_get([items.customer_name_key(customer, key) for key in dict.fromkeys(name_keys)])
        names = (items.customer_name_from_item(item) for item in found)
        return {name.newest.name_key: name for name in names}

    def orders_named(self, customer: str, name_key: str, *, limit: int) -> list[NamedOrder]:
        page = self.client.query(
            TableName=self.table_name, Limit=limit, ConsistentRead=True, ScanIndexForward=False,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :orders)",
            ExpressionAttributeValues={":pk": {"S": items.customer_name_partition(customer, name_key)},
                                       ":orders": {"S": "ORDER#"}})
        return [items.named_order_from_item(item) for item in page.get("Items", [])]

    def failed_refunds(self, *, first: int, after: str | None) -> Page[Return]:
        """Returns whose refund the provider refused or failed, oldest failure first (agents' queue)."""
        return self._marked_returns(items.FAILED_REFUNDS, first=first, after=after)

    def failed_labels(self, *, first: int, after: str | None) -> Page[Return]:
        """Returns whose prepaid label the carrier refused, unresolved, oldest failure first (agents')."""
        return self._marked_returns(items.FAILED_LABELS, first=first, after=after)

    def _marked_returns(self, partition: str, *, first: int, after: str | None) -> Page[Return]:
        """The returns named by the GSI3 markers of one agents' queue, in the index's order."""
        scope = f"GSI3|{partition}"
        start = items.start_key(self.cursors.decode(scope, after), "GSI3", partition) if after else None
        kwargs: dict[str, Any] = {
            "TableName": self.table_name, "IndexName": "GSI3", "Limit": first,
            "KeyConditionExpression": "gsi3pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": partition}},
        }
        if start:
            kwargs["ExclusiveStartKey"] = start
        page = self.client.query(**kwargs)
        ids = [item["returnId"]["S"] for item in page.get("Items", [])]
        found = self.get_returns(ids)
        last = page.get("LastEvaluatedKey")
        return Page(items=[found[i] for i in ids if i in found],
                    next_cursor=self.cursors.encode(scope, last) if last else None)

    def labels_to_void(self, *, older_than: datetime, limit: int = 100,
                       after: object | None = None) -> tuple[list[tuple[str, datetime]], object | None]:
        """One page of ended returns whose unused label is not voided yet (their id, since when),
        oldest first (sparse: a recorded void removes the marker)."""
        kwargs: dict[str, Any] = {
            "TableName": self.table_name, "IndexName": "GSI3", "Limit": limit,
            "KeyConditionExpression": "gsi3pk = :pk AND gsi3sk < :before",
            "ExpressionAttributeValues": {":pk": {"S": items.LABELS_TO_VOID},
                                          ":before": {"S": items.iso(older_than)}},
        }
        if after:
            kwargs["ExclusiveStartKey"] = after
        page = self.client.query(**kwargs)
        found = [(item["returnId"]["S"], datetime.fromisoformat(item["since"]["S"].replace("Z", "+00:00")))
                 for item in page.get("Items", [])]
        return found, page.get("LastEvaluatedKey")

    # -- side records ---------------------------------------------------------------------
    def webhook_event_seen(self, provider: str, event_id: str) -> bool:
        return self._get(items.webhook_event_key(provider, event_id)) is not None

    def due_emails(self, *, due_by: datetime, limit: int = 100,
                   after: object | None = None) -> tuple[list[DueEmail], object | None]:
        """One page of PENDING emails whose next attempt is due, soonest first (sparse: sent and
        closed ones leave the index). A failed email moves back by its backoff, so it never blocks
        newer ones."""
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": "GSI3",
            "Limit": limit,
            "KeyConditionExpression": "gsi3pk = :pk AND gsi3sk < :due",
            "ExpressionAttributeValues": {
                ":pk": {"S": items.PENDING_EMAILS},
                ":due": {"S": items.iso(due_by)},
            },
        }
        if after:
            kwargs["ExclusiveStartKey"] = after
        page = self.client.query(**kwargs)
        due = [
            DueEmail(
                return_id=values["returnId"],
                kind=values["kind"],
                attempts=int(values.get("attempts", 0)),
                position=values["gsi3sk"],
            )
            for values in (items.from_item(item) for item in page.get("Items", []))
        ]
        return due, page.get("LastEvaluatedKey")

    def given_up_emails(self, *, limit: int = 100) -> list[dict[str, Any]]:
        """Emails the service gave up on, newest first: for ops to look at (and re-send by hand)."""
        page = self.client.query(
            TableName=self.table_name,
            IndexName="GSI3",
            Limit=limit,
            ScanIndexForward=False,
            KeyConditionExpression="gsi3pk = :pk",
            ExpressionAttributeValues={":pk": {"S": items.GIVEN_UP_EMAILS}},
        )
        return [items.from_item(item) for item in page.get("Items", [])]

    def get_email(self, return_id: str, kind: str) -> dict[str, Any] | None:
        """The record of one customer email as stored (status, attempts, next attempt, last error)."""
        item = self._get(items.email_key(return_id, kind))
        return items.from_item(item) if item else None

    def get_idempotency(self, customer: str, key: str) -> IdempotencyClaim | None:
        item = self._get(items.idempotency_key(customer, key))
        return _claim(item) if item else None

    def get_order_and_claim(
        self, order_id: str, customer: str, key: str
    ) -> tuple[StoredOrder | None, IdempotencyClaim | None]:
        """One consistent BatchGetItem for both (a new request's first read: one round trip less)."""
        order_key, claim_key = items.order_key(order_id), items.idempotency_key(customer, key)
        found = {item["pk"]["S"]: item for item in self._batch_get([order_key, claim_key])}
        order, claim = found.get(order_key["pk"]["S"]), found.get(claim_key["pk"]["S"])
        return (items.order_from_item(order) if order else None), (_claim(claim) if claim else None)


def _claim(item: Item) -> IdempotencyClaim:
    return IdempotencyClaim(return_id=item["returnId"]["S"], fingerprint=item["fingerprint"]["S"])
