"""Orders as the order feed records them: the facts the policy judges (immutable)."""

from __future__ import annotations

import unicodedata
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
    # The customer's locale as the shop knew it (BCP 47, e.g. ja-JP): the language of their emails
    # (domain.languages.email_language). Not locked once the order has returns: it prices nothing.
    locale: str | None = None

    @property
    def customer_key(self) -> str:
        """Customer = the order's email address, compared by `customer_key`."""
        return customer_key(self.email)

    def line(self, line_id: str) -> OrderLine | None:
        return next((line for line in self.lines if line.id == line_id), None)


def customer_key(email: str) -> str:
    """The one comparison key of a customer's email (indexes, idempotency, ownership): NFKC and
    case-folded, the domain in ASCII (IDNA). Never raises: it also keys recorded data."""
    local, at, domain = unicodedata.normalize("NFKC", email.strip()).rpartition("@")
    if not at:
        return domain.casefold()  # not an address: compared as text
    return f"{local.casefold()}@{_ascii_domain(domain)}"


def is_canonical_email(email: str) -> bool:
    """May this address own orders? Not when normalising changes more than ASCII-like case: a
    compatibility look-alike (KELVIN SIGN for K, fullwidth letters) or a folding collision (ß→ss)
    is a different mailbox that the key would confuse with another customer's."""
    return unicodedata.is_normalized("NFKC", email) and email.casefold() == email.lower()


def same_customer(caller_email: str | None, order_email: str) -> bool:
    """Ownership: both addresses canonical and equal by key."""
    return (caller_email is not None and is_canonical_email(caller_email) and is_canonical_email(order_email)
            and customer_key(caller_email) == customer_key(order_email))


def _ascii_domain(domain: str) -> str:
    folded = domain.casefold().rstrip(".")
    if folded.isascii():
        return folded
    import idna  # rare (internationalised domains): keep it off the cold start

    try:
        return idna.encode(folded, uts46=True).decode("ascii")
    except idna.IDNAError:
        return folded  # not a valid domain: compared as text (never equal to a valid one)
