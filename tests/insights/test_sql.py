"""One SQL text for both engines: each text is parsed with sqlglot's Athena (Trino) and DuckDB dialects
(no function either dialect does not know), Athena's reading of it rendered for DuckDB must be exactly
DuckDB's own reading (so the text means the same to both), and DuckDB runs it (tests/insights/
test_facts_and_figures.py checks what it answers). A construct only one engine accepts fails here."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
import sqlglot
from sqlglot import exp

from returns_shared.adapters.insights_local import DuckDbInsights
from returns_shared.insights.queries import Dimension, ExportKind, Query, Window, export_query, insight_query

WINDOW = Window(datetime(2026, 1, 15, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
PAIRS = [(group, then) for group, then in itertools.product(Dimension, [None, *Dimension]) if group != then]
QUERIES = {f"{g}-{t}": insight_query(WINDOW, g, t) for g, t in PAIRS} | {
    f"export-{kind}": export_query(WINDOW, kind) for kind in ExportKind
}


# Types both engines have under these names (sqlglot's parsers accept more than either engine does).
SHARED_TYPES = {"VARCHAR", "BIGINT", "INT", "INTEGER", "BOOLEAN", "DECIMAL(38, 2)", "DECIMAL(18, 2)"}


def same_in_both_dialects(sql: str) -> None:
    """Raises AssertionError when the text would not mean the same to Athena and to DuckDB."""
    assert "::" not in sql, "DuckDB's cast shorthand: Athena has none"
    for dialect in ("athena", "duckdb"):
        tree = sqlglot.parse_one(sql, read=dialect, error_level=sqlglot.ErrorLevel.RAISE)
        unknown = sorted({node.name for node in tree.find_all(exp.Anonymous)})
        assert not unknown, f"functions {dialect} does not know: {unknown}"
        assert not list(tree.find_all(exp.Qualify)), "QUALIFY: DuckDB only"
        types = {cast.to.sql(dialect="trino") for cast in tree.find_all(exp.Cast)}
        assert types <= SHARED_TYPES, f"types not both engines': {types - SHARED_TYPES}"
    athena_read = sqlglot.transpile(sql, read="athena", write="duckdb")[0]
    duckdb_read = sqlglot.transpile(sql, read="duckdb", write="duckdb")[0]
    assert athena_read == duckdb_read, "the text means one thing to Athena and another to DuckDB"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_is_one_text_for_athena_and_duckdb(name):
    query = QUERIES[name]
    same_in_both_dialects(query.sql)
    assert query.sql.count("?") == len(query.params)  # positional parameters, in the text's order
    assert all(param.count("'") == 0 for param in query.params)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT strftime(created_at, '%Y') FROM facts",  # DuckDB only (Athena: date_format)
        "SELECT date_format(created_at, '%Y') FROM facts",  # Trino only
        "SELECT list_aggregate(x, 'sum') FROM facts",  # DuckDB only
        "SELECT approx_set(x) FROM facts",  # Trino only
        "SELECT x::INT FROM facts",  # DuckDB's cast shorthand
        "SELECT CAST(x AS HUGEINT) FROM facts",  # a DuckDB type
        "SELECT x FROM facts QUALIFY row_number() OVER (ORDER BY x) = 1",  # DuckDB's QUALIFY
    ],
)
def test_a_construct_only_one_engine_accepts_fails_the_check(sql):
    with pytest.raises((AssertionError, sqlglot.errors.ParseError)):
        same_in_both_dialects(sql)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_duckdb_runs_every_query_over_the_fact_schema(name, tmp_path):
    engine = DuckDbInsights(tmp_path, results_bucket="unused")
    query: Query = QUERIES[name]
    if name.startswith("export-"):
        query = Query(f"SELECT count(*) AS n FROM ({query.sql})", query.params)
    assert engine.rows(query) in ([], [{"n": 0}])  # no facts yet: the empty table of the same schema
