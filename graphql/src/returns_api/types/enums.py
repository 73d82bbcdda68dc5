"""The contract's enums are the domain's own (same names and values), registered once here."""

from __future__ import annotations

import strawberry

from returns_shared.domain.vocabulary import (
    IneligibilityCode,
    ItemCondition,
    MessageDirection,
    RefundStatus,
    ReturnMethod,
    ReturnReason,
    ReturnStatus,
    ReviewWaitingFor,
)

ReturnReasonEnum = strawberry.enum(ReturnReason, name="ReturnReason")
ReturnMethodEnum = strawberry.enum(ReturnMethod, name="ReturnMethod")
ReturnStatusEnum = strawberry.enum(ReturnStatus, name="ReturnStatus")
IneligibilityCodeEnum = strawberry.enum(IneligibilityCode, name="IneligibilityCode")
ItemConditionEnum = strawberry.enum(ItemCondition, name="ItemCondition")
RefundStatusEnum = strawberry.enum(
    RefundStatus, name="RefundStatus",
    description="The refund as the payment provider reports it. FAILED and CANCELED paid nothing.")

MessageDirectionEnum = strawberry.enum(MessageDirection, name="MessageDirection")
ReviewWaitingForEnum = strawberry.enum(
    ReviewWaitingFor, name="ReviewWaitingFor",
    description="Who a return under review waits for: the customer (asked by email, no reply since) or an "
                "agent (the customer replied).")

__all__ = [
    "IneligibilityCode",
    "ItemCondition",
    "MessageDirection",
    "RefundStatus",
    "ReturnMethod",
    "ReturnReason",
    "ReturnStatus",
    "ReviewWaitingFor",
]
