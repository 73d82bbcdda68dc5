"""The languages customers are served in, and which one a customer's email is written in.

An order may carry the customer's locale as a BCP 47 tag (`ja-JP`, `fr-CA`, `de-DE`; RFC 5646). The
order feed's tag is checked for well-formedness when the order is recorded (`locale_problem`), but
the email language never fails on a tag: a language the service does not have, or a tag stored
before it was checked, falls back to the shipping country's main language, then to English.

Babel's `parse_locale` is not used to check tags: it reads POSIX identifiers (`english` parses as a
language, `ja_JP` with `sep="-"` is refused) and refuses well-formed BCP 47 tags with extensions
(`en-US-u-ca-gregory`), so the check is RFC 5646's grammar itself; Babel formats afterwards.
"""

from __future__ import annotations

import re

ENGLISH = "en"
# The languages with a catalogue (notifications/locales, web/shared/locales), English first.
LANGUAGES: tuple[str, ...] = ("en", "fr", "de", "es", "it", "ja")
# The main language of the shipping countries the merchant serves in a language it has.
COUNTRY_LANGUAGE: dict[str, str] = {
    "JP": "ja",
    "FR": "fr", "BE": "fr", "LU": "fr",
    "DE": "de", "AT": "de",
    "ES": "es",
    "IT": "it",
}
MAX_LOCALE_LENGTH = 35  # RFC 5646 4.4.1: 35 characters hold every tag a real implementation needs

# RFC 5646 2.1 `langtag` (language, extlang, script, region, variants, extensions, private use) and
# a whole private-use tag. The language is an ISO 639 code (2-3 letters): the 4-letter subtags are
# reserved and no 5-8 letter one was ever registered, so `english` is refused as a mistake; the
# irregular grandfathered tags (i-klingon, ...) are not accepted either.
_LANGTAG = re.compile(
    r"""
    (?:
      (?P<language>[a-z]{2,3}(?:-[a-z]{3}){0,3})
      (?:-(?P<script>[a-z]{4}))?
      (?:-(?P<region>[a-z]{2}|[0-9]{3}))?
      (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*
      (?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*
      (?:-x(?:-[a-z0-9]{1,8})+)?
    |
      x(?:-[a-z0-9]{1,8})+
    )
    """,
    re.VERBOSE,
)


def locale_problem(tag: str) -> str | None:
    """Why `tag` is not a well-formed BCP 47 language tag, or None."""
    if len(tag) > MAX_LOCALE_LENGTH:
        return f"must be at most {MAX_LOCALE_LENGTH} characters"
    if not tag.isascii() or _LANGTAG.fullmatch(tag.lower()) is None:
        return "must be a BCP 47 language tag such as ja-JP, fr-CA or de (hyphens, no underscores)"
    return None


def canonical_locale(tag: str) -> str:
    """A well-formed tag in BCP 47's conventional case: `JA-jp` -> `ja-JP`, `zh-hant-tw` ->
    `zh-Hant-TW` (language lower case, script title case, region upper case; the subtags of an
    extension or of private use stay lower case)."""
    subtags = tag.lower().split("-")
    out = subtags[:1]
    for subtag in subtags[1:]:
        if any(len(seen) == 1 for seen in out):  # after a singleton (u, x, ...): extension subtags
            out.append(subtag)
        elif len(subtag) == 4 and subtag.isalpha():
            out.append(subtag.title())
        elif len(subtag) == 2 and subtag.isalpha() or len(subtag) == 3 and subtag.isdigit():
            out.append(subtag.upper())
        else:
            out.append(subtag)
    return "-".join(out)


def primary_language(tag: str | None) -> str | None:
    """The language subtag of a tag, lower case, or None when there is none to read (never raises:
    stored tags are read here too)."""
    if not tag:
        return None
    match = _LANGTAG.fullmatch(tag.strip().lower().replace("_", "-"))
    if match is None or not match.group("language"):
        return None
    return match.group("language").split("-")[0]


def email_language(locale: str | None, shipping_country: str | None) -> str:
    """The language of a customer's email: the order's locale when the service has its language, else
    the main language of the shipping country, else English. Never fails."""
    language = primary_language(locale)
    if language in LANGUAGES:
        return language
    return COUNTRY_LANGUAGE.get((shipping_country or "").strip().upper(), ENGLISH)
