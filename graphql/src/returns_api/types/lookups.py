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
from returns_api.types.returns import InspectionPhoto, Return
from returns_api.types.user_errors import UserError
from returns_shared.domain import decisions
from returns_shared.domain.customer_names import MIN_SEARCH_CHARACTERS, NamedOrder, name_key
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


@strawberry.type(description="A package the warehouse refused for no approved return (REQ-FIRST), with what "
                             "it could read on it (each optional).")
class UnknownPackage:
    id: strawberry.ID
    scanned: str = strawberry.field(description="The RMA or number scanned or typed at the warehouse.")
    reason: str = strawberry.field(description="Why it was refused, in a sentence.")
    scanned_by: str = strawberry.field(description="Who refused it (role:address).")
    at: datetime
    sender_name: str | None = strawberry.field(description="The sender as the label names them.")
    sender_address: str | None = strawberry.field(description="The sender's address as on the label.")
    carrier: str | None = strawberry.field(description="The carrier of the label the warehouse saw.")
    tracking_number: str | None = strawberry.field(description="The carrier label's number as seen.")
    note: str | None = strawberry.field(description="What else the warehouse noted.")
    photos: list[InspectionPhoto] = strawberry.field(description="Photos of the package (short-lived links).")
    matched_return_id: strawberry.Private[str | None]

    @typed_field(description="The return the scan names, when it names one (declined, canceled, expired or "
                             "not approved yet): its customer is the sender to contact.")
    async def matched_return(self, info: Info) -> Return | None:
        if self.matched_return_id is None:
            return None
        ret = await info.context.loaders.returns.load(self.matched_return_id)
        return Return.from_domain(ret, info.context.policy) if ret else None

    @typed_field(description="Customers whose orders carry the sender's name (as customersByName finds "
                             "them), alphabetical; none without a sender's name.")
    async def sender_matches(self, info: Info, first: int = 3) -> list[CustomerMatch]:
        if not self.sender_name or len(name_key(self.sender_name)) < MIN_SEARCH_CHARACTERS:
            return []
        first = max(1, min(first, 10))
        page = await info.context.run_blocking(info.context.reader.customers_named, name=self.sender_name,
                                               first=first, after=None)
        return [CustomerMatch.from_domain(named) for named in page.items]

    @classmethod
    def from_domain(cls, package: ports.UnknownPackage) -> UnknownPackage:
        return cls(
            id=strawberry.ID(package.id), scanned=package.return_id, reason=package.reason,
            scanned_by=package.scanned_by, at=package.at, sender_name=package.sender_name,
            sender_address=package.sender_address, carrier=package.carrier,
            tracking_number=package.tracking_number, note=package.note,
            photos=[InspectionPhoto(content_type=photo.content_type, object_key=photo.object_key)
                    for photo in package.photos],
            matched_return_id=package.matched_return_id,
        )


@strawberry.type
class RecordUnknownPackagePayload:
    unknown_package: UnknownPackage | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


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
