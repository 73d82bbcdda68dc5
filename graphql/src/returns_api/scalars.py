"""Custom scalars: DateTime (ISO 8601 with an offset) and Decimal (exact decimal string).

Both are mapped onto the Python types through `StrawberryConfig.scalar_map`, replacing
Strawberry's lenient built-ins (which accept naive datetimes and floats).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

import strawberry
from strawberry.types.scalar import ScalarDefinition


class InvalidScalar(ValueError):
    """A scalar input that cannot be parsed; its message reaches the client unmasked."""


MAX_DECIMAL_CHARS = 40
_DECIMAL = re.compile(r"-?\d+(\.\d+)?")
# Date and time both required, seconds optional; the offset is checked after parsing.
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}.*")


def serialize_datetime(value: datetime) -> str:
    if value.tzinfo is None:  # the domain stores UTC; a naive value is UTC by convention
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_datetime(value: object) -> datetime:
    if not isinstance(value, str) or len(value) > 40 or not _DATETIME.fullmatch(value):
        raise InvalidScalar(
            f"DateTime must be an ISO 8601 string with an offset, e.g. 2026-11-26T10:00:00Z; got {value!r}"
        )
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidScalar(f"{value!r} is not a valid ISO 8601 date and time") from exc
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise InvalidScalar(f"DateTime needs a UTC offset (Z or ±hh:mm); got {value!r}")
    return parsed


def serialize_decimal(value: Decimal) -> str:
    return format(value, "f")  # never exponent notation: "100", not "1E+2"


def parse_decimal(value: object) -> Decimal:
    # Floats are refused even when they look exact: 19.99 as a float is not 19.99.
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidScalar(f'Decimal must be a string such as "19.99", not {type(value).__name__}')
    text = str(value)
    if len(text) > MAX_DECIMAL_CHARS or not _DECIMAL.fullmatch(text):
        raise InvalidScalar(f'Decimal must be a plain decimal string such as "19.99"; got {text[:50]!r}')
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # unreachable after the pattern; kept as a guard
        raise InvalidScalar(f"{text!r} is not a decimal") from exc


DateTimeScalar = strawberry.scalar(
    name="DateTime",
    description="ISO 8601 date and time with an offset, e.g. 2026-11-26T10:00:00Z (output always UTC, Z).",
    serialize=serialize_datetime,
    parse_value=parse_datetime,
)

DecimalScalar = strawberry.scalar(
    name="Decimal",
    description='Exact decimal as a string, e.g. "19.99". Floats are refused.',
    serialize=serialize_decimal,
    parse_value=parse_decimal,
)

SCALAR_MAP: Mapping[object, ScalarDefinition] = {datetime: DateTimeScalar, Decimal: DecimalScalar}
