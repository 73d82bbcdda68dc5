"""The correlation id of the work in hand: the gateway's request id (the `requestId` a customer quotes
from a masked error), carried in the command envelope to the function and in the metadata of every
event it publishes, so each function that reacts logs under the same id.

The function entry point binds it around each command, queued event or job; the EventBridge adapter
reads it when publishing. A context variable, so concurrent work on other threads keeps its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

FIELD = "correlationId"  # in the command envelope, and in an event's detail under METADATA
METADATA = "metadata"  # an event's detail: {..., "metadata": {"correlationId": ...}}

_current: ContextVar[str | None] = ContextVar("returns_correlation_id", default=None)


def current() -> str | None:
    return _current.get()


@contextmanager
def bound(correlation_id: str | None) -> Iterator[str | None]:
    token = _current.set(correlation_id)
    try:
        yield correlation_id
    finally:
        _current.reset(token)


def of_event(detail: dict[str, Any] | None) -> str | None:
    """The correlation id an event's detail carries (None for events from before it was carried)."""
    metadata = (detail or {}).get(METADATA)
    value = metadata.get(FIELD) if isinstance(metadata, dict) else None
    return value if isinstance(value, str) and value else None


def with_metadata(detail: dict[str, Any]) -> dict[str, Any]:
    """The detail to publish: the current correlation id added under `metadata` (when there is one)."""
    correlation_id = current()
    if not correlation_id:
        return detail
    return {**detail, METADATA: {**(detail.get(METADATA) or {}), FIELD: correlation_id}}
