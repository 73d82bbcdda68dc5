"""Domain events onto the EventBridge bus; rules route them to the SQS queues of the reacting functions."""

from __future__ import annotations

from typing import Any

from returns_shared import correlation
from returns_shared.adapters._aws import LazyClient, dumps
from returns_shared.adapters.errors import EventPublishError


class EventBridgePublisher:
    def __init__(
        self,
        bus_name: str,
        client: Any = None,
        *,
        source: str = "returns.service",
        endpoint_url: str | None = None,
        region_name: str | None = None,
    ) -> None:
        self.bus_name = bus_name
        self.source = source
        self._client = LazyClient(
            "events", client, endpoint_url=endpoint_url, region_name=region_name
        )

    def publish(self, detail_type: str, detail: dict[str, Any]) -> None:
        answer = self._client().put_events(
            Entries=[
                {
                    "EventBusName": self.bus_name,
                    "Source": self.source,
                    "DetailType": detail_type,
                    # the correlation id rides along in detail.metadata; Decimal as string: money never becomes float
                    "Detail": dumps(correlation.with_metadata(detail)),
                }
            ]
        )
        # put_events answers 200 even when the entry was refused: the failure is in the body.
        if answer.get("FailedEntryCount", 0):
            failed = next(
                (entry for entry in answer.get("Entries", []) if entry.get("ErrorCode")), {}
            )
            raise EventPublishError(
                detail_type, failed.get("ErrorCode"), failed.get("ErrorMessage")
            )
