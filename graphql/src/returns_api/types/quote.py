"""A quote: what a return would refund, line by line, with the clauses that decided it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry

from returns_api.types.enums import IneligibilityCode, ReturnMethod
from returns_api.types.money import Money
from returns_api.types.policy import PolicyClause, clauses
from returns_shared.domain import decisions

if TYPE_CHECKING:
    from returns_shared.policy.document import PolicyDocument


@strawberry.type
class IneligibilityReason:
    code: IneligibilityCode
    message: str
    clause: PolicyClause

    @classmethod
    def from_domain(cls, reason: decisions.Ineligibility, policy: PolicyDocument) -> IneligibilityReason:
        return cls(
            code=reason.code, message=reason.message, clause=PolicyClause.from_id(policy, reason.clause_id)
        )


def reasons(items: tuple[decisions.Ineligibility, ...], policy: PolicyDocument) -> list[IneligibilityReason]:
    return [IneligibilityReason.from_domain(reason, policy) for reason in items]


@strawberry.type
class QuoteLine:
    order_line_id: strawberry.ID
    quantity: int
    eligible: bool
    reasons: list[IneligibilityReason]
    amount: Money

    @classmethod
    def from_domain(cls, line: decisions.QuoteLine, policy: PolicyDocument) -> QuoteLine:
        return cls(
            order_line_id=strawberry.ID(line.order_line_id),
            quantity=line.quantity,
            eligible=line.eligible,
            reasons=reasons(line.reasons, policy),
            amount=Money.from_domain(line.amount),
        )


@strawberry.type
class ReturnQuote:
    lines: list[QuoteLine]
    items_subtotal: Money
    label_fee: Money
    shipping_credit: Money
    total: Money
    first_return_package: bool
    merchant_responsibility: bool
    methods_available: list[ReturnMethod]
    applied_clauses: list[PolicyClause]
    policy_version: str

    @classmethod
    def from_domain(cls, quote: decisions.Quote, policy: PolicyDocument) -> ReturnQuote:
        return cls(
            lines=[QuoteLine.from_domain(line, policy) for line in quote.lines],
            items_subtotal=Money.from_domain(quote.items_subtotal),
            label_fee=Money.from_domain(quote.label_fee),
            shipping_credit=Money.from_domain(quote.shipping_credit),
            total=Money.from_domain(quote.total),
            first_return_package=quote.first_return_package,
            merchant_responsibility=quote.merchant_responsibility,
            methods_available=list(quote.methods_available),
            applied_clauses=clauses(policy, quote.applied_clauses),
            policy_version=quote.policy_version,
        )
