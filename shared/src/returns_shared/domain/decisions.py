"""What the policy engine decides, as domain values (a Return records its quote, screening and
settlement). Every decision names the clause ids it applied."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from returns_shared.domain.money import Money
from returns_shared.domain.vocabulary import IneligibilityCode, ReturnMethod


class Ineligibility(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: IneligibilityCode
    clause_id: str
    message: str


class LineReturnability(BaseModel):
    """Per order line, independent of any request (never SET_INCOMPLETE)."""

    model_config = ConfigDict(frozen=True)

    order_line_id: str
    eligible: bool
    returnable_quantity: int
    return_deadline: datetime | None
    reasons: tuple[Ineligibility, ...] = ()


class QuoteLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    order_line_id: str
    quantity: int
    eligible: bool
    reasons: tuple[Ineligibility, ...] = ()
    amount: Money  # round_half_even((unit price + unit tax) x quantity), zero when ineligible


class Quote(BaseModel):
    model_config = ConfigDict(frozen=True)

    lines: tuple[QuoteLine, ...]
    items_subtotal: Money
    label_fee: Money
    shipping_credit: Money
    total: Money
    first_return_package: bool
    merchant_responsibility: bool
    methods_available: tuple[ReturnMethod, ...]
    applied_clauses: tuple[str, ...]
    policy_version: str

    @property
    def all_eligible(self) -> bool:
        return all(line.eligible for line in self.lines)


class ScreeningFlag(BaseModel):
    model_config = ConfigDict(frozen=True)

    clause_id: str
    message: str


class ScreeningResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    outcome: str  # PASS or REVIEW
    flags: tuple[ScreeningFlag, ...] = ()
    policy_version: str

    @property
    def passed(self) -> bool:
        return self.outcome == "PASS"


class RefundDeadlines(BaseModel):
    model_config = ConfigDict(frozen=True)

    refund_due_at: datetime
    refund_expected_by: datetime
    reminder_at: datetime  # when the deadline workflow checks and alerts if still unrefunded
    applied_clauses: tuple[str, ...]


class Settlement(BaseModel):
    """The refund recomputed after inspection: rejected lines out, responsibility re-judged."""

    model_config = ConfigDict(frozen=True)

    accepted_line_ids: tuple[str, ...]
    quote: Quote  # the quote recomputed over the accepted lines
    amount: Money
    applied_clauses: tuple[str, ...]
