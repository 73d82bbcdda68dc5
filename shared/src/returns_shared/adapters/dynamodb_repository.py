"""The one DynamoDB table: orders, returns, idempotency keys and unknown packages.

Access patterns (every request path is GetItem, BatchGetItem, Query or a transaction; never Scan):
- order by id ............................ GetItem   pk=ORDER#<id>          sk=ORDER
- a customer's orders, newest first ...... Query     GSI2 gsi2pk=ORDERS#<email> (the order item itself;
                                                     gsi2sk=<placedAt>#<id>; apart from CUSTOMER#, the returns)
- return by id ........................... GetItem   pk=RETURN#<id>         sk=RETURN
- an order's returns (strongly consistent) BatchGet  ids kept on the order item (returnIds)
- an order's returns, newest first ....... Query     GSI1 gsi1pk=ORDER#<id>
- a customer's returns, newest first ..... Query     GSI2 gsi2pk=CUSTOMER#<email>
- returns by status (queues, jobs) ....... Query     GSI3 gsi3pk=STATUS#<status>, oldest first
- all returns, newest first .............. Query     GSI4 gsi4pk=RETURNS#<yyyy-mm> (month buckets)
- returns by tracking number ............. Query     GSI5 gsi5pk=TRACKING#<NUMBER> (sparse: only returns with one)
- idempotency key ........................ GetItem   pk=IDEMPOTENCY#<customer>#<key>, TTL expiresAt
- failed refunds, oldest first ........... Query     GSI3 gsi3pk=REFUNDS#FAILED (marker items REFUND_FAILED#<id>)
- webhook event seen before .............. GetItem   pk=WEBHOOK#<provider>#<event id>, TTL expiresAt
- packages scanned for unknown returns ... Query     GSI3 gsi3pk=UNKNOWN_PACKAGES, newest first
- customer emails due, soonest first ..... Query     GSI3 gsi3pk=EMAILS#PENDING, gsi3sk=<next attempt>#...
- customer emails given up, newest first . Query     GSI3 gsi3pk=EMAILS#GIVEN_UP
Every write of a return is conditioned on the version it read (optimistic locking); a request for
a new return also bumps the order's `returnsVersion`, which serialises the returns of one order
(quantities and "first package" can't be decided twice at once).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from returns_shared.domain.errors import ConflictError, InvalidInput
from returns_shared.domain.orders import Order, customer_key
from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.service.ports import Page, StoredOrder, UnknownPackage

_ser = TypeSerializer()
_de = TypeDeserializer()

ORDER_SK = "ORDER"
RETURN_SK = "RETURN"
BATCH_GET_LIMIT = 100
MONTHS_LISTED_BACK = 36  # the all-returns listing walks month buckets back this far at most


def order_key(order_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"ORDER#{order_id}"}, "sk": {"S": ORDER_SK}}


def return_key(return_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"RETURN#{return_id}"}, "sk": {"S": RETURN_SK}}


def tracking_key(number: str) -> str:
    """Tracking numbers as scanned or typed: case and spaces do not matter."""
    return "".join(number.split()).upper()


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _to_item(values: dict[str, Any]) -> dict[str, Any]:
    return {k: _ser.serialize(v) for k, v in values.items() if v is not None}


def _from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _de.deserialize(v) for k, v in item.items()}


def return_item(ret: Return, *, version: int) -> dict[str, Any]:
    sort = f"{_iso(ret.created_at)}#{ret.id}"
    return _to_item(
        {
            **{k: v["S"] for k, v in return_key(ret.id).items()},
            "entity": "Return",
            "status": ret.status.value,
            "version": version,
            "orderId": ret.order_id,
            "customer": ret.customer_email,
            "refundDueAt": _iso(ret.refund_due_at) if ret.refund_due_at else None,
            "gsi1pk": f"ORDER#{ret.order_id}",
            "gsi1sk": sort,
            "gsi2pk": f"CUSTOMER#{ret.customer_email}",
            "gsi2sk": sort,
            "gsi3pk": f"STATUS#{ret.status.value}",
            "gsi3sk": f"{_iso(ret.status_changed_at)}#{ret.id}",
            "gsi4pk": f"RETURNS#{ret.created_at.astimezone(UTC):%Y-%m}",
            "gsi4sk": sort,
            "gsi5pk": f"TRACKING#{tracking_key(ret.tracking_number)}" if ret.tracking_number else None,
            "gsi5sk": sort if ret.tracking_number else None,
            "doc": ret.model_dump_json(),
        }
    )


def _return_from_item(item: dict[str, Any]) -> Return:
    ret = Return.model_validate_json(item["doc"]["S"])
    ret.version = int(item["version"]["N"])
    return ret


def _package_from_item(item: dict[str, Any]) -> UnknownPackage:
    values = _from_item(item)
    return UnknownPackage(return_id=values["returnId"], reason=values["reason"], scanned_by=values["scannedBy"],
                          at=datetime.fromisoformat(values["at"]))


def _order_from_item(item: dict[str, Any]) -> StoredOrder:
    values = _from_item(item)
    order = Order.model_validate_json(values["doc"])
    return StoredOrder(order=order, version=int(values["version"]), return_ids=list(values.get("returnIds", [])))


class CursorCodec:
    """Opaque, signed page cursors bound to the query that made them (cannot be forged or replayed
    against another customer's listing)."""

    def __init__(self, secret: str | Callable[[], str]):
        self._secret = secret  # a function when the key comes from Secrets Manager (read on first use)

    def _sign(self, body: bytes) -> str:
        key = self._secret() if callable(self._secret) else self._secret
        return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()[:32]

    def encode(self, scope: str, position: dict[str, Any]) -> str:
        body = json.dumps({"s": scope, "p": position}, separators=(",", ":"), sort_keys=True).encode()
        token = json.dumps({"b": body.decode(), "h": self._sign(body)}).encode()
        return base64.urlsafe_b64encode(token).decode().rstrip("=")

    def decode(self, scope: str, cursor: str) -> dict[str, Any]:
        try:
            token = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            body = token["b"].encode()
            if not hmac.compare_digest(self._sign(body), token["h"]):
                raise ValueError("bad signature")
            data = json.loads(body)
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidInput("the cursor is not valid", field=("after",)) from exc
        if data["s"] != scope:
            raise InvalidInput("the cursor belongs to another listing", field=("after",))
        return data["p"]


class DynamoReturnsRepository:
    """Reads (the gateway's ReturnsReader) and the lookups the service layer needs."""

    def __init__(self, table_name: str, client: Any, *, cursor_secret: str | Callable[[], str]):
        self.table_name = table_name
        self.client = client
        self.cursors = CursorCodec(cursor_secret)

    # -- orders ---------------------------------------------------------------------------
    def get_stored_order(self, order_id: str) -> StoredOrder | None:
        item = self.client.get_item(TableName=self.table_name, Key=order_key(order_id), ConsistentRead=True).get("Item")
        return _order_from_item(item) if item else None

    def get_order(self, order_id: str) -> Order | None:
        stored = self.get_stored_order(order_id)
        return stored.order if stored else None

    def get_orders(self, order_ids: Sequence[str]) -> dict[str, Order]:
        items = self._batch_get([order_key(i) for i in dict.fromkeys(order_ids)])
        orders = (_order_from_item(item).order for item in items)
        return {order.id: order for order in orders}

    # -- returns --------------------------------------------------------------------------
    def get_return(self, return_id: str) -> Return | None:
        item = self.client.get_item(TableName=self.table_name, Key=return_key(return_id), ConsistentRead=True).get("Item")
        return _return_from_item(item) if item else None

    def get_returns(self, return_ids: Sequence[str]) -> dict[str, Return]:
        items = self._batch_get([return_key(i) for i in dict.fromkeys(return_ids)])
        returns = (_return_from_item(item) for item in items)
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
        stored = [_order_from_item(item) for item in self._batch_get([order_key(i) for i in dict.fromkeys(order_ids)])]
        found = self.get_returns([rid for s in stored for rid in s.return_ids])
        by_order = {s.order.id: sorted((found[r] for r in s.return_ids if r in found), key=lambda r: (r.created_at, r.id))
                    for s in stored}
        return {order_id: by_order.get(order_id, []) for order_id in order_ids}

    def returns_of_customer(self, email: str) -> list[Return]:
        return list(self._query_all("GSI2", "gsi2pk", f"CUSTOMER#{customer_key(email)}"))

    def returns_by_tracking_number(self, number: str) -> list[Return]:
        """Newest first; usually one (a customer may ship two returns under one number). GSI5 is
        eventually consistent: a number set a moment ago may not be found yet."""
        return list(self._query_all("GSI5", "gsi5pk", f"TRACKING#{tracking_key(number)}", newest_first=True))

    def returns_in_status(self, status: ReturnStatus, *, older_than: datetime | None = None, limit: int = 100,
                          after: dict[str, Any] | None = None) -> tuple[list[Return], dict[str, Any] | None]:
        """One page of returns in a status, oldest status change first (for the scheduled jobs)."""
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": "GSI3",
            "KeyConditionExpression": "gsi3pk = :pk" + (" AND gsi3sk < :before" if older_than else ""),
            "ExpressionAttributeValues": _to_item(
                {":pk": f"STATUS#{status.value}", ":before": _iso(older_than) if older_than else None}
            ),
            "Limit": limit,
        }
        if after:
            kwargs["ExclusiveStartKey"] = after
        page = self.client.query(**kwargs)
        return [_return_from_item(i) for i in page.get("Items", [])], page.get("LastEvaluatedKey")

    def list_returns(
        self,
        *,
        first: int,
        after: str | None,
        status: ReturnStatus | None = None,
        order_id: str | None = None,
        customer_email: str | None = None,
    ) -> Page:
        """Newest first. Customers' listings always go through their own partition (GSI2)."""
        filters: dict[str, str] = {}
        if customer_email is not None:
            index, pk_name, pk = "GSI2", "gsi2pk", f"CUSTOMER#{customer_key(customer_email)}"
            if order_id:
                filters["orderId"] = order_id
            if status:
                filters["status"] = status.value
        elif order_id is not None:
            index, pk_name, pk = "GSI1", "gsi1pk", f"ORDER#{order_id}"
            if status:
                filters["status"] = status.value
        elif status is not None:
            index, pk_name, pk = "GSI3", "gsi3pk", f"STATUS#{status.value}"
        else:
            return self._list_all(first=first, after=after)
        scope = f"{index}|{pk}|{json.dumps(filters, sort_keys=True)}"
        start = _start_key(self.cursors.decode(scope, after), index, pk) if after else None
        items, last = self._query_page(index, pk_name, pk, first=first, start=start, filters=filters)
        return Page(items=items, next_cursor=self.cursors.encode(scope, last) if last else None)

    def _list_all(self, *, first: int, after: str | None) -> Page:
        scope = "GSI4|all"
        current = _month_index(datetime.now(UTC))
        position = self.cursors.decode(scope, after) if after else {"month": current, "key": None}
        month = position.get("month") if isinstance(position, dict) else None
        # Bounded before use: the loop below walks one month per step down to the floor.
        if not isinstance(month, int) or isinstance(month, bool) or not 0 <= month <= current:
            raise InvalidInput("the cursor is not valid", field=("after",))
        start = _start_key(position["key"], "GSI4", _month_pk(month)) if position.get("key") is not None else None
        floor = current - MONTHS_LISTED_BACK
        found: list[Return] = []
        while month >= floor and len(found) < first:
            pk = _month_pk(month)
            items, last = self._query_page("GSI4", "gsi4pk", pk, first=first - len(found), start=start, filters={})
            found.extend(items)
            if last:
                return Page(items=found, next_cursor=self.cursors.encode(scope, {"month": month, "key": last}))
            month, start = month - 1, None
        more = month >= floor
        return Page(items=found, next_cursor=self.cursors.encode(scope, {"month": month, "key": None}) if more else None)

    def list_orders(self, *, customer_email: str, first: int, after: str | None) -> Page[Order]:
        """A customer's orders, newest first (their own GSI2 partition)."""
        pk = f"ORDERS#{customer_key(customer_email)}"
        scope = f"GSI2|{pk}"
        start = self.cursors.decode(scope, after) if after else None
        items, last = self._query_page("GSI2", "gsi2pk", pk, first=first, start=start, filters={},
                                       convert=lambda item: _order_from_item(item).order)
        return Page(items=items, next_cursor=self.cursors.encode(scope, last) if last else None)

    def unknown_packages(self, *, first: int, after: str | None) -> Page[UnknownPackage]:
        """Packages the warehouse scanned for no approved return (REQ-FIRST), newest first."""
        scope = "GSI3|UNKNOWN_PACKAGES"
        start = self.cursors.decode(scope, after) if after else None
        items, last = self._query_page("GSI3", "gsi3pk", "UNKNOWN_PACKAGES", first=first, start=start, filters={},
                                       convert=_package_from_item)
        return Page(items=items, next_cursor=self.cursors.encode(scope, last) if last else None)

    # -- customer emails (NOTIFY#<return>#<kind> records) -----------------------------------
    def due_emails(self, *, due_by: datetime, limit: int = 100,
                   after: dict[str, Any] | None = None) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """One page of PENDING emails whose next attempt is due, soonest first (GSI3, sparse: sent and
        closed ones leave it). A failed email moves back by its backoff, so it never blocks newer ones."""
        kwargs: dict[str, Any] = {
            "TableName": self.table_name, "IndexName": "GSI3", "Limit": limit,
            "KeyConditionExpression": "gsi3pk = :pk AND gsi3sk < :due",
            "ExpressionAttributeValues": {":pk": {"S": EMAILS_PENDING}, ":due": {"S": _iso(due_by)}},
        }
        if after:
            kwargs["ExclusiveStartKey"] = after
        page = self.client.query(**kwargs)
        return [_from_item(item) for item in page.get("Items", [])], page.get("LastEvaluatedKey")

    def given_up_emails(self, *, limit: int = 100) -> list[dict[str, Any]]:
        """Emails the service gave up on, newest first: for ops to look at (and re-send by hand)."""
        page = self.client.query(
            TableName=self.table_name, IndexName="GSI3", Limit=limit, ScanIndexForward=False,
            KeyConditionExpression="gsi3pk = :pk", ExpressionAttributeValues={":pk": {"S": EMAILS_GIVEN_UP}})
        return [_from_item(item) for item in page.get("Items", [])]

    def failed_refunds(self, *, first: int, after: str | None) -> Page:
        """Returns whose refund the provider refused or failed, oldest failure first (agents' queue)."""
        scope = "GSI3|REFUNDS#FAILED"
        start = _start_key(self.cursors.decode(scope, after), "GSI3", FAILED_REFUNDS) if after else None
        kwargs: dict[str, Any] = {
            "TableName": self.table_name, "IndexName": "GSI3", "Limit": first,
            "KeyConditionExpression": "gsi3pk = :pk", "ExpressionAttributeValues": {":pk": {"S": FAILED_REFUNDS}},
        }
        if start:
            kwargs["ExclusiveStartKey"] = start
        page = self.client.query(**kwargs)
        ids = [item["returnId"]["S"] for item in page.get("Items", [])]
        found = self.get_returns(ids)
        last = page.get("LastEvaluatedKey")
        return Page(items=[found[i] for i in ids if i in found],
                    next_cursor=self.cursors.encode(scope, last) if last else None)

    def webhook_event_seen(self, provider: str, event_id: str) -> bool:
        item = self.client.get_item(TableName=self.table_name, Key=webhook_event_key(provider, event_id),
                                    ConsistentRead=True).get("Item")
        return item is not None

    def get_email(self, return_id: str, kind: str) -> dict[str, Any] | None:
        item = self.client.get_item(TableName=self.table_name, Key=email_key(return_id, kind),
                                    ConsistentRead=True).get("Item")
        return _from_item(item) if item else None

    # -- idempotency ----------------------------------------------------------------------
    def get_idempotency(self, customer: str, key: str) -> dict[str, Any] | None:
        item = self.client.get_item(
            TableName=self.table_name, Key=idempotency_key(customer, key), ConsistentRead=True
        ).get("Item")
        return _from_item(item) if item else None

    # -- plumbing -------------------------------------------------------------------------
    def _query_page(self, index: str, pk_name: str, pk: str, *, first: int, start: dict[str, Any] | None,
                    filters: dict[str, str], convert: Callable[[dict[str, Any]], Any] = _return_from_item,
                    ) -> tuple[list[Any], dict[str, Any] | None]:
        """Fill a page of `first` items, following DynamoDB pages when a filter drops some."""
        found: list[Any] = []
        last = start
        while len(found) < first:
            kwargs: dict[str, Any] = {
                "TableName": self.table_name,
                "IndexName": index,
                "KeyConditionExpression": f"{pk_name} = :pk",
                "ExpressionAttributeValues": {":pk": {"S": pk}},
                "ScanIndexForward": False,
                "Limit": first - len(found),
            }
            if filters:
                names = {f"#f{i}": k for i, k in enumerate(filters)}
                kwargs["FilterExpression"] = " AND ".join(f"#f{i} = :f{i}" for i in range(len(filters)))
                kwargs["ExpressionAttributeNames"] = names
                kwargs["ExpressionAttributeValues"].update({f":f{i}": {"S": v} for i, v in enumerate(filters.values())})
            if last:
                kwargs["ExclusiveStartKey"] = last
            page = self.client.query(**kwargs)
            found.extend(convert(i) for i in page.get("Items", []))
            last = page.get("LastEvaluatedKey")
            if not last:
                break
        return found, last

    def _query_all(self, index: str, pk_name: str, pk: str, *, newest_first: bool = False) -> Iterator[Return]:
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": index,
            "KeyConditionExpression": f"{pk_name} = :pk",
            "ExpressionAttributeValues": {":pk": {"S": pk}},
            "ScanIndexForward": not newest_first,
        }
        while True:
            page = self.client.query(**kwargs)
            yield from (_return_from_item(i) for i in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _batch_get(self, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for i in range(0, len(keys), BATCH_GET_LIMIT):
            request: dict[str, Any] = {self.table_name: {"Keys": keys[i : i + BATCH_GET_LIMIT], "ConsistentRead": True}}
            while request:
                answer = self.client.batch_get_item(RequestItems=request)
                items.extend(answer.get("Responses", {}).get(self.table_name, []))
                request = answer.get("UnprocessedKeys") or {}
        return items


def _month_index(at: datetime) -> int:
    return at.year * 12 + at.month - 1


def _month_pk(month: int) -> str:
    return f"RETURNS#{month // 12:04d}-{month % 12 + 1:02d}"


_INDEX_KEYS = {"GSI1": ("gsi1pk", "gsi1sk"), "GSI2": ("gsi2pk", "gsi2sk"), "GSI3": ("gsi3pk", "gsi3sk"),
               "GSI4": ("gsi4pk", "gsi4sk")}


def _start_key(key: Any, index: str, pk: str) -> dict[str, Any]:
    """A cursor's DynamoDB start key, checked: the table and index key attributes only, strings,
    inside the partition being listed (else DynamoDB refuses it: a 500, not the caller's error)."""
    pk_name, sk_name = _INDEX_KEYS[index]
    names = {"pk", "sk", pk_name, sk_name}
    valid = (isinstance(key, dict) and set(key) == names
             and all(isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) and len(v["S"]) <= 2048
                     for v in key.values())
             and key[pk_name]["S"] == pk)
    if not valid:
        raise InvalidInput("the cursor is not valid", field=("after",))
    return key


FAILED_REFUNDS = "REFUNDS#FAILED"


def failed_refund_key(return_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"REFUND_FAILED#{return_id}"}, "sk": {"S": "MARKER"}}


def webhook_event_key(provider: str, event_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"WEBHOOK#{provider}#{event_id}"}, "sk": {"S": "EVENT"}}


_SINGLE_WRITES = {"Put": "put_item", "Update": "update_item", "Delete": "delete_item"}
EMAILS_PENDING = "EMAILS#PENDING"  # GSI3 partition: due emails by next attempt time
EMAILS_GIVEN_UP = "EMAILS#GIVEN_UP"  # GSI3 partition: emails given up, by when


def email_key(return_id: str, kind: str) -> dict[str, Any]:
    return {"pk": {"S": f"NOTIFY#{return_id}#{kind}"}, "sk": {"S": "EMAIL"}}


def idempotency_key(customer: str, key: str) -> dict[str, Any]:
    digest = hashlib.sha256(key.encode()).hexdigest()  # keys are caller-chosen: keep them out of the pk
    return {"pk": {"S": f"IDEMPOTENCY#{customer_key(customer)}#{digest}"}, "sk": {"S": "IDEMPOTENCY"}}


@dataclass
class DynamoUnitOfWork:
    """Collects the writes of one command and commits them in one TransactWriteItems.

    Each aggregate write is conditioned on the version it was read at; any failed condition
    raises ConflictError and nothing is written.
    """

    table_name: str
    client: Any
    _writes: list[dict[str, Any]] = field(default_factory=list)

    def add_return(self, ret: Return) -> None:
        self._writes.append(
            {"Put": {"TableName": self.table_name, "Item": return_item(ret, version=1),
                     "ConditionExpression": "attribute_not_exists(pk)"}}
        )

    def save_return(self, ret: Return) -> None:
        self._writes.append(
            {"Put": {"TableName": self.table_name, "Item": return_item(ret, version=ret.version + 1),
                     "ConditionExpression": "version = :seen",
                     "ExpressionAttributeValues": {":seen": {"N": str(ret.version)}}}}
        )

    def put_order(self, order: Order, *, seen: StoredOrder | None) -> None:
        values = {
            **{k: v["S"] for k, v in order_key(order.id).items()},
            "entity": "Order",
            "email": order.customer_key,
            "gsi2pk": f"ORDERS#{order.customer_key}",  # a customer's orders; returns use CUSTOMER#
            "gsi2sk": f"{_iso(order.placed_at)}#{order.id}",
            "version": (seen.version + 1) if seen else 1,
            "returnIds": seen.return_ids if seen and seen.return_ids else None,
            "doc": order.model_dump_json(),
        }
        put: dict[str, Any] = {"TableName": self.table_name, "Item": _to_item(values)}
        if seen:
            put["ConditionExpression"] = "version = :seen"
            put["ExpressionAttributeValues"] = {":seen": {"N": str(seen.version)}}
        else:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        self._writes.append({"Put": put})

    def attach_return_to_order(self, stored: StoredOrder, return_id: str) -> None:
        """Adds the return to the order's list, conditioned on the order's version (serialises requests)."""
        self._writes.append(
            {"Update": {"TableName": self.table_name, "Key": order_key(stored.order.id),
                        "UpdateExpression": "SET returnIds = list_append(if_not_exists(returnIds, :empty), :new), version = :next",
                        "ConditionExpression": "version = :seen",
                        "ExpressionAttributeValues": {":empty": {"L": []}, ":new": {"L": [{"S": return_id}]},
                                                      ":seen": {"N": str(stored.version)},
                                                      ":next": {"N": str(stored.version + 1)}}}}
        )

    def claim_idempotency(self, customer: str, key: str, *, return_id: str, fingerprint: str, expires_at: datetime) -> None:
        self._writes.append(
            {"Put": {"TableName": self.table_name,
                     "Item": {**idempotency_key(customer, key), "returnId": {"S": return_id},
                              "fingerprint": {"S": fingerprint},
                              "expiresAt": {"N": str(int(expires_at.timestamp()))}},
                     "ConditionExpression": "attribute_not_exists(pk)"}}
        )

    def flag_failed_refund(self, ret: Return, *, at: datetime) -> None:
        """Lists the return in the agents' failed-refunds queue (written with the failure)."""
        self._writes.append(
            {"Put": {"TableName": self.table_name,
                     "Item": {**failed_refund_key(ret.id), "entity": {"S": "FailedRefund"},
                              "returnId": {"S": ret.id}, "gsi3pk": {"S": FAILED_REFUNDS},
                              "gsi3sk": {"S": f"{_iso(at)}#{ret.id}"}}}}
        )

    def clear_failed_refund(self, return_id: str) -> None:
        self._writes.append({"Delete": {"TableName": self.table_name, "Key": failed_refund_key(return_id)}})

    def claim_webhook_event(self, provider: str, event_id: str, *, expires_at: datetime) -> None:
        """Write-once: an event delivered again (providers redeliver) finds its claim and changes nothing."""
        self._writes.append(
            {"Put": {"TableName": self.table_name,
                     "Item": {**webhook_event_key(provider, event_id), "entity": {"S": "WebhookEvent"},
                              "expiresAt": {"N": str(int(expires_at.timestamp()))}},
                     "ConditionExpression": "attribute_not_exists(pk)"}}
        )

    def record(self, pk: str, sk: str, values: dict[str, Any]) -> None:
        """A write-once side record (e.g. an unknown package for customer service)."""
        self._writes.append(
            {"Put": {"TableName": self.table_name, "Item": _to_item({"pk": pk, "sk": sk, **values}),
                     "ConditionExpression": "attribute_not_exists(pk)"}}
        )

    def lease(self, pk: str, *, now: datetime, stale_before: datetime) -> None:
        """Take a work lease: granted when nobody holds it or the holder's lease went stale (a crashed
        worker), so one worker does the work and a crash never blocks it for good."""
        self._writes.append(
            {"Put": {"TableName": self.table_name,
                     "Item": _to_item({"pk": pk, "sk": "LEASE", "leasedAt": _iso(now),
                                       "expiresAt": int(now.timestamp()) + 7 * 86400}),
                     "ConditionExpression": "attribute_not_exists(pk) OR leasedAt < :stale",
                     "ExpressionAttributeValues": {":stale": {"S": _iso(stale_before)}}}}
        )

    def claim_email(self, return_id: str, kind: str, *, at: datetime, retry_at: datetime) -> None:
        """Write-once: one email of each kind per return. PENDING with its first attempt under way;
        if the sender dies before marking it, the resend job finds it due at `retry_at`."""
        self.record(f"NOTIFY#{return_id}#{kind}", "EMAIL", {
            "entity": "Notification", "returnId": return_id, "kind": kind, "status": "PENDING", "at": _iso(at),
            "attempts": 1, "nextAttemptAt": _iso(retry_at),
            "gsi3pk": EMAILS_PENDING, "gsi3sk": f"{_iso(retry_at)}#{return_id}#{kind}"})

    def begin_email_attempt(self, pending: dict[str, Any], *, at: datetime, retry_at: datetime) -> None:
        """Take the next attempt of a due email: conditioned on the queue position that was read, so two
        resend jobs never send one email twice. Counts the attempt before it is made (a crash counts)."""
        return_id, kind = pending["returnId"], pending["kind"]
        self._writes.append(
            {"Update": {"TableName": self.table_name, "Key": email_key(return_id, kind),
                        "UpdateExpression": "SET attempts = :n, lastAttemptAt = :at, nextAttemptAt = :next, gsi3sk = :sk",
                        "ConditionExpression": "#s = :pending AND gsi3sk = :seen",
                        "ExpressionAttributeNames": {"#s": "status"},
                        "ExpressionAttributeValues": _to_item({
                            ":n": int(pending.get("attempts", 0)) + 1, ":at": _iso(at), ":next": _iso(retry_at),
                            ":sk": f"{_iso(retry_at)}#{return_id}#{kind}", ":pending": "PENDING",
                            ":seen": pending["gsi3sk"]})}}
        )

    def retry_email(self, return_id: str, kind: str, *, retry_at: datetime, error: str) -> None:
        """The attempt failed: due again at `retry_at` (the backoff), behind the emails due sooner."""
        self._writes.append(
            {"Update": {"TableName": self.table_name, "Key": email_key(return_id, kind),
                        "UpdateExpression": "SET nextAttemptAt = :next, gsi3sk = :sk, lastError = :error",
                        "ExpressionAttributeValues": _to_item({
                            ":next": _iso(retry_at), ":sk": f"{_iso(retry_at)}#{return_id}#{kind}",
                            ":error": error[:500]})}}
        )

    def mark_email_sent(self, return_id: str, kind: str, *, at: datetime) -> None:
        """The email left the building: out of the pending index (sparse), kept as a record."""
        self._close_email(return_id, kind, "SENT", {"sentAt": _iso(at)})

    def give_up_email(self, return_id: str, kind: str, *, at: datetime, reason: str) -> None:
        """No more attempts: kept as a record, listed under EMAILS#GIVEN_UP for ops."""
        self._close_email(return_id, kind, "GIVEN_UP", {
            "givenUpAt": _iso(at), "reason": reason[:500], "gsi3pk": EMAILS_GIVEN_UP,
            "gsi3sk": f"{_iso(at)}#{return_id}#{kind}"})

    def skip_email(self, return_id: str, kind: str, *, at: datetime, reason: str) -> None:
        """Not sent on purpose: the return moved on and the email would now mislead."""
        self._close_email(return_id, kind, "SKIPPED", {"skippedAt": _iso(at), "reason": reason[:500]})

    def _close_email(self, return_id: str, kind: str, status: str, values: dict[str, Any]) -> None:
        names = {"#s": "status", **{f"#v{i}": name for i, name in enumerate(values)}}
        sets = ["#s = :status", *(f"#v{i} = :v{i}" for i in range(len(values)))]
        removed = [index_key for index_key in ("gsi3pk", "gsi3sk") if index_key not in values]
        self._writes.append(
            {"Update": {"TableName": self.table_name, "Key": email_key(return_id, kind),
                        "UpdateExpression": "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removed) if removed else ""),
                        "ExpressionAttributeNames": names,
                        "ExpressionAttributeValues": _to_item(
                            {":status": status, **{f":v{i}": value for i, value in enumerate(values.values())}})}}
        )

    def release(self, pk: str) -> None:
        self._writes.append({"Delete": {"TableName": self.table_name, "Key": {"pk": {"S": pk}, "sk": {"S": "LEASE"}}}})

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
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in {"TransactionCanceledException", "ConditionalCheckFailedException"}:
                raise ConflictError(str(exc)) from exc
            raise
