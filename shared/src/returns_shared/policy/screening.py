"""Screening of abnormal requests before approval: SCREEN-AMOUNT, -ADDRESS, -CONTACT, -EMAIL, and
SCREEN-LABELS (label_screening.py).

Needs no network: email syntax without DNS, a maintained disposable-domain list, offline phone
metadata. Any flag sends the request to review; each flag says which clause and what was abnormal.

The libraries behind the checks (phonenumbers' metadata, email-validator, the disposable-domain
list) are imported by the check that needs them: only the screening function screens, and it pays
for them at its first screening, not every process that imports the policy at its cold start. They
are the `screening` extra of returns-shared, shipped in the screening function's package only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

from returns_shared.domain.decisions import Quote, ScreeningFlag, ScreeningResult
from returns_shared.domain.errors import UnsupportedCurrency
from returns_shared.domain.orders import Address, Order, customer_key
from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import ReturnMethod
from returns_shared.policy.document import PolicyDocument
from returns_shared.policy.label_screening import label_flags


def _flag(clause_id: str, message: str) -> ScreeningFlag:
    return ScreeningFlag(clause_id=clause_id, message=message)


# -- SCREEN-AMOUNT --------------------------------------------------------------------------
def amount_flags(
    order: Order, quote: Quote, history: Sequence[Return], *, policy: PolicyDocument
) -> list[ScreeningFlag]:
    """Item value at/above the absolute threshold, or at/above multiple x the customer's mean."""
    rules = policy.screening
    threshold = rules.amount_threshold.get(order.currency)
    if threshold is None:
        raise UnsupportedCurrency(
            f"Our return policy has no screening threshold in {order.currency}: please contact customer "
            "service.",
            field=("orderId",),
        )
    value = quote.items_subtotal.amount
    flags = []
    if value >= threshold:
        flags.append(
            _flag(
                "SCREEN-AMOUNT",
                f"item value {value} {order.currency} is at or above the review threshold of {threshold} "
                f"{order.currency}",
            )
        )
    earlier = [
        ret.quote.items_subtotal.amount
        for ret in history
        if not ret.is_void
        and customer_key(ret.customer_email) == order.customer_key
        and ret.quote.items_subtotal.currency == order.currency
    ]
    if earlier:
        mean = sum(earlier, Decimal("0")) / len(earlier)
        if mean > 0 and value >= rules.history_multiple * mean:
            flags.append(
                _flag(
                    "SCREEN-AMOUNT",
                    f"item value {value} {order.currency} is at least {rules.history_multiple} x the mean "
                    f"{_shown(mean)} {order.currency} of the customer's {len(earlier)} "
                    "earlier return request(s)",
                )
            )
    return flags


# -- SCREEN-ADDRESS -------------------------------------------------------------------------
@lru_cache(maxsize=64)
def _pattern(regex: str) -> re.Pattern[str]:
    return re.compile(regex, re.IGNORECASE)


def postal_code_valid(postal_code: str, country_code: str, *, policy: PolicyDocument) -> bool:
    """A full match of the country's pattern; countries without a pattern are not judged."""
    regex = policy.screening.postal_code_patterns.get(country_code.upper())
    return regex is None or _pattern(regex).fullmatch(postal_code.strip()) is not None


def address_flags(order: Order, *, policy: PolicyDocument) -> list[ScreeningFlag]:
    ship, bill = order.shipping_address, order.billing_address
    flags = []
    if ship.country_code.upper() != bill.country_code.upper():
        flags.append(
            _flag(
                "SCREEN-ADDRESS",
                f"billing country {bill.country_code} differs from shipping country {ship.country_code}",
            )
        )
    for label, address in (("shipping", ship), ("billing", bill)):
        if not postal_code_valid(address.postal_code, address.country_code, policy=policy):
            flags.append(
                _flag(
                    "SCREEN-ADDRESS",
                    f"{label} postal code {address.postal_code!r} is not a valid "
                    f"{address.country_code.upper()} postal code",
                )
            )
    return flags


def _shown(mean: Decimal) -> str:
    """The mean as the decision used it: cents when exact, else four places (59.995 is not "60.00")."""
    cents = mean.quantize(Decimal("0.01"))
    return str(cents) if cents == mean else str(mean.quantize(Decimal("0.0001")))


# -- SCREEN-CONTACT -------------------------------------------------------------------------
def name_problem(name: str, *, policy: PolicyDocument) -> str | None:
    """Why a name looks abnormal (digits, under two letters, a placeholder word), or None. Compared in
    NFKC form: full-width "Ｔｅｓｔ" is the placeholder "test", not a name."""
    name = unicodedata.normalize("NFKC", name)
    if any(ch.isdigit() for ch in name):
        return "contains digits"
    if sum(1 for ch in name if ch.isalpha()) < 2:
        return "has fewer than two letters"
    for placeholder in policy.screening.placeholder_names:
        # whole word: not glued to another letter or digit ("Testa" is not "test", "N/A" is "n/a")
        if re.search(rf"(?<!\w){re.escape(placeholder)}(?!\w)", name, re.IGNORECASE):
            return f"is the placeholder {placeholder!r}"
    return None


def phone_valid(phone: str, country_code: str) -> bool:
    """Valid for the shipping country according to phonenumbers' offline metadata."""
    import phonenumbers

    try:
        number = phonenumbers.parse(phone, country_code.upper())
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number_for_region(number, country_code.upper())


def contact_flags(order: Order, *, policy: PolicyDocument) -> list[ScreeningFlag]:
    flags = []
    addresses: tuple[tuple[str, Address], ...] = (
        ("shipping", order.shipping_address),
        ("billing", order.billing_address),
    )
    for label, address in addresses:
        problem = name_problem(address.name, policy=policy)
        if problem:
            flags.append(_flag("SCREEN-CONTACT", f"{label} name {address.name!r} {problem}"))
    ship = order.shipping_address
    if ship.phone and ship.phone.strip() and not phone_valid(ship.phone, ship.country_code):
        flags.append(
            _flag(
                "SCREEN-CONTACT",
                f"recipient phone {ship.phone!r} is not a valid number for {ship.country_code.upper()}",
            )
        )
    return flags


# -- SCREEN-EMAIL ---------------------------------------------------------------------------
def is_disposable_domain(domain: str) -> bool:
    """The domain or any parent domain is on the maintained disposable-mail list."""
    from disposable_email_domains import blocklist

    parts = domain.lower().rstrip(".").split(".")
    return any(".".join(parts[i:]) in blocklist for i in range(len(parts) - 1))


def email_flags(order: Order) -> list[ScreeningFlag]:
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(
            order.email.strip(), check_deliverability=False
        )  # no DNS at request time
    except EmailNotValidError as exc:
        return [_flag("SCREEN-EMAIL", f"order email {order.email!r} is malformed: {exc}")]
    if is_disposable_domain(checked.ascii_domain):
        return [
            _flag(
                "SCREEN-EMAIL",
                f"order email domain {checked.ascii_domain} is a disposable-mail domain",
            )
        ]
    return []


def screen(
    order: Order, quote: Quote, customer_history: Sequence[Return], *, policy: PolicyDocument,
    method: ReturnMethod,
) -> ScreeningResult:
    """Screen a new request. ``customer_history`` = the customer's other returns, any order and status."""
    flags = [
        *amount_flags(order, quote, customer_history, policy=policy),
        *address_flags(order, policy=policy),
        *contact_flags(order, policy=policy),
        *email_flags(order),
        *label_flags(order, quote, method, customer_history, policy=policy),
    ]
    return ScreeningResult(
        outcome="REVIEW" if flags else "PASS", flags=tuple(flags), policy_version=policy.version
    )
