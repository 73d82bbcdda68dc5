"""The words and formats of one language for the customer emails: gettext catalogues and CLDR formats.

The emails' English source strings are the message ids (marked `t.gettext(...)`, `t.ngettext(...)`
and `N_(...)`, extracted by `make translations`); each other language's translations are compiled
into `locales/<language>/LC_MESSAGES/emails.mo` (the `.po` beside it is what translators edit) and
ship in the package. Placeholders are named (`{rma}`), so a translation may put them in any order,
and every sentence is one message: nothing is assembled from translated fragments. Plurals follow
the language's CLDR rules (the catalogue's Plural-Forms, written by Babel).

Amounts, days and country names are formatted by Babel with the CLDR data of the language
(`$45.00`, `45,00 $US`, `5 mars 2026`, `2026/03/05`). Babel is imported by the first email, not at
cold start; the Lambda build keeps the CLDR data of the service's languages only (lambda-build.mk).
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from returns_shared.domain.languages import ENGLISH, LANGUAGES
from returns_shared.domain.money import Money, round_cents

LOCALES = Path(__file__).with_name("locales")
DOMAIN = "emails"


def N_(message: str) -> str:
    """Marks a module-level string for extraction; `t.gettext(text)` translates it where it is used."""
    return message


class Translator:
    """One language's catalogue and formats. `gettext` and `ngettext` fill named placeholders."""

    def __init__(self, language: str, catalogue: gettext.NullTranslations) -> None:
        self.language = language
        self._catalogue = catalogue

    def gettext(self, message: str, **values: Any) -> str:
        text = self._catalogue.gettext(message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, count: int, **values: Any) -> str:
        return self._catalogue.ngettext(singular, plural, count).format(count=count, **values)

    def money(self, value: Money) -> str:
        """An amount as the language writes it in that currency, e.g. `45,00 $US` in French."""
        from babel.numbers import format_currency

        return format_currency(round_cents(value.amount), value.currency, locale=self.language)

    def day(self, moment: datetime) -> str:
        """A calendar day (UTC) in the language's medium date format, e.g. `5 mars 2026`."""
        from babel.dates import format_date

        return format_date(moment.astimezone(UTC).date(), format="medium", locale=self.language)

    def country(self, code: str) -> str:
        """A country's name in the language (an unknown code stays as it is)."""
        from babel import Locale

        return str(Locale.parse(self.language).territories.get(code.upper(), code))

    def address_lines(self, address: Mapping[str, Any]) -> list[str]:
        """Postal lines of an address dict, the country named in the reader's language (as the
        UPU asks of a destination written in the sender's country)."""
        from returns_shared.notifications.formatting import address_lines

        code = address.get("country_code")
        return address_lines(
            address, country=self.country(str(code)) if code else None,
            phone=lambda number: self.gettext("Phone: {phone}", phone=number),
        )


@cache
def translator(language: str) -> Translator:
    """The translator of a language the service has (English for any other: it never fails)."""
    if language not in LANGUAGES or language == ENGLISH:
        return Translator(ENGLISH, gettext.NullTranslations())
    with (LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as compiled:
        return Translator(language, gettext.GNUTranslations(compiled))
