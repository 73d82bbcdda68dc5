"""After inspection: COND-NEW decides which lines are refunded; the package is re-priced.

A line is accepted when it came back NEW_WITH_TAGS, or when it gives a merchant-responsibility
reason and the warehouse confirmed the defect (then its condition does not matter). An item that did
not come back at all (MISSING, WRONG_ITEM: the policy's ``inspection.never_accepted``) is never
accepted, carries no claim and cannot have a defect confirmed. Merchant responsibility is re-judged
on the package's lines (all eligible when requested): a claim stands unless ``defect_confirmed`` is
False, so only when every claim is refuted does the package fall back to the ordinary fee rule.
"""

from __future__ import annotations

from collections.abc import Sequence

from returns_shared.domain.decisions import Settlement
from returns_shared.domain.errors import InvalidInput
from returns_shared.domain.orders import Order
from returns_shared.domain.returns import Return, ReturnLine
from returns_shared.domain.vocabulary import ItemCondition
from returns_shared.policy.amounts import item_cap
from returns_shared.policy.document import PolicyDocument
from returns_shared.policy.inputs import InspectedLine
from returns_shared.policy.quoting import PricedLine, price, unique


def _inspections(
    ret: Return, inspected: Sequence[InspectedLine], never_accepted: frozenset[ItemCondition]
) -> dict[str, InspectedLine]:
    """Exactly one inspection per return line, nothing else."""
    by_line: dict[str, InspectedLine] = {}
    for index, item in enumerate(inspected):
        field = ("lines", str(index), "orderLineId")
        if ret.line(item.order_line_id) is None:
            raise InvalidInput(f"Return {ret.id} has no item {item.order_line_id}.", field=field)
        if item.order_line_id in by_line:
            raise InvalidInput(f"Item {item.order_line_id} is inspected twice.", field=field)
        if item.condition in never_accepted and item.defect_confirmed is True:
            raise InvalidInput(
                f"Item {item.order_line_id} did not come back ({item.condition.lower().replace('_', ' ')}):"
                " a defect cannot be confirmed on it.",
                field=("lines", str(index), "defectConfirmed"),
            )
        by_line[item.order_line_id] = item
    missing = [line.order_line_id for line in ret.lines if line.order_line_id not in by_line]
    if missing:
        raise InvalidInput(
            f"Every returned item needs a condition; not inspected: {', '.join(missing)}.",
            field=("lines",),
        )
    return by_line


def settle(
    order: Order,
    ret: Return,
    inspected: Sequence[InspectedLine],
    prior_returns: Sequence[Return],
    *,
    policy: PolicyDocument,
) -> tuple[list[ReturnLine], Settlement]:
    """The inspected return lines and the refund they earn.

    Priced with the return's own method and first-package flag, capped like the quote. Eligibility
    is not judged again (it was decided when the request was made). No accepted line: nothing to
    refund, so no fee and no shipping credit either.
    """
    never_accepted = policy.inspection.never_accepted
    by_line = _inspections(ret, inspected, never_accepted)
    merchant_reasons = policy.reasons.merchant_responsibility
    lines: list[ReturnLine] = []
    accepted: list[PricedLine] = []
    claim_stands = False
    for line in ret.lines:
        check = by_line[line.order_line_id]
        returned = check.condition not in never_accepted
        merchant_line = returned and line.reason in merchant_reasons
        ok = check.condition == ItemCondition.NEW_WITH_TAGS or (
            merchant_line and check.defect_confirmed is True
        )
        lines.append(
            line.model_copy(
                update={
                    "condition": check.condition,
                    "accepted": ok,
                    "defect_confirmed": check.defect_confirmed,
                    "inspection_note": check.note,
                    "photos": list(check.photos),
                }
            )
        )
        order_line = order.line(line.order_line_id)
        if order_line is None:  # a stored return always names lines of its own order
            raise InvalidInput(
                f"Order {order.id} has no item {line.order_line_id}.", field=("lines",)
            )
        # pinned: only defectConfirmed=false refutes a claim; an omitted one leaves it standing,
        # whatever the line's own condition (a rejected line can still carry a standing claim)
        claim_stands = claim_stands or (merchant_line and check.defect_confirmed is not False)
        if ok:
            accepted.append(PricedLine(line=order_line, quantity=line.quantity, reason=line.reason))
    settled = price(
        order,
        accepted,
        ret.method,
        first_return_package=ret.quote.first_return_package,
        merchant_responsibility=claim_stands,
        cap=item_cap(order, [p for p in prior_returns if p.id != ret.id]),
        policy=policy,
    )
    rejected = any(not line.accepted for line in lines)
    clauses = unique(
        [*(["COND-NEW"] if rejected else []), *settled.applied_clauses, "REFUND-ORIGINAL"]
    )
    return lines, Settlement(
        accepted_line_ids=tuple(p.line.id for p in accepted),
        quote=settled,
        amount=settled.total,
        applied_clauses=clauses,
    )
