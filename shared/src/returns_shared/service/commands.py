"""Command inputs as the functions receive them (camelCase JSON, the GraphQL input shapes).

Parsed with pydantic at the function's edge: a malformed command is an INVALID_INPUT userError
with the field path, and nothing runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from returns_shared.domain.errors import InvalidInput
from returns_shared.domain.languages import canonical_locale, locale_problem
from returns_shared.domain.money import MoneyError, parse_amount
from returns_shared.domain.text import key_problem, text_problem
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
        raise ValueError("timestamps need a UTC offset, e.g. 2026-11-26T10:00:00Z")
    return value


def _amount(value: str) -> str:
    try:
        parse_amount(value)
    except MoneyError as exc:
        raise ValueError(str(exc)) from exc
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


class ById(CommandModel):
    id: Key


class ApproveReturn(ById):
    note: Note


class DeclineReturn(ById):
    reason: Annotated[str, Field(min_length=1, max_length=limits.MAX_LONG_TEXT), AfterValidator(_note)]


class SubmitTracking(ById):
    carrier: Annotated[str, Field(min_length=2, max_length=40), AfterValidator(_line)]
    tracking_number: Annotated[str, Field(min_length=6, max_length=40, pattern=r"^[A-Za-z0-9-]+$")]


class ReceiveReturn(ById):
    received_at: AwareDateTime | None = None


class InspectionLineIn(CommandModel):
    order_line_id: Key
    condition: ItemCondition
    defect_confirmed: bool | None = None


class InspectReturn(ById):
    lines: Annotated[list[InspectionLineIn], Field(min_length=1, max_length=limits.MAX_LINES)]


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


def parse_command(model: type[M], payload: Mapping[str, Any], *, prefix: tuple[str, ...] = ("input",)) -> M:
    """Validate a command payload; the first problem becomes an INVALID_INPUT error with its path (as the
    GraphQL caller sees it: under `input` for the mutations that take one input object)."""
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        path = tuple(str(part) for part in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        raise InvalidInput(f"{'.'.join(path) or 'input'}: {message}", field=(*prefix, *path)) from exc
