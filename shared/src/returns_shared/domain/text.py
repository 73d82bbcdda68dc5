"""What text may be stored: the characters and the size in bytes.

Control characters, NUL and bidirectional overrides are refused, not stripped: silently changed
input would be stored as something the caller never sent, and a refusal names the field
(INVALID_INPUT). Multi-line fields (notes, a decline reason) may hold tabs and line breaks.
Identifiers become DynamoDB keys, whose limits are in bytes (sort keys 1,024, partition keys
2,048 UTF-8 bytes, a timestamp and a prefix included), so their length is counted in bytes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

MAX_KEY_BYTES = 256  # ids and idempotency keys, far under DynamoDB's key limits with any prefix
LINE_BREAKS = frozenset("\t\n\r")
# Explicit directional formatting (LRE..RLO, LRI..PDI, marks): they reorder how text is shown,
# e.g. an address or a note that reads differently to the agent than it was written.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def unsafe_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character that may not be stored, as U+XXXX, or None."""
    for char in value:
        if multiline and char in LINE_BREAKS:
            continue
        if char in BIDI_CONTROLS or unicodedata.category(char) == "Cc" or char in "\u2028\u2029":
            return f"U+{ord(char):04X}"
    return None


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` may not be stored, or None: the rest of a sentence that names the field
    (`field_sentence`)."""
    found = unsafe_character(value, multiline=multiline)
    if found is not None:
        return (f"contains a character that cannot be stored ({found}): control and text-direction "
                "characters are not allowed")
    return None


def key_problem(value: str) -> str | None:
    """Why `value` may not be an identifier (a DynamoDB key part), or None."""
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate (JSON "\ud800") is no text at all
        return "is not valid text"
    if size > MAX_KEY_BYTES:
        return f"is too long (at most {MAX_KEY_BYTES} bytes)"
    return text_problem(value)


# What a field is called in a sentence (the API's names are camelCase; a person reads these)
FIELD_WORDS = {
    "id": "the return number", "orderId": "the order number", "orderLineId": "the item",
    "idempotencyKey": "the request key", "lines": "the list of items", "quantity": "the quantity",
    "reason": "the reason", "note": "the note", "method": "the return method",
    "conditionAttested": "the condition confirmation", "carrier": "the carrier",
    "trackingNumber": "the tracking number", "receivedAt": "the receipt time", "condition": "the condition",
    "defectConfirmed": "the defect answer", "photoIds": "the list of photos", "after": "the page link",
    "email": "the email address", "customerEmail": "the customer email", "currencyCode": "the currency",
    "countryCode": "the country", "postalCode": "the postal code", "line1": "the first address line",
    "line2": "the second address line", "deliveredAt": "the delivery time", "placedAt": "the order time",
    "setId": "the set", "unitPrice": "the unit price", "unitTax": "the unit tax", "amount": "the amount",
    "paymentReference": "the payment reference", "contentType": "the picture type",
    "scanned": "the scanned number", "senderName": "the sender's name",
    "senderAddress": "the sender's address",
}


def field_words(path: Sequence[str]) -> str:
    """The field a path ends in, as a person names it: ('input', 'lines', '0', 'note') -> 'the note'."""
    names = [part for part in path if not part.isdigit() and part != "input"]
    if not names:
        return "this value"
    name = names[-1]
    return FIELD_WORDS.get(name, "the " + re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower())


def field_sentence(path: Sequence[str], problem: str) -> str:
    """'The note contains a character that cannot be stored ….': a refusal as a sentence about its field."""
    words = field_words(path)
    return f"{words[0].upper()}{words[1:]} {problem}."
