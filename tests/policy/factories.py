"""Small builders of orders and returns for the policy tests (defaults: a valid US order, USD)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from returns_shared.domain.decisions import Quote, QuoteLine, Settlement
from returns_shared.domain.money import Money
from returns_shared.domain.orders import Address, Order, OrderLine
from returns_shared.domain.returns import Return, ReturnLine
from returns_shared.domain.vocabulary import ReturnMethod, ReturnReason, ReturnStatus
from returns_shared.policy.engine import RequestedLine, load_policy, quote

POLICY = load_policy()
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
SIZE = ReturnReason.SIZE_TOO_SMALL
DEFECTIVE = ReturnReason.DEFECTIVE
LABEL = ReturnMethod.PREPAID_LABEL
SELF = ReturnMethod.SELF_SHIP

# A valid postal code, phone and city per country (so only what a test changes is abnormal).
_PLACES = {
    "US": ("New York", "10001", "+1 212-555-0123"),
    "CA": ("Toronto", "M5V 2T6", "+1 416-555-0199"),
    "JP": ("Tokyo", "100-0001", "+81 3-1234-5678"),
    "DE": ("Berlin", "10115", "+49 30 123456"),
    "FR": ("Paris", "75001", "+33 1 23 45 67 89"),
    "GB": ("London", "SW1A 1AA", "+44 20 7946 0958"),
    "BR": ("Sao Paulo", "01310-100", None),
}


def usd(amount: str | int | Decimal) -> Money:
    return Money.of(amount, "USD")


def address(country: str = "US", **overrides: object) -> Address:
    city, postal_code, phone = _PLACES[country]
    fields: dict[str, object] = {
        "name": "Jane Doe",
        "line1": "1 Main Street",
        "city": city,
        "postal_code": postal_code,
        "country_code": country,
        "phone": phone,
    }
    fields.update(overrides)
    return Address.model_validate(fields)


def line(
    line_id: str = "L1",
    *,
    price: str = "30.00",
    tax: str = "0.00",
    quantity: int = 1,
    category: str = "DRESS",
    delivered_days_ago: float | None = 5,
    delivered_at: datetime | None = None,
    set_id: str | None = None,
    free_gift: bool = False,
    non_returnable: bool = False,
    currency: str = "USD",
) -> OrderLine:
    if delivered_at is None and delivered_days_ago is not None:
        delivered_at = NOW - timedelta(days=delivered_days_ago)
    return OrderLine(
        id=line_id,
        sku=f"SKU-{line_id}",
        title=f"Item {line_id}",
        category=category,
        quantity=quantity,
        unit_price=Money.of(price, currency),
        unit_tax=Money.of(tax, currency),
        delivered_at=delivered_at,
        set_id=set_id,
        free_gift=free_gift,
        non_returnable=non_returnable,
    )


def order(
    *lines: OrderLine,
    country: str = "US",
    billing: Address | None = None,
    shipping: Address | None = None,
    email: str = "jane.doe@example.com",
    currency: str = "USD",
    order_id: str = "O1",
) -> Order:
    lines = lines or (line(),)
    return Order(
        id=order_id,
        email=email,
        placed_at=NOW - timedelta(days=60),
        currency=currency,
        payment_reference="pay_123",
        shipping_address=shipping or address(country),
        billing_address=billing or shipping or address(country),
        shipping_fee=Money.of("4.99", currency),
        lines=lines,
    )


def req(line_id: str = "L1", quantity: int = 1, reason: ReturnReason = SIZE) -> RequestedLine:
    return RequestedLine(order_line_id=line_id, quantity=quantity, reason=reason)


def stored_quote(
    the_order: Order,
    lines: Sequence[tuple[str, int]],
    *,
    first: bool = True,
    items: str | None = None,
) -> Quote:
    """A plain stored quote (eligible lines, no fees) for returns used as history or prior packages."""
    currency = the_order.currency
    quote_lines = []
    for line_id, quantity in lines:
        order_line = the_order.line(line_id)
        amount = (
            (order_line.unit_price.amount + order_line.unit_tax.amount) * quantity
            if order_line
            else 0
        )
        quote_lines.append(
            QuoteLine(
                order_line_id=line_id,
                quantity=quantity,
                eligible=True,
                amount=Money(amount=amount, currency=currency).rounded(),
            )
        )
    subtotal = (
        Money.of(items, currency)
        if items is not None
        else sum((ql.amount for ql in quote_lines), Money.zero(currency))
    )
    return Quote(
        lines=tuple(quote_lines),
        items_subtotal=subtotal,
        label_fee=Money.zero(currency),
        shipping_credit=Money.zero(currency),
        total=subtotal,
        first_return_package=first,
        merchant_responsibility=False,
        methods_available=(SELF,),
        applied_clauses=("REFUND-AMOUNT",),
        policy_version=POLICY.version,
    )


def stored_return(
    the_order: Order,
    lines: Sequence[tuple[str, int]] = (("L1", 1),),
    *,
    return_id: str = "R0",
    status: ReturnStatus = ReturnStatus.APPROVED,
    method: ReturnMethod = SELF,
    reason: ReturnReason = SIZE,
    first: bool = True,
    items: str | None = None,
    refunded_items: str | None = None,
    created_at: datetime | None = None,
    email: str | None = None,
) -> Return:
    """A return as the repository would hand it back (status set directly: tests need any state)."""
    at = created_at or NOW - timedelta(days=2)
    stored = stored_quote(the_order, lines, first=first, items=items)
    settlement = None
    if refunded_items is not None:
        settled = stored.model_copy(
            update={"items_subtotal": Money.of(refunded_items, the_order.currency)}
        )
        settlement = Settlement(
            accepted_line_ids=(), quote=settled, amount=settled.items_subtotal, applied_clauses=()
        )
    return Return(
        id=return_id,
        order_id=the_order.id,
        customer_email=(email or the_order.email).lower(),
        status=status,
        method=method,
        lines=[ReturnLine(order_line_id=lid, quantity=qty, reason=reason) for lid, qty in lines],
        quote=stored,
        created_at=at,
        status_changed_at=at,
        settlement=settlement,
    )


def requested_return(
    the_order: Order,
    requested: Sequence[RequestedLine],
    method: ReturnMethod = SELF,
    *,
    prior: Sequence[Return] = (),
    return_id: str = "R1",
    status: ReturnStatus = ReturnStatus.RECEIVED,
) -> Return:
    """A return whose stored quote is what the engine quoted at request time."""
    q = quote(the_order, requested, method, prior, policy=POLICY, now=NOW)
    return Return(
        id=return_id,
        order_id=the_order.id,
        customer_email=the_order.email.lower(),
        status=status,
        method=method,
        lines=[
            ReturnLine(order_line_id=r.order_line_id, quantity=r.quantity, reason=r.reason)
            for r in requested
        ],
        quote=q,
        created_at=NOW,
        status_changed_at=NOW,
    )
