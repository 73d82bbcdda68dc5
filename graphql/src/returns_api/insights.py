"""returnInsights and exportReturns: sent to the insights function (Athena's rights are its alone; the
gateway holds none), for the merchant and agents only (the command declarations' roles)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from returns_api.commands import send
from returns_api.context import Info
from returns_api.permissions import caller_of, sends
from returns_api.scalars import serialize_datetime
from returns_api.typed_fields import typed_field, typed_mutation
from returns_api.types.insights import ExportPayload, InsightRow, ReturnInsightsPayload
from returns_shared.insights.queries import Dimension, ExportKind
from returns_shared.service import catalog

From = Annotated[datetime, strawberry.argument(name="from", description="Start of the period (included).")]
To = Annotated[datetime, strawberry.argument(description="End of the period (excluded).")]


def _window(start: datetime, end: datetime) -> dict[str, Any]:
    return {"from": serialize_datetime(start), "to": serialize_datetime(end)}


@strawberry.type
class InsightQueries:
    @typed_field(
        description="Merchant and agents: figures of the return requests created in [from, to) "
        "(docs/spec/insights.md), grouped by `groupBy` (and `thenBy`, e.g. SKU then "
        "REASON: why each product comes back).",
        extensions=sends(catalog.RETURN_INSIGHTS),
    )
    async def return_insights(
        self, info: Info, from_: From, to: To, group_by: Dimension, then_by: Dimension | None = None
    ) -> ReturnInsightsPayload:
        payload = {
            **_window(from_, to),
            "groupBy": group_by.value,
            "thenBy": then_by.value if then_by else None,
        }
        answer = await send(info, caller_of(info), catalog.RETURN_INSIGHTS, payload)
        if answer.user_errors:
            return ReturnInsightsPayload(as_of=from_, user_errors=answer.user_errors)
        return ReturnInsightsPayload(
            rows=[InsightRow.from_answer(row) for row in answer.data["rows"]],
            as_of=datetime.fromisoformat(str(answer.data["asOf"])),
            truncated=bool(answer.data.get("truncated")),
        )


@strawberry.type
class InsightMutations:
    @typed_mutation(
        description="Merchant and agents: a CSV file for accounting (REFUNDS: refunds paid, issued "
        "in [from, to); RETURN_LINES: the lines of the returns created in it) behind a "
        "link that works for a few minutes. Text that a spreadsheet would run as a "
        "formula is written with a leading apostrophe.",
        extensions=sends(catalog.EXPORT_RETURNS),
    )
    async def export_returns(self, info: Info, from_: From, to: To, kind: ExportKind) -> ExportPayload:
        answer = await send(
            info, caller_of(info), catalog.EXPORT_RETURNS, {**_window(from_, to), "kind": kind.value}
        )
        if answer.user_errors:
            return ExportPayload(user_errors=answer.user_errors)
        return ExportPayload(
            url=str(answer.data["url"]),
            rows=int(answer.data["rows"]),
            expires_at=datetime.fromisoformat(str(answer.data["expiresAt"])),
        )
