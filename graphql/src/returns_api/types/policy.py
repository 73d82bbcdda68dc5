"""The return policy as the API shows it, and clause ids resolved to their text."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import strawberry

from returns_api.types.enums import ReturnReason

if TYPE_CHECKING:
    from returns_shared.policy.document import PolicyDocument


@strawberry.type
class PolicyClause:
    id: strawberry.ID
    text: str

    @classmethod
    def from_id(cls, policy: PolicyDocument, clause_id: str) -> PolicyClause:
        # A stored decision may cite a clause a later policy version dropped: show the id anyway.
        if not policy.has_clause(clause_id):
            return cls(id=strawberry.ID(clause_id), text=f"(clause {clause_id} of an earlier policy version)")
        clause = policy.clause(clause_id)
        return cls(id=strawberry.ID(clause.id), text=clause.text)


def clauses(policy: PolicyDocument, ids: Iterable[str]) -> list[PolicyClause]:
    return [PolicyClause.from_id(policy, clause_id) for clause_id in dict.fromkeys(ids)]


@strawberry.type
class ReturnPolicy:
    version: str
    clauses: list[PolicyClause]
    return_window_days: int
    non_returnable_categories: list[str]
    refund_processing_days: int
    exchanges_offered: bool
    merchant_responsibility_reasons: list[ReturnReason] = strawberry.field(
        description="Reasons that make a package merchant responsibility (the FEE-*-QUALITY rows): the "
        "warehouse confirms or refutes such a claim at inspection (`defectConfirmed`); left unanswered, "
        "it stands."
    )
    prepaid_label_countries: list[str] = strawberry.field(
        description="LABEL-US: the shipping countries (ISO 3166-1 alpha-2) a prepaid return label is offered "
        "for; from anywhere else the customer ships on their own (Order.returnMethods says it per order)."
    )
    contact_email: str = strawberry.field(
        description="Customer service's address, where the policy sends customers (return requests, "
        "questions, replies to a review): the portal names it."
    )

    @classmethod
    def from_domain(cls, policy: PolicyDocument) -> ReturnPolicy:
        return cls(
            version=policy.version,
            clauses=[PolicyClause(id=strawberry.ID(c.id), text=c.text) for c in policy.clauses],
            return_window_days=policy.return_window_days,
            non_returnable_categories=list(policy.non_returnable_categories),
            refund_processing_days=policy.refund_processing_days,
            exchanges_offered=policy.exchanges_offered,
            merchant_responsibility_reasons=sorted(policy.reasons.merchant_responsibility),
            prepaid_label_countries=sorted(policy.methods.label_countries),
            contact_email=policy.merchant.contact_email,
        )
