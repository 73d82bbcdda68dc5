"""What the web pages look up beside returns: a customer's orders, packages that arrived for unknown
returns, and the refund an inspection settles on (also previewed before the warehouse commits)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import strawberry

from returns_api.context import Info
from returns_api.typed_fields import typed_field
from returns_api.types.connection import Connection
from returns_api.types.money import Money
from returns_api.types.order import Order
from returns_api.types.policy import PolicyClause, clauses
from returns_api.types.user_errors import UserError
from returns_shared.domain import decisions
from returns_shared.domain.customer_names import NamedOrder
from returns_shared.service import ports

if TYPE_CHECKING:
    from returns_shared.policy.document import PolicyDocument


OrderConnection = Connection[Order]


@strawberry.type(description="A customer found by name (agents): one of the names their orders carry, as "
                             "their newest order with it writes it.")
class CustomerMatch:
    name: str = strawberry.field(description="As written on the newest order's shipping or billing address.")
    email: str = strawberry.field(description="The newest order's address: the customer's page is theirs.")
    newest_order_id: strawberry.ID = strawberry.field(description="The newest order under this name.")
    newest_order_placed_at: datetime

    @typed_field(description="The newest order under this name.")
    async def newest_order(self, info: Info) -> Order | None:
        order = await info.context.loaders.orders.load(str(self.newest_order_id))
        return Order.from_domain(order) if order else None

    @classmethod
    def from_domain(cls, named: NamedOrder) -> CustomerMatch:
        return cls(name=named.name, email=named.email, newest_order_id=strawberry.ID(named.order_id),
                   newest_order_placed_at=named.placed_at)


CustomerMatchConnection = Connection[CustomerMatch]


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
