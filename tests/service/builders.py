"""Domain objects and callers for the service tests (valid, screening-clean defaults)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from returns_shared.domain.money import Money
from returns_shared.domain.orders import Address, Order, OrderLine
from returns_shared.service.ports import Caller

from .fakes import NOW

ALICE = "alice@example.com"


def address(country: str = "US", postal_code: str = "10001") -> Address:
    return Address(name="Jane Doe", line1="1 Main Street", city="New York", postal_code=postal_code,
                   country_code=country)


def order(order_id: str = "O1", *, email: str = ALICE, lines: int = 2, price: str = "30.00",
          country: str = "US", billing: Address | None = None, delivered_days_ago: int | None = 5,
          **line_flags: Any) -> Order:
    ship = address(country)
    return Order(
        id=order_id,
        email=email,
        placed_at=NOW - timedelta(days=10),
        currency="USD",
        payment_reference=f"PAY-{order_id}",
        shipping_address=ship,
        billing_address=billing or ship,
        shipping_fee=Money.of("5.00", "USD"),
        lines=tuple(
            OrderLine(
                id=f"L{i}",
                sku=f"SKU-{i}",
                title=f"Dress {i}",
                category="DRESS",
                quantity=1,
                unit_price=Money.of(price, "USD"),
                unit_tax=Money.of("0.00", "USD"),
                delivered_at=NOW - timedelta(days=delivered_days_ago)
                if delivered_days_ago is not None
                else None,
                **line_flags,
            )
            for i in range(1, lines + 1)
        ),
    )


def customer(email: str = ALICE) -> Caller:
    return Caller(sub=f"sub-{email}", email=email, groups=frozenset())


AGENT = Caller(sub="agent-1", email=None, groups=frozenset({"agent"}))
WAREHOUSE = Caller(sub="warehouse-1", email=None, groups=frozenset({"warehouse"}))
FEED = Caller(sub="feed-1", email=None, groups=frozenset({"integration"}))


def request_input(
    order_id: str = "O1",
    *,
    lines: tuple[str, ...] = ("L1",),
    method: str = "SELF_SHIP",
    key: str = "key-1",
    reason: str = "SIZE_TOO_SMALL",
    attested: bool = True,
) -> dict[str, Any]:
    return {"orderId": order_id, "method": method, "conditionAttested": attested, "idempotencyKey": key,
            "lines": [{"orderLineId": line, "quantity": 1, "reason": reason} for line in lines]}


def order_input(order: Order) -> dict[str, Any]:
    """The recordOrder command for an Order (camelCase JSON, as the gateway sends it)."""
    def money(value: Money) -> dict[str, str]:
        return {"amount": str(value.amount), "currencyCode": value.currency}

    def addr(value: Address) -> dict[str, Any]:
        return {"name": value.name, "line1": value.line1, "city": value.city, "postalCode": value.postal_code,
                "countryCode": value.country_code}

    return {
        "id": order.id, "email": order.email, "placedAt": order.placed_at.isoformat(),
        "currencyCode": order.currency, "paymentReference": order.payment_reference,
        "shippingAddress": addr(order.shipping_address), "billingAddress": addr(order.billing_address),
        "shippingFee": money(order.shipping_fee),
        "lines": [{"id": line.id, "sku": line.sku, "title": line.title, "category": line.category,
                   "quantity": line.quantity, "unitPrice": money(line.unit_price),
                   "unitTax": money(line.unit_tax),
                   "deliveredAt": line.delivered_at.isoformat() if line.delivered_at else None}
                  for line in order.lines],
    }
