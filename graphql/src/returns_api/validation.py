"""Edge validation of mutation and quote inputs: cheap, syntactic checks that answer
INVALID_INPUT userErrors with the field path, so malformed input never reaches a function.

Business rules (eligibility, quantities, states) stay with the functions and the policy engine.
"""

from __future__ import annotations

from collections.abc import Sequence

from returns_api.iso_codes import country_codes, currency_codes
from returns_api.types.inputs import (
    AddressInput,
    InspectionLineInput,
    MoneyInput,
    RecordOrderInput,
    RequestReturnInput,
    ReturnInput,
    ReturnLineInput,
    UnknownPackageInput,
)
from returns_api.types.user_errors import UserError
from returns_shared.domain.languages import locale_problem
from returns_shared.domain.text import field_sentence, key_problem, text_problem
from returns_shared.service.limits import (
    MAX_EMAIL,
    MAX_IDEMPOTENCY_KEY,
    MAX_LINES,
    MAX_LONG_TEXT,
    MAX_MESSAGE_TEXT,
    MAX_PHOTOS_PER_LINE,
    MAX_SCANNED_TRACKING_NUMBER,
    MAX_TEXT,
)

CODE = "INVALID_INPUT"

Path = Sequence[str]


class Problems:
    """Collects userErrors; empty means the input may be sent on."""

    def __init__(self) -> None:
        self.errors: list[UserError] = []

    def add(self, path: Path, problem: str) -> None:
        """`problem` completes a sentence about the field ("is required" → "The note is required.")."""
        self.errors.append(UserError.of(field_sentence(path, problem), CODE, list(path)))

    def text(self, path: Path, value: str | None, *, required: bool = True, max_length: int | None = None,
             multiline: bool = False) -> None:
        """A line (at most MAX_TEXT), or with `multiline` a note (MAX_LONG_TEXT): as the commands allow."""
        if value is None:
            return
        max_length = max_length or (MAX_LONG_TEXT if multiline else MAX_TEXT)
        if required and not value.strip():
            self.add(path, "is required")
        elif len(value) > max_length:
            self.add(path, f"can be at most {max_length} characters long")
        elif problem := text_problem(value, multiline=multiline):
            self.add(path, problem)

    def key(self, path: Path, value: str, *, max_length: int = MAX_TEXT) -> None:
        """An identifier: it becomes part of a DynamoDB key, whose limits are in bytes."""
        before = len(self.errors)
        self.text(path, value, max_length=max_length)
        if len(self.errors) == before and (problem := key_problem(value)):
            self.add(path, problem)

    def photos(self, path: Path, photo_ids: Sequence[object] | None, what: str) -> None:
        """The ids of photos uploaded first (each a key), at most MAX_PHOTOS_PER_LINE of them."""
        photos = photo_ids or []
        if len(photos) > MAX_PHOTOS_PER_LINE:
            self.add(path, f"can hold at most {MAX_PHOTOS_PER_LINE} {what}")
        for number, photo in enumerate(photos[:MAX_PHOTOS_PER_LINE]):
            self.key([*path, str(number)], str(photo))

    def lines(self, path: Path, items: Sequence[object]) -> None:
        if not items:
            self.add(path, "needs at least one item")
        elif len(items) > MAX_LINES:
            self.add(path, f"can hold at most {MAX_LINES} items")

    def country(self, path: Path, value: str) -> None:
        if value not in country_codes():
            self.add(path, f"must be a two-letter country code in capitals, such as US (not {value[:10]!r})")

    def currency(self, path: Path, value: str) -> None:
        if value not in currency_codes():
            self.add(path,
                     f"must be a three-letter currency code in capitals, such as USD (not {value[:10]!r})")


def _address(problems: Problems, path: Path, address: AddressInput) -> None:
    for name, value, required in (
        ("name", address.name, True),
        ("line1", address.line1, True),
        ("line2", address.line2, False),
        ("city", address.city, True),
        ("region", address.region, False),
        ("postalCode", address.postal_code, True),
        ("phone", address.phone, False),
    ):
        problems.text([*path, name], value, required=required)
    problems.country([*path, "countryCode"], address.country_code)


def _money(problems: Problems, path: Path, money: MoneyInput) -> None:
    problems.currency([*path, "currencyCode"], money.currency_code)


def record_order(data: RecordOrderInput) -> list[UserError]:
    p = Problems()
    root = ["input"]
    p.key([*root, "id"], str(data.id))
    # The order email is a recorded fact, not checked here: a malformed or disposable address is
    # exactly what SCREEN-EMAIL flags when a return is requested (the order is still an order).
    p.text([*root, "email"], data.email, max_length=MAX_EMAIL)
    p.currency([*root, "currencyCode"], data.currency_code)
    p.text([*root, "paymentReference"], data.payment_reference)
    _address(p, [*root, "shippingAddress"], data.shipping_address)
    _address(p, [*root, "billingAddress"], data.billing_address)
    _money(p, [*root, "shippingFee"], data.shipping_fee)
    p.lines([*root, "lines"], data.lines)
    if data.locale is not None and (problem := locale_problem(data.locale)):
        p.add([*root, "locale"], problem)
    for index, line in enumerate(data.lines[:MAX_LINES]):
        path = [*root, "lines", str(index)]
        p.key([*path, "id"], str(line.id))
        p.text([*path, "sku"], line.sku)
        p.text([*path, "title"], line.title)
        p.text([*path, "category"], line.category)
        p.text([*path, "setId"], line.set_id, required=False)
        _money(p, [*path, "unitPrice"], line.unit_price)
        if line.unit_tax is not None:
            _money(p, [*path, "unitTax"], line.unit_tax)
    return p.errors


def _return_lines(p: Problems, path: Path, lines: Sequence[ReturnLineInput]) -> None:
    p.lines(path, lines)
    for index, line in enumerate(lines[:MAX_LINES]):
        p.key([*path, str(index), "orderLineId"], str(line.order_line_id))
        p.text([*path, str(index), "note"], line.note, required=False, multiline=True)


def return_input(data: ReturnInput) -> list[UserError]:
    p = Problems()
    p.key(["input", "orderId"], str(data.order_id))
    _return_lines(p, ["input", "lines"], data.lines)
    return p.errors


def request_return(data: RequestReturnInput) -> list[UserError]:
    p = Problems()
    p.key(["input", "orderId"], str(data.order_id))
    p.key(["input", "idempotencyKey"], data.idempotency_key, max_length=MAX_IDEMPOTENCY_KEY)
    if data.source_message_id is not None:
        p.key(["input", "sourceMessageId"], str(data.source_message_id))
    _return_lines(p, ["input", "lines"], data.lines)
    return p.errors


def return_id(value: str, path: Path = ("id",)) -> list[UserError]:
    p = Problems()
    p.key(path, value)
    return p.errors


def texts(**fields: str | None) -> list[UserError]:
    """Plain one-line string arguments of a mutation (required when not None)."""
    p = Problems()
    for name, value in fields.items():
        p.text([name], value)
    return p.errors


def notes(*, required: bool, **fields: str | None) -> list[UserError]:
    """Free-text arguments that may span lines (a note, a decline reason)."""
    p = Problems()
    for name, value in fields.items():
        p.text([name], value, required=required, multiline=True)
    return p.errors


def message_text(text: str, *, idempotency_key: str | None = None) -> list[UserError]:
    """An agent's email or internal note: not blank, at most MAX_MESSAGE_TEXT characters, no control
    or bidirectional formatting characters (line breaks and tabs are text)."""
    p = Problems()
    p.text(["text"], text, max_length=MAX_MESSAGE_TEXT, multiline=True)
    if idempotency_key is not None:
        p.key(["idempotencyKey"], idempotency_key, max_length=MAX_IDEMPOTENCY_KEY)
    return p.errors


def inspection(lines: Sequence[InspectionLineInput]) -> list[UserError]:
    p = Problems()
    p.lines(["lines"], lines)
    for index, line in enumerate(lines[:MAX_LINES]):
        path = ["lines", str(index)]
        p.key([*path, "orderLineId"], str(line.order_line_id))
        p.text([*path, "note"], line.note, required=False, multiline=True)  # as a customer's note
        p.photos([*path, "photoIds"], line.photo_ids, "photos per item")
    return p.errors


def unknown_package(data: UnknownPackageInput) -> list[UserError]:
    p = Problems()
    path = ["input"]
    p.text([*path, "scanned"], data.scanned)
    p.key([*path, "idempotencyKey"], data.idempotency_key, max_length=MAX_IDEMPOTENCY_KEY)
    p.text([*path, "senderName"], data.sender_name, required=False)
    p.text([*path, "senderAddress"], data.sender_address, required=False, multiline=True)
    p.text([*path, "carrier"], data.carrier, required=False, max_length=40)
    p.text([*path, "trackingNumber"], data.tracking_number, required=False,
           max_length=MAX_SCANNED_TRACKING_NUMBER)
    p.text([*path, "note"], data.note, required=False, multiline=True)
    p.photos([*path, "photoIds"], data.photo_ids, "photos")
    return p.errors
