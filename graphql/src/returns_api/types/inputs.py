"""Input types of the contract, each able to render itself as the command JSON (camelCase).

Edge validation lives in returns_api/validation.py; the functions re-validate everything.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import strawberry

from returns_api.scalars import serialize_decimal
from returns_api.types.enums import ItemCondition, ReturnMethod, ReturnReason


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@strawberry.input
class AddressInput:
    name: str
    line1: str
    line2: str | None = None
    city: str
    region: str | None = None
    postal_code: str
    country_code: str
    phone: str | None = None

    def to_command(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "line1": self.line1,
            "line2": self.line2,
            "city": self.city,
            "region": self.region,
            "postalCode": self.postal_code,
            "countryCode": self.country_code,
            "phone": self.phone,
        }


@strawberry.input
class MoneyInput:
    amount: Decimal
    currency_code: str

    def to_command(self) -> dict[str, Any]:
        return {"amount": serialize_decimal(self.amount), "currencyCode": self.currency_code}


@strawberry.input
class OrderLineInput:
    id: strawberry.ID
    sku: str
    title: str
    category: str
    quantity: int
    unit_price: MoneyInput
    unit_tax: MoneyInput | None = None
    delivered_at: datetime | None = None
    set_id: str | None = None
    free_gift: bool | None = None
    non_returnable: bool | None = None

    def to_command(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "sku": self.sku,
            "title": self.title,
            "category": self.category,
            "quantity": self.quantity,
            "unitPrice": self.unit_price.to_command(),
            "unitTax": self.unit_tax.to_command() if self.unit_tax else None,
            "deliveredAt": _iso(self.delivered_at),
            "setId": self.set_id,
            "freeGift": self.free_gift,
            "nonReturnable": self.non_returnable,
        }


@strawberry.input
class RecordOrderInput:
    id: strawberry.ID
    email: str
    placed_at: datetime
    currency_code: str
    payment_reference: str
    shipping_address: AddressInput
    billing_address: AddressInput
    shipping_fee: MoneyInput
    lines: list[OrderLineInput]
    locale: str | None = strawberry.field(
        default=None, description="The customer's locale, a BCP 47 tag such as `ja-JP`, `fr-CA` or `de`: "
        "their emails are written in its language when the service has it (English, French, German, "
        "Spanish, Italian, Japanese), else in the shipping country's main language, else English.")

    def to_command(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "email": self.email,
            "placedAt": _iso(self.placed_at),
            "currencyCode": self.currency_code,
            "paymentReference": self.payment_reference,
            "shippingAddress": self.shipping_address.to_command(),
            "billingAddress": self.billing_address.to_command(),
            "shippingFee": self.shipping_fee.to_command(),
            "lines": [line.to_command() for line in self.lines],
            "locale": self.locale,
        }


@strawberry.input
class ReturnLineInput:
    order_line_id: strawberry.ID
    quantity: int
    reason: ReturnReason
    note: str | None = None

    def to_command(self) -> dict[str, Any]:
        return {
            "orderLineId": str(self.order_line_id),
            "quantity": self.quantity,
            "reason": self.reason.value,
            "note": self.note,
        }


@strawberry.input
class ReturnInput:
    order_id: strawberry.ID
    method: ReturnMethod
    lines: list[ReturnLineInput]


@strawberry.input
class RequestReturnInput:
    order_id: strawberry.ID
    method: ReturnMethod
    lines: list[ReturnLineInput]
    condition_attested: bool = strawberry.field(
        description='"new, unworn, tags and packaging intact"'
    )
    idempotency_key: str = strawberry.field(
        description="same key + same input → the same return, once"
    )
    source_message_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Agents only: the customer's email that asked for this return (from the order's "
                    "address). It joins the new return's conversation, and the timeline records the request "
                    "made on the customer's behalf and the condition attested by email.")

    def to_command(self) -> dict[str, Any]:
        command: dict[str, Any] = {
            "orderId": str(self.order_id),
            "method": self.method.value,
            "lines": [line.to_command() for line in self.lines],
            "conditionAttested": self.condition_attested,
            "idempotencyKey": self.idempotency_key,
        }
        if self.source_message_id is not None:
            command["sourceMessageId"] = str(self.source_message_id)
        return command


@strawberry.input
class InspectionLineInput:
    order_line_id: strawberry.ID
    condition: ItemCondition
    defect_confirmed: bool | None = None
    note: str | None = strawberry.field(
        default=None, description="What the warehouse saw; the customer and agents read it beside the item.")
    photo_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Photos of the item, each uploaded with inspectionPhotoUpload first.")

    def to_command(self) -> dict[str, Any]:
        return {
            "orderLineId": str(self.order_line_id),
            "condition": self.condition.value,
            "defectConfirmed": self.defect_confirmed,
            "note": self.note,
            "photoIds": [str(photo) for photo in self.photo_ids or ()],
        }


@strawberry.input(description="What the warehouse reads on a package it refuses (REQ-FIRST); all but "
                               "`scanned` is optional.")
class UnknownPackageInput:
    scanned: str = strawberry.field(description="The RMA or number scanned or typed.")
    idempotency_key: str = strawberry.field(description="One per refusal: a retry records it once.")
    sender_name: str | None = strawberry.field(default=None,
                                               description="The sender as the label names them.")
    sender_address: str | None = strawberry.field(
        default=None, description="The sender's address as on the label, lines as written.")
    carrier: str | None = strawberry.field(default=None, description="The carrier of the label seen.")
    tracking_number: str | None = strawberry.field(default=None, description="The carrier label's number.")
    note: str | None = strawberry.field(default=None,
                                        description="Anything else customer service should know.")
    photo_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Photos of the package, each uploaded with packagePhotoUpload first.")

    def to_command(self) -> dict[str, Any]:
        return {"scanned": self.scanned, "idempotencyKey": self.idempotency_key,
                "senderName": self.sender_name,
                "senderAddress": self.sender_address, "carrier": self.carrier,
                "trackingNumber": self.tracking_number, "note": self.note,
                "photoIds": [str(photo) for photo in self.photo_ids or ()]}
