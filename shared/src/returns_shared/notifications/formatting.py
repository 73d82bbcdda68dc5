"""How money, dates, addresses and payment references read to a customer (emails and labels)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from returns_shared.domain.money import Money, round_cents


def money(value: Money) -> str:
    return f"{round_cents(value.amount)} {value.currency}"


def day(moment: datetime) -> str:
    """A calendar day in UTC, e.g. 'March 5, 2026'."""
    moment = moment.astimezone(UTC)
    return f"{moment:%B} {moment.day}, {moment.year}"


def address_lines(address: Mapping[str, Any]) -> list[str]:
    """Postal lines of an address dict (snake_case keys of domain `Address`), blanks left out."""
    locality = " ".join(
        part for part in (address.get("region"), address.get("postal_code")) if part
    )
    city = ", ".join(part for part in (address.get("city"), locality) if part)
    lines = [
        address.get("name"),
        address.get("line1"),
        address.get("line2"),
        city,
        address.get("country_code"),
    ]
    if address.get("phone"):
        lines.append(f"Phone: {address['phone']}")
    return [str(line) for line in lines if line]
