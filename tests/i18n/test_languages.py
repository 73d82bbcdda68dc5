"""Which language a customer's email is written in, and which locale tags an order may carry (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from returns_shared.domain.languages import (
    COUNTRY_LANGUAGE,
    LANGUAGES,
    canonical_locale,
    email_language,
    locale_problem,
    primary_language,
)


@pytest.mark.parametrize(
    ("tag", "canonical"),
    [
        ("ja-JP", "ja-JP"),
        ("JA-jp", "ja-JP"),
        ("fr-CA", "fr-CA"),
        ("de", "de"),
        ("es-419", "es-419"),
        ("zh-hant-tw", "zh-Hant-TW"),
        ("sr-Latn-RS", "sr-Latn-RS"),
        ("de-CH-1996", "de-CH-1996"),
        ("en-US-u-ca-gregory", "en-US-u-ca-gregory"),
        ("EN-us-X-Private", "en-US-x-private"),
        ("x-whatever", "x-whatever"),
        ("zh-yue-HK", "zh-yue-HK"),
    ],
)
def test_well_formed_tags_are_kept_in_their_conventional_case(tag, canonical):
    assert locale_problem(tag) is None
    assert canonical_locale(tag) == canonical


@pytest.mark.parametrize(
    "tag",
    [
        "",
        "ja_JP",
        "english",
        "fr-",
        "-fr",
        "1234",
        "ja-JP.UTF-8",
        "i-klingon",
        "fr--CA",
        "de-DE-DE",
        "ja-JP-u",
        "日本語",
        "a" * 36,
        "ja JP",
        "en-US-x-",
        "e",
    ],
)
def test_malformed_tags_are_refused_with_a_sentence(tag):
    problem = locale_problem(tag)
    assert problem and problem.startswith("must ")


def test_the_order_locale_wins_when_the_service_has_its_language():
    for language in LANGUAGES:
        assert email_language(f"{language}-XX", "JP") == language  # whatever the shipping country
        assert email_language(language.upper(), None) == language


@pytest.mark.parametrize(
    ("locale", "country", "language"),
    [
        ("fr-CA", "CA", "fr"),
        ("en-JP", "JP", "en"),
        ("ja", "US", "ja"),
        ("de-AT", "AT", "de"),
        ("es-MX", "US", "es"),
        ("it-CH", "CH", "it"),
        ("zh-Hant-TW", "JP", "ja"),
        ("pt-BR", "FR", "fr"),
        (None, "JP", "ja"),
        (None, "FR", "fr"),
        (None, "BE", "fr"),
        (None, "LU", "fr"),
        (None, "DE", "de"),
        (None, "AT", "de"),
        (None, "ES", "es"),
        (None, "IT", "it"),
        (None, "US", "en"),
        (None, "CA", "en"),
        (None, "CH", "en"),
        (None, "NL", "en"),
        (None, None, "en"),
        ("", "it", "it"),
        ("ja_JP", "US", "ja"),  # a POSIX identifier stored before tags were checked still reads as Japanese
        ("english", "DE", "de"),
        ("xx-YY", "ES", "es"),
        ("x-private", "IT", "it"),
        ("!!", None, "en"),
        ("   ", "jp", "ja"),
    ],
)
def test_the_fallback_order_locale_then_shipping_country_then_english(locale, country, language):
    assert email_language(locale, country) == language


def test_every_mapped_country_speaks_a_language_the_service_has():
    assert set(COUNTRY_LANGUAGE.values()) <= set(LANGUAGES) and LANGUAGES[0] == "en"
    assert COUNTRY_LANGUAGE == {
        "JP": "ja",
        "FR": "fr",
        "BE": "fr",
        "LU": "fr",
        "DE": "de",
        "AT": "de",
        "ES": "es",
        "IT": "it",
    }


@given(st.one_of(st.none(), st.text(max_size=40)), st.one_of(st.none(), st.text(max_size=4)))
def test_no_locale_or_country_is_ever_an_error(locale, country):
    assert email_language(locale, country) in LANGUAGES
    if locale is not None and locale_problem(locale) is None:
        assert primary_language(canonical_locale(locale)) == primary_language(locale)
