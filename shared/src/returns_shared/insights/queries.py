"""The SQL of the insights and exports: ONE text, run as it is by Athena (Trino) in production and by
DuckDB locally and in the tests.

Only what both engines mean the same way is written here (CTEs, window functions, CASE, substr, chr,
coalesce, CAST to DECIMAL/BIGINT/VARCHAR, FULL OUTER JOIN, NULLS LAST, `?` parameters);
tests/insights parses every text with sqlglot's Athena and DuckDB dialects, checks that neither
rewrites it, and runs it in DuckDB, so a construct only one engine accepts fails a test.

Every scan of `facts` names its kind and a range of `month` partitions: Athena's partition projection
reads only those months (the bytes a query costs), DuckDB only those directories.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from returns_shared.insights.facts import instant, month_of

ROW_LIMIT = 1000  # rows of one answer; the query asks for one more to tell that there were more
MONEY = "DECIMAL(38, 2)"
NO_MONEY = f"CAST(0 AS {MONEY})"


class Dimension(StrEnum):
    REASON = "REASON"
    CATEGORY = "CATEGORY"
    SKU = "SKU"
    COUNTRY = "COUNTRY"
    MONTH = "MONTH"
    CLAUSE = "CLAUSE"
    METHOD = "METHOD"
    STATUS = "STATUS"


class ExportKind(StrEnum):
    REFUNDS = "REFUNDS"
    RETURN_LINES = "RETURN_LINES"


# Where each dimension's key comes from: r = the return, l = its lines, c = the clauses that acted.
LINE_KEYS = {Dimension.REASON: "l.reason", Dimension.CATEGORY: "l.category", Dimension.SKU: "l.sku"}
RETURN_KEYS = {
    Dimension.COUNTRY: "r.country",
    Dimension.MONTH: "substr(r.created_at, 1, 7)",
    Dimension.METHOD: "r.method",
    Dimension.STATUS: "r.status",
}
CLAUSE_KEYS = {Dimension.CLAUSE: "c.clause_id"}
# Delivered units exist for products: per SKU and per category (a reason splits returns, not deliveries).
DELIVERY_KEYS = {Dimension.SKU: "sku", Dimension.CATEGORY: "category"}

# The CSV columns of each export (docs/spec/insights.md), in order: (header, where from, text?). Text cells
# are neutralised (FORMULA_STARTS); amounts, counts and codes are written as they are.
EXPORTS = {
    ExportKind.REFUNDS: (
        ("rma", "return_id", True),
        ("order_id", "order_id", True),
        ("customer_email", "customer_email", True),
        ("payment_reference", "payment_reference", True),
        ("stripe_refund_id", "refund_id", True),
        ("amount", "refunded", False),
        ("currency", "currency", False),
        ("issued_at", "refund_issued_at", False),
        ("label_fee", "label_fee", False),
        ("shipping_credit", "shipping_credit", False),
        ("clause_ids", "refund_clauses", True),
    ),
    ExportKind.RETURN_LINES: (
        ("rma", "r.return_id", True),
        ("order_id", "r.order_id", True),
        ("sku", "l.sku", True),
        ("title", "l.title", True),
        ("category", "l.category", True),
        ("quantity", "l.quantity", False),
        ("reason", "l.reason", False),
        ("method", "r.method", False),
        ("country", "r.country", False),
        ("status", "r.status", False),
        ("condition_at_inspection", "l.condition", False),
        ("accepted", "l.accepted", False),
        ("refunded_amount", "l.refunded", False),
        ("currency", "r.currency", False),
        ("note", "l.note", True),
    ),
}
EXPORT_COLUMNS = {kind: tuple(header for header, _, _ in columns) for kind, columns in EXPORTS.items()}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run a cell starting so
# What the queries read of each kind's newest versions.
RETURN_COLUMNS = (
    "return_id",
    "order_id",
    "version",
    "created_at",
    "country",
    "method",
    "status",
    "currency",
    "units",
    "item_value",
    "rejected_value",
    "refunded",
    "label_fee",
    "shipping_credit",
)
# A delivery moved to another month leaves a withdrawal of the same version in its old month: of one
# version, the delivery itself ranks first.
DELIVERY_RANK = "version * 2 + CASE WHEN withdrawn THEN 0 ELSE 1 END"
QUANTITY_SLOT = 1_000_000  # above any line's quantity (service.limits.MAX_LINE_QUANTITY)
LINE_COLUMNS = (
    "return_id",
    "line_id",
    "sku",
    "title",
    "category",
    "quantity",
    "reason",
    "note",
    "condition",
    "accepted",
    "item_value",
    "rejected_value",
    "refunded",
)
REFUND_COLUMNS = (
    "refund_id",
    "return_id",
    "order_id",
    "customer_email",
    "payment_reference",
    "refunded",
    "currency",
    "refund_issued_at",
    "label_fee",
    "shipping_credit",
    "refund_clauses",
    "refund_status",
)


@dataclass(frozen=True)
class Window:
    """[start, end) of instants, and the month partitions that hold what it may need."""

    start: datetime
    end: datetime

    @property
    def months(self) -> tuple[str, str]:
        return month_of(self.start), month_of(self.end - timedelta(microseconds=1))


@dataclass
class Query:
    """A SQL text and its positional parameters (strings, in the order of their `?`)."""

    sql: str = ""
    params: list[str] = field(default_factory=list)


class _Builder:
    def __init__(self, window: Window) -> None:
        self.window = window
        self.params: list[str] = []

    def months(self, alias: str = "f") -> str:
        first, last = self.window.months
        self.params += [first, last]
        return f"{alias}.month BETWEEN ? AND ?"

    def within(self, column: str) -> str:
        self.params += [instant(self.window.start), instant(self.window.end)]
        return f"{column} >= ? AND {column} < ?"

    def newest(
        self,
        kind: str,
        keys: tuple[str, ...],
        columns: tuple[str, ...],
        *,
        within: str | None = None,
        condition: str = "",
        rank: str = "version",
    ) -> str:
        """The newest version of each thing of `kind` (facts are a log: every stored version wrote its
        rows, and a redelivery writes them again) in the window's months: one aggregate, each column
        taken from the row of the highest `rank` (max_by: DuckDB and Trino alike), then kept when its
        `within` instant falls in the window and `condition` holds. (Parameters are added in the order
        of their `?` in the text.)"""
        taken = ", ".join(f"max_by({c}, {rank}) AS {c}" for c in columns if c not in keys)
        newest = (
            f"SELECT {', '.join(keys)}, {taken} FROM facts WHERE kind = '{kind}' AND {self.months('facts')} "
            f"GROUP BY {', '.join(keys)}"
        )
        filters = [condition] if condition else []
        if within:
            filters.append(self.within(f"t.{within}"))
        return f"SELECT * FROM ({newest}) t" + (f" WHERE {' AND '.join(filters)}" if filters else "")

    def returns(self) -> str:
        """The newest version of every return created in the window."""
        return f"returns_ AS ({self.newest('return', ('return_id',), RETURN_COLUMNS, within='created_at')})"

    def lines(self, columns: tuple[str, ...]) -> str:
        """The newest version of each requested line (a return keeps its lines; inspection only adds to
        them). Joined to returns_ by who uses it."""
        return f"lines_ AS ({self.newest('line', ('return_id', 'line_id'), columns)})"

    def deliveries(self, key: str) -> str:
        """Units of order lines delivered in the window, by `key` (sku or category) and currency. Each
        (line, key, currency) counts the quantity of its newest row unless that row withdraws it (the
        writer withdraws a delivery that moved, or whose key changed, repeating the old values). The
        newest row's quantity rides in one number, rank × 10^6 + quantity (0 when withdrawn), whose
        max is cheap in both engines. A withdrawal carries the date it withdraws: a line that moved
        out of the window is withdrawn by its newest row inside it."""
        first, last = self.window.months
        self.params += [first, last, instant(self.window.start), instant(self.window.end)]
        packed = (
            f"CAST({DELIVERY_RANK} AS BIGINT) * {QUANTITY_SLOT} "
            "+ CASE WHEN withdrawn THEN 0 ELSE quantity END"
        )
        return (
            f"SELECT {key} AS key, currency, max({packed}) % {QUANTITY_SLOT} AS quantity FROM facts "
            "WHERE kind = 'delivery' AND facts.month BETWEEN ? AND ? AND delivered_at >= ? "
            f"AND delivered_at < ? GROUP BY order_id, line_id, {key}, currency"
        )

    def clauses(self) -> str:
        """The clauses that acted on the newest version of each return in returns_ (a re-priced return
        may name another fee clause than before: the set is the newest version's, repeats removed)."""
        return (
            "clauses_ AS (SELECT DISTINCT f.return_id, f.clause_id FROM facts f JOIN returns_ r ON "
            "f.return_id = r.return_id AND f.version = r.version "
            f"WHERE f.kind = 'clause' AND {self.months()})"
        )


def _key(dimension: Dimension) -> str:
    return {**LINE_KEYS, **RETURN_KEYS, **CLAUSE_KEYS}[dimension]


def delivery_key(group_by: Dimension, then_by: Dimension | None) -> Dimension | None:
    """The dimension whose delivered units the rows carry (SKU before CATEGORY), or None when the rows
    are not about products alone (a country, a status, a clause: delivery means nothing there)."""
    dimensions = {group_by, then_by} - {None}
    if not dimensions <= {Dimension.SKU, Dimension.CATEGORY, Dimension.REASON}:
        return None
    return next((d for d in (Dimension.SKU, Dimension.CATEGORY) if d in dimensions), None)


def insight_query(window: Window, group_by: Dimension, then_by: Dimension | None = None) -> Query:
    """Rows (key, sub_key, currency, returns, units, item_value, rejected_value, refunded, label_fees,
    shipping_credits, delivered_units, as_of) about the returns created in the window, one per key
    (and sub key) and currency, most returns first, at most ROW_LIMIT + 1."""
    b = _Builder(window)
    dimensions = [group_by] + ([then_by] if then_by else [])
    by_line = any(d in LINE_KEYS for d in dimensions)
    by_clause = Dimension.CLAUSE in dimensions
    ctes = [b.returns()]
    if by_line:
        ctes.append(
            b.lines(
                (
                    "return_id",
                    "line_id",
                    "sku",
                    "category",
                    "reason",
                    "quantity",
                    "item_value",
                    "rejected_value",
                )
            )
        )
    if by_clause:
        ctes.append(b.clauses())
    joins = ("JOIN lines_ l ON l.return_id = r.return_id " if by_line else "") + (
        "JOIN clauses_ c ON c.return_id = r.return_id " if by_clause else ""
    )
    sub_key = _key(then_by) if then_by else "CAST(NULL AS VARCHAR)"
    # per key and return: a return counts once in a row; units and values are those of the row's lines
    units, value, rejected = (
        ("sum(l.quantity)", "sum(l.item_value)", "sum(l.rejected_value)")
        if by_line
        else ("max(r.units)", "max(r.item_value)", "max(r.rejected_value)")
    )
    ctes.append(
        f"grain AS (SELECT {_key(group_by)} AS key, {sub_key} AS sub_key, r.currency, r.return_id, "
        f"{units} AS units, {value} AS item_value, {rejected} AS rejected_value, "
        f"max(r.refunded) AS refunded, "
        f"max(r.label_fee) AS label_fee, max(r.shipping_credit) AS shipping_credit "
        f"FROM returns_ r {joins}GROUP BY 1, 2, 3, 4)"
    )
    ctes.append(
        "returned AS (SELECT key, sub_key, currency, count(*) AS returns, sum(units) AS units, "
        "sum(item_value) AS item_value, sum(rejected_value) AS rejected_value, sum(refunded) AS refunded, "
        "sum(label_fee) AS label_fees, sum(shipping_credit) AS shipping_credits FROM grain GROUP BY 1, 2, 3)"
    )
    figures = (
        "returns",
        "units",
        "item_value",
        "rejected_value",
        "refunded",
        "label_fees",
        "shipping_credits",
    )
    delivered_by = delivery_key(group_by, then_by)
    if delivered_by is None:
        select = (
            f"SELECT key, sub_key, currency, {', '.join(figures)}, CAST(NULL AS BIGINT) AS delivered_units "
            "FROM returned"
        )
    else:
        deliveries = b.deliveries(DELIVERY_KEYS[delivered_by])
        ctes.append(f"deliveries_ AS ({deliveries})")
        ctes.append(
            "delivered AS (SELECT key, currency, sum(quantity) AS delivered_units FROM deliveries_ "
            "GROUP BY 1, 2 "
            "HAVING sum(quantity) > 0)"
        )
        on = "d.key = r.key" if delivered_by == group_by else "d.key = r.sub_key"
        if then_by is None:  # products delivered in the window and never returned are rows too
            zero = {"returns": "0", "units": "0"}
            columns = ", ".join(
                f"coalesce(r.{name}, {zero.get(name, NO_MONEY)}) AS {name}" for name in figures
            )
            select = (
                "SELECT coalesce(r.key, d.key) AS key, r.sub_key, "
                "coalesce(r.currency, d.currency) AS currency, "
                f"{columns}, coalesce(d.delivered_units, 0) AS delivered_units FROM returned r "
                f"FULL OUTER JOIN delivered d ON {on} AND d.currency = r.currency"
            )
        else:
            select = (
                f"SELECT r.key, r.sub_key, r.currency, {', '.join('r.' + n for n in figures)}, "
                f"coalesce(d.delivered_units, 0) AS delivered_units FROM returned r "
                f"LEFT JOIN delivered d ON {on} AND d.currency = r.currency"
            )
    ctes.append(f"answer AS ({select})")
    as_of = f"(SELECT max(f.fact_at) FROM facts f WHERE f.kind IN ('return', 'delivery') AND {b.months()})"
    sql = (
        f"WITH {', '.join(ctes)} SELECT a.*, {as_of} AS as_of FROM answer a "
        f"ORDER BY a.returns DESC, a.units DESC, a.key NULLS LAST, a.sub_key NULLS LAST, a.currency "
        f"LIMIT {ROW_LIMIT + 1}"
    )
    return Query(sql, b.params)


def neutral(column: str) -> str:
    """A text cell a spreadsheet shows as text: one starting like a formula gets a leading apostrophe."""
    starts = ", ".join(
        "chr(9)" if c == "\t" else "chr(13)" if c == "\r" else f"'{c}'" for c in FORMULA_STARTS
    )
    return f"CASE WHEN substr({column}, 1, 1) IN ({starts}) THEN '''' || {column} ELSE {column} END"


def _export_select(kind: ExportKind) -> str:
    return ", ".join(
        f"{neutral(source) if text else source} AS {header}" for header, source, text in EXPORTS[kind]
    )


def export_query(window: Window, kind: ExportKind) -> Query:
    """REFUNDS: every refund paid (succeeded) that was issued in the window. RETURN_LINES: every
    requested line of the returns created in the window. Text cells neutralised (FORMULA_STARTS)."""
    b = _Builder(window)
    if kind == ExportKind.REFUNDS:
        paid = "t.refund_status = 'SUCCEEDED' AND t.refund_id NOT LIKE 'none:%'"
        newest = b.newest("refund", ("refund_id",), REFUND_COLUMNS, within="refund_issued_at", condition=paid)
        refunds = f"refunds_ AS ({newest})"
        return Query(
            f"WITH {refunds} SELECT {_export_select(kind)} FROM refunds_ "
            "ORDER BY refund_issued_at, refund_id",
            b.params,
        )
    returns = b.returns()  # first: the parameters follow the text's order
    lines = b.lines(LINE_COLUMNS)
    return Query(
        f"WITH {returns}, {lines} SELECT {_export_select(kind)} FROM lines_ l JOIN returns_ r "
        "ON l.return_id = r.return_id ORDER BY r.created_at, r.return_id, l.line_id",
        b.params,
    )
