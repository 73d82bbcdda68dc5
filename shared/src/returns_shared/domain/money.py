"""Exact money: Decimal amounts with a currency code, never float."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from pydantic import BaseModel, ConfigDict, field_validator

CENT = Decimal("0.01")
MAX_INPUT_PLACES = 4  # pinned: money input has at most 4 decimal places


class MoneyError(ValueError):
    """An amount or currency that cannot be money."""


def parse_amount(value: str | int | Decimal) -> Decimal:
    """Parse a decimal string (at most 4 places, finite) into a Decimal; floats are refused."""
    if isinstance(value, float | bool):
        raise MoneyError("amounts must be decimal strings, not floats")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise MoneyError(f"{value!r} is not a decimal amount") from exc
    if not amount.is_finite():
        raise MoneyError(f"{value!r} is not a finite amount")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_INPUT_PLACES:
        raise MoneyError(f"{value!r} has more than {MAX_INPUT_PLACES} decimal places")
    return amount


def round_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


class Money(BaseModel):
    model_config = ConfigDict(frozen=True)

    amount: Decimal
    currency: str

    @field_validator("currency")
    @classmethod
    def _currency_code(cls, value: str) -> str:
        if len(value) != 3 or not value.isalpha() or not value.isupper():
            raise MoneyError(f"{value!r} is not an ISO 4217 currency code")
        return value

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(amount=Decimal("0.00"), currency=currency)

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        return cls(amount=parse_amount(amount), currency=currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise MoneyError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(amount=self.amount + other.amount, currency=self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(amount=self.amount - other.amount, currency=self.currency)

    def __mul__(self, factor: int) -> Money:
        return Money(amount=self.amount * factor, currency=self.currency)

    def rounded(self) -> Money:
        return Money(amount=round_cents(self.amount), currency=self.currency)

    def floored_at_zero(self) -> Money:
        return self if self.amount >= 0 else Money.zero(self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
