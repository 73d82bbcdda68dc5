"""The quote of a return package: eligibility + FEE-* + REFUND-AMOUNT, REFUND-SHIPPING, REFUND-FEES.

``price`` is the one place a refund is computed; ``quote`` (at request time) and the settlement (after
inspection) both go through it, so a quote and its settlement can never disagree on arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from returns_shared.domain.decisions import Ineligibility, Quote, QuoteLine
from returns_shared.domain.money import Money, round_cents
from returns_shared.domain.orders import Order, OrderLine
from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import ReturnMethod, ReturnReason
from returns_shared.policy.amounts import item_cap, line_amount
from returns_shared.policy.document import PolicyDocument
from returns_shared.policy.eligibility import (
    is_first_return_package,
    judge_request,
    validate_request,
)
from returns_shared.policy.fees import methods_available, package_fees
from returns_shared.policy.inputs import RequestedLine

ZERO = Decimal("0.00")


def unique(clause_ids: Iterable[str]) -> tuple[str, ...]:
    """Clause ids without duplicates, first mention first (stable order for callers and tests)."""
    return tuple(dict.fromkeys(clause_ids))


@dataclass(frozen=True)
class PricedLine:
    line: OrderLine
    quantity: int
    reason: ReturnReason
    reasons: tuple[Ineligibility, ...] = ()  # empty = eligible / accepted

    @property
    def eligible(self) -> bool:
        return not self.reasons


def claims_merchant_responsibility(lines: Iterable[PricedLine], *, policy: PolicyDocument) -> bool:
    """Judged on eligible lines only: one merchant-responsibility reason makes the package one."""
    reasons = policy.reasons.merchant_responsibility
    return any(line.eligible and line.reason in reasons for line in lines)


def price(
    order: Order,
    lines: Sequence[PricedLine],
    method: ReturnMethod,
    *,
    first_return_package: bool,
    merchant_responsibility: bool,
    cap: Decimal,
    policy: PolicyDocument,
) -> Quote:
    """REFUND-AMOUNT: item part (capped) - label fee + shipping credit, floored at zero.

    No eligible line means no fee and no credit: a shipping credit is only paid with a refund.
    """
    currency = order.currency
    policy.fees_for(currency)  # refuse an unsupported currency even when nothing is eligible
    quote_lines = tuple(
        QuoteLine(
            order_line_id=item.line.id,
            quantity=item.quantity,
            eligible=item.eligible,
            reasons=item.reasons,
            amount=Money(
                amount=line_amount(item.line, item.quantity) if item.eligible else ZERO,
                currency=currency,
            ),
        )
        for item in lines
    )
    items = min(sum((ql.amount.amount for ql in quote_lines), ZERO), cap)
    methods = methods_available(order.shipping_address.country_code, policy=policy)
    label_fee = credit = ZERO
    fee_clause: list[str] = []
    if any(item.eligible for item in lines):
        fees = package_fees(
            country_code=order.shipping_address.country_code,
            currency=currency,
            method=method,
            first_return_package=first_return_package,
            merchant_responsibility=merchant_responsibility,
            policy=policy,
        )
        label_fee, credit, fee_clause = fees.label_fee, fees.shipping_credit, [fees.clause_id]
    total = max(round_cents(items - label_fee + credit), ZERO)
    label_relevant = (
        method == ReturnMethod.PREPAID_LABEL or ReturnMethod.PREPAID_LABEL not in methods
    )
    clauses = [
        *(reason.clause_id for item in lines for reason in item.reasons),
        *(["LABEL-US"] if label_relevant else []),
        *fee_clause,
        "REFUND-AMOUNT",
        "REFUND-SHIPPING",
        *(["REFUND-FEES"] if credit > 0 else []),
    ]
    return Quote(
        lines=quote_lines,
        items_subtotal=Money(amount=round_cents(items), currency=currency),
        label_fee=Money(amount=round_cents(label_fee), currency=currency),
        shipping_credit=Money(amount=round_cents(credit), currency=currency),
        total=Money(amount=total, currency=currency),
        first_return_package=first_return_package,
        merchant_responsibility=merchant_responsibility,
        methods_available=methods,
        applied_clauses=unique(clauses),
        policy_version=policy.version,
    )


def quote(
    order: Order,
    requested: Sequence[RequestedLine],
    method: ReturnMethod,
    prior_returns: Sequence[Return],
    *,
    policy: PolicyDocument,
    now: datetime,
    first_return_package: bool | None = None,
) -> Quote:
    """What returning ``requested`` by ``method`` would refund, with every clause that decided it.

    Raises only for an unknown line (NotFound), a line named twice or a non-positive quantity
    (InvalidInput), or an order currency without fees (UnsupportedCurrency). Ineligible lines and
    an unavailable method are reported inside the quote. ``prior_returns`` are the order's other
    returns in any status; ``first_return_package`` overrides the derived value (a stored return
    keeps the one it was requested with).
    """
    validate_request(order, requested)
    policy.fees_for(order.currency)
    judged = judge_request(order, requested, prior_returns, policy=policy, now=now)
    lines = [
        PricedLine(
            line=j.line, quantity=j.requested.quantity, reason=j.requested.reason, reasons=j.reasons
        )
        for j in judged
    ]
    first = (
        is_first_return_package(order, prior_returns)
        if first_return_package is None
        else first_return_package
    )
    return price(
        order,
        lines,
        method,
        first_return_package=first,
        merchant_responsibility=claims_merchant_responsibility(lines, policy=policy),
        cap=item_cap(order, prior_returns),
        policy=policy,
    )
