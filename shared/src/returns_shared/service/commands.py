"""Command inputs as the functions receive them (camelCase JSON, the GraphQL input shapes).

Parsed with pydantic at the function's edge: a malformed command is an INVALID_INPUT userError
with the field path, and nothing runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from returns_shared.domain.errors import InvalidInput
from returns_shared.domain.languages import canonical_locale, locale_problem
from returns_shared.domain.money import MoneyError, parse_amount
from returns_shared.domain.text import field_sentence, key_problem, text_problem
from returns_shared.domain.vocabulary import ItemCondition, ReturnMethod, ReturnReason
from returns_shared.insights.queries import Dimension, ExportKind
from returns_shared.service import limits


def _checked(problem: Callable[[str], str | None]) -> Callable[[str | None], str | None]:
    def check(value: str | None) -> str | None:
        if value is not None and (message := problem(value)):
            raise ValueError(message)
        return value

    return check


_line = _checked(text_problem)
_note = _checked(partial(text_problem, multiline=True))
Text = Annotated[str, Field(min_length=1, max_length=limits.MAX_TEXT), AfterValidator(_line)]
OptionalText = Annotated[
    str | None, Field(default=None, max_length=limits.MAX_LONG_TEXT), AfterValidator(_line)
]
Note = Annotated[str | None, Field(default=None, max_length=limits.MAX_LONG_TEXT), AfterValidator(_note)]
_key = _checked(key_problem)
Key = Annotated[str, Field(min_length=1), AfterValidator(_key)]  # becomes a DynamoDB key


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("needs a time zone offset, such as 2026-11-26T10:00:00Z")
    return value


def _amount(value: str) -> str:
    try:
        parse_amount(value)
    except MoneyError as exc:
        raise ValueError(f"is not a valid amount ({exc})") from exc
    return value


def _locale(value: str | None) -> str | None:
    if value is None:
        return None
    if problem := locale_problem(value):
        raise ValueError(problem)
    return canonical_locale(value)


AwareDateTime = Annotated[datetime, AfterValidator(_aware)]
Locale = Annotated[str | None, Field(default=None), AfterValidator(_locale)]  # BCP 47, e.g. ja-JP
Amount = Annotated[str, AfterValidator(_amount)]


class CommandModel(BaseModel):
    # defer_build: a model's validator is built by its first command, not at import; each function
    # receives a few of these commands and never pays for the others' (cold start).
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True,
                              str_strip_whitespace=True, defer_build=True)


class MoneyIn(CommandModel):
    amount: Amount
    currency_code: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class AddressIn(CommandModel):
    name: Text
    line1: Text
    line2: OptionalText
    city: Text
    region: OptionalText
    postal_code: Annotated[str, Field(min_length=1, max_length=limits.MAX_POSTAL_CODE), AfterValidator(_line)]
    country_code: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    phone: Annotated[str | None, Field(default=None, max_length=limits.MAX_PHONE), AfterValidator(_line)]


class OrderLineIn(CommandModel):
    id: Key
    sku: Text
    title: Text
    category: Text
    quantity: Annotated[int, Field(gt=0, le=limits.MAX_LINE_QUANTITY)]
    unit_price: MoneyIn
    unit_tax: MoneyIn | None = None
    delivered_at: AwareDateTime | None = None
    set_id: Annotated[str | None, Field(default=None, max_length=limits.MAX_SET_ID), AfterValidator(_line)]
    free_gift: bool | None = None
    non_returnable: bool | None = None


class RecordOrder(CommandModel):
    id: Key
    email: Annotated[str, Field(min_length=3, max_length=limits.MAX_EMAIL), AfterValidator(_line)]
    placed_at: AwareDateTime
    currency_code: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    payment_reference: Text
    shipping_address: AddressIn
    billing_address: AddressIn
    shipping_fee: MoneyIn
    lines: Annotated[list[OrderLineIn], Field(min_length=1, max_length=limits.MAX_LINES)]
    locale: Locale  # the customer's language and region; emails fall back when the service lacks it


class ReturnLineIn(CommandModel):
    order_line_id: Key
    quantity: int
    reason: ReturnReason
    note: Note


class RequestReturn(CommandModel):
    order_id: Key
    method: ReturnMethod
    lines: Annotated[list[ReturnLineIn], Field(min_length=1, max_length=limits.MAX_LINES)]
    condition_attested: bool
    idempotency_key: Annotated[
        str, Field(min_length=1, max_length=limits.MAX_IDEMPOTENCY_KEY), AfterValidator(_key)
    ]
    source_message_id: Key | None = None  # agents: the customer's email that asked for it


MessageText = Annotated[str, Field(min_length=1, max_length=limits.MAX_MESSAGE_TEXT), AfterValidator(_note)]


class SendMessage(CommandModel):
    return_id: Key
    text: MessageText
    idempotency_key: Annotated[str | None, Field(default=None, min_length=1,
                                                 max_length=limits.MAX_IDEMPOTENCY_KEY), AfterValidator(_key)]


class AttachMessage(CommandModel):
    message_id: Key
    return_id: Key


class MarkMessageHandled(CommandModel):
    message_id: Key
    handled: bool = True


class AddInternalNote(CommandModel):
    return_id: Key
    text: MessageText


class ById(CommandModel):
    id: Key


class ApproveReturn(ById):
    note: Note


class DeclineReturn(ById):
    reason: Annotated[str, Field(min_length=1, max_length=limits.MAX_LONG_TEXT), AfterValidator(_note)]


def _tracking_number(value: object) -> object:
    """As typed or scanned: spaces are the carrier's grouping (7023 4567 8901 2345), not the number."""
    return "".join(value.split()).upper() if isinstance(value, str) else value


class SubmitTracking(ById):
    carrier: Annotated[str, Field(min_length=2, max_length=40), AfterValidator(_line)]
    tracking_number: Annotated[
        str,
        BeforeValidator(_tracking_number),
        Field(min_length=limits.MIN_TRACKING_NUMBER, max_length=limits.MAX_TRACKING_NUMBER,
              pattern=limits.TRACKING_NUMBER_PATTERN),
    ]


class ReceiveReturn(ById):
    received_at: AwareDateTime | None = None


class InspectionLineIn(CommandModel):
    order_line_id: Key
    condition: ItemCondition
    defect_confirmed: bool | None = None
    note: Note  # what the warehouse saw
    photo_ids: Annotated[list[Key], Field(default_factory=list, max_length=limits.MAX_PHOTOS_PER_LINE)]


class InspectReturn(ById):
    lines: Annotated[list[InspectionLineIn], Field(min_length=1, max_length=limits.MAX_LINES)]


class RecordUnknownPackage(CommandModel):
    """What the warehouse read on a package it refuses (REQ-FIRST); all but the scan is optional."""

    scanned: Text  # the RMA or number scanned or typed
    sender_name: Annotated[str | None, Field(default=None, max_length=limits.MAX_TEXT), AfterValidator(_line)]
    sender_address: Note  # as on the label, lines as written
    carrier: Annotated[str | None, Field(default=None, max_length=40), AfterValidator(_line)]
    tracking_number: Annotated[str | None, Field(default=None, max_length=limits.MAX_SCANNED_TRACKING_NUMBER),
                               AfterValidator(_line)]
    note: Note
    photo_ids: Annotated[list[Key], Field(default_factory=list, max_length=limits.MAX_PHOTOS_PER_LINE)]
    idempotency_key: Annotated[
        str, Field(min_length=1, max_length=limits.MAX_IDEMPOTENCY_KEY), AfterValidator(_key)
    ]


class InsightWindow(CommandModel):
    """[from, to): the return requests created in it (exports of refunds: the refunds issued in it)."""

    from_: AwareDateTime = Field(alias="from")
    to: AwareDateTime


class ReturnInsights(InsightWindow):
    group_by: Dimension
    then_by: Dimension | None = None


class ExportReturns(InsightWindow):
    kind: ExportKind


M = TypeVar("M", bound=CommandModel)


# What a value of a patterned field may hold, in words (a regular expression is no message for a person)
PATTERN_WORDS = {
    "trackingNumber": "can hold only letters, digits and dashes (spaces are left out)",
    "currencyCode": "must be a three-letter currency code in capitals, such as USD",
    "countryCode": "must be a two-letter country code in capitals, such as US",
}
COMPARISONS = {"greater_than": "more than", "greater_than_equal": "at least", "less_than": "less than",
               "less_than_equal": "at most"}


def _problem(error: Mapping[str, Any], path: tuple[str, ...]) -> str:
    """pydantic's error as the rest of a sentence about the field, never pydantic's own text."""
    kind, context = str(error["type"]), error.get("ctx") or {}
    name = next((part for part in reversed(path) if not part.isdigit()), "")
    if kind == "missing" or (kind == "string_too_short" and context.get("min_length") == 1):
        return "is required"
    if kind == "string_too_short":
        return f"needs at least {context['min_length']} characters"
    if kind == "string_too_long":
        return f"can be at most {context['max_length']} characters long"
    if kind == "too_short":
        return "needs at least one entry"
    if kind == "too_long":
        return f"can hold at most {context['max_length']} entries"
    if kind == "string_pattern_mismatch":
        return PATTERN_WORDS.get(name, "holds characters that are not allowed here")
    if kind in COMPARISONS:
        return f"must be {COMPARISONS[kind]} {next(iter(context.values()))}"
    if kind.startswith("int_"):
        return "must be a whole number"
    if kind.startswith("bool_"):
        return "must be true or false"
    if kind == "enum":
        return "is not one of the choices offered"
    if kind == "extra_forbidden":
        return "is not expected here"
    if kind == "value_error":  # our own validators word their problem as the rest of a sentence
        return str(context.get("error", "is not valid"))
    return "is not valid"


def parse_command(model: type[M], payload: Mapping[str, Any], *, prefix: tuple[str, ...] = ("input",)) -> M:
    """Validate a command payload; the first problem becomes an INVALID_INPUT error with its path (as the
    GraphQL caller sees it: under `input` for the mutations that take one input object) and a sentence
    about the field."""
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        path = tuple(str(part) for part in first["loc"])
        raise InvalidInput(field_sentence(path, _problem(first, path)), field=(*prefix, *path)) from exc
