"""web/shared/i18n.js on its own in Chromium (no server: its files are served from web/ by a route):
the language chosen, the catalogues `make translations` exports, CLDR plurals through Intl, and money
and days formatted as the customer emails format them (Babel and Chromium's ICU read the same CLDR).

The email in French is rendered here too and photographed for the README (docs/screenshots)."""

from __future__ import annotations

import json
import mimetypes
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from returns_shared.domain.languages import LANGUAGES
from returns_shared.domain.money import Money
from returns_shared.notifications.translation import translator

from .conftest import shot

pytestmark = [pytest.mark.slow, pytest.mark.browser]
WEB = Path(__file__).resolve().parents[2] / "web"
ORIGIN = "http://i18n.test"


@pytest.fixture
def module_page(browser: Any) -> Iterator[Any]:
    """A blank page whose origin serves web/ (and answers 404 for anything else)."""
    context = browser.new_context()
    fetched: list[str] = []

    def serve(route: Any) -> None:
        path = route.request.url.removeprefix(ORIGIN).split("?")[0]
        fetched.append(path)
        file = (WEB / path.lstrip("/")).resolve()
        if path == "/blank.html":
            route.fulfill(body="<!DOCTYPE html><title>i18n</title>", content_type="text/html")
        elif file.is_file() and WEB in file.parents:
            route.fulfill(
                body=file.read_bytes(), content_type=mimetypes.guess_type(file.name)[0] or "text/plain"
            )
        else:
            route.fulfill(status=404, body="")

    context.route("**/*", serve)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{ORIGIN}/blank.html")
    page.fetched = fetched
    yield page
    context.close()
    assert errors == []


def run(page: Any, body: str) -> Any:
    """Evaluates `body` (an async function body with `i18n` imported) in the page."""
    return page.evaluate(f"async () => {{ const i18n = await import('{ORIGIN}/shared/i18n.js'); {body} }}")


def test_the_language_is_the_customers_choice_then_the_browsers_then_english(module_page):
    cases = [
        [None, ["ja-JP", "en-US"], "ja"],
        ["de", ["ja"], "de"],
        [None, ["pt-BR", "it-CH"], "it"],
        [None, ["pt-BR"], "en"],
        ["xx", ["FR_ca"], "fr"],
        [None, [], "en"],
        ["es-419", [], "es"],
    ]
    picked = run(module_page, f"return {json.dumps(cases)}.map(([c, b]) => i18n.pickLanguage(c, b));")
    assert picked == [case[2] for case in cases]
    assert run(module_page, "return i18n.LANGUAGES;") == list(LANGUAGES)


def test_a_catalogue_translates_the_reasons_and_the_clause_explanations(module_page):
    clause = "Free gifts cannot be returned."  # NR-GIFT's English text, as the API answers it
    found = run(
        module_page,
        f"""
      const fr = await i18n.loadCatalogue('fr');
      const ja = await i18n.loadCatalogue('ja');
      return [fr.language, fr.t('Too small'), fr.t({json.dumps(clause)}), ja.t('Wrong item sent'),
              fr.t('Not in any catalogue: {{x}}', {{ x: 1 }}), fr.t(i18n.BINDING_NOTE)];""",
    )
    assert found == [
        "fr",
        "Trop petit",
        "Les cadeaux offerts ne peuvent pas être retournés.",
        "注文と違う商品が届いた",
        "Not in any catalogue: 1",
        "Ces explications de notre politique de retour sont une traduction\u00a0: seul le texte "
        "anglais fait foi.",
    ]
    assert "/shared/locales/fr.json" in module_page.fetched


def test_english_and_an_unloadable_catalogue_fetch_nothing_and_read_english(module_page):
    found = run(
        module_page,
        """
      const en = await i18n.loadCatalogue('en');
      const missing = await i18n.loadCatalogue('de', new URL('/nowhere/', location.href));
      const unknown = await i18n.loadCatalogue('pt');
      return [en.language, en.t('Too small'), missing.language, missing.t('Too small'), unknown.language];""",
    )
    assert found == ["en", "Too small", "en", "Too small", "en"]
    assert not [path for path in module_page.fetched if path.endswith("/en.json")]


def test_plurals_follow_cldr_through_intl_plural_rules(module_page):
    found = run(
        module_page,
        """
      const fr = new i18n.Catalogue('fr', { '{count} day': { one: '{count} jour', many: '{count} de jours',
                                                              other: '{count} jours' } });
      const ja = new i18n.Catalogue('ja', { '{count} day': { other: '{count}日' } });
      const en = new i18n.Catalogue('en');
      return [0, 1, 2, 1000000].map((n) => [fr.tn('{count} day', '{count} days', n),
                                           ja.tn('{count} day', '{count} days', n),
                                           en.tn('{count} day', '{count} days', n)]);""",
    )
    assert found == [
        ["0 jour", "0日", "0 days"],
        ["1 jour", "1日", "1 day"],
        ["2 jours", "2日", "2 days"],
        ["1\u202f000\u202f000 de jours", "1,000,000日", "1,000,000 days"],
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_money_and_days_read_in_the_pages_as_in_the_emails(module_page, language):
    amounts = [("45.00", "USD"), ("1234.50", "EUR"), ("4500", "JPY"), ("-6.99", "USD")]
    pages = run(
        module_page,
        f"""
      const c = new i18n.Catalogue({json.dumps(language)});
      return [{json.dumps(amounts)}.map(([amount, currencyCode]) => c.money({{ amount, currencyCode }})),
              c.day('2026-03-05T23:30:00Z')];""",
    )
    t = translator(language)
    emails = [
        [t.money(Money.of(amount, currency)) for amount, currency in amounts],
        t.day(datetime(2026, 3, 5, 23, 30, tzinfo=UTC)),
    ]
    assert pages == emails


def french_instructions_email() -> Any:
    """The "how to ship" email of a return from a French customer's order (locale fr-FR)."""
    from returns_shared.domain.decisions import Quote, QuoteLine, ScreeningResult
    from returns_shared.domain.orders import Address, Order, OrderLine
    from returns_shared.domain.returns import Return, ReturnLine
    from returns_shared.domain.vocabulary import ReturnMethod, ReturnReason
    from returns_shared.notifications.emails import return_instructions_email

    at, eur = datetime(2026, 3, 2, 15, 30, tzinfo=UTC), (lambda amount: Money.of(amount, "EUR"))
    home = Address(
        name="Camille Martin", line1="12 rue des Lilas", city="Lyon", postal_code="69003", country_code="FR"
    )
    order = Order(
        id="AK-2040",
        email="camille@example.fr",
        placed_at=at,
        currency="EUR",
        locale="fr-FR",
        payment_reference="pi_1",
        shipping_address=home,
        billing_address=home,
        shipping_fee=eur("4.99"),
        lines=(
            OrderLine(
                id="L1",
                sku="DR-RED-M",
                title="Robe midi fleurie",
                category="DRESS",
                quantity=1,
                unit_price=eur("45.00"),
                unit_tax=eur("9.00"),
                delivered_at=at,
            ),
        ),
    )
    quote = Quote(
        lines=(QuoteLine(order_line_id="L1", quantity=1, eligible=True, amount=eur("54.00")),),
        items_subtotal=eur("54.00"),
        label_fee=eur("0"),
        shipping_credit=eur("0"),
        total=eur("54.00"),
        first_return_package=True,
        merchant_responsibility=False,
        methods_available=(ReturnMethod.SELF_SHIP,),
        applied_clauses=("WINDOW-30D", "FEE-EU"),
        policy_version="2026-01",
    )
    ret = Return.request(
        return_id="RMA-7Q2K9",
        order_id=order.id,
        customer_email=order.email,
        method=ReturnMethod.SELF_SHIP,
        quote=quote,
        idempotency_key="k",
        actor="customer",
        at=at,
        lines=[ReturnLine(order_line_id="L1", quantity=1, reason=ReturnReason.SIZE_TOO_SMALL)],
    )
    ret.apply_screening(ScreeningResult(outcome="PASS", policy_version="2026-01"), at=at)
    warehouse = {
        "name": "Allegra K Returns Center",
        "line1": "500 Distribution Way",
        "city": "Reno",
        "region": "NV",
        "postal_code": "89502",
        "country_code": "US",
    }
    return return_instructions_email(
        ret, order, return_address=warehouse, return_page="https://returns.example/portal/#/return/RMA-7Q2K9"
    )


def test_an_email_in_french_as_the_customer_reads_it(module_page):
    """The email's HTML part in Chromium, as a mail client shows it (the screenshot the README shows)."""
    email = french_instructions_email()
    module_page.set_viewport_size({"width": 720, "height": 900})
    module_page.set_content(email.html)
    assert module_page.locator("html").get_attribute("lang") == "fr"
    assert module_page.title() == "Retour RMA-7Q2K9 accepté\u00a0: comment nous renvoyer vos articles"
    assert module_page.get_by_text("Remboursement estimé\u00a0: 54,00\u00a0€").is_visible()
    assert module_page.get_by_text("États-Unis").is_visible()
    shot(module_page, "email-fr-instructions")


ACTIONS = ("request", "cancel", "tracking")
SENTINEL = "THE API'S OWN ENGLISH"  # a refusal the portal does not word would show the API's message


def _error_of(code: str, key: str) -> tuple[dict[str, Any], str]:
    """The userError (and the page's action) that one entry of refusals.js REFUSALS words."""
    action, _, field = key.rpartition(":") if ":" in key else ("", "", key)
    if key in ACTIONS:
        action, field = key, ""
    named = ["input", field] if field and field != "*" else None
    return {"code": code, "message": SENTINEL, "field": named}, action or "request"


# One order's lines for the reasons: a set of two (NR-SET names the other) and three coats (QTY).
WORDED = """
  const r = await import('/shared/refusals.js');
  const lines = [{ id: 'L4', title: 'Top', setId: 'S', quantity: 1 },
                 { id: 'L5', title: 'Skirt', setId: 'S', quantity: 1 },
                 { id: 'L6', title: 'Coat', quantity: 3 }];
  const order = { lines };
  const item = { orderLineId: 'L4', eligible: false, returnableQuantity: 0,
                 returnDeadline: '2026-03-05T12:00:00Z' };
  const reasons = CODES.map((code) => r.reasonText({ code, message: SENTINEL },
    { order, line: code === 'QUANTITY_EXCEEDED' ? lines[2] : lines[0], item }));
  const asked = r.reasonText({ code: 'QUANTITY_EXCEEDED', message: SENTINEL },
    { order, line: lines[2], item: { eligible: true, returnableQuantity: 2 }, asked: 3 });
  const refusals = CASES.map(([error, action]) => r.refusalText(error, action));
  const failures = [{ code: 'INTERNAL_SERVER_ERROR', reference: 'req-1' }, { code: 'FORBIDDEN' },
                    { code: 'UNREACHABLE' }].map((error) => r.failureText({ ...error, message: SENTINEL }));
  return [...reasons, asked, ...refusals, ...failures];
"""


def test_every_refusal_and_reason_the_portal_words_reads_in_every_language(module_page):
    """Each ineligibility code of the schema and each refusal the portal words by its code: a sentence of
    its own in English (not the API's message), translated in every other language."""
    schema = (WEB.parent / "graphql" / "schema.graphql").read_text(encoding="utf-8")
    codes = re.search(r"enum IneligibilityCode \{([^}]*)\}", schema)[1].split()
    known = run(module_page, "const r = await import('/shared/refusals.js');"
                "return Object.entries(r.REFUSALS).flatMap(([code, words]) => Object.keys(words)"
                ".map((key) => [code, key]));")
    cases = [_error_of(code, key) for code, key in known]
    constants = (f"const CODES = {json.dumps(codes)}, CASES = {json.dumps(cases)}, "
                 f"SENTINEL = {json.dumps(SENTINEL)};")
    worded: dict[str, list[str]] = {}
    for language in LANGUAGES:
        speak = f"i18n.useCatalogue(await i18n.loadCatalogue({json.dumps(language)}));"
        worded[language] = run(module_page, constants + speak + WORDED)
    english = worded["en"]
    assert not [text for text in english if SENTINEL in text or not text], english
    assert "“Skirt”" in english[codes.index("SET_INCOMPLETE")]  # the set's other item, named
    assert "Mar 5, 2026" in english[codes.index("RETURN_WINDOW_EXPIRED")]
    assert "All 3 delivered items" in english[codes.index("QUANTITY_EXCEEDED")]
    assert english[len(codes)].startswith("Only 2 can still be returned")
    for language in LANGUAGES[1:]:
        same = [text for text, source in zip(worded[language], english, strict=True) if text == source]
        assert not same, f"{language}: left in English: {same}"
    assert "「Skirt」" in worded["ja"][codes.index("SET_INCOMPLETE")]
    assert "5 mars 2026" in worded["fr"][codes.index("RETURN_WINDOW_EXPIRED")]


def test_the_portal_words_only_codes_the_api_has():
    """refusals.js words userErrors by code: each code it knows is one the API documents (README, Errors),
    so a renamed code cannot silently fall back to English."""
    readme = (WEB.parent / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, re.M))
    refusals = (WEB / "shared" / "refusals.js").read_text(encoding="utf-8")
    known = set(re.findall(r"^  ([A-Z_]+): \{", refusals, re.M))
    assert known and known <= documented, known - documented
