"""Orders as the order feed records them: the facts the policy judges (immutable)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from returns_shared.domain.money import Money


class Address(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    line1: str
    line2: str | None = None
    city: str
    region: str | None = None
    postal_code: str
    country_code: str  # ISO 3166-1 alpha-2, upper case
    phone: str | None = None


class OrderLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    sku: str
    title: str
    category: str  # upper case, e.g. DRESS, SOCKS
    quantity: int = Field(gt=0)
    unit_price: Money
    unit_tax: Money
    delivered_at: datetime | None = None
    set_id: str | None = None
    free_gift: bool = False
    non_returnable: bool = False


class Order(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    email: str
    placed_at: datetime
    currency: str
    payment_reference: str
    shipping_address: Address
    billing_address: Address
    shipping_fee: Money
    lines: tuple[OrderLine, ...]
    recorded_at: datetime | None = None

    @property
    def customer_key(self) -> str:
        """Customer = the order's email address, compared case-insensitively."""
        return customer_key(self.email)

    def line(self, line_id: str) -> OrderLine | None:
        return next((line for line in self.lines if line.id == line_id), None)


def customer_key(email: str) -> str:
    return email.strip().lower()
