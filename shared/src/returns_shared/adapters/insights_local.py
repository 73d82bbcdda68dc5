"""Insights on this machine (the local stack and the tests): the facts as Parquet files partitioned like
production's (`<dir>/kind=<kind>/month=<yyyy-MM>/*.parquet`), written and queried in-process by DuckDB.

DuckDB is a development dependency (the devstack's): it is imported here only when a local stack uses
these adapters, and STAGE=prod refuses them (settings.py), so no Lambda package carries it.
The SQL is the production SQL, unchanged (returns_shared.insights.queries).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from returns_shared.adapters._aws import LazyClient
from returns_shared.adapters.insights_athena import presigned_csv_url
from returns_shared.insights.facts import COLUMNS, PARTITION_KEYS, Row, partitions
from returns_shared.insights.queries import Query
from returns_shared.service.insight_ports import ExportFile

if TYPE_CHECKING:
    import duckdb

COMPACT_AFTER = 24  # files in one partition before they are merged into one (Firehose leaves many small ones)
_LOCKS: dict[
    Path, threading.RLock
] = {}  # per facts directory: writers, compaction and readers of one process


def duckdb_type(glue_type: str) -> str:
    return {"string": "VARCHAR", "int": "INTEGER", "bigint": "BIGINT", "boolean": "BOOLEAN"}.get(
        glue_type, glue_type.upper()
    )


def _lock(directory: Path) -> threading.RLock:
    return _LOCKS.setdefault(directory.resolve(), threading.RLock())


def _connect() -> duckdb.DuckDBPyConnection:
    import duckdb

    return duckdb.connect(config={"threads": 2})


def _create_table(connection: duckdb.DuckDBPyConnection, name: str, *, with_partitions: bool) -> None:
    columns = [*COLUMNS, *PARTITION_KEYS] if with_partitions else COLUMNS
    connection.execute(
        f"CREATE TABLE {name} ({', '.join(f'{c.name} {duckdb_type(c.type)}' for c in columns)})"
    )


class ParquetFactFiles:
    """FactSink: each put writes one new Parquet file per (kind, month), as Firehose does per flush."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def put(self, rows: Iterable[Row]) -> int:
        written = 0
        with _lock(self.directory):
            for (kind, month), group in partitions(rows).items():
                self.write_partition(kind, month, group)
                written += len(group)
        return written

    def write_partition(self, kind: str, month: str, rows: Sequence[Row]) -> None:
        folder = self.directory / f"kind={kind}" / f"month={month}"
        folder.mkdir(parents=True, exist_ok=True)
        names = [c.name for c in COLUMNS]
        with _connect() as connection:
            _create_table(connection, "batch", with_partitions=False)
            connection.executemany(
                f"INSERT INTO batch VALUES ({', '.join('?' * len(names))})",
                [[row.get(name) for name in names] for row in rows],
            )
            self._copy(connection, "batch", folder)
        if len(list(folder.glob("*.parquet"))) > COMPACT_AFTER:
            self.compact(folder)

    def compact(self, folder: Path) -> None:
        """Many small files into one (what a production compaction job would do): same rows."""
        with _lock(self.directory), _connect() as connection:
            files = sorted(folder.glob("*.parquet"))
            listed = ", ".join(f"'{file}'" for file in files)
            connection.execute(
                f"CREATE TABLE merged AS SELECT * FROM read_parquet([{listed}], union_by_name = true)"
            )
            self._copy(connection, "merged", folder)
            for file in files:
                file.unlink()

    @staticmethod
    def _copy(connection: duckdb.DuckDBPyConnection, table: str, folder: Path) -> None:
        temporary = folder / f".{uuid.uuid4().hex}.tmp"
        connection.execute(f"COPY {table} TO '{temporary}' (FORMAT parquet, COMPRESSION snappy)")
        temporary.rename(folder / f"{uuid.uuid4().hex}.parquet")  # readers never see a half-written file

    def clear(self) -> None:
        """Forget every fact file (before a rebuild by the backfill)."""
        with _lock(self.directory):
            for file in self.directory.glob("kind=*/month=*/*.parquet"):
                file.unlink()


class DuckDbInsights:
    """InsightsEngine over the local fact files; exports are put in the results bucket (moto locally)
    and linked by a presigned URL, as production's Athena results are."""

    def __init__(
        self,
        directory: str | Path,
        *,
        results_bucket: str,
        url_seconds: int = 300,
        s3: Any = None,
        region_name: str | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.results_bucket = results_bucket
        self.url_seconds = url_seconds
        self._s3 = LazyClient("s3", s3, region_name=region_name)

    @contextmanager
    def _facts(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with _lock(self.directory), _connect() as connection:
            if any(self.directory.glob("kind=*/month=*/*.parquet")):
                pattern = self.directory / "kind=*" / "month=*" / "*.parquet"
                connection.execute(
                    f"CREATE VIEW facts AS SELECT * FROM read_parquet('{pattern}', hive_partitioning = true, "
                    "hive_types = {'kind': VARCHAR, 'month': VARCHAR}, union_by_name = true)"
                )
            else:
                _create_table(connection, "facts", with_partitions=True)
            yield connection

    def rows(self, query: Query) -> list[dict[str, Any]]:
        with self._facts() as connection:
            result = connection.execute(query.sql, query.params)
            names = [column[0] for column in result.description]
            return [dict(zip(names, values, strict=True)) for values in result.fetchall()]

    def export(self, query: Query, *, filename: str, columns: Sequence[str]) -> ExportFile:
        key = f"athena/{uuid.uuid4().hex}.csv"  # where the workgroup has Athena write its results
        target = self.directory / ".exports" / f"{uuid.uuid4().hex}.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self._facts() as connection:
                connection.execute(
                    f"COPY ({query.sql}) TO '{target}' (HEADER, DELIMITER ',', QUOTE '\"', "
                    "ESCAPE '\"', FORCE_QUOTE *)",
                    query.params,
                )
                count = connection.execute(f"SELECT count(*) FROM ({query.sql})", query.params).fetchone()
            self._s3.put_object(
                Bucket=self.results_bucket,
                Key=key,
                Body=target.read_bytes(),
                ContentType="text/csv; charset=utf-8",
            )
        finally:
            target.unlink(missing_ok=True)
        return ExportFile(
            url=presigned_csv_url(self._s3(), self.results_bucket, key, filename, self.url_seconds),
            rows=int(count[0]) if count else 0,
            expires_at=datetime.now(UTC) + timedelta(seconds=self.url_seconds),
        )
