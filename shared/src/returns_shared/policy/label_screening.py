"""SCREEN-LABELS: a prepaid request for a line whose earlier prepaid labels went unused too often is
reviewed by a person before another label is bought (the policy document's screening notes say why).

Pure: the caller passes the customer's returns, this order's read consistently.
"""

from __future__ import annotations

from collections.abc import Sequence

from returns_shared.domain.decisions import Quote, ScreeningFlag
from returns_shared.domain.orders import Order
from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import ReturnMethod, ReturnStatus
from returns_shared.policy.document import PolicyDocument

ENDED_UNUSED = frozenset({ReturnStatus.CANCELED, ReturnStatus.EXPIRED})


def unused_labels(order_id: str, order_line_id: str, history: Sequence[Return]) -> int:
    """Prepaid labels bought (or being bought: the return was approved) for this order line whose
    return was then canceled or expired."""
    return sum(
        1
        for ret in history
        if ret.order_id == order_id
        and ret.method == ReturnMethod.PREPAID_LABEL
        and ret.approved_at is not None
        and ret.status in ENDED_UNUSED
        and ret.line(order_line_id) is not None
    )


def label_flags(
    order: Order, quote: Quote, method: ReturnMethod, history: Sequence[Return], *, policy: PolicyDocument
) -> list[ScreeningFlag]:
    if method != ReturnMethod.PREPAID_LABEL:
        return []
    limit = policy.screening.unused_labels_before_review
    flags = []
    for line in quote.lines:
        count = unused_labels(order.id, line.order_line_id, history) if line.eligible else 0
        if count >= limit:
            flags.append(ScreeningFlag(
                clause_id="SCREEN-LABELS",
                message=f"line {line.order_line_id}: {count} earlier prepaid labels went unused (their "
                        f"returns were canceled or expired); the review limit is {limit}",
            ))
    return flags
