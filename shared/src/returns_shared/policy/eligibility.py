"""Which order lines may be returned: WINDOW-30D, NR-CATEGORY, NR-MARKED, NR-GIFT, NR-SET, QTY.

Two views of the same rules: ``returnability`` per order line (independent of any request, so never
SET_INCOMPLETE) and ``judge_request`` for the lines of one request (adds QTY against the asked
quantity and NR-SET across the lines requested together).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from returns_shared.domain.decisions import Ineligibility, LineReturnability
from returns_shared.domain.errors import InvalidInput, NotFound
from returns_shared.domain.orders import Order, OrderLine
from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import IneligibilityCode as Code
from returns_shared.policy.document import PolicyDocument
from returns_shared.policy.inputs import RequestedLine
from returns_shared.policy.instants import after


# -- earlier requests of the order ----------------------------------------------------------
def active_returns(order: Order, returns: Sequence[Return]) -> list[Return]:
    """Requests of this order that still count: not canceled, declined or expired."""
    return [ret for ret in returns if ret.order_id == order.id and not ret.is_void]


def held_quantities(order: Order, prior_returns: Sequence[Return]) -> Counter[str]:
    """QTY: units of each order line already held by earlier requests that still count."""
    held: Counter[str] = Counter()
    for ret in active_returns(order, prior_returns):
        for line in ret.lines:
            held[line.order_line_id] += line.quantity
    return held


def is_first_return_package(order: Order, prior_returns: Sequence[Return]) -> bool:
    """FEE-*: the first request of the order that is not canceled, declined or expired."""
    return not active_returns(order, prior_returns)


# -- per line -------------------------------------------------------------------------------
def return_deadline(line: OrderLine, *, policy: PolicyDocument) -> datetime | None:
    """WINDOW-30D: deliveredAt + days x 24 h for the line's category; None until delivered."""
    if line.delivered_at is None:
        return None
    return after(line.delivered_at, timedelta(days=policy.return_window.days_for(line.category)))


def _why(code: Code, clause_id: str, message: str) -> Ineligibility:
    return Ineligibility(code=code, clause_id=clause_id, message=message)


# NR-CATEGORY's categories in a customer's words (the codes are the order feed's)
CATEGORY_WORDS = {"BODYSUIT": "bodysuits", "TIGHTS": "tights", "SOCKS": "socks", "JEWELRY": "jewelry",
                  "INTIMATES": "intimate items"}


def category_words(category: str) -> str:
    code = category.upper()
    return CATEGORY_WORDS.get(code, f"items of this kind ({code.replace('_', ' ').lower()})")


def calendar_day(moment: datetime) -> str:
    """A day as customers read it, e.g. 'December 6, 2026' (UTC, like the emails)."""
    moment = moment.astimezone(UTC)
    return f"{moment:%B} {moment.day}, {moment.year}"


def _titles(lines: Iterable[OrderLine]) -> str:
    return " and ".join(f"“{line.title}”" for line in lines)


def line_reasons(line: OrderLine, *, policy: PolicyDocument, now: datetime) -> list[Ineligibility]:
    """Every reason of the line itself (window, category, mark, gift), in clause order."""
    reasons: list[Ineligibility] = []
    deadline = return_deadline(line, policy=policy)
    if deadline is None:
        reasons.append(
            _why(Code.NOT_DELIVERED, "WINDOW-30D", "It has not been delivered yet.")
        )
    elif now > deadline:  # the closing instant itself is still in time
        reasons.append(
            _why(
                Code.RETURN_WINDOW_EXPIRED,
                "WINDOW-30D",
                f"Its return window closed on {calendar_day(deadline)}.",
            )
        )
    if line.category.upper() in policy.eligibility.non_returnable_categories:
        reasons.append(
            _why(
                Code.NON_RETURNABLE_CATEGORY,
                "NR-CATEGORY",
                f"{category_words(line.category).capitalize()} cannot be returned.",
            )
        )
    if line.non_returnable:
        reasons.append(
            _why(Code.MARKED_NON_RETURNABLE, "NR-MARKED", "It is marked non-returnable.")
        )
    if line.free_gift or (
        policy.eligibility.zero_price_is_free_gift and line.unit_price.amount == 0
    ):
        reasons.append(_why(Code.FREE_GIFT, "NR-GIFT", "Free gifts cannot be returned."))
    return reasons


def _quantity_exceeded(line: OrderLine, held: int, asked: int | None) -> Ineligibility:
    remaining = max(line.quantity - held, 0)
    if asked is None:
        message = ("It is already in an earlier return request." if line.quantity == 1
                   else f"All {line.quantity} delivered items are already in earlier return requests.")
    else:
        message = (f"{asked} requested, but only {remaining} of the {line.quantity} delivered can still be "
                   "returned.")
    return _why(Code.QUANTITY_EXCEEDED, "QTY", message)


def returnability(
    order: Order, prior_returns: Sequence[Return], *, policy: PolicyDocument, now: datetime
) -> tuple[LineReturnability, ...]:
    """Per order line, whatever is requested: can it be returned, how many, until when."""
    held = held_quantities(order, prior_returns)
    result = []
    for line in order.lines:
        remaining = max(line.quantity - held[line.id], 0)
        reasons = line_reasons(line, policy=policy, now=now)
        if remaining == 0:
            reasons.append(_quantity_exceeded(line, held[line.id], None))
        result.append(
            LineReturnability(
                order_line_id=line.id,
                eligible=not reasons,
                returnable_quantity=0 if reasons else remaining,
                return_deadline=return_deadline(line, policy=policy),
                reasons=tuple(reasons),
            )
        )
    return tuple(result)


# -- per request ----------------------------------------------------------------------------
@dataclass(frozen=True)
class JudgedLine:
    line: OrderLine
    requested: RequestedLine
    reasons: tuple[Ineligibility, ...]

    @property
    def eligible(self) -> bool:
        return not self.reasons


def validate_request(order: Order, requested: Sequence[RequestedLine]) -> None:
    """The only refusals of a quote: unknown line, a line named twice, a non-positive quantity."""
    seen: set[str] = set()
    for index, item in enumerate(requested):
        field = ("lines", str(index), "orderLineId")
        if order.line(item.order_line_id) is None:
            raise NotFound(f"Order {order.id} has no item {item.order_line_id}.", field=field)
        if item.order_line_id in seen:
            title = order.line(item.order_line_id).title  # type: ignore[union-attr]  # found above
            raise InvalidInput(f"“{title}” is chosen twice; choose each item once.", field=field)
        seen.add(item.order_line_id)
        if (
            isinstance(item.quantity, bool)
            or not isinstance(item.quantity, int)
            or item.quantity <= 0
        ):
            raise InvalidInput(
                "The quantity must be a whole number of at least 1.", field=("lines", str(index), "quantity")
            )


def _set_reasons(
    order: Order, requested: Sequence[RequestedLine], own: dict[str, list[Ineligibility]]
) -> None:
    """NR-SET: a set goes back whole (every member, full delivered quantity, same request) or not at all.

    A fully requested set with a member that is ineligible for its own reasons stands or falls
    together too: its other members become SET_INCOMPLETE (see the document's eligibility notes).
    """
    asked = {item.order_line_id: item.quantity for item in requested}
    set_ids = {line.set_id for line in order.lines if line.set_id and line.id in asked}
    for set_id in sorted(set_ids):
        members = [line for line in order.lines if line.set_id == set_id]
        missing = [line.id for line in members if asked.get(line.id) != line.quantity]
        blocked = [line.id for line in members if line.id in asked and own[line.id]]
        for line in members:
            if line.id not in asked:
                continue
            mates = _titles(member for member in members if member.id != line.id)
            if missing:
                message = (
                    f"It is part of a set with {mates}: return every item of the set, each in the full "
                    "quantity you received, in the same request."
                )
            elif blocked and line.id not in blocked:
                message = (
                    f"It is part of a set with {mates}; {_titles(m for m in members if m.id in blocked)} "
                    "cannot be returned, and a set goes back whole or not at all."
                )
            else:
                continue
            own[line.id].append(_why(Code.SET_INCOMPLETE, "NR-SET", message))


def judge_request(
    order: Order,
    requested: Sequence[RequestedLine],
    prior_returns: Sequence[Return],
    *,
    policy: PolicyDocument,
    now: datetime,
) -> list[JudgedLine]:
    """Eligibility of each requested line, in request order (call ``validate_request`` first)."""
    held = held_quantities(order, prior_returns)
    own: dict[str, list[Ineligibility]] = {}
    for item in requested:
        line = order.line(item.order_line_id)
        assert line is not None  # validated
        reasons = line_reasons(line, policy=policy, now=now)
        if item.quantity > line.quantity - held[line.id]:
            reasons.append(_quantity_exceeded(line, held[line.id], item.quantity))
        own[line.id] = reasons
    _set_reasons(order, requested, own)
    judged = []
    for item in requested:
        line = order.line(item.order_line_id)
        assert line is not None
        judged.append(JudgedLine(line=line, requested=item, reasons=tuple(own[line.id])))
    return judged
