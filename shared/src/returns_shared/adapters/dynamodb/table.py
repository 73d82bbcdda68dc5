"""The table's read plumbing: consistent GetItem, paged and filtered Query, BatchGetItem with retries
of unprocessed keys. The access patterns on top of it are in reader.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from returns_shared.adapters.dynamodb import items
from returns_shared.adapters.dynamodb.items import Item

T = TypeVar("T")
BATCH_GET_LIMIT = 100


class TableReads:
    def __init__(self, table_name: str, client: Any):
        self.table_name = table_name
        self.client = client

    # -- plumbing -------------------------------------------------------------------------
    def _get(self, key: Item) -> Item | None:
        found: Item | None = self.client.get_item(
            TableName=self.table_name, Key=key, ConsistentRead=True
        ).get("Item")
        return found

    def _partition_query(self, index: str, pk_name: str, pk: str, *, newest_first: bool) -> dict[str, Any]:
        """The Query of one partition of an index (a fresh dict: callers add paging and filters)."""
        return {
            "TableName": self.table_name,
            "IndexName": index,
            "KeyConditionExpression": f"{pk_name} = :pk",
            "ExpressionAttributeValues": {":pk": {"S": pk}},
            "ScanIndexForward": not newest_first,
        }

    def _query_page(self, index: str, pk_name: str, pk: str, *, first: int, start: Item | None,
                    filters: dict[str, str], convert: Callable[[Item], T], newest_first: bool = True,
                    ) -> tuple[list[T], Item | None]:
        """Fill a page of `first` items, following DynamoDB pages when a filter drops some."""
        found: list[T] = []
        last = start
        while len(found) < first:
            kwargs = self._partition_query(index, pk_name, pk, newest_first=newest_first)
            kwargs["Limit"] = first - len(found)
            if filters:
                names = {f"#f{i}": k for i, k in enumerate(filters)}
                kwargs["FilterExpression"] = " AND ".join(f"#f{i} = :f{i}" for i in range(len(filters)))
                kwargs["ExpressionAttributeNames"] = names
                kwargs["ExpressionAttributeValues"].update(
                    {f":f{i}": {"S": v} for i, v in enumerate(filters.values())}
                )
            if last:
                kwargs["ExclusiveStartKey"] = last
            page = self.client.query(**kwargs)
            found.extend(convert(i) for i in page.get("Items", []))
            last = page.get("LastEvaluatedKey")
            if not last:
                break
        return found, last

    def _query_all(
        self, index: str, pk_name: str, pk: str, *, newest_first: bool = False,
        convert: Callable[[Item], T] = items.return_from_item,  # type: ignore[assignment]
    ) -> Iterator[T]:
        kwargs = self._partition_query(index, pk_name, pk, newest_first=newest_first)
        while True:
            page = self.client.query(**kwargs)
            yield from (convert(i) for i in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _batch_get(self, keys: list[Item]) -> list[Item]:
        found: list[Item] = []
        for i in range(0, len(keys), BATCH_GET_LIMIT):
            request: dict[str, Any] = {
                self.table_name: {"Keys": keys[i : i + BATCH_GET_LIMIT], "ConsistentRead": True}
            }
            while request:
                answer = self.client.batch_get_item(RequestItems=request)
                found.extend(answer.get("Responses", {}).get(self.table_name, []))
                request = answer.get("UnprocessedKeys") or {}
        return found
