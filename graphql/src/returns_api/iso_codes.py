"""ISO code lists the edge validates against, from small libraries that track the standards:
iso3166 (every assigned alpha-2 code, and XK, Kosovo's user-assigned code, which carriers use) and
iso4217 (the maintenance agency's own table).

ISO 4217 also lists funds, precious metals, units of account and the testing and no-currency codes,
but nothing is bought or refunded in them. The lists are built by the first input that needs them
(a few tens of ms for the ISO 4217 table), not at the gateway's cold start.
"""

from __future__ import annotations

from functools import cache

NOT_MONEY = frozenset(
    {
        "BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW",  # funds
        "XAG", "XAU", "XPD", "XPT",  # precious metals
        "XAD", "XBA", "XBB", "XBC", "XBD", "XDR", "XSU", "XUA",  # units of account
        "XTS", "XXX",  # testing; no currency involved
    }
)


@cache
def country_codes() -> frozenset[str]:
    import iso3166

    return frozenset(iso3166.countries_by_alpha2)


@cache
def currency_codes() -> frozenset[str]:
    import iso4217

    return frozenset(currency.code for currency in iso4217.Currency) - NOT_MONEY
