"""Domain objects the adapter and email tests share (a module, so tests can import it by a unique name)."""

from __future__ import annotations

from datetime import UTC, datetime

from returns_shared.domain.decisions import Quote, QuoteLine
from returns_shared.domain.money import Money
from returns_shared.domain.orders import Address, Order, OrderLine
from returns_shared.domain.returns import Return, ReturnLine
from returns_shared.domain.vocabulary import ReturnMethod, ReturnReason


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


CUSTOMER_ADDRESS = Address(
    name="Jane Doe",
    line1="12 Elm Street",
    line2="Apt 4",
    city="Springfield",
    region="IL",
    postal_code="62701",
    country_code="US",
    phone="+12175550123",
)

WAREHOUSE = {
    "name": "Allegra K Returns Center",
    "line1": "500 Distribution Way",
    "line2": "Dock 7",
    "city": "Reno",
    "region": "NV",
    "postal_code": "89502",
    "country_code": "US",
    "phone": None,
}

AT = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


def make_order() -> Order:
    return Order(
        id="ORD-1001",
        email="Jane.Doe@example.com",
        placed_at=datetime(2026, 2, 1, tzinfo=UTC),
        currency="USD",
        payment_reference="pi_3NxLk2ABCDEF9876",
        shipping_address=CUSTOMER_ADDRESS,
        billing_address=CUSTOMER_ADDRESS,
        shipping_fee=usd("4.99"),
        lines=(
            OrderLine(
                id="L1",
                sku="DR-RED-M",
                title="Floral Midi Dress",
                category="DRESS",
                quantity=1,
                unit_price=usd("45.00"),
                unit_tax=usd("0.00"),
                delivered_at=datetime(2026, 2, 10, tzinfo=UTC),
            ),
            OrderLine(
                id="L2",
                sku="TP-BLK-S",
                title="Ribbed Knit Top",
                category="TOP",
                quantity=2,
                unit_price=usd("15.00"),
                unit_tax=usd("1.20"),
                delivered_at=datetime(2026, 2, 10, tzinfo=UTC),
            ),
        ),
    )


def quote(*, label_fee: str = "0.00", credit: str = "0.00") -> Quote:
    lines = (
        QuoteLine(order_line_id="L1", quantity=1, eligible=True, amount=usd("45.00")),
        QuoteLine(order_line_id="L2", quantity=2, eligible=True, amount=usd("32.40")),
    )
    subtotal = usd("77.40")
    return Quote(
        lines=lines,
        items_subtotal=subtotal,
        label_fee=usd(label_fee),
        shipping_credit=usd(credit),
        total=(subtotal - usd(label_fee) + usd(credit)).floored_at_zero(),
        first_return_package=label_fee == "0.00",
        merchant_responsibility=False,
        methods_available=(ReturnMethod.PREPAID_LABEL, ReturnMethod.SELF_SHIP),
        applied_clauses=(
            "WINDOW-30D",
            "FEE-US-LATER" if label_fee != "0.00" else "FEE-US-FIRST",
            "REFUND-AMOUNT",
        ),
        policy_version="2026-01",
    )


def make_return(method: ReturnMethod = ReturnMethod.SELF_SHIP, **quote_args) -> Return:
    return Return.request(
        return_id="RMA-7Q2K9",
        order_id="ORD-1001",
        customer_email="Jane.Doe@example.com",
        method=method,
        lines=[
            ReturnLine(order_line_id="L1", quantity=1, reason=ReturnReason.SIZE_TOO_SMALL),
            ReturnLine(order_line_id="L2", quantity=2, reason=ReturnReason.STYLE),
        ],
        quote=quote(**quote_args),
        idempotency_key="idem-1",
        actor="customer:jane.doe@example.com",
        at=AT,
    )
