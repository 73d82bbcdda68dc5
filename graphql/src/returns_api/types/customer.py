"""The console's customer view: one address's orders, returns and mail (agents)."""

from __future__ import annotations

from functools import partial

import strawberry

from returns_api.context import Info
from returns_api.pages import page_start, read_page
from returns_api.typed_fields import typed_field
from returns_api.types.connection import ReturnConnection
from returns_api.types.lookups import OrderConnection
from returns_api.types.messages import Message, MessageConnection
from returns_api.types.order import Order
from returns_api.types.returns import Return


@strawberry.type(description="A customer as customer service sees them (agents).")
class Customer:
    email: str
    name: str | None = strawberry.field(description="From their newest order's shipping address.")
    key: strawberry.Private[str]  # the comparison key of the address (indexes)

    @typed_field(description="Newest first, with each line's returnability as the portal shows it.")
    async def orders(self, info: Info, first: int | None = 20, after: str | None = None) -> OrderConnection:
        first, start = page_start(first, after)
        ctx = info.context
        listing = partial(ctx.reader.list_orders, customer_email=self.key)
        page, items = await read_page(ctx.run_blocking, listing, first, start)
        for order in items:
            ctx.loaders.orders.prime(order.id, order)
        return OrderConnection.from_page(start, page, [Order.from_domain(order) for order in items])

    @typed_field(description="Newest first.")
    async def returns(self, info: Info, first: int | None = 20, after: str | None = None) -> ReturnConnection:
        first, start = page_start(first, after)
        ctx = info.context
        listing = partial(ctx.reader.list_returns, customer_email=self.key)
        page, items = await read_page(ctx.run_blocking, listing, first, start)
        ctx.loaders.prime_returns(items)
        return ReturnConnection.from_page(start, page, [Return.from_domain(ret) for ret in items])

    @typed_field(description="What this address wrote to customer service (the inbox's mail and that "
                             "which joined a return), newest first.")
    async def messages(self, info: Info, first: int | None = 20,
                       after: str | None = None) -> MessageConnection:
        first, start = page_start(first, after)
        ctx = info.context
        page, items = await read_page(ctx.run_blocking, partial(ctx.reader.mail_from, email=self.key),
                                      first, start)
        return MessageConnection.from_page(start, page, [Message.from_domain(m) for m in items])
