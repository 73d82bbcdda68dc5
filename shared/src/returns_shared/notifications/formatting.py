"""How money and addresses read on a label (the carrier's, English) and, with the reader's country
names and words, in the customer emails (translation.Translator)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from returns_shared.domain.money import Money, round_cents


def money(value: Money) -> str:
    return f"{round_cents(value.amount)} {value.currency}"


def address_lines(address: Mapping[str, Any], *, country: str | None = None,
                  phone: Callable[[str], str] = "Phone: {}".format) -> list[str]:
    """Postal lines of an address dict (snake_case keys of domain `Address`), blanks left out; the
    country as given (`country`, e.g. its name in the reader's language) or as its ISO code."""
    locality = " ".join(
        part for part in (address.get("region"), address.get("postal_code")) if part
    )
    city = ", ".join(part for part in (address.get("city"), locality) if part)
    lines = [
        address.get("name"),
        address.get("line1"),
        address.get("line2"),
        city,
        country or address.get("country_code"),
    ]
    if address.get("phone"):
        lines.append(phone(str(address["phone"])))
    return [str(line) for line in lines if line]
