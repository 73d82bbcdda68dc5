"""LABEL-US (which return methods a shipping country gets) and the FEE-* table (what a package costs).

The table itself is data (``fees.regions`` in the policy document); this module only looks it up.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from returns_shared.domain.vocabulary import ReturnMethod
from returns_shared.policy.document import PolicyDocument


def methods_available(country_code: str, *, policy: PolicyDocument) -> tuple[ReturnMethod, ...]:
    """LABEL-US: a prepaid label for the label countries only; everyone may ship on their own."""
    if country_code.upper() in policy.methods.label_countries:
        return (ReturnMethod.PREPAID_LABEL, ReturnMethod.SELF_SHIP)
    return (ReturnMethod.SELF_SHIP,)


@dataclass(frozen=True)
class PackageFees:
    clause_id: str
    label_fee: Decimal
    shipping_credit: Decimal  # at most one credit per package: a case either grants it or not


def package_fees(
    *,
    country_code: str,
    currency: str,
    method: ReturnMethod,
    first_return_package: bool,
    merchant_responsibility: bool,
    policy: PolicyDocument,
) -> PackageFees:
    """The FEE-* case of the shipping country's region, priced in the order currency.

    Raises UnsupportedCurrency when the policy has no fee table for ``currency``.
    """
    amounts = policy.fees_for(currency)
    case = policy.fees.region_of(country_code).case_for(
        merchant_responsibility=merchant_responsibility,
        first_return_package=first_return_package,
        method=method,
    )
    zero = Decimal("0.00")
    return PackageFees(
        clause_id=case.clause,
        label_fee=amounts.label_fee if case.label_fee else zero,
        shipping_credit=amounts.shipping_credit if case.shipping_credit else zero,
    )
