"""The one DynamoDB table's key design: every key and item shape lives here, nowhere else.

Access patterns (every request path is GetItem, BatchGetItem, Query or a transaction; never Scan):
- order by id ............................ GetItem   pk=ORDER#<id>          sk=ORDER
- a customer's orders, newest first ...... Query     GSI2 gsi2pk=ORDERS#<email> (the order item itself,
                                                     gsi2sk=<placedAt>#<id>; the returns: CUSTOMER#)
- return by id ........................... GetItem   pk=RETURN#<id>         sk=RETURN
- an order's returns (strongly consistent) BatchGet  ids kept on the order item (returnIds)
- an order's returns, newest first ....... Query     GSI1 gsi1pk=ORDER#<id>
- a customer's returns, newest first ..... Query     GSI2 gsi2pk=CUSTOMER#<email>
- returns by status (queues, jobs) ....... Query     GSI3 gsi3pk=STATUS#<status>, oldest first
- all returns, newest first .............. Query     GSI4 gsi4pk=RETURNS#<yyyy-mm> (month buckets)
- orders placed in a month (facts backfill) Query    GSI4 gsi4pk=ORDERS#<yyyy-mm of placedAt>
- returns by tracking number ............. Query     GSI5 gsi5pk=TRACKING#<NUMBER> (sparse)
- idempotency key ........................ GetItem   pk=IDEMPOTENCY#<customer>#<sha256(key)>, TTL
- failed refunds, oldest first ........... Query     GSI3 gsi3pk=REFUNDS#FAILED (markers REFUND_FAILED#<id>)
- refused labels, oldest first ........... Query     GSI3 gsi3pk=LABELS#FAILED (markers LABEL_FAILED#<id>)
- webhook event seen before .............. GetItem   pk=WEBHOOK#<provider>#<event id>, TTL expiresAt
- packages scanned for unknown returns ... Query     GSI3 gsi3pk=UNKNOWN_PACKAGES, newest first
- customer emails due, soonest first ..... Query     GSI3 gsi3pk=EMAILS#PENDING, gsi3sk=<next attempt>#...
- customer emails given up, newest first . Query     GSI3 gsi3pk=EMAILS#GIVEN_UP
- unused labels still to void, oldest first Query    GSI3 gsi3pk=LABELS#TO_VOID (markers LABEL_VOID#<id>)
- unknown packages (customer service) .... Query     GSI3 gsi3pk=UNKNOWN_PACKAGES
- returns under review, who waits ......... Query     GSI5 gsi5pk=REVIEW#AGENT | REVIEW#CUSTOMER, gsi5sk=
                                                     <REVIEW-SLA deadline>#<id> (the return item while
                                                     UNDER_REVIEW: it has no tracking number before approval)
- message by id .......................... GetItem   pk=MESSAGE#<id>        sk=MESSAGE
- a return's conversation, oldest first .. Query     GSI1 gsi1pk=CONVERSATION#<return id>, gsi1sk=<at>#<id>
- mail from one address, newest first .... Query     GSI2 gsi2pk=MAIL#<customer key of From> (inbound)
- the agents' open inbox, newest first ... Query     GSI3 gsi3pk=INBOX#OPEN (sparse: unhandled inbox mail)
- the whole inbox, newest first .......... Query     GSI4 gsi4pk=INBOX (every message that arrived unthreaded)
- the return an email we sent was about .. BatchGet  pk=SENT#<SES message id> (In-Reply-To/References)
- customers by name (agents' search) ..... Query     pk=NAMES#<first 2 characters>, begins_with(sk, <typed
                                                     name key>): sk=<name key from one of its words>#
                                                     <customer>#<hash of the name key>, alphabetical; each
                                                     entry names the customer's newest order under it
- a customer's name: its entry, its orders GetItem/  pk=CUSTOMER_NAME#<customer>#<name key>, sk=NAME
                                          Query      (version) and sk=ORDER#<placedAt>#<id>, newest first
Side records written once: NOTIFY#<return>#<kind> (EMAIL), LABEL#<return> (LEASE, TTL),
UNKNOWN_PACKAGE#<id> (PACKAGE; GetItem by id: a retried record finds the first),
PAYMENT#<key> (the sandbox ledger, adapters/payments_ledger.py),
SENT#<SES message id> (SENT: with the sent message, naming its return).
Every write of a return is conditioned on the version it read (optimistic locking); a request for
a new return also bumps the order's version, which serialises the returns of one order
(quantities and "first package" can't be decided twice at once).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from returns_shared.domain.customer_names import MIN_SEARCH_CHARACTERS, NamedOrder, rotations
from returns_shared.domain.errors import InvalidInput
from returns_shared.domain.messages import Message
from returns_shared.domain.orders import Order, customer_key
from returns_shared.domain.return_parts import InspectionPhoto
from returns_shared.domain.returns import Return
from returns_shared.domain.tracking import tracking_key
from returns_shared.domain.vocabulary import MessageDirection, ReturnStatus
from returns_shared.service.ports import CustomerName, StoredOrder, UnknownPackage

Item = dict[str, Any]  # a DynamoDB item in the low-level attribute-value shape


@cache
def _converters() -> tuple[Any, Any]:
    """boto3's (de)serializers, made at the first item: importing boto3 is cold-start time that a
    request without table access (or a function's import) need not pay."""
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

    return TypeSerializer(), TypeDeserializer()


ORDER_SK = "ORDER"
RETURN_SK = "RETURN"
PENDING_EMAILS = "EMAILS#PENDING"  # GSI3 partition: due emails by next attempt time
GIVEN_UP_EMAILS = "EMAILS#GIVEN_UP"  # GSI3 partition: emails given up, by when
FAILED_REFUNDS = "REFUNDS#FAILED"  # GSI3 partition: the agents' failed-refunds queue
FAILED_LABELS = "LABELS#FAILED"  # GSI3 partition: the agents' queue of labels the carrier refused
UNKNOWN_PACKAGES = "UNKNOWN_PACKAGES"
LABELS_TO_VOID = "LABELS#TO_VOID"  # GSI3 partition: ended returns' labels whose void is not recorded yet
INBOX_OPEN = "INBOX#OPEN"  # GSI3 partition: inbox mail no agent handled yet
INBOX = "INBOX"  # GSI4 partition: every message that arrived without a conversation
LEASE_TTL_SECONDS = 7 * 86400  # a lease record outlives any worker; TTL tidies it


def iso(at: datetime) -> str:
    """Sortable UTC timestamps for sort keys (fixed width, microseconds, Z)."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_item(values: dict[str, Any]) -> Item:
    serializer = _converters()[0]
    return {k: serializer.serialize(v) for k, v in values.items() if v is not None}


def from_item(item: Item) -> dict[str, Any]:
    deserializer = _converters()[1]
    return {k: deserializer.deserialize(v) for k, v in item.items()}


# -- keys ------------------------------------------------------------------------------------
def order_key(order_id: str) -> Item:
    return {"pk": {"S": f"ORDER#{order_id}"}, "sk": {"S": ORDER_SK}}


def return_key(return_id: str) -> Item:
    return {"pk": {"S": f"RETURN#{return_id}"}, "sk": {"S": RETURN_SK}}


def idempotency_key(customer: str, key: str) -> Item:
    digest = hashlib.sha256(key.encode()).hexdigest()  # keys are caller-chosen: keep them out of the pk
    return {"pk": {"S": f"IDEMPOTENCY#{customer_key(customer)}#{digest}"}, "sk": {"S": "IDEMPOTENCY"}}


def label_lease_key(return_id: str) -> Item:
    return {"pk": {"S": f"LABEL#{return_id}"}, "sk": {"S": "LEASE"}}


def email_key(return_id: str, kind: str) -> Item:
    return {"pk": {"S": f"NOTIFY#{return_id}#{kind}"}, "sk": {"S": "EMAIL"}}


def tracking_partition(number: str) -> str:
    return f"TRACKING#{tracking_key(number)}"


def webhook_event_key(provider: str, event_id: str) -> Item:
    return {"pk": {"S": f"WEBHOOK#{provider}#{event_id}"}, "sk": {"S": "EVENT"}}


def orders_partition(email: str) -> str:
    """A customer's orders (GSI2); their returns live apart under CUSTOMER#."""
    return f"ORDERS#{customer_key(email)}"


def customer_partition(email: str) -> str:
    return f"CUSTOMER#{customer_key(email)}"


def order_partition(order_id: str) -> str:
    return f"ORDER#{order_id}"


def status_partition(status: ReturnStatus) -> str:
    return f"STATUS#{status.value}"


def review_partition(waiting_for: str) -> str:
    return f"REVIEW#{waiting_for}"


def conversation_partition(return_id: str) -> str:
    return f"CONVERSATION#{return_id}"


def mail_from_partition(email: str) -> str:
    return f"MAIL#{customer_key(email)}"


def message_key(message_id: str) -> Item:
    return {"pk": {"S": f"MESSAGE#{message_id}"}, "sk": {"S": "MESSAGE"}}


def sent_key(ses_message_id: str) -> Item:
    return {"pk": {"S": f"SENT#{ses_message_id}"}, "sk": {"S": "SENT"}}


def names_partition(name_key: str) -> str:
    """Where the names starting with these characters are found (a search types at least two)."""
    return f"NAMES#{name_key[:MIN_SEARCH_CHARACTERS]}"


def customer_name_partition(customer: str, name_key: str) -> str:
    return f"CUSTOMER_NAME#{customer}#{name_key}"  # a name key holds no "#"


def customer_name_key(customer: str, name_key: str) -> Item:
    return {"pk": {"S": customer_name_partition(customer, name_key)}, "sk": {"S": "NAME"}}


def named_order_key(named: NamedOrder) -> Item:
    return {"pk": {"S": customer_name_partition(named.customer, named.name_key)},
            "sk": {"S": f"ORDER#{iso(named.placed_at)}#{named.order_id}"}}


def name_search_keys(customer: str, name_key: str) -> list[Item]:
    """The entries agents' search finds a customer's name by: one per word the name can be read from."""
    tag = hashlib.sha256(name_key.encode()).hexdigest()[:16]  # names alike from another word stay apart
    return [{"pk": {"S": names_partition(rotation)}, "sk": {"S": f"{rotation}#{customer}#{tag}"}}
            for rotation in rotations(name_key)]


def _named_values(named: NamedOrder) -> dict[str, Any]:
    return {"customer": named.customer, "nameKey": named.name_key, "orderId": named.order_id,
            "placedAt": iso(named.placed_at), "email": named.email, "name": named.name}


def named_order_item(named: NamedOrder, entity: str = "NamedOrder") -> Item:
    return {**named_order_key(named), **to_item({"entity": entity, **_named_values(named)})}


def customer_name_item(newest: NamedOrder, *, version: int) -> Item:
    return {**customer_name_key(newest.customer, newest.name_key),
            **to_item({"entity": "CustomerName", "version": version, **_named_values(newest)})}


def name_search_items(newest: NamedOrder) -> list[Item]:
    values = to_item({"entity": "NameSearch", **_named_values(newest)})
    return [{**key, **values} for key in name_search_keys(newest.customer, newest.name_key)]


def named_order_from_item(item: Item) -> NamedOrder:
    values = from_item(item)
    return NamedOrder(customer=values["customer"], name_key=values["nameKey"], order_id=values["orderId"],
                      placed_at=datetime.fromisoformat(values["placedAt"].replace("Z", "+00:00")),
                      email=values["email"], name=values["name"])


def customer_name_from_item(item: Item) -> CustomerName:
    return CustomerName(newest=named_order_from_item(item), version=int(item["version"]["N"]))


def month_partition(month_index: int) -> str:
    return f"RETURNS#{month_index // 12:04d}-{month_index % 12 + 1:02d}"


def orders_month_partition(month_index: int) -> str:
    """Orders by the month they were placed (GSI4, apart from the RETURNS# buckets): the facts backfill
    reads every order without a Scan."""
    return f"ORDERS#{month_index // 12:04d}-{month_index % 12 + 1:02d}"


def month_index(at: datetime) -> int:
    return at.year * 12 + at.month - 1


# -- items -----------------------------------------------------------------------------------
def _index5(ret: Return, sort: str) -> tuple[str | None, str | None]:
    """GSI5: the review queue while UNDER_REVIEW (by who waits, REVIEW-SLA deadline first), else the
    tracking number (sparse). A return under review has no tracking number: it is not approved yet."""
    if ret.status == ReturnStatus.UNDER_REVIEW and ret.review_wait is not None:
        deadline = ret.review_deadline or ret.status_changed_at
        return review_partition(ret.review_wait.waiting_for.value), f"{iso(deadline)}#{ret.id}"
    if ret.tracking_number:
        return tracking_partition(ret.tracking_number), sort
    return None, None


def return_item(ret: Return, *, version: int) -> Item:
    sort = f"{iso(ret.created_at)}#{ret.id}"
    gsi5pk, gsi5sk = _index5(ret, sort)
    return to_item(
        {
            **{k: v["S"] for k, v in return_key(ret.id).items()},
            "entity": "Return",
            "status": ret.status.value,
            "version": version,
            "orderId": ret.order_id,
            "customer": ret.customer_email,
            "refundDueAt": iso(ret.refund_due_at) if ret.refund_due_at else None,
            "gsi1pk": order_partition(ret.order_id),
            "gsi1sk": sort,
            "gsi2pk": f"CUSTOMER#{ret.customer_email}",
            "gsi2sk": sort,
            "gsi3pk": status_partition(ret.status),
            "gsi3sk": f"{iso(ret.status_changed_at)}#{ret.id}",
            "gsi4pk": month_partition(month_index(ret.created_at.astimezone(UTC))),
            "gsi4sk": sort,
            "gsi5pk": gsi5pk,
            "gsi5sk": gsi5sk,
            "doc": ret.model_dump_json(),
        }
    )


def return_from_item(item: Item) -> Return:
    ret = Return.model_validate_json(item["doc"]["S"])
    ret.version = int(item["version"]["N"])
    return ret


def message_item(message: Message, *, version: int) -> Item:
    """One item per message; the indexes list it in its conversation, in the inbox (open: until an
    agent handled it) and under its sender's address."""
    sort = f"{iso(message.at)}#{message.id}"
    inbound = message.direction == MessageDirection.INBOUND
    open_in_inbox = message.in_inbox and not message.handled
    return to_item({
        **{k: v["S"] for k, v in message_key(message.id).items()},
        "entity": "Message",
        "version": version,
        "returnId": message.return_id,
        "gsi1pk": conversation_partition(message.return_id) if message.return_id else None,
        "gsi1sk": sort if message.return_id else None,
        "gsi2pk": mail_from_partition(message.from_address) if inbound else None,
        "gsi2sk": sort if inbound else None,
        "gsi3pk": INBOX_OPEN if open_in_inbox else None,
        "gsi3sk": sort if open_in_inbox else None,
        "gsi4pk": INBOX if message.in_inbox else None,
        "gsi4sk": sort if message.in_inbox else None,
        "doc": message.model_dump_json(exclude={"version"}),
    })


def message_from_item(item: Item) -> Message:
    message = Message.model_validate_json(item["doc"]["S"])
    message.version = int(item["version"]["N"])
    return message


def sent_item(message: Message) -> Item:
    """SES's id of an email the service sent → the message, and the return it was about."""
    assert message.ses_message_id is not None
    return to_item({**{k: v["S"] for k, v in sent_key(message.ses_message_id).items()}, "entity": "SentEmail",
                    "messageId": message.id, "returnId": message.return_id})


def order_item(order: Order, *, seen: StoredOrder | None) -> Item:
    return to_item({
        **{k: v["S"] for k, v in order_key(order.id).items()},
        "entity": "Order",
        "email": order.customer_key,
        "gsi2pk": orders_partition(order.email),
        "gsi2sk": f"{iso(order.placed_at)}#{order.id}",
        "gsi4pk": orders_month_partition(month_index(order.placed_at.astimezone(UTC))),
        "gsi4sk": f"{iso(order.placed_at)}#{order.id}",
        "version": (seen.version + 1) if seen else 1,
        "returnIds": seen.return_ids if seen and seen.return_ids else None,
        "doc": order.model_dump_json(),
    })


def order_from_item(item: Item) -> StoredOrder:
    values = from_item(item)
    order = Order.model_validate_json(values["doc"])
    return StoredOrder(
        order=order, version=int(values["version"]), return_ids=list(values.get("returnIds", []))
    )


_PACKAGE_DETAILS = {"matchedReturnId": "matched_return_id", "senderName": "sender_name",
                    "senderAddress": "sender_address", "carrier": "carrier",
                    "trackingNumber": "tracking_number", "note": "note"}


def package_from_item(item: Item) -> UnknownPackage:
    values = from_item(item)
    return UnknownPackage(
        id=values["pk"].removeprefix("UNKNOWN_PACKAGE#"),
        return_id=values["returnId"],
        reason=values["reason"],
        scanned_by=values["scannedBy"],
        at=datetime.fromisoformat(values["at"]),
        **{field: values.get(name) for name, field in _PACKAGE_DETAILS.items()},
        photos=tuple(InspectionPhoto.model_validate(photo)
                     for photo in json.loads(values.get("photos", "[]"))),
    )


@dataclass(frozen=True)
class Marker:
    """An item that lists one return in a GSI3 queue, oldest first, until it is deleted: written in the
    same transaction as the return's change that puts it there (a failed refund, a refused label, an
    unused label to void)."""

    prefix: str  # the marker's own pk: <prefix>#<return id>
    entity: str
    queue: str  # its GSI3 partition

    def key(self, return_id: str) -> Item:
        return {"pk": {"S": f"{self.prefix}#{return_id}"}, "sk": {"S": "MARKER"}}

    def item(self, return_id: str, *, since: datetime) -> Item:
        return {**self.key(return_id), "entity": {"S": self.entity}, "returnId": {"S": return_id},
                "since": {"S": iso(since)}, "gsi3pk": {"S": self.queue},
                "gsi3sk": {"S": f"{iso(since)}#{return_id}"}}


FAILED_REFUND = Marker("REFUND_FAILED", "FailedRefund", FAILED_REFUNDS)
FAILED_LABEL = Marker("LABEL_FAILED", "FailedLabel", FAILED_LABELS)
LABEL_TO_VOID = Marker("LABEL_VOID", "LabelToVoid", LABELS_TO_VOID)


def webhook_event_item(provider: str, event_id: str, *, expires_at: datetime) -> Item:
    return {**webhook_event_key(provider, event_id), "entity": {"S": "WebhookEvent"},
            "expiresAt": {"N": str(int(expires_at.timestamp()))}}


def idempotency_item(
    customer: str, key: str, *, return_id: str, fingerprint: str, expires_at: datetime
) -> Item:
    return {**idempotency_key(customer, key), "returnId": {"S": return_id}, "fingerprint": {"S": fingerprint},
            "expiresAt": {"N": str(int(expires_at.timestamp()))}}


def unknown_package_key(package_id: str) -> Item:
    return {"pk": {"S": f"UNKNOWN_PACKAGE#{package_id}"}, "sk": {"S": "PACKAGE"}}


def unknown_package_item(package: UnknownPackage) -> Item:
    photos = [photo.model_dump() for photo in package.photos]
    return {**unknown_package_key(package.id), **to_item({
        "entity": "UnknownPackage", "returnId": package.return_id, "reason": package.reason,
        "scannedBy": package.scanned_by, "at": package.at.isoformat(),
        **{name: getattr(package, field) for name, field in _PACKAGE_DETAILS.items()},
        "photos": json.dumps(photos) if photos else None,
        "gsi3pk": UNKNOWN_PACKAGES, "gsi3sk": f"{iso(package.at)}#{package.id}",
    })}


def label_lease_item(return_id: str, *, now: datetime) -> Item:
    return {**label_lease_key(return_id), "leasedAt": {"S": iso(now)},
            "expiresAt": {"N": str(int(now.timestamp()) + LEASE_TTL_SECONDS)}}


def email_queue_position(return_id: str, kind: str, *, due_at: datetime) -> str:
    """Where a PENDING email stands in the due queue (GSI3 sort key): by its next attempt."""
    return f"{iso(due_at)}#{return_id}#{kind}"


def pending_email_item(return_id: str, kind: str, *, at: datetime, retry_at: datetime) -> Item:
    return {**email_key(return_id, kind), **to_item({
        "entity": "Notification", "returnId": return_id, "kind": kind, "status": "PENDING", "at": iso(at),
        "attempts": 1, "nextAttemptAt": iso(retry_at),
        "gsi3pk": PENDING_EMAILS, "gsi3sk": email_queue_position(return_id, kind, due_at=retry_at)})}


def skipped_email_item(return_id: str, kind: str, *, at: datetime, reason: str) -> Item:
    return {**email_key(return_id, kind), **to_item({
        "entity": "Notification", "returnId": return_id, "kind": kind, "status": "SKIPPED", "at": iso(at),
        "attempts": 0, "skippedAt": iso(at), "reason": reason[:500]})}


INDEX_KEYS = {"GSI1": ("gsi1pk", "gsi1sk"), "GSI2": ("gsi2pk", "gsi2sk"), "GSI3": ("gsi3pk", "gsi3sk"),
              "GSI4": ("gsi4pk", "gsi4sk"), "GSI5": ("gsi5pk", "gsi5sk")}


def start_key(key: Any, index: str | None, pk: str) -> Item:
    """A cursor's DynamoDB start key, checked: the table and index key attributes only, strings,
    inside the partition being listed (else DynamoDB refuses it: a 500, not the caller's error).
    `index` None: the table's own keys."""
    pk_name, sk_name = INDEX_KEYS[index] if index else ("pk", "sk")
    names = {"pk", "sk", pk_name, sk_name}
    valid = (
        isinstance(key, dict)
        and set(key) == names
        and all(
            isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) and len(v["S"]) <= 2048
            for v in key.values()
        )
        and key[pk_name]["S"] == pk
    )
    if not valid:
        raise InvalidInput("This page link is not valid; start the list again.", field=("after",))
    checked: Item = key
    return checked
