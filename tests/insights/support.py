"""A world of fakes (tests/service) with the real local insights adapters: Parquet files and DuckDB."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from returns_shared.adapters.insights_local import DuckDbInsights, ParquetFactFiles
from returns_shared.domain.orders import Order
from returns_shared.service import screening
from returns_shared.service.insight_ports import OrderChanged, ReturnChanged
from returns_shared.service.insights import record_changes
from tests.service import builders as b
from tests.service.fakes import World


class FakeS3:
    """What the local engine asks of S3 for an export: keep the file, sign a link to it."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def put_object(self, *, Bucket: str, Key: str, Body: bytes, ContentType: str) -> None:
        self.objects[Key] = Body

    def generate_presigned_url(self, _operation: str, *, ExpiresIn: int, Params: dict[str, Any]) -> str:
        return f"https://{Params['Bucket']}.example/{Params['Key']}?expires={ExpiresIn}"


class InsightsWorld(World):
    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.s3 = FakeS3()
        self.files = ParquetFactFiles(directory)
        self.deps.facts = self.files
        self.deps.insights = DuckDbInsights(directory, results_bucket="results", s3=self.s3)

    def order(self, order: Order) -> Order:
        self.table.put_order(order)
        self.stream(self.table.orders[order.id])
        return order

    def approved(self, order_id: str, lines: list[dict[str, Any]], *, key: str) -> str:
        payload = {**b.request_input(order_id, key=key), "lines": lines}
        answer = self.command("requestReturn", b.customer(), payload)
        assert answer["userErrors"] == [], answer
        assert screening.screen_return(answer["returnId"], self.deps) == "PASS"
        return str(answer["returnId"])

    def refunded(self, return_id: str, conditions: dict[str, str]) -> None:
        for name, payload in (
            ("receiveReturn", {"id": return_id}),
            (
                "inspectReturn",
                {
                    "id": return_id,
                    "lines": [
                        {"orderLineId": line, "condition": condition}
                        for line, condition in conditions.items()
                    ],
                },
            ),
        ):
            assert self.command(name, b.WAREHOUSE, payload)["userErrors"] == []
        assert self.command("issueRefund", b.AGENT, {"id": return_id})["userErrors"] == []

    def stream(self, *stored: Any) -> None:
        """What the table's stream would carry for these stored things (their current versions)."""
        changes = [
            ReturnChanged(self.stored(s)) if isinstance(s, str) else OrderChanged(s, None) for s in stored
        ]
        record_changes(changes, self.deps)

    def stream_order(self, order: Order, version: int, *, before: Order) -> None:
        """An order's new version as the stream carries it: with the version before it."""
        stored = self.table.orders[order.id]
        record_changes(
            [OrderChanged(type(stored)(order, version, []), type(stored)(before, version - 1, []))], self.deps
        )

    def insights(self, group_by: str, then_by: str | None = None, **window: Any) -> dict[str, Any]:
        now = self.clock()
        period = {"from": (now - timedelta(days=10)).isoformat(), "to": (now + timedelta(days=1)).isoformat()}
        answer = self.command(
            "returnInsights", b.AGENT, {**period, **window, "groupBy": group_by, "thenBy": then_by}
        )
        assert answer["userErrors"] == [], answer
        return answer
