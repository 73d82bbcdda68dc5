"""The words of the returns domain: the enums every layer shares (names match the GraphQL contract)."""

from __future__ import annotations

from enum import StrEnum


class ReturnReason(StrEnum):
    SIZE_TOO_SMALL = "SIZE_TOO_SMALL"
    SIZE_TOO_LARGE = "SIZE_TOO_LARGE"
    STYLE = "STYLE"
    UNWANTED = "UNWANTED"
    OTHER = "OTHER"
    DEFECTIVE = "DEFECTIVE"
    NOT_AS_DESCRIBED = "NOT_AS_DESCRIBED"
    WRONG_ITEM = "WRONG_ITEM"


class ReturnMethod(StrEnum):
    PREPAID_LABEL = "PREPAID_LABEL"
    SELF_SHIP = "SELF_SHIP"


class ReturnStatus(StrEnum):
    REQUESTED = "REQUESTED"
    UNDER_REVIEW = "UNDER_REVIEW"
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"
    CANCELED = "CANCELED"
    EXPIRED = "EXPIRED"
    IN_TRANSIT = "IN_TRANSIT"
    RECEIVED = "RECEIVED"
    INSPECTED = "INSPECTED"
    REFUNDED = "REFUNDED"


# A status in a sentence a person reads ("This return is canceled.")
STATUS_WORDS: dict[ReturnStatus, str] = {
    ReturnStatus.REQUESTED: "requested",
    ReturnStatus.UNDER_REVIEW: "under review",
    ReturnStatus.APPROVED: "approved",
    ReturnStatus.DECLINED: "declined",
    ReturnStatus.CANCELED: "canceled",
    ReturnStatus.EXPIRED: "expired",
    ReturnStatus.IN_TRANSIT: "on its way",
    ReturnStatus.RECEIVED: "received",
    ReturnStatus.INSPECTED: "inspected",
    ReturnStatus.REFUNDED: "refunded",
}

# Returns in these states no longer hold quantities and do not count as a "return package".
VOID_STATUSES = frozenset({ReturnStatus.CANCELED, ReturnStatus.DECLINED, ReturnStatus.EXPIRED})


class IneligibilityCode(StrEnum):
    NOT_DELIVERED = "NOT_DELIVERED"
    RETURN_WINDOW_EXPIRED = "RETURN_WINDOW_EXPIRED"
    NON_RETURNABLE_CATEGORY = "NON_RETURNABLE_CATEGORY"
    MARKED_NON_RETURNABLE = "MARKED_NON_RETURNABLE"
    FREE_GIFT = "FREE_GIFT"
    SET_INCOMPLETE = "SET_INCOMPLETE"
    QUANTITY_EXCEEDED = "QUANTITY_EXCEEDED"


class ItemCondition(StrEnum):
    NEW_WITH_TAGS = "NEW_WITH_TAGS"
    MISSING_TAGS = "MISSING_TAGS"
    WORN = "WORN"
    WASHED = "WASHED"
    IRONED = "IRONED"
    STAINED = "STAINED"
    DAMAGED = "DAMAGED"
    MISSING = "MISSING"  # not in the package
    WRONG_ITEM = "WRONG_ITEM"  # another item than the one ordered came back


class RefundStatus(StrEnum):
    """A refund as the payment provider reports it (Stripe's refund statuses)."""

    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    REQUIRES_ACTION = "REQUIRES_ACTION"
    CANCELED = "CANCELED"


# Money is moving (or moved) to the customer; a failed or canceled refund paid nothing.
REFUND_UNDER_WAY = frozenset({RefundStatus.PENDING, RefundStatus.SUCCEEDED, RefundStatus.REQUIRES_ACTION})
REFUND_NOT_PAID = frozenset({RefundStatus.FAILED, RefundStatus.CANCELED})


class MessageDirection(StrEnum):
    """An email of a conversation: the customer's to customer service, or the service's to them."""

    INBOUND = "INBOUND"
    OUTBOUND = "OUTBOUND"


class ReviewWaitingFor(StrEnum):
    """Who a return under review waits for: the customer (asked by email, no reply since) or an agent
    (the customer replied)."""

    CUSTOMER = "CUSTOMER"
    AGENT = "AGENT"
