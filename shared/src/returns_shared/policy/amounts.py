"""REFUND-AMOUNT arithmetic: rounded line amounts, what the order paid for items, the refund cap; and
REFUND-ORIGINAL's check that the payment an order names is that order's."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from returns_shared.domain.money import Money, round_cents
from returns_shared.domain.orders import Order, OrderLine, customer_key
from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import ReturnStatus


def line_amount(line: OrderLine, quantity: int) -> Decimal:
    """round_half_even((unit price + unit tax) x quantity, 0.01): 10.00 + 0.125, x1 -> 10.12."""
    return round_cents((line.unit_price.amount + line.unit_tax.amount) * quantity)


def items_paid(order: Order) -> Money:
    """What the order paid for its items: the sum of its rounded full-quantity line amounts."""
    total = sum((line_amount(line, line.quantity) for line in order.lines), Decimal("0.00"))
    return Money(amount=total, currency=order.currency)


SETTLED = frozenset({ReturnStatus.INSPECTED, ReturnStatus.REFUNDED})


def refunded_items(order: Order, prior_returns: Sequence[Return]) -> Decimal:
    """Item part already refunded, or settled to be refunded, by earlier returns of this order.

    "Refunded before" counts an inspected return whose refund is not paid yet too: its settlement is
    owed, and counting only paid ones let two returns inspected before either was paid both take the
    whole cap (REFUND-AMOUNT). The settlement's item part when there is one, else the request's.
    Shipping credits are not item amounts and do not count.
    """
    total = Decimal("0.00")
    for ret in prior_returns:
        if ret.order_id != order.id or ret.status not in SETTLED:
            continue
        settled = ret.settlement.quote if ret.settlement is not None else ret.quote
        total += settled.items_subtotal.amount
    return total


def item_cap(order: Order, prior_returns: Sequence[Return]) -> Decimal:
    """The most the item part of a new refund may be (never below zero)."""
    return max(items_paid(order).amount - refunded_items(order, prior_returns), Decimal("0.00"))


def order_total(order: Order) -> Money:
    """What the order charged: its items (with tax) and its shipping fee."""
    return items_paid(order) + order.shipping_fee


def payment_mismatches(order: Order, *, received: Money, order_id: str | None,
                       customer_email: str | None) -> list[str]:
    """REFUND-ORIGINAL: the refund goes back to the order's own payment. Why the payment the order names
    (as the provider records it) may not be that order's: an empty list when nothing says so. The
    order id and email are compared where the checkout recorded them."""
    problems = []
    if received.currency != order.currency:
        problems.append(f"it was paid in {received.currency}, the order in {order.currency}")
    elif received.amount < order_total(order).amount:
        problems.append(f"it received {received}, less than the order's {order_total(order)}")
    if order_id is not None and order_id != order.id:
        problems.append(f"it was made for order {order_id}")
    if customer_email is not None and customer_key(customer_email) != order.customer_key:
        problems.append("it was made for another customer's email")
    return [f"REFUND-ORIGINAL: {problem}" for problem in problems]
