"""Query root: reads go straight to the reader (through the per-request loaders)."""

from __future__ import annotations

from functools import partial
from typing import Annotated

import strawberry

from returns_api import validation
from returns_api.context import Info
from returns_api.cost import RETURNS_PAGE_DEFAULT
from returns_api.errors import BadUserInput
from returns_api.insights import InsightQueries
from returns_api.pages import PagedRead, page_start, read_page
from returns_api.permissions import (
    AGENT,
    CUSTOMER,
    ORDER_READERS,
    WAREHOUSE,
    caller_of,
    listing_owner,
    owns,
    public,
    roles,
)
from returns_api.query_lookups import LookupQueries, email_argument
from returns_api.query_messages import MessageQueries
from returns_api.query_photos import PhotoQueries
from returns_api.typed_fields import typed_field
from returns_api.types.connection import ReturnConnection
from returns_api.types.enums import ReturnStatus
from returns_api.types.inputs import ReturnInput
from returns_api.types.order import Order
from returns_api.types.payloads import ReturnQuotePayload
from returns_api.types.policy import ReturnPolicy
from returns_api.types.quote import ReturnQuote
from returns_api.types.returns import Return
from returns_api.types.user_errors import UserError
from returns_shared.domain.errors import DomainError
from returns_shared.domain.orders import customer_key
from returns_shared.domain.returns import Return as DomainReturn
from returns_shared.domain.text import key_problem
from returns_shared.policy.engine import RequestedLine, quote

REVERSE = ("Oldest first instead. With `status: UNDER_REVIEW`: the review queue, longest waiting first "
           "(REVIEW-SLA). Needs `status`, `orderId` or `customerEmail` (customers: always theirs).")


@strawberry.type
class Query(LookupQueries, PhotoQueries, MessageQueries, InsightQueries):
    @typed_field(
        description="Public: the return policy in force, clause by clause.", extensions=public()
    )
    def return_policy(self, info: Info) -> ReturnPolicy:
        return ReturnPolicy.from_domain(info.context.policy)

    @typed_field(extensions=roles(*ORDER_READERS))
    async def order(self, info: Info, id: strawberry.ID) -> Order | None:
        caller = caller_of(info)
        if key_problem(str(id)):
            return None  # cannot be anybody's id (and must not reach DynamoDB's key limits)
        order = await info.context.loaders.orders.load(str(id))
        if order is None or not owns(caller, order.email):
            return None
        return Order.from_domain(order)

    @typed_field(extensions=roles(CUSTOMER, AGENT))
    async def return_quote(self, info: Info, input: ReturnInput) -> ReturnQuotePayload:
        caller = caller_of(info)
        if errors := validation.return_input(input):
            return ReturnQuotePayload(user_errors=errors)
        ctx = info.context
        order = await ctx.loaders.orders.load(str(input.order_id))
        if order is None or not owns(caller, order.email):
            return ReturnQuotePayload(
                user_errors=[UserError.of(f"There is no order {input.order_id}.", "NOT_FOUND",
                                          ["input", "orderId"])]
            )
        prior = await ctx.loaders.returns_of_order.load(order.id)
        requested = [
            RequestedLine(order_line_id=str(line.order_line_id), quantity=line.quantity, reason=line.reason)
            for line in input.lines
        ]
        try:
            decided = quote(order, requested, input.method, prior, policy=ctx.policy, now=ctx.now)
        except DomainError as exc:
            return ReturnQuotePayload(user_errors=[UserError.from_domain(exc, prefix=["input"])])
        return ReturnQuotePayload(quote=ReturnQuote.from_domain(decided, ctx.policy))

    @typed_field(name="return", extensions=roles(CUSTOMER, AGENT, WAREHOUSE))
    async def return_(self, info: Info, id: strawberry.ID) -> Return | None:
        caller = caller_of(info)
        if key_problem(str(id)):
            return None
        ret = await info.context.loaders.returns.load(str(id))
        if ret is None or not owns(caller, ret.customer_email):
            return None
        return Return.from_domain(ret, info.context.policy)

    @typed_field(description="Newest first: by creation, or with `status` alone by the status "
                 "change. Customers see their own returns, staff see all (or one customer's: "
                 "`customerEmail`).", extensions=roles(CUSTOMER, AGENT, WAREHOUSE))
    async def returns(
        self,
        info: Info,
        first: int | None = RETURNS_PAGE_DEFAULT,
        after: str | None = None,
        status: ReturnStatus | None = None,
        order_id: strawberry.ID | None = None,
        customer_email: str | None = None,
        reverse: Annotated[bool, strawberry.argument(description=REVERSE)] = False,
    ) -> ReturnConnection:
        caller = caller_of(info)
        first, start = page_start(first, after)
        if order_id is not None and validation.return_id(str(order_id)):
            raise BadUserInput("`orderId` is not a valid id")
        email_argument(customer_email)
        # Customers are always confined to their own partition, whatever else they ask for.
        owner = listing_owner(caller, customer_email, "returns")
        email = customer_key(owner) if owner is not None else None
        ctx = info.context
        listing = partial(
            ctx.reader.list_returns,
            status=status,
            order_id=str(order_id) if order_id is not None else None,
            customer_email=email,
            oldest_first=reverse,
        )
        page, items = await read_page(ctx.run_blocking, listing, first, start)
        if email is not None and any(ret.customer_email != email for ret in items):
            # Never expected (the reader confines the query); refuse rather than leak.
            raise RuntimeError("the reader listed another customer's return")
        ctx.loaders.prime_returns(items)
        nodes = [Return.from_domain(ret, ctx.policy) for ret in items]
        return ReturnConnection.from_page(start, page, nodes)

    @typed_field(description="Agents: returns whose refund the payment provider refused or failed "
                             "(nothing was paid), oldest failure first. Retry them with retryRefund.",
                 extensions=roles(AGENT))
    async def failed_refunds(
        self, info: Info, first: int | None = RETURNS_PAGE_DEFAULT, after: str | None = None
    ) -> ReturnConnection:
        return await _agents_queue(info, info.context.reader.failed_refunds, first, after)

    @typed_field(description="Agents: approved prepaid returns whose label the carrier refused (no label, "
                             "the customer not shipped yet), oldest refusal first. Retry them with "
                             "retryLabel.",
                 extensions=roles(AGENT))
    async def failed_labels(
        self, info: Info, first: int | None = RETURNS_PAGE_DEFAULT, after: str | None = None
    ) -> ReturnConnection:
        return await _agents_queue(info, info.context.reader.failed_labels, first, after)


async def _agents_queue(info: Info, listing: PagedRead[DomainReturn], first: int | None,
                        after: str | None) -> ReturnConnection:
    """One page of an agents' queue of returns (failed refunds, refused labels), as a connection."""
    first, start = page_start(first, after)
    ctx = info.context
    page, items = await read_page(ctx.run_blocking, listing, first, start)
    ctx.loaders.prime_returns(items)
    return ReturnConnection.from_page(start, page, [Return.from_domain(ret, ctx.policy) for ret in items])
