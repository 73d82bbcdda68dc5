"""Mutation and quote payloads: the object (or null) plus userErrors."""

from __future__ import annotations

import strawberry

from returns_api.types.order import Order
from returns_api.types.quote import ReturnQuote
from returns_api.types.returns import Return
from returns_api.types.user_errors import UserError


@strawberry.type
class RecordOrderPayload:
    order: Order | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ReturnQuotePayload:
    quote: ReturnQuote | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ReturnPayload:
    return_: Return | None = strawberry.field(name="return", default=None)
    user_errors: list[UserError] = strawberry.field(default_factory=list)
