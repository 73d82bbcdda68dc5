"""Customers' names as agents search them: the names on an order's addresses, compared without case,
accents or spacing, and found by the start of any of their words (pure)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from returns_shared.domain.orders import Order

MAX_KEYED_CHARACTERS = 64  # a prefix search needs no more of a name (and keys stay short)
MAX_WORDS_FOUND = 6  # a name is found by the start of each of its first words, at most this many
MIN_SEARCH_CHARACTERS = 2  # the index is partitioned by a name's first two characters
# Latin letters that carry their mark in the letter itself (no decomposition to strip)
_FOLDED = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ŧ": "t", "ı": "i", "æ": "ae", "œ": "oe",
                         "ð": "d", "þ": "th"})
_JOINERS = {"'", "’", "ʼ", "."}  # O'Neil, O’Neil and St. Clair read as one word: oneil, st clair


def name_key(text: str) -> str:
    """How a name is compared: NFKC, case-folded, Latin accents removed (é→e, ø→o; a Japanese voicing
    mark is kept: it changes the letter), apostrophes joined, other punctuation a space, spaces single.
    The same function keys what is stored and what is searched."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_FOLDED)
    # U+0300–036F are the combining accents of Latin, Greek and Cyrillic letters
    bare = "".join(c for c in unicodedata.normalize("NFD", folded) if not "\u0300" <= c <= "\u036f")
    words = "".join(
        "" if c in _JOINERS else c if c.isalnum() or unicodedata.category(c) in {"Mn", "Mc"} else " "
        for c in unicodedata.normalize("NFC", bare)
    ).split()
    return " ".join(words)[:MAX_KEYED_CHARACTERS].rstrip()


def rotations(key: str) -> tuple[str, ...]:
    """The name read from each of its first words on ("jane doe" → "jane doe", "doe jane"): a search
    matches the start of one of these, so "jane", "doe", "jane d" and "doe j" all find Jane Doe."""
    words = key.split()
    found = (" ".join(words[i:] + words[:i]) for i in range(min(len(words), MAX_WORDS_FOUND)))
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class NamedOrder:
    """One order filed under one of its customer's names: what an agent's search answers of it."""

    customer: str  # the customer's comparison key (orders.customer_key)
    name_key: str
    order_id: str
    placed_at: datetime
    email: str  # as the order has it
    name: str  # as the order writes it

    @property
    def slot(self) -> tuple[str, str, datetime, str]:
        """Where it is filed: the same slot written again replaces what was there."""
        return self.customer, self.name_key, self.placed_at, self.order_id


def names_of(order: Order) -> dict[str, str]:
    """The order's names by key (the shipping address's and the billing address's), each as written:
    the shipping address's spelling when both have the same key."""
    written = [order.shipping_address.name, order.billing_address.name]
    keyed = {name_key(name): name.strip() for name in reversed(written)}
    return {key: name for key, name in keyed.items() if len(key) >= MIN_SEARCH_CHARACTERS}


def filed(order: Order | None) -> set[NamedOrder]:
    """Where an order stands in the name index (nothing for no order)."""
    if order is None:
        return set()
    return {NamedOrder(order.customer_key, key, order.id, order.placed_at, order.email, name)
            for key, name in names_of(order).items()}
