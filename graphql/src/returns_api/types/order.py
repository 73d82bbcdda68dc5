"""Orders as recorded by the order feed, with per-line returnability and the order's returns."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from returns_api.context import Info
from returns_api.cost import MAX_PAGE, ORDER_RETURNS_DEFAULT
from returns_api.errors import BadUserInput
from returns_api.permissions import AGENT, CUSTOMER, WAREHOUSE, roles
from returns_api.typed_fields import typed_field
from returns_api.types.enums import ReturnMethod
from returns_api.types.money import Money
from returns_api.types.quote import IneligibilityReason, reasons
from returns_shared.domain import decisions
from returns_shared.domain import orders as domain
from returns_shared.policy.engine import methods_available, returnability

if TYPE_CHECKING:
    from returns_api.types.returns import Return
    from returns_shared.policy.document import PolicyDocument


@strawberry.type
class Address:
    name: str
    line1: str
    line2: str | None
    city: str
    region: str | None
    postal_code: str
    country_code: str
    phone: str | None

    @classmethod
    def from_domain(cls, address: domain.Address) -> Address:
        return cls(
            name=address.name,
            line1=address.line1,
            line2=address.line2,
            city=address.city,
            region=address.region,
            postal_code=address.postal_code,
            country_code=address.country_code,
            phone=address.phone,
        )


@strawberry.type
class OrderLine:
    id: strawberry.ID
    sku: str
    title: str
    category: str
    quantity: int
    unit_price: Money
    unit_tax: Money
    delivered_at: datetime | None
    set_id: str | None
    free_gift: bool
    non_returnable: bool

    @classmethod
    def from_domain(cls, line: domain.OrderLine) -> OrderLine:
        return cls(
            id=strawberry.ID(line.id),
            sku=line.sku,
            title=line.title,
            category=line.category,
            quantity=line.quantity,
            unit_price=Money.from_domain(line.unit_price),
            unit_tax=Money.from_domain(line.unit_tax),
            delivered_at=line.delivered_at,
            set_id=line.set_id,
            free_gift=line.free_gift,
            non_returnable=line.non_returnable,
        )


@strawberry.type
class LineReturnability:
    order_line_id: strawberry.ID
    eligible: bool
    returnable_quantity: int
    return_deadline: datetime | None
    reasons: list[IneligibilityReason]

    @classmethod
    def from_domain(cls, item: decisions.LineReturnability, policy: PolicyDocument) -> LineReturnability:
        return cls(
            order_line_id=strawberry.ID(item.order_line_id),
            eligible=item.eligible,
            returnable_quantity=item.returnable_quantity,
            return_deadline=item.return_deadline,
            reasons=reasons(item.reasons, policy),
        )


@strawberry.type
class Order:
    """Addresses, fee and lines are converted by their resolvers when a query selects them (a page of
    returns showing each one's order id converts none of them)."""

    id: strawberry.ID
    email: str
    placed_at: datetime
    currency_code: str
    locale: str | None = strawberry.field(description="The customer's locale as recorded (BCP 47), or null.")
    source: strawberry.Private[domain.Order]

    @classmethod
    def from_domain(cls, order: domain.Order) -> Order:
        return cls(id=strawberry.ID(order.id), email=order.email, placed_at=order.placed_at,
                   currency_code=order.currency, locale=order.locale, source=order)

    @strawberry.field
    def shipping_address(self) -> Address:
        return Address.from_domain(self.source.shipping_address)

    @strawberry.field
    def billing_address(self) -> Address:
        return Address.from_domain(self.source.billing_address)

    @strawberry.field
    def shipping_fee(self) -> Money:
        return Money.from_domain(self.source.shipping_fee)

    @strawberry.field
    def lines(self) -> list[OrderLine]:
        return [OrderLine.from_domain(line) for line in self.source.lines]

    @typed_field(description="How a return of this order may be sent (LABEL-US: a prepaid label only to the "
                             "policy's prepaidLabelCountries; shipping on one's own always).")
    def return_methods(self, info: Info) -> list[ReturnMethod]:
        return list(methods_available(self.source.shipping_address.country_code, policy=info.context.policy))

    @strawberry.field
    async def returnability(self, info: Info) -> list[LineReturnability]:
        ctx = info.context
        prior = await ctx.loaders.returns_of_order.load(self.source.id)
        decided = returnability(self.source, prior, policy=ctx.policy, now=ctx.now)
        return [LineReturnability.from_domain(item, ctx.policy) for item in decided]

    @typed_field(description="The order's first returns, oldest first (`first` ≤ 100); page through all "
                 "of them with `returns(orderId:)`.",
                 extensions=roles(CUSTOMER, AGENT, WAREHOUSE))  # the order feed reads orders only
    async def returns(
        self, info: Info, first: int = ORDER_RETURNS_DEFAULT
    ) -> list[Annotated[Return, strawberry.lazy("returns_api.types.returns")]]:
        from returns_api.types.returns import Return  # circular: Return.order is an Order

        if not 1 <= first <= MAX_PAGE:  # capped: a nested list must not fan out without bound
            raise BadUserInput(f"`first` must be between 1 and {MAX_PAGE}")
        found = await info.context.loaders.returns_of_order.load(self.source.id)
        return [Return.from_domain(ret, info.context.policy) for ret in found[:first]]
