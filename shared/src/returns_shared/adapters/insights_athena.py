"""Insights in production: the SQL runs in Athena, in the stack's workgroup (its bytes-scanned limit,
its encrypted results bucket whose objects expire), over the Glue table of the fact files.

A query is started with its `?` parameters as execution parameters, polled until it ends, and read
(GetQueryResults: every value text). An export is the query's own CSV result file, which Athena
writes with a header row and every field quoted; the link is presigned for a few minutes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from returns_shared.adapters._aws import LazyClient
from returns_shared.insights.queries import Query
from returns_shared.service.insight_ports import ExportFile, InsightsUnavailable

DONE = {"SUCCEEDED", "FAILED", "CANCELLED"}


def literal(value: str) -> str:
    """An execution parameter as Athena wants it: SQL literal text."""
    return "'" + value.replace("'", "''") + "'"


def presigned_csv_url(s3: Any, bucket: str, key: str, filename: str, seconds: int) -> str:
    """A GET link that downloads the CSV under `filename` (both engines' exports end here)."""
    url: str = s3.generate_presigned_url(
        "get_object",
        ExpiresIn=seconds,
        Params={
            "Bucket": bucket,
            "Key": key,
            "ResponseContentType": "text/csv; charset=utf-8",
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
        },
    )
    return url


class AthenaInsights:
    def __init__(
        self,
        *,
        workgroup: str,
        database: str,
        athena: Any = None,
        s3: Any = None,
        region_name: str | None = None,
        timeout_seconds: float = 20.0,
        url_seconds: int = 300,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.workgroup = workgroup
        self.database = database
        self.timeout_seconds = timeout_seconds  # under the function's own timeout: the caller gets an answer
        self.url_seconds = url_seconds
        self._athena = LazyClient("athena", athena, region_name=region_name)
        self._s3 = LazyClient("s3", s3, region_name=region_name)
        self._sleep = sleep

    def _run(self, query: Query) -> dict[str, Any]:
        started = self._athena.start_query_execution(
            QueryString=query.sql,
            WorkGroup=self.workgroup,
            QueryExecutionContext={"Database": self.database},
            **({"ExecutionParameters": [literal(p) for p in query.params]} if query.params else {}),
        )
        execution_id = started["QueryExecutionId"]
        deadline, pause = time.monotonic() + self.timeout_seconds, 0.2
        while True:
            execution = self._athena.get_query_execution(QueryExecutionId=execution_id)["QueryExecution"]
            state = execution["Status"]["State"]
            if state in DONE:
                break
            if time.monotonic() > deadline:
                self._athena.stop_query_execution(QueryExecutionId=execution_id)
                raise InsightsUnavailable("The figures took too long to compute; try a shorter period.")
            self._sleep(pause)
            pause = min(pause * 1.5, 1.0)
        if state != "SUCCEEDED":
            reason = execution["Status"].get("StateChangeReason", state)
            if "bytes scanned" in reason.lower() or "cutoff" in reason.lower():
                raise InsightsUnavailable("This period reads more than one query may; try a shorter period.")
            raise RuntimeError(f"Athena query {execution_id} {state}: {reason}")
        return dict(execution)

    def rows(self, query: Query) -> list[dict[str, str | None]]:
        execution = self._run(query)
        pages = self._athena.get_paginator("get_query_results").paginate(
            QueryExecutionId=execution["QueryExecutionId"]
        )
        names: list[str] = []
        found: list[dict[str, str | None]] = []
        for page in pages:
            rows = page["ResultSet"]["Rows"]
            if not names:  # the first page: its column names, then a SELECT's header row
                names = [c["Name"] for c in page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]]
                rows = rows[1:]
            found += [
                dict(zip(names, [cell.get("VarCharValue") for cell in row["Data"]], strict=True))
                for row in rows
            ]
        return found

    def export(self, query: Query, *, filename: str, columns: Sequence[str]) -> ExportFile:
        execution = self._run(query)
        location = execution["ResultConfiguration"]["OutputLocation"]  # s3://bucket/key.csv
        bucket, _, key = location.removeprefix("s3://").partition("/")
        statistics = self._athena.get_query_runtime_statistics(QueryExecutionId=execution["QueryExecutionId"])
        rows = int(statistics["QueryRuntimeStatistics"].get("Rows", {}).get("OutputRows", 0))
        return ExportFile(
            url=presigned_csv_url(self._s3(), bucket, key, filename, self.url_seconds),
            rows=rows,
            expires_at=datetime.now(UTC) + timedelta(seconds=self.url_seconds),
        )
