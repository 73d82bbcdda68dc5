"""In-memory fakes of every port of the service layer, with the semantics the adapters promise.

The repository and unit of work share one `FakeTable`: stored values are copies (a change counts
only once it is committed), a unit of work checks EVERY condition before it writes anything
(optimistic locking on `version`, write-once side records, stale-able leases) and raises
ConflictError otherwise, as DynamoDB's TransactWriteItems does. The other fakes record what they
were asked and can be told to fail. `World` wires them into `Dependencies` with a settable clock.

    world = World()
    world.table.put_order(builders.order())
    answer = world.command("requestReturn", builders.customer(), {...})
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from returns_shared.domain.customer_names import MIN_SEARCH_CHARACTERS, NamedOrder, name_key, rotations
from returns_shared.domain.errors import ConflictError, InvalidInput
from returns_shared.domain.messages import Message
from returns_shared.domain.money import Money
from returns_shared.domain.orders import Order, customer_key
from returns_shared.domain.returns import Return
from returns_shared.domain.tracking import tracking_key
from returns_shared.domain.vocabulary import MessageDirection, RefundStatus, ReturnStatus, ReviewWaitingFor
from returns_shared.notifications.message import Email
from returns_shared.policy.document import load_policy
from returns_shared.service.cursors import CursorCodec
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.ports import (
    NOT_BOUGHT,
    Caller,
    CarrierUnavailable,
    CustomerName,
    DueEmail,
    IdempotencyClaim,
    InvalidWebhook,
    IssuedLabel,
    LabelDeclined,
    LabelShipmentGone,
    LabelVoid,
    LabelVoidRefused,
    Page,
    PaymentDeclined,
    PaymentReceipt,
    PaymentUnavailable,
    ProviderPayment,
    ProviderRefund,
    RefundUpdate,
    StoredOrder,
    StoredPhoto,
    TrackingUpdate,
    UnknownPackage,
    UploadForm,
)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


class Outage(Exception):
    """What a fake raises when told to fail (a provider or AWS service being down)."""


# -- storage -----------------------------------------------------------------------------------
@dataclass
class EmailRecord:
    status: str  # PENDING | SENT | GIVEN_UP | SKIPPED
    at: datetime
    next_attempt_at: datetime
    attempts: int = 1
    sent_at: datetime | None = None
    last_error: str | None = None
    reason: str | None = None

    def position(self, return_id: str, kind: str) -> str:
        return f"{self.next_attempt_at.isoformat()}#{return_id}#{kind}"


@dataclass
class FakeTable:
    """The state behind FakeRepository and FakeUnitOfWork (stored as copies)."""

    orders: dict[str, StoredOrder] = field(default_factory=dict)
    returns: dict[str, Return] = field(default_factory=dict)
    idempotency: dict[tuple[str, str], IdempotencyClaim] = field(default_factory=dict)
    emails: dict[tuple[str, str], EmailRecord] = field(default_factory=dict)
    label_leases: dict[str, datetime] = field(default_factory=dict)
    labels_to_void: dict[str, datetime] = field(default_factory=dict)  # return id -> flagged at
    unknown_packages: list[UnknownPackage] = field(default_factory=list)
    failed_refunds: dict[str, datetime] = field(default_factory=dict)  # return id -> when it failed
    failed_labels: dict[str, datetime] = field(default_factory=dict)  # return id -> when the carrier refused
    webhook_events: set[tuple[str, str]] = field(default_factory=set)
    messages: dict[str, Message] = field(default_factory=dict)
    sent: dict[str, str] = field(default_factory=dict)  # SES id of a sent email -> its return
    customer_names: dict[tuple[str, str], CustomerName] = field(default_factory=dict)  # (customer, name key)
    named_orders: dict[tuple[str, str, datetime, str], NamedOrder] = field(default_factory=dict)  # by slot
    commits: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def put_order(self, order: Order) -> Order:
        """Seed an order directly (as if the feed had recorded it)."""
        self.orders[order.id] = StoredOrder(order=order, version=1, return_ids=[])
        return order

    def put_return(self, ret: Return) -> Return:
        """Seed a return directly (attached to its order, version 1); returns the stored copy."""
        stored = ret.model_copy(deep=True)
        stored.version = 1
        self.returns[ret.id] = stored
        self.orders[ret.order_id].return_ids.append(ret.id)
        return stored.model_copy(deep=True)


class FakeRepository:
    """ReturnsRepository over a FakeTable; every read hands out a copy."""

    def __init__(self, table: FakeTable, *, cursor_secret: str = "fake-cursor-secret") -> None:
        self.table = table
        self.cursors = CursorCodec(cursor_secret)

    def get_stored_order(self, order_id: str) -> StoredOrder | None:
        stored = self.table.orders.get(order_id)
        return StoredOrder(stored.order, stored.version, list(stored.return_ids)) if stored else None

    def get_order(self, order_id: str) -> Order | None:
        stored = self.table.orders.get(order_id)
        return stored.order if stored else None

    def get_orders(self, order_ids: Sequence[str]) -> dict[str, Order]:
        return {i: self.table.orders[i].order for i in order_ids if i in self.table.orders}

    def get_return(self, return_id: str) -> Return | None:
        ret = self.table.returns.get(return_id)
        return ret.model_copy(deep=True) if ret else None

    def get_returns(self, return_ids: Sequence[str]) -> dict[str, Return]:
        return {i: r for i in return_ids if (r := self.get_return(i)) is not None}

    def returns_of_order(self, order_id: str) -> list[Return]:
        stored = self.table.orders.get(order_id)
        found = self.get_returns(stored.return_ids) if stored else {}
        return sorted(found.values(), key=lambda r: (r.created_at, r.id))

    def returns_of_orders(self, order_ids: Sequence[str]) -> dict[str, list[Return]]:
        return {i: self.returns_of_order(i) for i in order_ids}

    def returns_of_customer(self, email: str) -> list[Return]:
        return [r.model_copy(deep=True) for r in self.table.returns.values()
                if r.customer_email == customer_key(email)]

    def returns_by_tracking_number(self, number: str) -> list[Return]:
        found = [
            r
            for r in self.table.returns.values()
            if r.tracking_number and tracking_key(r.tracking_number) == tracking_key(number)
        ]
        return [
            r.model_copy(deep=True) for r in sorted(found, key=lambda r: (r.created_at, r.id), reverse=True)
        ]

    def returns_in_status(self, status: ReturnStatus, *, older_than: datetime | None = None, limit: int = 100,
                          after: object | None = None) -> tuple[list[Return], object | None]:
        """Pages resume AFTER the last key handed out (as LastEvaluatedKey does), so returns that
        leave the status meanwhile do not shift the next page."""
        def key(r: Return) -> tuple[datetime, str]:
            return (r.status_changed_at, r.id)

        matching = sorted((r for r in self.table.returns.values() if r.status == status
                           and (older_than is None or r.status_changed_at < older_than)
                           and (after is None or key(r) > after)), key=key)  # type: ignore[operator]
        page = [r.model_copy(deep=True) for r in matching[:limit]]
        return page, (key(page[-1]) if len(matching) > limit else None)

    def list_returns(self, *, first: int, after: str | None, status: ReturnStatus | None = None,
                     order_id: str | None = None, customer_email: str | None = None,
                     oldest_first: bool = False) -> Page[Return]:
        scope = f"{status}|{order_id}|{customer_email}|{oldest_first}"
        start = int(self.cursors.decode(scope, after)) if after else 0
        matching = sorted((r for r in self.table.returns.values()
                           if (status is None or r.status == status)
                           and (order_id is None or r.order_id == order_id)
                           and (customer_email is None or r.customer_email == customer_key(customer_email))),
                          key=lambda r: (r.created_at, r.id), reverse=not oldest_first)
        items = [r.model_copy(deep=True) for r in matching[start:start + first]]
        more = start + first < len(matching)
        return Page(items=items, next_cursor=self.cursors.encode(scope, start + first) if more else None)

    def due_emails(self, *, due_by: datetime, limit: int = 100,
                   after: object | None = None) -> tuple[list[DueEmail], object | None]:
        """Soonest due first; pages resume after the last position handed out."""
        due = sorted((record.position(rid, kind), rid, kind, record.attempts)
                     for (rid, kind), record in self.table.emails.items()
                     if record.status == "PENDING" and record.next_attempt_at < due_by)
        due = [entry for entry in due if after is None or entry[0] > after]  # type: ignore[operator]
        page = [DueEmail(return_id=rid, kind=kind, attempts=attempts, position=position)
                for position, rid, kind, attempts in due[:limit]]
        return page, (page[-1].position if len(due) > limit else None)

    def get_idempotency(self, customer: str, key: str) -> IdempotencyClaim | None:
        return self.table.idempotency.get((customer_key(customer), key))

    def labels_to_void(self, *, older_than: datetime, limit: int = 100,
                       after: object | None = None) -> tuple[list[tuple[str, datetime]], object | None]:
        due = sorted((since, rid) for rid, since in self.table.labels_to_void.items() if since < older_than)
        start = int(after) if isinstance(after, int) else 0
        page = [(rid, since) for since, rid in due[start:start + limit]]
        return page, (start + limit if start + limit < len(due) else None)

    def get_order_and_claim(
        self, order_id: str, customer: str, key: str
    ) -> tuple[StoredOrder | None, IdempotencyClaim | None]:
        return self.get_stored_order(order_id), self.get_idempotency(customer, key)

    def webhook_event_seen(self, provider: str, event_id: str) -> bool:
        return (provider, event_id) in self.table.webhook_events

    def returns_created_in(self, month: int) -> Iterator[Return]:
        for ret in sorted(self.table.returns.values(), key=lambda r: (r.created_at, r.id)):
            if ret.created_at.year * 12 + ret.created_at.month - 1 == month:
                yield ret.model_copy(deep=True)

    def orders_placed_in(self, month: int) -> Iterator[StoredOrder]:
        for stored in self.table.orders.values():
            if stored.order.placed_at.year * 12 + stored.order.placed_at.month - 1 == month:
                yield StoredOrder(stored.order, stored.version, list(stored.return_ids))

    def list_orders(self, *, customer_email: str, first: int, after: str | None) -> Page[Order]:
        scope = f"orders|{customer_key(customer_email)}"
        start = int(self.cursors.decode(scope, after)) if after else 0
        mine = sorted(
            (
                s.order
                for s in self.table.orders.values()
                if s.order.customer_key == customer_key(customer_email)
            ),
            key=lambda o: (o.placed_at, o.id),
            reverse=True,
        )
        more = start + first < len(mine)
        return Page(
            items=mine[start : start + first],
            next_cursor=self.cursors.encode(scope, start + first) if more else None,
        )

    def unknown_packages(self, *, first: int, after: str | None) -> Page[UnknownPackage]:
        start = int(self.cursors.decode("packages", after)) if after else 0
        newest = sorted(self.table.unknown_packages, key=lambda p: p.at, reverse=True)
        more = start + first < len(newest)
        return Page(items=newest[start:start + first],
                    next_cursor=self.cursors.encode("packages", start + first) if more else None)

    def get_unknown_package(self, package_id: str) -> UnknownPackage | None:
        return next((p for p in self.table.unknown_packages if p.id == package_id), None)

    def customers_named(self, *, name: str, first: int, after: str | None) -> Page[NamedOrder]:
        typed = name_key(name)
        if len(typed) < MIN_SEARCH_CHARACTERS:
            raise InvalidInput("Type at least two letters of the name.", field=("name",))
        scope = f"names|{typed}"
        start = int(self.cursors.decode(scope, after)) if after else 0
        found = sorted((rotation, entry.newest.customer, entry.newest.name_key, entry.newest)
                       for entry in self.table.customer_names.values()
                       for rotation in rotations(entry.newest.name_key) if rotation.startswith(typed))
        more = start + first < len(found)
        return Page(items=[row[-1] for row in found[start:start + first]],
                    next_cursor=self.cursors.encode(scope, start + first) if more else None)

    def customer_names(self, customer: str, name_keys: Sequence[str]) -> dict[str, CustomerName]:
        return {key: self.table.customer_names[(customer, key)] for key in name_keys
                if (customer, key) in self.table.customer_names}

    def orders_named(self, customer: str, name_key: str, *, limit: int) -> list[NamedOrder]:
        mine = [n for n in self.table.named_orders.values()
                if (n.customer, n.name_key) == (customer, name_key)]
        return sorted(mine, key=lambda n: (n.placed_at, n.order_id), reverse=True)[:limit]

    def failed_refunds(self, *, first: int, after: str | None) -> Page[Return]:
        return self._marked(self.table.failed_refunds, "failed", first=first, after=after)

    def failed_labels(self, *, first: int, after: str | None) -> Page[Return]:
        return self._marked(self.table.failed_labels, "labels", first=first, after=after)

    # -- the conversation ---------------------------------------------------------------------
    def get_message(self, message_id: str) -> Message | None:
        message = self.table.messages.get(message_id)
        return message.model_copy(deep=True) if message else None

    def get_messages(self, message_ids: Sequence[str]) -> dict[str, Message]:
        return {i: m for i in message_ids if (m := self.get_message(i)) is not None}

    def conversation(self, return_id: str) -> list[Message]:
        mine = (m.model_copy(deep=True) for m in self.table.messages.values() if m.return_id == return_id)
        return sorted(mine, key=lambda m: (m.at, m.id))

    def inbox(self, *, first: int, after: str | None, include_handled: bool = False) -> Page[Message]:
        listed = [m for m in self.table.messages.values()
                  if m.in_inbox and (include_handled or not m.handled)]
        return self._messages(listed, f"inbox|{include_handled}", first=first, after=after)

    def mail_from(self, *, email: str, first: int, after: str | None) -> Page[Message]:
        listed = [m for m in self.table.messages.values() if m.direction == MessageDirection.INBOUND
                  and customer_key(m.from_address) == customer_key(email)]
        return self._messages(listed, f"mail|{customer_key(email)}", first=first, after=after)

    def _messages(self, listed: list[Message], scope: str, *, first: int, after: str | None) -> Page[Message]:
        start = int(self.cursors.decode(scope, after)) if after else 0
        newest = sorted(listed, key=lambda m: (m.at, m.id), reverse=True)
        more = start + first < len(newest)
        return Page(items=[m.model_copy(deep=True) for m in newest[start:start + first]],
                    next_cursor=self.cursors.encode(scope, start + first) if more else None)

    def review_queue(self, *, first: int, after: str | None) -> Page[Return]:
        def key(r: Return) -> tuple[int, datetime, str]:
            waiting = r.review_wait.waiting_for if r.review_wait else None
            group = 0 if waiting == ReviewWaitingFor.AGENT else 1
            return (group, r.review_deadline or r.status_changed_at, r.id)

        start = int(self.cursors.decode("review", after)) if after else 0
        queued = sorted((r for r in self.table.returns.values()
                         if r.status == ReturnStatus.UNDER_REVIEW and r.review_wait is not None), key=key)
        more = start + first < len(queued)
        return Page(items=[r.model_copy(deep=True) for r in queued[start:start + first]],
                    next_cursor=self.cursors.encode("review", start + first) if more else None)

    def returns_of_sent_emails(self, ses_message_ids: Sequence[str]) -> dict[str, str]:
        return {i: self.table.sent[i] for i in ses_message_ids if i in self.table.sent}

    def _marked(self, markers: dict[str, datetime], scope: str, *, first: int,
                after: str | None) -> Page[Return]:
        start = int(self.cursors.decode(scope, after)) if after else 0
        ids = [rid for rid, _at in sorted(markers.items(), key=lambda item: item[1])]
        page = [r for r in (self.get_return(rid) for rid in ids[start:start + first]) if r is not None]
        more = start + first < len(ids)
        return Page(items=page, next_cursor=self.cursors.encode(scope, start + first) if more else None)


Check = Callable[[FakeTable], bool]
Apply = Callable[[FakeTable], object]  # what it returns is ignored


class FakeUnitOfWork:
    """Collects conditional writes; `commit` checks them all, then applies them all (or none)."""

    def __init__(self, table: FakeTable) -> None:
        self.table = table
        self._writes: list[tuple[str, Check, Apply]] = []

    def _write(self, what: str, check: Check, apply: Apply) -> None:
        self._writes.append((what, check, apply))

    def add_return(self, ret: Return) -> None:
        stored = ret.model_copy(deep=True)
        stored.version = 1
        self._write(f"add {ret.id}", lambda t: ret.id not in t.returns,
                    lambda t: t.returns.__setitem__(ret.id, stored))

    def save_return(self, ret: Return) -> None:
        seen, stored = ret.version, ret.model_copy(deep=True)
        stored.version = seen + 1
        self._write(
            f"save {ret.id}@{seen}",
            lambda t: ret.id in t.returns and t.returns[ret.id].version == seen,
            lambda t: t.returns.__setitem__(ret.id, stored),
        )

    def save_order(self, order: Order, *, seen: StoredOrder | None) -> None:
        if seen is None:
            self._write(f"add order {order.id}", lambda t: order.id not in t.orders,
                        lambda t: t.orders.__setitem__(order.id, StoredOrder(order, 1, [])))
            return
        version, return_ids = seen.version, list(seen.return_ids)
        self._write(f"save order {order.id}@{version}",
                    lambda t: order.id in t.orders and t.orders[order.id].version == version,
                    lambda t: t.orders.__setitem__(order.id, StoredOrder(order, version + 1, return_ids)))

    def attach_return_to_order(self, stored: StoredOrder, return_id: str) -> None:
        order_id, version = stored.order.id, stored.version

        def apply(t: FakeTable) -> None:
            current = t.orders[order_id]
            t.orders[order_id] = StoredOrder(current.order, version + 1, [*current.return_ids, return_id])

        self._write(f"attach {return_id} to {order_id}@{version}",
                    lambda t: order_id in t.orders and t.orders[order_id].version == version, apply)

    def serialise_on_order(self, stored: StoredOrder) -> None:
        order_id, version = stored.order.id, stored.version

        def apply(t: FakeTable) -> None:
            current = t.orders[order_id]
            t.orders[order_id] = StoredOrder(current.order, version + 1, list(current.return_ids))

        self._write(f"serialise on {order_id}@{version}",
                    lambda t: order_id in t.orders and t.orders[order_id].version == version, apply)

    def claim_idempotency(self, customer: str, key: str, *, return_id: str, fingerprint: str,
                          expires_at: datetime) -> None:
        slot = (customer_key(customer), key)
        self._write(f"claim key {key}", lambda t: slot not in t.idempotency,
                    lambda t: t.idempotency.__setitem__(slot, IdempotencyClaim(return_id, fingerprint)))

    def record_unknown_package(self, package: UnknownPackage) -> None:
        self._write(f"unknown package {package.id}",
                    lambda t: all(p.id != package.id for p in t.unknown_packages),
                    lambda t: t.unknown_packages.append(package))

    def file_order_name(self, named: NamedOrder) -> None:
        self._write(f"file {named.slot}", lambda t: True,
                    lambda t: t.named_orders.__setitem__(named.slot, named))

    def unfile_order_name(self, named: NamedOrder) -> None:
        self._write(f"unfile {named.slot}", lambda t: True, lambda t: t.named_orders.pop(named.slot, None))

    def save_customer_name(self, newest: NamedOrder, *, seen: CustomerName | None) -> None:
        slot = (newest.customer, newest.name_key)
        version = seen.version if seen else None
        self._write(
            f"name {slot}@{version}",
            lambda t: (t.customer_names[slot].version if slot in t.customer_names else None) == version,
            lambda t: t.customer_names.__setitem__(slot, CustomerName(newest, (version or 0) + 1)))

    def drop_customer_name(self, seen: CustomerName) -> None:
        slot = (seen.newest.customer, seen.newest.name_key)
        self._write(f"drop name {slot}@{seen.version}",
                    lambda t: slot in t.customer_names and t.customer_names[slot].version == seen.version,
                    lambda t: t.customer_names.pop(slot))

    def flag_failed_refund(self, ret: Return, *, at: datetime) -> None:
        self._write(
            f"flag failed refund {ret.id}", lambda t: True, lambda t: t.failed_refunds.__setitem__(ret.id, at)
        )

    def clear_failed_refund(self, return_id: str) -> None:
        self._write(f"clear failed refund {return_id}", lambda t: True,
                    lambda t: t.failed_refunds.pop(return_id, None))

    def flag_failed_label(self, return_id: str, *, at: datetime) -> None:
        self._write(f"flag failed label {return_id}", lambda t: True,
                    lambda t: t.failed_labels.__setitem__(return_id, at))

    def clear_failed_label(self, return_id: str) -> None:
        self._write(f"clear failed label {return_id}", lambda t: True,
                    lambda t: t.failed_labels.pop(return_id, None))

    def claim_webhook_event(self, provider: str, event_id: str, *, expires_at: datetime) -> None:
        slot = (provider, event_id)
        self._write(f"webhook event {slot}", lambda t: slot not in t.webhook_events,
                    lambda t: t.webhook_events.add(slot))

    def flag_label_to_void(self, return_id: str, *, since: datetime) -> None:
        self._write(f"flag label {return_id}", lambda t: True,
                    lambda t: t.labels_to_void.__setitem__(return_id, since))

    def clear_label_to_void(self, return_id: str) -> None:
        self._write(f"clear label {return_id}", lambda t: True,
                    lambda t: t.labels_to_void.pop(return_id, None))

    def lease_label(self, return_id: str, *, now: datetime, stale_before: datetime) -> None:
        self._write(f"lease label {return_id}",
                    lambda t: return_id not in t.label_leases or t.label_leases[return_id] < stale_before,
                    lambda t: t.label_leases.__setitem__(return_id, now))

    def release_label(self, return_id: str) -> None:
        self._write(
            f"release label {return_id}", lambda t: True, lambda t: t.label_leases.pop(return_id, None)
        )

    def claim_email(self, return_id: str, kind: str, *, at: datetime, retry_at: datetime) -> None:
        slot = (return_id, kind)
        record = EmailRecord("PENDING", at=at, next_attempt_at=retry_at)
        self._write(f"claim email {slot}", lambda t: slot not in t.emails,
                    lambda t: t.emails.__setitem__(slot, record))

    def skip_unsent_email(self, return_id: str, kind: str, *, at: datetime, reason: str) -> None:
        slot = (return_id, kind)
        record = EmailRecord("SKIPPED", at=at, next_attempt_at=at)
        self._write(f"skip email {slot}", lambda t: slot not in t.emails,
                    lambda t: t.emails.__setitem__(slot, record))

    def begin_email_attempt(self, due: DueEmail, *, at: datetime, retry_at: datetime) -> None:
        slot = (due.return_id, due.kind)

        def still_there(t: FakeTable) -> bool:
            record = t.emails.get(slot)
            return (record is not None and record.status == "PENDING"
                    and record.position(*slot) == due.position)

        def apply(t: FakeTable) -> None:
            record = t.emails[slot]
            record.attempts, record.next_attempt_at = due.attempts + 1, retry_at

        self._write(f"attempt email {slot}", still_there, apply)

    def retry_email(self, return_id: str, kind: str, *, retry_at: datetime, error: str) -> None:
        self._update_email(return_id, kind, next_attempt_at=retry_at, last_error=error[:500])

    def mark_email_sent(self, return_id: str, kind: str, *, at: datetime) -> None:
        self._update_email(return_id, kind, status="SENT", sent_at=at)

    def give_up_email(self, return_id: str, kind: str, *, at: datetime, reason: str) -> None:
        self._update_email(return_id, kind, status="GIVEN_UP", reason=reason[:500])

    def skip_email(self, return_id: str, kind: str, *, at: datetime, reason: str) -> None:
        self._update_email(return_id, kind, status="SKIPPED", reason=reason[:500])

    def _update_email(self, return_id: str, kind: str, **changes: Any) -> None:
        slot = (return_id, kind)  # unconditional, like the adapter's updates of an existing record

        def apply(t: FakeTable) -> None:
            record = t.emails.setdefault(slot, EmailRecord("PENDING", at=NOW, next_attempt_at=NOW))
            for name, value in changes.items():
                setattr(record, name, value)

        self._write(f"update email {slot}", lambda t: True, apply)

    def add_message(self, message: Message) -> None:
        stored = message.model_copy(deep=True)
        stored.version = 1
        self._write(f"add message {message.id}", lambda t: message.id not in t.messages,
                    lambda t: self._keep_message(t, stored))

    def save_message(self, message: Message) -> None:
        seen, stored = message.version, message.model_copy(deep=True)
        stored.version = seen + 1
        self._write(f"save message {message.id}@{seen}",
                    lambda t: message.id in t.messages and t.messages[message.id].version == seen,
                    lambda t: self._keep_message(t, stored))

    def delete_message(self, message: Message) -> None:
        seen = message.version
        self._write(f"delete message {message.id}@{seen}",
                    lambda t: message.id in t.messages and t.messages[message.id].version == seen,
                    lambda t: t.messages.pop(message.id))

    @staticmethod
    def _keep_message(table: FakeTable, message: Message) -> None:
        table.messages[message.id] = message
        if message.direction == MessageDirection.OUTBOUND and message.ses_message_id and message.return_id:
            table.sent[message.ses_message_id] = message.return_id

    def commit(self) -> None:
        writes, self._writes = self._writes, []
        if not writes:
            return
        with self.table.lock:
            failed = [what for what, check, _ in writes if not check(self.table)]
            if failed:
                raise ConflictError(f"conditional check failed: {', '.join(failed)}")
            for _, _, apply in writes:
                apply(self.table)
            self.table.commits += 1


# -- the other ports ---------------------------------------------------------------------------
@dataclass
class FakeEvents:
    published: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    down: bool = False

    def publish(self, detail_type: str, detail: dict[str, Any]) -> None:
        if self.down:
            raise Outage("EventBridge is down")
        self.published.append((detail_type, detail))

    def types(self) -> list[str]:
        return [detail_type for detail_type, _ in self.published]


@dataclass
class FakeMailer:
    sent: list[Email] = field(default_factory=list)
    down: bool = False

    def send(self, email: Email) -> str:
        if self.down:
            raise Outage("SES is down")
        self.sent.append(email)
        return f"msg-{len(self.sent)}"


@dataclass
class FakeCarrier:
    """Sells each shipment once, as EasyPost does: `issued` lists the labels bought (what the merchant is
    billed for); buying a shipment again answers its label."""

    issued: list[dict[str, Any]] = field(default_factory=list)
    shipments: dict[str, dict[str, Any]] = field(default_factory=dict)  # created, by id
    created: int = 0
    trackers: dict[str, str] = field(default_factory=dict)  # tracking number -> carrier
    voids: list[str] = field(default_factory=list)  # the shipments asked to be voided, in order
    void_answer: LabelVoid = LabelVoid(voided=True, status="submitted")
    refuse_voids: bool = False
    down: bool = False
    refuse_labels: str | None = None  # the carrier's reason for refusing every label, while set
    lost_answers: int = 0  # the next purchases go through, but their answers are lost (a timeout)
    label_file_down: bool = False  # bought labels' files cannot be fetched (the purchase stands)
    name: str = "fake"
    on_issue: Callable[[], None] | None = None  # runs while a label is being bought (races)

    def void_label(self, *, shipment_id: str | None, tracking_number: str | None) -> LabelVoid:
        if self.down:
            raise Outage("the carrier is down")
        shipment = self.shipments.get(shipment_id or "")
        if shipment is not None and "label" not in shipment:
            return LabelVoid(voided=True, status=NOT_BOUGHT)
        self.voids.append(shipment_id or tracking_number or "")
        if self.refuse_voids:
            raise LabelVoidRefused("past the carrier's refund window")
        return self.void_answer

    def track(self, *, tracking_number: str, carrier: str) -> str:
        if self.down:
            raise Outage("the carrier is down")
        self.trackers[tracking_number] = carrier
        return f"trk_{tracking_number}"

    def create_label_shipment(self, *, rma_id: str, ship_from: dict[str, Any], ship_to: dict[str, Any],
                              fee: Money) -> str:
        if self.down:
            raise Outage("the carrier is down")
        if self.refuse_labels:
            raise LabelDeclined(self.refuse_labels)
        self.created += 1
        shipment_id = f"shp_{self.created:06d}"
        self.shipments[shipment_id] = {"rma_id": rma_id, "ship_from": ship_from, "ship_to": ship_to,
                                       "fee": fee}
        return shipment_id

    def buy_label(self, shipment_id: str) -> IssuedLabel:
        if self.down:
            raise Outage("the carrier is down")
        if shipment_id not in self.shipments:
            raise LabelShipmentGone(f"no shipment {shipment_id}")
        shipment = self.shipments[shipment_id]
        if "label" not in shipment:
            if self.refuse_labels:
                raise LabelDeclined(self.refuse_labels)
            self.issued.append({k: v for k, v in shipment.items() if k != "label"})
            if self.on_issue:
                self.on_issue()
            number = len(self.issued)
            shipment["label"] = IssuedLabel(carrier="LOCAL", tracking_number=f"TRK{number:06d}",
                                            pdf=b"%PDF-label", shipment_id=shipment_id)
            if self.lost_answers:
                self.lost_answers -= 1
                raise CarrierUnavailable(f"EasyPost buy {shipment_id}: read timed out")
        if self.label_file_down:
            raise CarrierUnavailable(f"the label file of {shipment_id} could not be fetched")
        label: IssuedLabel = shipment["label"]
        return label


@dataclass
class FakeLabelStore:
    objects: dict[str, bytes] = field(default_factory=dict)
    down: bool = False

    def put(self, key: str, pdf: bytes) -> None:
        if self.down:
            raise Outage("S3 is down")
        self.objects[key] = pdf

    def get(self, key: str) -> bytes:
        if self.down:
            raise Outage("S3 is down")
        return self.objects[key]

    def url(self, key: str, *, expires_in: int) -> str:
        return f"https://labels.example/{key}?expires={expires_in}"


@dataclass
class FakeMailStore:
    """The mail bucket: raw messages by key (as SES's S3 action writes them) and kept attachments."""

    objects: dict[str, bytes] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    down: bool = False

    def raw(self, key: str) -> bytes:
        if self.down:
            raise Outage("S3 is down")
        return self.objects[key]

    def put_raw(self, key: str, raw: bytes) -> None:
        self.objects[key] = raw

    def put_attachment(self, key: str, content: bytes, *, content_type: str, filename: str) -> None:
        if self.down:
            raise Outage("S3 is down")
        self.objects[key], self.types[key] = content, content_type

    def url(self, key: str, *, expires_in: int) -> str:
        return f"https://mail.example/{key}?expires={expires_in}"


@dataclass
class FakePhotoStore:
    """The photos bucket: `objects` is what browsers uploaded (key -> bytes)."""

    objects: dict[str, bytes] = field(default_factory=dict)
    forms: list[tuple[str, str, int]] = field(default_factory=list)

    def upload_form(self, key: str, *, content_type: str, max_bytes: int, expires_in: int) -> UploadForm:
        self.forms.append((key, content_type, max_bytes))
        return UploadForm(url="https://photos.example/", fields={"key": key, "Content-Type": content_type})

    def stored(self, key: str) -> StoredPhoto | None:
        body = self.objects.get(key)
        return StoredPhoto(size=len(body), head=body[:16]) if body is not None else None

    def url(self, key: str, *, expires_in: int) -> str:
        return f"https://photos.example/{key}?expires={expires_in}"


@dataclass
class FakePortal:
    url: str = "https://returns.example/portal/"
    down: bool = False

    def base_url(self) -> str:
        if self.down:
            raise Outage("SSM is down")
        return self.url


@dataclass
class FakePayments:
    """One payment per idempotency key; the same key with other terms is refused (as providers do).
    `records` is the provider's own book of refunds (what `refunds_for` and `refund_record` read); a
    test may change a record's status there, as a bank returning a refund would. `payments` are the
    payments it can describe (none: a sandbox that keeps none, so the order's is not checked)."""

    paid: dict[str, PaymentReceipt] = field(default_factory=dict)
    records: dict[str, ProviderRefund] = field(default_factory=dict)  # refund id -> the provider's record
    payments: dict[str, ProviderPayment] = field(default_factory=dict)
    calls: int = 0
    declined: bool = False
    down: bool = False
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    provider: str = "fake"

    def refund(self, *, idempotency_key: str, payment_reference: str, amount: Money, return_id: str,
               at: datetime) -> PaymentReceipt:
        self.calls += 1
        if self.down:
            raise Outage("the payment provider is down")
        if self.declined:
            raise PaymentDeclined("the provider refused the refund")
        earlier = self.paid.get(idempotency_key)
        if earlier is not None:
            if (earlier.amount, earlier.payment_reference) != (amount, payment_reference):
                raise PaymentDeclined("idempotency key reused with other terms")
            return PaymentReceipt(earlier.refund_id, earlier.amount, earlier.payment_reference,
                                  earlier.issued_at, status=earlier.status, duplicate=True)
        receipt = PaymentReceipt(f"rf_{next(self._ids)}", amount, payment_reference, at, duplicate=False)
        self.paid[idempotency_key] = receipt
        self.records[receipt.refund_id] = ProviderRefund(
            refund_id=receipt.refund_id, amount=amount, payment_reference=payment_reference,
            status=receipt.status, created_at=at, return_id=return_id, idempotency_key=idempotency_key)
        return receipt

    def refunds_for(self, *, payment_reference: str, return_id: str,
                    idempotency_keys: Sequence[str]) -> list[ProviderRefund]:
        if self.down:
            raise Outage("the payment provider is down")
        return [r for r in self.records.values() if r.payment_reference == payment_reference
                and (r.return_id == return_id or r.idempotency_key in idempotency_keys)]

    def refund_record(self, refund_id: str) -> ProviderRefund | None:
        if self.down:
            raise PaymentUnavailable("the payment provider is down")
        return self.records.get(refund_id)

    def payment(self, payment_reference: str) -> ProviderPayment | None:
        return self.payments.get(payment_reference)

    def fail(self, refund_id: str, reason: str) -> None:
        """The bank returned the refund: the provider's record says failed (nothing was paid)."""
        record = self.records[refund_id]
        self.records[refund_id] = replace(record, status=RefundStatus.FAILED, failure_reason=reason)


@dataclass
class FakeWorkflow:
    """The deadline state machine: one execution per return; a second start is a no-op."""

    running: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)
    started: list[str] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)
    down: bool = False

    def start(self, *, return_id: str, reminder_at: datetime, due_at: datetime) -> None:
        if self.down:
            raise Outage("Step Functions is down")
        if return_id not in self.running:
            self.running[return_id] = (reminder_at, due_at)
            self.started.append(return_id)

    def stop(self, *, return_id: str) -> None:
        if self.down:
            raise Outage("Step Functions is down")
        if self.running.pop(return_id, None) is not None:
            self.stopped.append(return_id)

    def is_running(self, *, return_id: str) -> bool:
        if self.down:
            raise Outage("Step Functions is down")
        return return_id in self.running


@dataclass
class FakeWebhooks:
    """Both providers' webhook readers: the test hands over the update the next call verifies to."""

    provider: str = "fake"
    next_refund: RefundUpdate | None = None
    next_tracking: TrackingUpdate | None = None
    invalid: bool = False

    def refund_update(self, body: bytes, headers: Mapping[str, str]) -> RefundUpdate | None:
        if self.invalid:
            raise InvalidWebhook("bad signature")
        return self.next_refund

    def tracking_update(self, body: bytes, headers: Mapping[str, str]) -> TrackingUpdate | None:
        if self.invalid:
            raise InvalidWebhook("bad signature")
        return self.next_tracking


@dataclass
class FakeAlerts:
    raised: list[tuple[str, str]] = field(default_factory=list)

    def alert(self, subject: str, message: str) -> None:
        self.raised.append((subject, message))

    def subjects(self) -> list[str]:
        return [subject for subject, _ in self.raised]


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        from datetime import timedelta

        self.now += timedelta(**delta)
        return self.now


class World:
    """Every fake wired into the service layer's Dependencies (what bootstrap does with adapters)."""

    def __init__(self) -> None:
        self.table = FakeTable()
        self.repo = FakeRepository(self.table)
        self.events = FakeEvents()
        self.mailer = FakeMailer()
        self.carrier = FakeCarrier()
        self.webhooks = FakeWebhooks()
        self.labels = FakeLabelStore()
        self.mail_store = FakeMailStore()
        self.photos = FakePhotoStore()
        self.portal = FakePortal()
        self.payments = FakePayments()
        self.workflow = FakeWorkflow()
        self.alerts = FakeAlerts()
        self.clock = Clock()
        ids = itertools.count(1)
        self.deps = Dependencies(
            repo=self.repo,
            unit_of_work=lambda: FakeUnitOfWork(self.table),
            events=self.events,
            mailer=self.mailer,
            carrier=self.carrier,
            carrier_events=self.webhooks,
            labels=self.labels,
            payments=self.payments,
            payment_events=self.webhooks,
            workflow=self.workflow,
            alerts=self.alerts,
            policy=load_policy,
            clock=self.clock,
            new_return_id=lambda: f"RMA-TEST{next(ids):06d}",
            portal=self.portal,
            mail_store=self.mail_store,
            photos=self.photos,
        )

    def command(self, name: str, caller: Caller, payload: dict[str, Any]) -> dict[str, Any]:
        """A command as the owning function receives it (JSON in, the answer shape out)."""
        from returns_shared.service.catalog import COMMANDS
        from returns_shared.service.dispatch import run_command

        event = {"command": name, "caller": caller.to_json(), "input": payload}
        return run_command(event, COMMANDS, self.deps)

    def stored(self, return_id: str) -> Return:
        ret = self.repo.get_return(return_id)
        assert ret is not None, f"no return {return_id} stored"
        return ret
