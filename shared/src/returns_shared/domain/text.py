"""What text may be stored: the characters and the size in bytes.

Control characters, NUL and bidirectional overrides are refused, not stripped: silently changed
input would be stored as something the caller never sent, and a refusal names the field
(INVALID_INPUT). Multi-line fields (notes, a decline reason) may hold tabs and line breaks.
Identifiers become DynamoDB keys, whose limits are in bytes (sort keys 1,024, partition keys
2,048 UTF-8 bytes, a timestamp and a prefix included), so their length is counted in bytes.
"""

from __future__ import annotations

import unicodedata

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
    """Why `value` may not be stored, or None."""
    found = unsafe_character(value, multiline=multiline)
    if found is not None:
        return f"must not contain control or bidirectional formatting characters ({found})"
    return None


def key_problem(value: str) -> str | None:
    """Why `value` may not be an identifier (a DynamoDB key part), or None."""
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate (JSON "\ud800") is no text at all
        return "must be valid Unicode text (no lone surrogate code points)"
    if size > MAX_KEY_BYTES:
        return f"must be at most {MAX_KEY_BYTES} bytes (UTF-8)"
    return text_problem(value)
