"""What the web pages look up beside returns: a customer's orders, packages that arrived for unknown
returns, and the refund an inspection settles on (also previewed before the warehouse commits)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import strawberry

from returns_api.types.connection import Connection
from returns_api.types.money import Money
from returns_api.types.order import Order
from returns_api.types.policy import PolicyClause, clauses
from returns_api.types.user_errors import UserError
from returns_shared.domain import decisions
from returns_shared.service import ports

if TYPE_CHECKING:
    from returns_shared.policy.document import PolicyDocument


OrderConnection = Connection[Order]


@strawberry.type(description="A package the warehouse scanned for no approved return (REQ-FIRST).")
class UnknownPackage:
    scanned: str = strawberry.field(description="The RMA or number scanned or typed at the warehouse.")
    reason: str
    scanned_by: str
    at: datetime

    @classmethod
    def from_domain(cls, package: ports.UnknownPackage) -> UnknownPackage:
        return cls(
            scanned=package.return_id, reason=package.reason, scanned_by=package.scanned_by, at=package.at
        )


UnknownPackageConnection = Connection[UnknownPackage]


@strawberry.type(description="The refund an inspection decided: accepted lines re-priced (COND-NEW).")
class Settlement:
    amount: Money
    accepted_line_ids: list[strawberry.ID]
    items_subtotal: Money
    label_fee: Money
    shipping_credit: Money
    applied_clauses: list[PolicyClause]

    @classmethod
    def from_domain(cls, settlement: decisions.Settlement, policy: PolicyDocument) -> Settlement:
        return cls(
            amount=Money.from_domain(settlement.amount),
            accepted_line_ids=[strawberry.ID(line_id) for line_id in settlement.accepted_line_ids],
            items_subtotal=Money.from_domain(settlement.quote.items_subtotal),
            label_fee=Money.from_domain(settlement.quote.label_fee),
            shipping_credit=Money.from_domain(settlement.quote.shipping_credit),
            applied_clauses=clauses(policy, settlement.applied_clauses),
        )


@strawberry.type
class InspectionPreviewPayload:
    settlement: Settlement | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
