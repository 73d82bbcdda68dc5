"""ISO code lists the edge validates against, from pycountry (maintained with the standards).

ISO 3166-1 alpha-2: every assigned code, plus XK (Kosovo, user-assigned), which carriers use.
ISO 4217: currencies money can be in; funds, precious metals, units of account and the testing
and no-currency codes are in ISO 4217 too, but nothing is bought or refunded in them.
"""

from __future__ import annotations

import pycountry

USER_ASSIGNED_COUNTRIES = frozenset({"XK"})
NOT_MONEY = frozenset(
    {
        "BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW",  # funds
        "XAG", "XAU", "XPD", "XPT",  # precious metals
        "XAD", "XBA", "XBB", "XBC", "XBD", "XDR", "XSU", "XUA",  # units of account
        "XTS", "XXX",  # testing; no currency involved
    }
)

COUNTRY_CODES = frozenset(country.alpha_2 for country in pycountry.countries) | USER_ASSIGNED_COUNTRIES
CURRENCY_CODES = frozenset(currency.alpha_3 for currency in pycountry.currencies) - NOT_MONEY
