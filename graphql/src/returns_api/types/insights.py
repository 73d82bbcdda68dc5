"""The merchant's figures (returnInsights) and the accounting exports (exportReturns), as
docs/spec/insights.md defines them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import strawberry

from returns_api.types.money import Money
from returns_api.types.user_errors import UserError
from returns_shared.insights.queries import Dimension, ExportKind

InsightDimensionEnum = strawberry.enum(
    Dimension,
    name="InsightDimension",
    description="What the rows are grouped by. REASON, CATEGORY and SKU group the requested lines; CLAUSE "
    "the "
    "clauses that decided something for the returns (a fee, a flag, a refusal at inspection, "
    "an expiry, an escalation, a missed refund deadline); MONTH the month of the request (UTC).",
)
ExportKindEnum = strawberry.enum(
    ExportKind,
    name="ExportKind",
    description="REFUNDS: one row per refund paid (succeeded), issued in the period. RETURN_LINES: one row "
    "per "
    "requested line of the returns created in the period.",
)


def _money(amount: object, currency: str) -> Money:
    return Money(amount=Decimal(str(amount)), currency_code=currency)


@strawberry.type(
    description="The figures of the return requests created in the period that fall under `key` "
    "(and `subKey`), in one currency. itemValue: Σ (unit price + unit tax) × quantity "
    "of the requested units, rounded per line as the quote rounds. refunded: paid back "
    "(refunds that succeeded). labelFees: deducted in their settlements. "
    "shippingCredits: paid. A return with lines in several SKUs counts in each SKU's "
    "row; its money (refunded, fees, credits) too."
)
class InsightRow:
    key: str
    sub_key: str | None = strawberry.field(
        description="The `thenBy` dimension's value (null without thenBy)."
    )
    currency: str
    returns: int
    units: int
    item_value: Money
    rejected_value: Money = strawberry.field(
        description="Item value of the lines rejected at inspection "
        "(COND-NEW): what was not refunded for their condition."
    )
    refunded: Money
    label_fees: Money
    shipping_credits: Money
    delivered_units: int | None = strawberry.field(
        description="Units of order lines delivered in the period (per SKU or category; null where delivery "
        "means nothing: country, method, status, month, clause)."
    )
    return_rate: float | None = strawberry.field(
        description="units / deliveredUnits (null: nothing delivered)."
    )

    @classmethod
    def from_answer(cls, row: Mapping[str, Any]) -> InsightRow:
        currency = str(row["currency"])
        return cls(
            key=str(row["key"]) if row["key"] is not None else "",
            sub_key=row.get("subKey"),
            currency=currency,
            returns=int(row["returns"]),
            units=int(row["units"]),
            item_value=_money(row["itemValue"], currency),
            rejected_value=_money(row["rejectedValue"], currency),
            refunded=_money(row["refunded"], currency),
            label_fees=_money(row["labelFees"], currency),
            shipping_credits=_money(row["shippingCredits"], currency),
            delivered_units=row.get("deliveredUnits"),
            return_rate=row.get("returnRate"),
        )


@strawberry.type
class ReturnInsightsPayload:
    rows: list[InsightRow] = strawberry.field(
        default_factory=list, description="Most returns first; at most 1000 (see truncated)."
    )
    as_of: datetime = strawberry.field(
        description="The newest fact included (the start of the period when none "
        "is): changes reach the figures within 15 minutes (locally, "
        "seconds)."
    )
    truncated: bool = strawberry.field(default=False, description="More rows than were answered exist.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ExportPayload:
    url: str | None = strawberry.field(
        default=None, description="A short-lived link to the CSV file (UTF-8, a header row, RFC 4180)."
    )
    rows: int | None = None
    expires_at: datetime | None = strawberry.field(default=None, description="When the link stops working.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)
