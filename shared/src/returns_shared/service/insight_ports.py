"""The ports of return insights: where facts go (FactSink) and what runs the SQL over them
(InsightsEngine). Production: Firehose into S3 as Parquet, and Athena; locally: Parquet files and
DuckDB (adapters/insights_*.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from returns_shared.domain.errors import DomainError
from returns_shared.domain.returns import Return
from returns_shared.insights.facts import Row
from returns_shared.insights.queries import Query
from returns_shared.service.ports import StoredOrder


class InsightsUnavailable(DomainError):
    """The engine could not answer (a query over its scan limit or its time): nothing else is wrong."""

    code = "INSIGHTS_UNAVAILABLE"


@dataclass(frozen=True)
class ReturnChanged:
    """A return was stored (its new version)."""

    ret: Return


@dataclass(frozen=True)
class OrderChanged:
    """An order was stored: its new version, and the version before it (None: a new order)."""

    stored: StoredOrder
    before: StoredOrder | None


@dataclass(frozen=True)
class ExportFile:
    url: str  # a short-lived link to the CSV
    rows: int
    expires_at: datetime


class FactSink(Protocol):
    def put(self, rows: Iterable[Row]) -> int:
        """Write fact rows (each names its kind and month); answers how many were written."""
        ...


class InsightsEngine(Protocol):
    def rows(self, query: Query) -> Sequence[Mapping[str, Any]]:
        """The query's result rows (column -> value; Athena answers every value as text)."""
        ...

    def export(self, query: Query, *, filename: str, columns: Sequence[str]) -> ExportFile:
        """The query's result as a CSV file (UTF-8, a header row, RFC 4180 quoting) behind a short-lived
        link; `filename` is what the browser saves it as."""
        ...
