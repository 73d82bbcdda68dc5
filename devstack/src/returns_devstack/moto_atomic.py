"""DynamoDB's conditional writes are atomic; moto's in-process backend is not thread-safe (a condition
check and its write can interleave with another thread's). The local stack and the tests run the
functions on several threads at once, so the calls of moto's DynamoDB backend are serialised here:
concurrency tests then exercise our conditions against DynamoDB's semantics, not moto's races.
Reads are serialised too (a read beside a write changed the table's dicts under it: "dictionary
changed size during iteration").

A cancelled transaction is undone from what it touched. Moto backs up every table a transaction
names by deep-copying it whole (every item and every stream record ever written) and never frees the
copies: each model object it makes is also kept in its class's `instances_tracked` (for the moto
server's dashboard). A long local run (the soak: ~27 transactions a return) then grew by a copy of the
whole table and stream per transaction, memory and time quadratic in the returns. Here, with the
backend serialised, a transaction's undo is the touched items as they were and the stream's length.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_LOCK = threading.RLock()
_INSTALLED: set[Callable[..., Any]] = set()  # the wrappers in place: installing twice nests nothing
_CALLS = ("put_item", "update_item", "delete_item", "transact_write_items", "get_item", "query", "scan")
_undoing = threading.local()  # set while a transaction runs with its own undo: moto's backup is not made


def make_dynamodb_writes_atomic() -> None:
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    if "__deepcopy__" not in Table.__dict__:
        Table.__deepcopy__ = _table_deepcopy  # type: ignore[attr-defined]
    for name in _CALLS:
        method = getattr(DynamoDBBackend, name)
        if method in _INSTALLED:
            continue
        if name == "transact_write_items":
            method = _undone_when_cancelled(method)

        def atomic(*args: Any, __method: Any = method, **kwargs: Any) -> Any:
            with _LOCK:
                return __method(*args, **kwargs)

        functools.update_wrapper(atomic, method)
        _INSTALLED.add(atomic)
        setattr(DynamoDBBackend, name, atomic)


def _table_deepcopy(table: Any, memo: dict[int, Any]) -> Any:
    """Moto's backup of a table for a transaction is the table itself (the undo is `_undo`'s);
    any other deep copy (a table backup) is the usual one."""
    if getattr(_undoing, "active", False):
        return table
    clone = table.__class__.__new__(table.__class__)
    memo[id(table)] = clone
    clone.__dict__.update(copy.deepcopy(table.__dict__, memo))
    return clone


def _undone_when_cancelled(transact: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(transact)
    def transact_write_items(backend: Any, transact_items: list[dict[str, Any]], *args: Any,
                             **kwargs: Any) -> Any:
        with _own_undo():
            undo = _undo(backend, transact_items)
            try:
                return transact(backend, transact_items, *args, **kwargs)
            except BaseException:
                undo()
                raise

    return transact_write_items


@contextmanager
def _own_undo() -> Iterator[None]:
    _undoing.active = True
    try:
        yield
    finally:
        _undoing.active = False


def _undo(backend: Any, transact_items: list[dict[str, Any]]) -> Callable[[], None]:
    """What puts the tables back as they were before these writes: each touched item as it was
    (a copy: an update changes moto's item in place) or absent, each stream cut back to its length."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    items: list[tuple[Any, Any, Any, Any]] = []  # table, hash key, range key, the item before (or None)
    streams: dict[int, tuple[Any, int]] = {}
    for transact_item in transact_items:
        for body in transact_item.values():
            table = backend.tables.get(body.get("TableName"))
            key = body.get("Key") or body.get("Item") or {}
            if table is None or table.hash_key_attr not in key:
                continue  # moto refuses it before writing anything
            if table.range_key_attr is not None and table.range_key_attr not in key:
                continue
            hash_key = DynamoType(key[table.hash_key_attr])
            range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
            items.append((table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))))
            if table.stream_shard is not None:
                streams.setdefault(id(table), (table.stream_shard, len(table.stream_shard.items)))

    def undo() -> None:
        for table, hash_key, range_key, before in reversed(items):
            if range_key is None:
                if before is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = before
            elif before is None:
                table.items[hash_key].pop(range_key, None)
                if not table.items[hash_key]:
                    del table.items[hash_key]
            else:
                table.items[hash_key][range_key] = before
        for shard, length in streams.values():
            del shard.items[length:]

    return undo
