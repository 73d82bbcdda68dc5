"""The fact schema (versioned) and the rows a change of a return or an order leaves behind.

Facts are an append-only log: every stored version of a return (or of an order) writes its rows again,
stamped with that version; queries read the newest version of each thing. So a redelivered stream
record or a second backfill only repeats rows that are already there, never counts anything twice.

One table, partitioned by `kind` and `month` (yyyy-MM, UTC):

kind      one row per ...                               month of ...
return    return version                                the return's creation
line      requested line of a return version            the return's creation
clause    clause that acted on a return version         the return's creation
refund    return version that holds a refund           the refund's issue
delivery  delivered order line of an order version      the line's delivery (a moved delivery also
                                                        withdraws the line from its old month)

Money columns are decimal(18,2) (exact); instants are ISO 8601 UTC strings of fixed width, which sort
and compare as time in every engine. Bump FACT_SCHEMA_VERSION with any change of a column's meaning,
and rebuild the files with the backfill (README "Insights").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from returns_shared.domain.money import Money
from returns_shared.domain.orders import Order
from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import RefundStatus, ReturnStatus
from returns_shared.policy.document import PolicyDocument

FACT_SCHEMA_VERSION = 1
KINDS = ("return", "line", "clause", "refund", "delivery")
ZERO = Decimal("0.00")

Row = dict[str, Any]  # one fact row: column name -> str | int | bool | Decimal | None, plus kind and month


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # the Glue (Hive) type; the local files use the same types (adapters map them)
    kinds: str  # which kinds fill it ("all", or a list)
    meaning: str


PARTITION_KEYS = (
    Column("kind", "string", "all", "which fact: return, line, clause, refund, delivery"),
    Column(
        "month",
        "string",
        "all",
        "yyyy-MM (UTC) of the return's creation; refund: of the refund's issue; "
        "delivery: of the line's delivery",
    ),
)
COLUMNS = (
    Column("schema_version", "int", "all", "FACT_SCHEMA_VERSION of the code that wrote the row"),
    Column("return_id", "string", "return line clause refund", "the RMA"),
    Column("order_id", "string", "all", "the order"),
    Column("line_id", "string", "line delivery", "the order line"),
    Column(
        "version",
        "bigint",
        "all",
        "version of the stored return (order, for delivery) the row was made from; queries read the newest",
    ),
    Column("fact_at", "string", "all", "instant of the newest change the row reflects (freshness, asOf)"),
    Column("created_at", "string", "return line clause refund", "the return request's creation"),
    Column("customer_email", "string", "return refund", "the customer (the order's email, as keyed)"),
    Column("country", "string", "return delivery", "the order's shipping country (ISO 3166-1 alpha-2)"),
    Column("method", "string", "return", "PREPAID_LABEL or SELF_SHIP"),
    Column("status", "string", "return", "the return's status"),
    Column("currency", "string", "all but clause", "ISO 4217 currency of the order"),
    Column("units", "int", "return", "units requested"),
    Column(
        "item_value",
        "decimal(18,2)",
        "return line",
        "Σ round_half_even((unit price + unit tax) × quantity) of the requested units (the quote's lines)",
    ),
    Column(
        "rejected_value",
        "decimal(18,2)",
        "return line",
        "item value of lines rejected at inspection (COND-NEW)",
    ),
    Column(
        "refunded",
        "decimal(18,2)",
        "return line refund",
        "paid back (a refund that succeeded); line: the accepted line's amount in a paid settlement; "
        "refund: the refund's amount whatever its status",
    ),
    Column("label_fee", "decimal(18,2)", "return refund", "label fee deducted in the settlement"),
    Column(
        "shipping_credit",
        "decimal(18,2)",
        "return refund",
        "shipping credit paid (with a refund that succeeded)",
    ),
    Column("refund_id", "string", "return refund", "the payment provider's refund id (Stripe re_...)"),
    Column(
        "refund_status", "string", "return refund", "PENDING, SUCCEEDED, FAILED, REQUIRES_ACTION, CANCELED"
    ),
    Column("refund_issued_at", "string", "return refund", "when the refund was issued"),
    Column("payment_reference", "string", "return refund", "the order's payment (Stripe pi_... or ch_...)"),
    Column("refund_clauses", "string", "refund", "the refund's clause ids, space-separated"),
    Column("screening_outcome", "string", "return", "PASS or REVIEW (empty before screening)"),
    Column("sku", "string", "line delivery", "the order line's SKU"),
    Column("title", "string", "line", "the order line's title"),
    Column("category", "string", "line delivery", "the order line's category (upper case)"),
    Column("quantity", "int", "line delivery", "units of the line (requested; delivery: delivered)"),
    Column("reason", "string", "line", "the customer's reason code"),
    Column("note", "string", "line", "the customer's note on the line"),
    Column("condition", "string", "line", "condition found at inspection"),
    Column("accepted", "boolean", "line", "accepted at inspection (empty before)"),
    Column("clause_id", "string", "clause", "a clause that acted on the return"),
    Column(
        "clause_role", "string", "clause", "what it did: fee, flag, refusal, expiry, escalation, deadline"
    ),
    Column("delivered_at", "string", "delivery", "when the line was delivered"),
    Column(
        "withdrawn",
        "boolean",
        "delivery",
        "true: the line's delivery moved out of this month (or was removed)",
    ),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)


def instant(at: datetime) -> str:
    """The one text form of an instant in facts: UTC, microseconds, Z (fixed width: sorts as time)."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def month_of(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m")


def _row(kind: str, month: str, **values: Any) -> Row:
    unknown = set(values) - set(COLUMN_NAMES)
    if unknown:
        raise KeyError(f"not fact columns: {sorted(unknown)}")
    return {
        "kind": kind,
        "month": month,
        **dict.fromkeys(COLUMN_NAMES),
        "schema_version": FACT_SCHEMA_VERSION,
        **values,
    }


def _amount(money: Money | None) -> Decimal:
    return money.amount.quantize(ZERO) if money is not None else ZERO


def fee_clauses(policy: PolicyDocument) -> frozenset[str]:
    """The clauses that price a return package (one of them prices every settled or quoted return)."""
    return frozenset(case.clause for region in policy.fees.regions for case in region.cases)


def acting_clauses(ret: Return, policy: PolicyDocument) -> list[tuple[str, str]]:
    """(clause id, role) of every clause that decided something for this return: the fee clause that
    priced it, each screening flag, COND-NEW when inspection rejected a line, EXPIRE-APPROVED,
    REVIEW-SLA's escalation and REFUND-7D's breach. Clauses every quote cites (REFUND-AMOUNT,
    REFUND-SHIPPING, ...) decide nothing of their own and are left out."""
    pricing = ret.settlement.quote if ret.settlement else ret.quote
    fees = fee_clauses(policy)
    found = [(clause, "fee") for clause in pricing.applied_clauses if clause in fees]
    found += [(flag.clause_id, "flag") for flag in (ret.screening.flags if ret.screening else ())]
    if any(line.accepted is False for line in ret.lines):
        found.append(("COND-NEW", "refusal"))
    if ret.status == ReturnStatus.EXPIRED:
        found.append(("EXPIRE-APPROVED", "expiry"))
    if ret.review_escalated_at is not None:
        found.append(("REVIEW-SLA", "escalation"))
    if ret.sla_breached_at is not None:
        found.append(("REFUND-7D", "deadline"))
    return list(dict.fromkeys(found))  # a clause flagged twice acts once


def return_facts(ret: Return, order: Order, policy: PolicyDocument) -> list[Row]:
    """The rows of one stored version of a return (its order gives SKUs, titles, country, currency)."""
    month = month_of(ret.created_at)
    base = {
        "return_id": ret.id,
        "order_id": ret.order_id,
        "version": ret.version,
        "fact_at": instant(max(event.at for event in ret.timeline)),
        "created_at": instant(ret.created_at),
    }
    values = {line.order_line_id: _amount(line.amount) for line in ret.quote.lines}
    refund = ret.refund
    paid = refund is not None and refund.status == RefundStatus.SUCCEEDED
    settled = ret.settlement.quote if ret.settlement else None
    settled_lines = {line.order_line_id: _amount(line.amount) for line in settled.lines} if settled else {}
    label_fee = _amount(settled.label_fee) if settled else ZERO
    credit = _amount(settled.shipping_credit) if settled and paid else ZERO
    rejected = sum(
        (values.get(line.order_line_id, ZERO) for line in ret.lines if line.accepted is False), ZERO
    )
    refund_values = (
        {
            "refund_id": refund.id,
            "refund_status": refund.status.value,
            "refund_issued_at": instant(refund.issued_at),
            "payment_reference": refund.payment_reference,
        }
        if refund
        else {}
    )
    rows = [
        _row(
            "return",
            month,
            **base,
            customer_email=ret.customer_email,
            country=order.shipping_address.country_code,
            method=ret.method.value,
            status=ret.status.value,
            currency=order.currency,
            units=sum(line.quantity for line in ret.lines),
            item_value=sum((values.get(line.order_line_id, ZERO) for line in ret.lines), ZERO),
            rejected_value=rejected,
            refunded=_amount(refund.amount) if refund and paid else ZERO,
            label_fee=label_fee,
            shipping_credit=credit,
            screening_outcome=ret.screening.outcome if ret.screening else None,
            **refund_values,
        )
    ]
    for line in ret.lines:
        order_line = order.line(line.order_line_id)
        value = values.get(line.order_line_id, ZERO)
        rows.append(
            _row(
                "line",
                month,
                **base,
                line_id=line.order_line_id,
                currency=order.currency,
                sku=order_line.sku if order_line else None,
                title=order_line.title if order_line else None,
                category=order_line.category if order_line else None,
                quantity=line.quantity,
                reason=line.reason.value,
                note=line.note,
                condition=line.condition.value if line.condition else None,
                accepted=line.accepted,
                item_value=value,
                rejected_value=value if line.accepted is False else ZERO,
                refunded=settled_lines.get(line.order_line_id, ZERO) if paid and line.accepted else ZERO,
            )
        )
    rows += [
        _row("clause", month, **base, clause_id=clause, clause_role=role)
        for clause, role in acting_clauses(ret, policy)
    ]
    if refund is not None:
        rows.append(
            _row(
                "refund",
                month_of(refund.issued_at),
                **base,
                customer_email=ret.customer_email,
                currency=refund.amount.currency,
                refunded=_amount(refund.amount),
                label_fee=label_fee,
                shipping_credit=_amount(settled.shipping_credit) if settled else ZERO,
                refund_clauses=" ".join(refund.applied_clauses),
                **refund_values,
            )
        )
    return rows


def delivery_facts(order: Order, version: int, *, before: Order | None = None) -> list[Row]:
    """The delivered lines of one stored version of an order, and the withdrawals of what `before` (the
    version before it) said that no longer holds: a delivery moved to another month, a line removed or
    undelivered, or its SKU, category or currency changed. A withdrawal repeats the old values, so that
    the newest row of every (line, month, SKU, category, currency) says whether it still counts."""
    base = {
        "order_id": order.id,
        "version": version,
        "currency": order.currency,
        "country": order.shipping_address.country_code,
        "fact_at": instant(order.recorded_at or order.placed_at),
    }
    rows: list[Row] = []
    now: dict[str, tuple[str, str, str, str]] = {}  # line -> (month, sku, category, currency) it counts under
    for line in order.lines:
        if line.delivered_at is None:
            continue
        now[line.id] = (month_of(line.delivered_at), line.sku, line.category, order.currency)
        rows.append(
            _row(
                "delivery",
                now[line.id][0],
                **base,
                line_id=line.id,
                sku=line.sku,
                category=line.category,
                quantity=line.quantity,
                delivered_at=instant(line.delivered_at),
                withdrawn=False,
            )
        )
    old_currency = before.currency if before else order.currency
    for line in before.lines if before else ():
        if line.delivered_at is None:
            continue
        was = (month_of(line.delivered_at), line.sku, line.category, old_currency)
        if now.get(line.id) != was:
            rows.append(
                _row(
                    "delivery",
                    was[0],
                    **{**base, "currency": old_currency},
                    line_id=line.id,
                    sku=line.sku,
                    category=line.category,
                    quantity=0,
                    delivered_at=instant(line.delivered_at),
                    withdrawn=True,
                )
            )
    return rows


def partitions(rows: Iterable[Row]) -> dict[tuple[str, str], list[Row]]:
    """Rows by (kind, month): the files they go to."""
    grouped: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        grouped.setdefault((row["kind"], row["month"]), []).append(row)
    return grouped
