"""Queries of the web pages beside the returns themselves: a customer's orders (portal), lookups by
tracking number and the unknown packages (console, warehouse), the inspection preview (warehouse)."""

from __future__ import annotations

from functools import partial

import strawberry

from returns_api import validation
from returns_api.context import Info
from returns_api.errors import BadUserInput
from returns_api.pages import page_start, read_page
from returns_api.permissions import AGENT, CUSTOMER, WAREHOUSE, caller_of, listing_owner, owns, roles
from returns_api.typed_fields import typed_field
from returns_api.types.inputs import InspectionLineInput
from returns_api.types.lookups import (
    CustomerMatch,
    CustomerMatchConnection,
    InspectionPreviewPayload,
    OrderConnection,
    Settlement,
    UnknownPackage,
    UnknownPackageConnection,
)
from returns_api.types.order import Order
from returns_api.types.returns import Return
from returns_api.types.user_errors import UserError
from returns_shared.domain.customer_names import MIN_SEARCH_CHARACTERS, name_key
from returns_shared.domain.errors import DomainError
from returns_shared.domain.vocabulary import STATUS_WORDS, ReturnStatus
from returns_shared.policy.engine import InspectedLine, settle
from returns_shared.service.limits import MAX_EMAIL, MAX_SCANNED_TRACKING_NUMBER, MAX_TEXT


def email_argument(value: str | None, name: str = "customerEmail") -> str | None:
    if value is not None and not 3 <= len(value.strip()) <= MAX_EMAIL:
        raise BadUserInput(f"`{name}` must have 3 to {MAX_EMAIL} characters")
    return value


@strawberry.type
class LookupQueries:
    @typed_field(
        description="Newest first. Customers: their own orders. Agents: the orders of `customerEmail`.",
        extensions=roles(CUSTOMER, AGENT),
    )  # customers: their own; agents: one customer's
    async def orders(
        self, info: Info, first: int | None = 20, after: str | None = None, customer_email: str | None = None
    ) -> OrderConnection:
        caller = caller_of(info)
        first, start = page_start(first, after)
        email_argument(customer_email)
        customer_email = listing_owner(caller, customer_email, "orders")
        if not customer_email:
            raise BadUserInput("`customerEmail` is required: orders are listed per customer")
        ctx = info.context
        listing = partial(ctx.reader.list_orders, customer_email=customer_email)
        page, items = await read_page(ctx.run_blocking, listing, first, start)
        if not all(owns(caller, order.email) for order in items):
            raise RuntimeError(
                "the reader listed another customer's order"
            )  # never expected: refuse, not leak
        for order in items:
            ctx.loaders.orders.prime(order.id, order)
        return OrderConnection.from_page(start, page, [Order.from_domain(order) for order in items])

    @typed_field(description="Staff: the returns shipped under a tracking number (case and spaces "
                 "do not matter), newest first; usually one.", extensions=roles(AGENT, WAREHOUSE))
    async def returns_by_tracking_number(self, info: Info, tracking_number: str) -> list[Return]:
        number = "".join(tracking_number.split())
        if not number or len(number) > MAX_SCANNED_TRACKING_NUMBER:
            raise BadUserInput(f"`trackingNumber` must have 1 to {MAX_SCANNED_TRACKING_NUMBER} characters")
        ctx = info.context
        found = await ctx.run_blocking(ctx.reader.returns_by_tracking_number, number)
        ctx.loaders.prime_returns(found)
        return [Return.from_domain(ret, ctx.policy) for ret in found]

    @typed_field(
        description="Agents: customers by name, from the names on their orders' shipping and billing "
                    "addresses as the order feed recorded them. Case, accents, punctuation and spacing do "
                    "not matter; `name` matches the whole name or the start of any of its words (\"jane\", "
                    "\"doe\", \"jane d\"). Alphabetical; a customer whose orders carry two names is listed "
                    "under each that matches.",
        extensions=roles(AGENT),
    )
    async def customers_by_name(
        self, info: Info, name: str, first: int | None = 20, after: str | None = None
    ) -> CustomerMatchConnection:
        first, start = page_start(first, after)
        if len(name) > MAX_TEXT or len(name_key(name)) < MIN_SEARCH_CHARACTERS:
            raise BadUserInput(f"`name` must have {MIN_SEARCH_CHARACTERS} to {MAX_TEXT} letters or digits")
        ctx = info.context
        page, items = await read_page(ctx.run_blocking, partial(ctx.reader.customers_named, name=name), first,
                                      start)
        return CustomerMatchConnection.from_page(start, page, [CustomerMatch.from_domain(n) for n in items])

    @typed_field(
        description="Agents: packages that arrived for no approved return (REQ-FIRST), newest first.",
        extensions=roles(AGENT),
    )
    async def unknown_packages(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> UnknownPackageConnection:
        first, start = page_start(first, after)
        ctx = info.context
        page, items = await read_page(ctx.run_blocking, ctx.reader.unknown_packages, first, start)
        nodes = [UnknownPackage.from_domain(package) for package in items]
        return UnknownPackageConnection.from_page(start, page, nodes)

    @typed_field(description="Warehouse: the refund an inspection would settle on (COND-NEW), "
                 "computed like inspectReturn but changing nothing.", extensions=roles(WAREHOUSE))
    async def inspection_preview(
        self, info: Info, id: strawberry.ID, lines: list[InspectionLineInput]
    ) -> InspectionPreviewPayload:
        if errors := validation.return_id(str(id)) + validation.inspection(lines):
            return InspectionPreviewPayload(user_errors=errors)
        ctx = info.context
        ret = await ctx.loaders.returns.load(str(id))
        if ret is None:
            missing = UserError.of(f"There is no return {id}.", "NOT_FOUND", ["id"])
            return InspectionPreviewPayload(user_errors=[missing])
        if ret.status != ReturnStatus.RECEIVED:
            return InspectionPreviewPayload(
                user_errors=[
                    UserError.of(
                        f"Only a received return can be inspected; this one is {STATUS_WORDS[ret.status]}.",
                        "INVALID_STATE",
                        ["id"],
                    )
                ]
            )
        order = await ctx.loaders.orders.load(ret.order_id)
        if order is None:
            raise LookupError(f"order {ret.order_id} of return {ret.id} is missing")
        prior = [other for other in await ctx.loaders.returns_of_order.load(order.id) if other.id != ret.id]
        inspected = [
            InspectedLine(str(line.order_line_id), line.condition, line.defect_confirmed) for line in lines
        ]
        try:
            _lines, settlement = settle(order, ret, inspected, prior, policy=ctx.policy)
        except DomainError as exc:
            return InspectionPreviewPayload(user_errors=[UserError.from_domain(exc)])
        return InspectionPreviewPayload(settlement=Settlement.from_domain(settlement, ctx.policy))
