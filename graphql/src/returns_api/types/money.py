"""Money: an exact amount with its ISO 4217 currency code."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from returns_shared.domain import money as domain


@strawberry.type
class Money:
    amount: Decimal
    currency_code: str

    @classmethod
    def from_domain(cls, money: domain.Money) -> Money:
        return cls(amount=money.amount, currency_code=money.currency)
