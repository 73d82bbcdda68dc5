"""Facts into S3 in production: JSON records to the Firehose delivery stream, which converts them to
Parquet against the Glue table's schema and writes them under kind=/month= (dynamic partitioning on
the records' own `kind` and `month`). Nothing here needs pyarrow: the Lambda package stays small.

Money goes as JSON numbers written from the Decimal's own digits (never through float), so the
decimal(18,2) columns hold exactly what the service computed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from returns_shared.adapters._aws import LazyClient
from returns_shared.insights.facts import Row

MAX_RECORDS = 500  # PutRecordBatch: at most 500 records and 4 MiB per call
MAX_BYTES = 4 * 1024 * 1024 - 64 * 1024
ATTEMPTS = 4


def fact_json(row: Row) -> str:
    """One record: a JSON object on one line (Firehose's converter reads one object per record)."""

    def value(v: Any) -> str:
        if isinstance(v, Decimal):
            return format(v, "f")
        return json.dumps(v, ensure_ascii=False)

    return "{" + ",".join(f"{json.dumps(k)}:{value(v)}" for k, v in row.items() if v is not None) + "}\n"


class FirehoseFacts:
    def __init__(self, stream_name: str, client: Any = None, *, region_name: str | None = None) -> None:
        self.stream_name = stream_name
        self._client = LazyClient("firehose", client, region_name=region_name)

    def put(self, rows: Iterable[Row]) -> int:
        batch: list[bytes] = []
        size = written = 0
        for row in rows:
            record = fact_json(row).encode("utf-8")
            if batch and (len(batch) == MAX_RECORDS or size + len(record) > MAX_BYTES):
                written += self._send(batch)
                batch, size = [], 0
            batch.append(record)
            size += len(record)
        if batch:
            written += self._send(batch)
        return written

    def _send(self, records: list[bytes]) -> int:
        """Records Firehose refused (throttling, an internal error) are sent again; what still fails
        raises, so the stream batch is retried (and, if it keeps failing, ends in its dead-letter queue)."""
        pending = records
        for _ in range(ATTEMPTS):
            answer = self._client.put_record_batch(
                DeliveryStreamName=self.stream_name, Records=[{"Data": record} for record in pending]
            )
            if not answer.get("FailedPutCount"):
                return len(records)
            pending = [
                record
                for record, result in zip(pending, answer["RequestResponses"], strict=True)
                if result.get("ErrorCode")
            ]
        raise RuntimeError(f"Firehose refused {len(pending)} fact records after {ATTEMPTS} attempts")
