"""DynamoDB's conditional writes are atomic; moto's in-process backend is not thread-safe (a condition
check and its write can interleave with another thread's). The local stack and the tests run the
functions on several threads at once, so the calls of moto's DynamoDB backend are serialised here:
concurrency tests then exercise our conditions against DynamoDB's semantics, not moto's races.
Reads are serialised too: a transaction deep-copies the table (to roll back), and a read running
beside that copy changed the table's dicts under it ("dictionary changed size during iteration").
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

_LOCK = threading.RLock()
_INSTALLED: set[Callable[..., Any]] = set()  # the wrappers in place: installing twice nests nothing
_CALLS = ("put_item", "update_item", "delete_item", "transact_write_items", "get_item", "query", "scan")


def make_dynamodb_writes_atomic() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    for name in _CALLS:
        method = getattr(DynamoDBBackend, name)
        if method in _INSTALLED:
            continue

        def atomic(*args: Any, __method: Any = method, **kwargs: Any) -> Any:
            with _LOCK:
                return __method(*args, **kwargs)

        functools.update_wrapper(atomic, method)
        _INSTALLED.add(atomic)
        setattr(DynamoDBBackend, name, atomic)
