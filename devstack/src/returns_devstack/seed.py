"""Demo orders for the local stack, recorded through the request function like the order feed would."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from returns_devstack.tokens import DEMO_CALLERS


def _address(name: str, line1: str, city: str, region: str | None, postal: str, country: str,
             phone: str | None) -> dict[str, Any]:
    return {"name": name, "line1": line1, "city": city, "region": region, "postalCode": postal,
            "countryCode": country, "phone": phone}


def _line(line_id: str, sku: str, title: str, category: str, price: str, *, delivered: datetime | None,
          quantity: int = 1, tax: str = "0.00", currency: str = "USD", **flags: Any) -> dict[str, Any]:
    return {"id": line_id, "sku": sku, "title": title, "category": category, "quantity": quantity,
            "unitPrice": {"amount": price, "currencyCode": currency},
            "unitTax": {"amount": tax, "currencyCode": currency},
            "deliveredAt": delivered.isoformat().replace("+00:00", "Z") if delivered else None, **flags}


def demo_orders(now: datetime) -> list[dict[str, Any]]:
    email = DEMO_CALLERS["customer"]["email"]
    us = _address("Jane Doe", "350 Fifth Avenue", "New York", "NY", "10118", "US", "+1 212 736 3100")
    ca = _address("Jane Doe", "290 Bremner Blvd", "Toronto", "ON", "M5V 3L9", "CA", "+1 416 868 6937")
    placed = now - timedelta(days=12)
    delivered = now - timedelta(days=5)
    iso = placed.isoformat().replace("+00:00", "Z")
    placed_long_ago = (now - timedelta(days=45)).isoformat().replace("+00:00", "Z")
    return [
        {
            "id": "AK-1001",
            "email": email,
            "placedAt": iso,
            "currencyCode": "USD",
            "paymentReference": "pi_demo_4242",
            "shippingAddress": us,
            "billingAddress": us,
            "shippingFee": {"amount": "5.99", "currencyCode": "USD"},
            "lines": [
                _line("L1", "DRS-0420-M", "Satin midi wrap dress", "DRESS", "45.00", delivered=delivered),
                _line(
                    "L2",
                    "BLZ-1107-S",
                    "Double-breasted blazer",
                    "BLAZER",
                    "40.00",
                    tax="3.20",
                    quantity=2,
                    delivered=delivered,
                ),
                _line("L3", "SCK-0001", "Ankle socks (3 pairs)", "SOCKS", "9.99", delivered=delivered),
                _line(
                    "L4", "SET-TOP-01", "Knit set: top", "TOP", "25.00", delivered=delivered, setId="KNIT-SET"
                ),
                _line(
                    "L5",
                    "SET-SKT-01",
                    "Knit set: skirt",
                    "SKIRT",
                    "25.00",
                    delivered=delivered,
                    setId="KNIT-SET",
                ),
                _line(
                    "L6",
                    "GIFT-SCRF",
                    "Free gift scarf",
                    "ACCESSORY",
                    "0.00",
                    delivered=delivered,
                    freeGift=True,
                ),
            ],
        },
        {
            "id": "AK-1002",
            "email": email,
            "placedAt": iso,
            "currencyCode": "USD",
            "paymentReference": "pi_demo_5555",
            "shippingAddress": ca,
            "billingAddress": ca,
            "shippingFee": {"amount": "9.99", "currencyCode": "USD"},
            "lines": [
                _line("L1", "CRD-2210-L", "Cable-knit cardigan", "KNITWEAR", "30.00", delivered=delivered)
            ],
        },
        {
            "id": "AK-1003",
            "email": email,
            "placedAt": placed_long_ago,
            "currencyCode": "USD",
            "paymentReference": "pi_demo_7777",
            "shippingAddress": us,
            "billingAddress": us,
            "shippingFee": {"amount": "0.00", "currencyCode": "USD"},
            "lines": [
                _line("L1", "CT-9001", "Wool long coat", "OUTERWEAR", "620.00", delivered=delivered),
                _line(
                    "L2", "JNS-3001", "High-rise jeans", "JEANS", "35.00", delivered=now - timedelta(days=40)
                ),
                _line("L3", "TEE-1001", "Basic tee", "TOP", "12.00", delivered=None),
            ],
        },
    ]
