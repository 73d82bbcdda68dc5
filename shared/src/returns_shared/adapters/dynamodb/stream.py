"""DynamoDB stream records (NEW_AND_OLD_IMAGES) of the returns table as domain changes: a return's
new version, or an order's new version with the one before it. Every other item is ignored."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from returns_shared.adapters.dynamodb import items
from returns_shared.service.insight_ports import OrderChanged, ReturnChanged


def changes(records: Iterable[Mapping[str, Any]]) -> list[ReturnChanged | OrderChanged]:
    found: list[ReturnChanged | OrderChanged] = []
    for record in records:
        image = (record.get("dynamodb") or {}).get("NewImage")
        if not image:  # a removal (TTL of idempotency keys, leases): no fact
            continue
        entity = (image.get("entity") or {}).get("S")
        if entity == "Return":
            found.append(ReturnChanged(items.return_from_item(image)))
        elif entity == "Order":
            old = (record.get("dynamodb") or {}).get("OldImage")
            found.append(
                OrderChanged(items.order_from_item(image), items.order_from_item(old) if old else None)
            )
    return found
