"""The agents' reads of the customer-service conversation: the inbox, one message, a customer's view
(orders, returns, mail) and the review queue (who waits, REVIEW-SLA first)."""

from __future__ import annotations

import asyncio
from functools import partial

import strawberry

from returns_api.context import Info
from returns_api.pages import page_start, read_page
from returns_api.permissions import AGENT, roles
from returns_api.query_lookups import email_argument
from returns_api.typed_fields import typed_field
from returns_api.types.connection import ReturnConnection
from returns_api.types.customer import Customer
from returns_api.types.messages import Message, MessageConnection
from returns_api.types.returns import Return
from returns_shared.domain.orders import customer_key
from returns_shared.domain.text import key_problem

PAGE_DEFAULT = 20


@strawberry.type
class MessageQueries:
    @typed_field(description="Agents: customer mail that joined no return's conversation, newest first; "
                 "unhandled only unless `includeHandled`.", extensions=roles(AGENT))
    async def inbox(self, info: Info, first: int | None = PAGE_DEFAULT, after: str | None = None,
                    include_handled: bool | None = False) -> MessageConnection:
        first, start = page_start(first, after)
        ctx = info.context
        listing = partial(ctx.reader.inbox, include_handled=bool(include_handled))
        page, items = await read_page(ctx.run_blocking, listing, first, start)
        return MessageConnection.from_page(start, page, [Message.from_domain(m) for m in items])

    @typed_field(description="Agents: one message by id.", extensions=roles(AGENT))
    async def message(self, info: Info, id: strawberry.ID) -> Message | None:
        if key_problem(str(id)):
            return None
        found = await info.context.run_blocking(info.context.reader.get_message, str(id))
        return Message.from_domain(found) if found is not None and found.delivered else None

    @typed_field(description="Agents: a customer by email address (compared as the service compares "
                 "identities): their orders, returns and mail; null when the address has none of them.",
                 extensions=roles(AGENT))
    async def customer(self, info: Info, email: str) -> Customer | None:
        email_argument(email, "email")
        ctx = info.context
        reader, key = ctx.reader, customer_key(email)
        orders, returns, mail = await asyncio.gather(
            ctx.run_blocking(reader.list_orders, customer_email=key, first=1, after=None),
            ctx.run_blocking(reader.list_returns, customer_email=key, first=1, after=None),
            ctx.run_blocking(reader.mail_from, email=key, first=1, after=None),
        )
        if not (orders.items or returns.items or mail.items):
            return None
        newest = orders.items[0] if orders.items else None
        return Customer(email=newest.email if newest else email.strip(),
                        name=newest.shipping_address.name if newest else None, key=key)

    @typed_field(description="Agents: the returns under review, those whose customer replied (waiting for an "
                 "agent) first, each group by REVIEW-SLA deadline, earliest first.", extensions=roles(AGENT))
    async def review_queue(self, info: Info, first: int | None = PAGE_DEFAULT,
                           after: str | None = None) -> ReturnConnection:
        first, start = page_start(first, after)
        ctx = info.context
        page, items = await read_page(ctx.run_blocking, ctx.reader.review_queue, first, start)
        ctx.loaders.prime_returns(items)
        return ReturnConnection.from_page(start, page, [Return.from_domain(ret) for ret in items])
