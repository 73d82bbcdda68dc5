"""Every customer email in every language: nothing left in English, amounts and days as the language
writes them, the language chosen by the order (locale, else shipping country, else English).

The kinds are those of test_customer_emails (`_every_kind`, which a test there holds equal to every
email the service sends), so a new email kind is checked here in every language as soon as it exists.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from html import unescape

import pytest
from adapters_testdata import CUSTOMER_ADDRESS, WAREHOUSE, make_order, make_return
from test_customer_emails import KINDS, _every_kind

from returns_devstack import translations
from returns_shared.domain.money import Money
from returns_shared.notifications.parts import expiry_notice
from returns_shared.notifications.translation import translator

PAGE = "https://returns.example/portal/#/return/RMA-7Q2K9"
WORD = re.compile(r"[A-Za-z]{2,}")


def in_language(locale: str | None, country: str = "US"):
    address = CUSTOMER_ADDRESS.model_copy(update={"country_code": country})
    return make_order().model_copy(
        update={"locale": locale, "shipping_address": address, "billing_address": address}
    )


def readable(email) -> str:
    """What the customer reads: the subject, the text part and the HTML part's text."""
    return "\n".join([email.subject, email.text, unescape(re.sub(r"<[^>]+>", " ", email.html))])


def data_of(order) -> list[str]:
    """What an email quotes as it is in every language: the order's and the warehouse's facts, the
    ids, the agent's words, the brand. Longest first, so that no value is cut by a shorter one."""
    values = [
        order.id,
        order.email,
        "RMA-7Q2K9",
        PAGE,
        "Allegra K",
        "cs@allegra-k.com",
        "Not verifiable.",
        "UPS",
        "1ZRL9",
        *(str(v) for v in WAREHOUSE.values() if v),
        *(str(v) for v in order.shipping_address.model_dump().values() if v),
        *(part for line in order.lines for part in (line.title, line.sku)),
    ]
    return sorted(set(values), key=len, reverse=True)


def english_sentences(email, order) -> set[str]:
    """The English email's own words: its readable text cut at every quoted fact and line break,
    the pieces with two words or more."""
    text = readable(email)
    for value in data_of(order):
        text = text.replace(value, "\n")
    return {piece.strip(" -:()") for piece in text.splitlines() if len(WORD.findall(piece)) >= 2}


def test_the_check_sees_english_words_and_not_the_data():
    english = _every_kind(in_language(None))["instructions"](PAGE)
    sentences = english_sentences(english, in_language(None))
    assert any(sentence.startswith("Good news: your return request") for sentence in sentences)
    assert not [
        sentence for sentence in sentences if "Floral Midi Dress" in sentence or "Distribution" in sentence
    ]


@pytest.mark.parametrize("language", translations.TRANSLATED)
@pytest.mark.parametrize("kind", KINDS)
def test_every_email_kind_is_written_whole_in_every_language(kind, language):
    """Compared with the same email in English: none of its English sentences is left, whether it
    came from a catalogue or was written into the code without one."""
    order, english_order = in_language(f"{language}-XX"), in_language("en")
    email = _every_kind(order)[kind](PAGE)
    english = _every_kind(english_order)[kind](PAGE)
    seen = readable(email)
    left = sorted(sentence for sentence in english_sentences(english, english_order) if sentence in seen)
    assert not left, f"{kind} in {language} still says in English: {left[:3]}"
    assert f'<html lang="{language}">' in email.html and PAGE in email.text
    assert email.subject != english.subject and "RMA-7Q2K9" in email.subject
    assert email.attachments == english.attachments  # the policy attachment stays the binding English text
    # the same structure in both languages: as many paragraphs, list items and headings
    for tag in ("<p", "<li>", "<h3"):
        assert email.html.count(tag) == english.html.count(tag), (kind, tag)


@pytest.mark.parametrize(
    ("language", "amount", "day"),
    [
        ("en", "$45.00", "Mar 6, 2026"),
        ("fr", "45,00\u00a0$US", "6 mars 2026"),
        ("de", "45,00\u00a0$", "06.03.2026"),
        ("es", "45,00\u00a0US$", "6 mar 2026"),
        ("it", "45,00\u00a0USD", "6 mar 2026"),
        ("ja", "$45.00", "2026/03/06"),
    ],
)
def test_amounts_and_days_are_written_as_the_language_writes_them(language, amount, day):
    email = _every_kind(in_language(language))["refund"](PAGE)  # refunded on March 5 + 1 day
    t = translator(language)
    assert t.money(Money.of("45", "USD")) == amount
    assert t.day(datetime(2026, 3, 6, 23, 59, tzinfo=UTC)) == day
    refund = t.money(Money.of("77.40", "USD"))
    assert refund in email.subject and refund in email.text


def test_other_currencies_and_negative_amounts_follow_cldr_too():
    assert translator("ja").money(Money.of("4500", "JPY")) == "￥4,500"
    assert translator("en").money(Money.of("4500", "JPY")) == "¥4,500"
    assert translator("de").money(Money.of("1234.5", "EUR")) == "1.234,50\u00a0€"
    assert translator("fr").money(Money.of("1234.5", "EUR")) == "1\u202f234,50\u00a0€"
    assert translator("fr").money(Money(amount=Decimal("-6.99"), currency="USD")) == "-6,99\u00a0$US"
    assert translator("it").country("US") == "Stati Uniti" and translator("ja").country("JP") == "日本"


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("en", "Please ship within 1 day of", "Please ship within 2 days of"),
        ("fr", "dans un délai de 1 jour après", "dans un délai de 2 jours après"),
        ("de", "innerhalb von 1 Tag nach", "innerhalb von 2 Tagen nach"),
        ("es", "en un plazo de 1 día desde", "en un plazo de 2 días desde"),
        ("it", "entro 1 giorno dall", "entro 2 giorni dall"),
        ("ja", "承認から1日以内", "承認から2日以内"),
    ],
)
def test_plurals_follow_the_languages_rules(language, one, two):
    t, pending = translator(language), make_return()  # not approved: "within N days of approval"
    assert one in expiry_notice(pending, 1, t) and two in expiry_notice(pending, 2, t)
    if language == "fr":  # CLDR: French 0 is singular, like 1
        assert "de 0 jour après" in expiry_notice(pending, 0, t)


@pytest.mark.parametrize(
    ("locale", "country", "language"),
    [
        ("ja-JP", "US", "ja"),
        (None, "JP", "ja"),
        ("pt-BR", "FR", "fr"),
        ("zz-Top", "AT", "de"),
        (None, "NL", "en"),
        ("ja_JP.UTF-8", "US", "en"),
        ("en-GB", "IT", "en"),
    ],
)
def test_the_email_follows_the_order_then_the_shipping_country_then_english(locale, country, language):
    email = _every_kind(in_language(locale, country))["canceled"](PAGE)
    assert f'<html lang="{language}">' in email.html
    assert email.subject == translator(language).gettext("Return {rma} canceled", rma="RMA-7Q2K9")
