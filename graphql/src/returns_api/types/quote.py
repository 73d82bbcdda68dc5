"""A quote: what a return would refund, line by line, with the clauses that decided it."""

from __future__ import annotations

import strawberry

from returns_api.types.enums import IneligibilityCode, ReturnMethod
from returns_api.types.money import Money
from returns_api.types.policy import PolicyClause, clauses
from returns_shared.domain import decisions
from returns_shared.policy.document import PolicyDocument  # at run time: a Private field's type


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
    """Converted field by field when selected (lines and clauses only for queries that ask)."""

    source: strawberry.Private[decisions.Quote]
    policy: strawberry.Private[PolicyDocument]

    @classmethod
    def from_domain(cls, quote: decisions.Quote, policy: PolicyDocument) -> ReturnQuote:
        return cls(source=quote, policy=policy)

    @strawberry.field
    def lines(self) -> list[QuoteLine]:
        return [QuoteLine.from_domain(line, self.policy) for line in self.source.lines]

    @strawberry.field
    def items_subtotal(self) -> Money:
        return Money.from_domain(self.source.items_subtotal)

    @strawberry.field
    def label_fee(self) -> Money:
        return Money.from_domain(self.source.label_fee)

    @strawberry.field
    def shipping_credit(self) -> Money:
        return Money.from_domain(self.source.shipping_credit)

    @strawberry.field
    def total(self) -> Money:
        return Money.from_domain(self.source.total)

    @strawberry.field
    def first_return_package(self) -> bool:
        return self.source.first_return_package

    @strawberry.field
    def merchant_responsibility(self) -> bool:
        return self.source.merchant_responsibility

    @strawberry.field
    def methods_available(self) -> list[ReturnMethod]:
        return list(self.source.methods_available)

    @strawberry.field
    def applied_clauses(self) -> list[PolicyClause]:
        return clauses(self.policy, self.source.applied_clauses)

    @strawberry.field
    def policy_version(self) -> str:
        return self.source.policy_version
